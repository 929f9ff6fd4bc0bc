package webhook

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Facts is what the webhook learned about the cluster from the API server.
// Zero fields are unknown; the configuration file fills them in.
type Facts struct {
	KubernetesVersion string
	ServiceCIDRs      []string
	// Nodes is meaningful only when NodesKnown.
	Nodes      []rules.Node
	NodesKnown bool
	// ConfigMaps are the targeted ConfigMaps (base eni-config, sibling
	// kube-proxy ConfigMaps ...) keyed by namespace/name.
	ConfigMaps map[string]*corev1.ConfigMap
}

// clusterSource provides Facts without blocking the request path.
type clusterSource interface {
	Start(ctx context.Context) error
	// Synced reports whether the initial discovery finished (or was given up).
	Synced() bool
	// Facts returns the latest facts, nil when none.
	Facts() *Facts
	// ConfigChanged tells the source about a new configuration.
	ConfigChanged(cfg *rules.Config)
}

// offlineSource knows nothing: the configuration file is the only source.
type offlineSource struct{}

func (offlineSource) Start(ctx context.Context) error { <-ctx.Done(); return nil }
func (offlineSource) Synced() bool                    { return true }
func (offlineSource) Facts() *Facts                   { return nil }
func (offlineSource) ConfigChanged(*rules.Config)     {}

// composeCluster overlays discovered facts on the configuration's cluster
// section: what the API server says wins, the file fills the gaps.
func composeCluster(base *rules.ClusterContext, f *Facts) *rules.ClusterContext {
	c := *base
	c.ServiceCIDRs = slices.Clone(base.ServiceCIDRs)
	c.PodCIDRs = slices.Clone(base.PodCIDRs)
	c.Nodes = slices.Clone(base.Nodes)
	c.ConfigMaps = maps.Clone(base.ConfigMaps)
	if f == nil {
		return &c
	}
	if f.KubernetesVersion != "" {
		c.KubernetesVersion = f.KubernetesVersion
	}
	if len(f.ServiceCIDRs) > 0 {
		c.ServiceCIDRs = slices.Clone(f.ServiceCIDRs)
	}
	if f.NodesKnown {
		c.Nodes = slices.Clone(f.Nodes)
	}
	for _, cm := range f.ConfigMaps {
		c.AddConfigMap(cm)
	}
	return &c
}

// apiSource keeps Facts up to date from the API server: the version from
// discovery (at start and every interval) and nodes, targeted ConfigMaps and
// the `kubernetes` ServiceCIDR from controller-runtime informer caches. Each
// source is probed once at start; one that RBAC or the API does not allow is
// left to the configuration file. Requests only ever read the last Facts.
type apiSource struct {
	cfg         *rest.Config
	interval    time.Duration
	syncTimeout time.Duration
	log         logr.Logger
	onChange    func()

	config atomic.Pointer[rules.Config]
	facts  atomic.Pointer[Facts]
	synced atomic.Bool

	mu      sync.Mutex
	version string
	cache   cache.Cache
	kinds   map[string]bool // which informers run: "nodes", "configmaps", "servicecidrs"
	dirty   chan struct{}
}

func newAPISource(cfg *rest.Config, interval, syncTimeout time.Duration, log logr.Logger, onChange func()) *apiSource {
	return &apiSource{cfg: cfg, interval: interval, syncTimeout: syncTimeout, log: log, onChange: onChange, dirty: make(chan struct{}, 1), kinds: map[string]bool{}}
}

func (a *apiSource) Synced() bool  { return a.synced.Load() }
func (a *apiSource) Facts() *Facts { return a.facts.Load() }
func (a *apiSource) ConfigChanged(cfg *rules.Config) {
	a.config.Store(cfg)
	a.markDirty()
}

func (a *apiSource) markDirty() {
	select {
	case a.dirty <- struct{}{}:
	default:
	}
}

// targetNamespaces are the namespaces holding targeted ConfigMaps.
func targetNamespaces(cfg *rules.Config) []string {
	t := cfg.Targets
	ns := slices.Concat(t.Terway.Namespaces, t.Flannel.Namespaces, t.KubeProxy.Namespaces)
	slices.Sort(ns)
	return slices.Compact(ns)
}

func (a *apiSource) Start(ctx context.Context) error {
	if a.config.Load() == nil {
		a.config.Store(rules.DefaultConfig())
	}
	cs, err := kubernetes.NewForConfig(a.cfg)
	if err != nil {
		a.synced.Store(true)
		return fmt.Errorf("kubernetes client: %w", err)
	}
	a.discoverVersion(cs)

	probe := func(what string, list func(ctx context.Context) error) bool {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := list(pctx); err != nil {
			a.log.Info("cluster context source unavailable; using the configuration file for it", "source", what, "error", err.Error())
			return false
		}
		return true
	}
	one := metav1.ListOptions{Limit: 1}
	a.kinds["nodes"] = probe("nodes", func(ctx context.Context) error { _, err := cs.CoreV1().Nodes().List(ctx, one); return err })
	namespaces := targetNamespaces(a.config.Load())
	a.kinds["configmaps"] = probe("configmaps", func(ctx context.Context) error {
		for _, ns := range namespaces {
			if _, err := cs.CoreV1().ConfigMaps(ns).List(ctx, one); err != nil {
				return err
			}
		}
		return nil
	})
	a.kinds["servicecidrs"] = probe("servicecidrs", func(ctx context.Context) error {
		_, err := cs.NetworkingV1().ServiceCIDRs().List(ctx, one)
		return err
	})

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	nsConfig := map[string]cache.Config{}
	for _, ns := range namespaces {
		nsConfig[ns] = cache.Config{}
	}
	c, err := cache.New(a.cfg, cache.Options{
		Scheme:           scheme,
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Node{}:              {Transform: trimNode},
			&corev1.ConfigMap{}:         {Namespaces: nsConfig, Transform: a.trimConfigMap},
			&networkingv1.ServiceCIDR{}: {Field: fields.OneTermEqualSelector("metadata.name", "kubernetes")},
		},
	})
	if err != nil {
		// Building the caches needs discovery (is ConfigMap namespaced?).
		// With the API server unreachable at start that fails; returning
		// the error used to stop the whole webhook server. Serve with the
		// configuration file instead, as for any unavailable source.
		a.log.Error(err, "cluster context caches unavailable; using the configuration file for nodes, ConfigMaps and ServiceCIDRs")
		a.rebuild(ctx)
		a.synced.Store(true)
		return a.loop(ctx, cs)
	}
	a.cache = c
	handler := toolscache.ResourceEventHandlerDetailedFuncs{
		AddFunc:    func(any, bool) { a.markDirty() },
		UpdateFunc: func(any, any) { a.markDirty() },
		DeleteFunc: func(any) { a.markDirty() },
	}
	objs := map[string]client.Object{"nodes": &corev1.Node{}, "configmaps": &corev1.ConfigMap{}, "servicecidrs": &networkingv1.ServiceCIDR{}}
	for kind, obj := range objs {
		if !a.kinds[kind] {
			continue
		}
		inf, err := c.GetInformer(ctx, obj, cache.BlockUntilSynced(false))
		if err != nil {
			a.log.Error(err, "informer", "source", kind)
			a.kinds[kind] = false
			continue
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return err
		}
	}
	go func() {
		if err := c.Start(ctx); err != nil {
			a.log.Error(err, "cluster cache stopped")
		}
	}()
	go func() {
		sctx, cancel := context.WithTimeout(ctx, a.syncTimeout)
		defer cancel()
		if !c.WaitForCacheSync(sctx) && ctx.Err() == nil {
			a.log.Info("cluster caches did not sync in time; serving with the configuration file until they do", "timeout", a.syncTimeout.String())
		}
		a.rebuild(ctx)
		a.synced.Store(true)
	}()

	return a.loop(ctx, cs)
}

// loop re-reads the version every interval and rebuilds the facts (debounced)
// when a cache changes.
func (a *apiSource) loop(ctx context.Context, cs kubernetes.Interface) error {
	versionTick := time.NewTicker(a.interval)
	defer versionTick.Stop()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-versionTick.C:
			if a.discoverVersion(cs) {
				a.markDirty()
			}
		case <-a.dirty:
			debounce.Reset(200 * time.Millisecond)
		case <-debounce.C:
			a.rebuild(ctx)
		}
	}
}

// discoverVersion reads the server version; it reports whether it changed.
func (a *apiSource) discoverVersion(cs kubernetes.Interface) bool {
	v, err := cs.Discovery().ServerVersion()
	if err != nil {
		a.log.Info("Kubernetes version discovery failed; using the configuration file's", "error", err.Error())
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	changed := a.version != v.GitVersion
	a.version = v.GitVersion
	return changed
}

// rebuild lists the caches (in memory) into new Facts.
func (a *apiSource) rebuild(ctx context.Context) {
	f := &Facts{}
	a.mu.Lock()
	f.KubernetesVersion = a.version
	a.mu.Unlock()
	cfg := a.config.Load()
	if a.cache != nil && a.kinds["nodes"] {
		var nodes corev1.NodeList
		if err := a.cache.List(ctx, &nodes); err == nil {
			f.NodesKnown = true
			for i := range nodes.Items {
				f.Nodes = append(f.Nodes, nodeFacts(&nodes.Items[i]))
			}
		}
	}
	if a.cache != nil && a.kinds["configmaps"] {
		var cms corev1.ConfigMapList
		if err := a.cache.List(ctx, &cms); err == nil {
			for i := range cms.Items {
				cm := &cms.Items[i]
				if _, ok := cfg.Match("ConfigMap", cm.Namespace, cm.Name); ok {
					if f.ConfigMaps == nil {
						f.ConfigMaps = map[string]*corev1.ConfigMap{}
					}
					f.ConfigMaps[cm.Namespace+"/"+cm.Name] = cm
				}
			}
		}
	}
	if a.cache != nil && a.kinds["servicecidrs"] {
		var sc networkingv1.ServiceCIDRList
		if err := a.cache.List(ctx, &sc); err == nil {
			for _, s := range sc.Items {
				if s.Name == "kubernetes" {
					f.ServiceCIDRs = slices.Clone(s.Spec.CIDRs)
				}
			}
		}
	}
	a.facts.Store(f)
	if a.onChange != nil {
		a.onChange()
	}
}

// nodeFacts keeps what the rules need of a Node.
func nodeFacts(n *corev1.Node) rules.Node {
	out := rules.Node{Name: n.Name, PodCIDRs: slices.Clone(n.Spec.PodCIDRs), Labels: maps.Clone(n.Labels)}
	if len(out.PodCIDRs) == 0 && n.Spec.PodCIDR != "" {
		out.PodCIDRs = []string{n.Spec.PodCIDR}
	}
	if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		out.CPUs = int(q.Value())
	}
	return out
}

// trimNode drops everything of a Node but name, labels, podCIDRs and CPU
// capacity before it is cached (a large cluster's nodes are mostly status).
func trimNode(obj any) (any, error) {
	n, ok := obj.(*corev1.Node)
	if !ok {
		return obj, nil
	}
	t := &corev1.Node{TypeMeta: n.TypeMeta}
	t.Name, t.Labels, t.ResourceVersion, t.UID = n.Name, n.Labels, n.ResourceVersion, n.UID
	t.Spec.PodCIDR, t.Spec.PodCIDRs = n.Spec.PodCIDR, n.Spec.PodCIDRs
	if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		t.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: q}
	}
	return t, nil
}

// trimConfigMap keeps the data only of targeted ConfigMaps: the namespaces
// are shared with unrelated ConfigMaps (leader election, ...), and a field
// selector cannot select a set of names or a name pattern.
func (a *apiSource) trimConfigMap(obj any) (any, error) {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok {
		return obj, nil
	}
	cm.ManagedFields = nil
	cfg := a.config.Load()
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	if _, ok := cfg.Match("ConfigMap", cm.Namespace, cm.Name); !ok {
		cm.Data, cm.BinaryData = nil, nil
	}
	return cm, nil
}
