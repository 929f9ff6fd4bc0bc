package webhook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/internal/clusterfacts"
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

// Context sources: the Kubernetes version (discovery) and three informer
// caches. Each is probed, retried and aged on its own.
const (
	SourceVersion      = "version"
	SourceNodes        = "nodes"
	SourceConfigMaps   = "configmaps"
	SourceServiceCIDRs = "servicecidrs"
)

var cachedSources = []string{SourceNodes, SourceConfigMaps, SourceServiceCIDRs}

// SourceStatus is the state of one context source.
type SourceStatus struct {
	Name string `json:"name"`
	// Up: the last probe (or the informer's last list/watch) succeeded.
	Up bool `json:"up"`
	// Synced: the source's facts were read at least once (informer synced,
	// version discovered).
	Synced bool `json:"synced"`
	// InUse: the rules see this source's facts (synced and not stale).
	InUse bool `json:"inUse"`
	// Objects is how many objects the source's cache held at the last
	// rebuild (informer sources only).
	Objects     int       `json:"objects,omitempty"`
	LastSuccess time.Time `json:"lastSuccess,omitzero"`
	LastError   string    `json:"lastError,omitempty"`
}

// sourceState is the mutable state of one source (guarded by apiSource.mu).
type sourceState struct {
	up, synced, running bool
	// tried: at least one probe finished (success or not); readiness waits
	// for every source to be tried so no decision uses a half-read context.
	tried       bool
	lastSuccess time.Time
	lastErr     string
	nextCheck   time.Time
	backoff     time.Duration
	inf         cache.Informer
	runningAt   time.Time
	objects     int
}

// apiSource keeps Facts up to date from the API server: the version from
// discovery and nodes, targeted ConfigMaps and the `kubernetes` ServiceCIDR
// from controller-runtime informer caches. Every source is probed (a
// one-item list) every probeInterval; one the API or RBAC refuses is retried
// with exponential backoff (1s doubling up to probeInterval) and served
// from the configuration file meanwhile, so a missing RoleBinding or an API
// server that is down at start heals by itself once fixed. A source whose
// last success is older than staleAfter is dropped from the facts (the rules
// needing it fall back to the file or stay silent, and the validating hook
// warns), never used to deny on old data. Requests only ever read the last
// Facts.
type apiSource struct {
	cfg           *rest.Config
	interval      time.Duration // version re-discovery
	probeInterval time.Duration
	staleAfter    time.Duration
	syncTimeout   time.Duration
	log           logr.Logger
	onChange      func()
	now           func() time.Time

	config atomic.Pointer[rules.Config]
	facts  atomic.Pointer[Facts]
	synced atomic.Bool

	mu      sync.Mutex
	start   time.Time
	version string
	cache   cache.Cache
	state   map[string]*sourceState
	inUse   string // the sources in use at the last rebuild, for change detection
	dirty   chan struct{}
}

func newAPISource(cfg *rest.Config, interval, syncTimeout time.Duration, log logr.Logger, onChange func()) *apiSource {
	a := &apiSource{cfg: cfg, interval: interval, syncTimeout: syncTimeout, log: log, onChange: onChange,
		probeInterval: 30 * time.Second, staleAfter: 3 * time.Minute, now: time.Now,
		dirty: make(chan struct{}, 1), state: map[string]*sourceState{}}
	for _, s := range append([]string{SourceVersion}, cachedSources...) {
		a.state[s] = &sourceState{backoff: time.Second}
	}
	return a
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
	ns, _ := cfg.TargetNamespaces("ConfigMap")
	return ns
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
	a.mu.Lock()
	a.start = a.now()
	a.mu.Unlock()
	a.checkAll(ctx, cs)
	a.rebuild(ctx)
	return a.loop(ctx, cs)
}

// loop probes the sources that are due (every second it looks), notices
// informers that finished syncing and sources that went stale, and rebuilds
// the facts (debounced) when a cache or the set of usable sources changed.
func (a *apiSource) loop(ctx context.Context, cs kubernetes.Interface) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			a.checkAll(ctx, cs)
			if a.usableChanged() {
				a.markDirty()
			}
		case <-a.dirty:
			debounce.Reset(200 * time.Millisecond)
		case <-debounce.C:
			a.rebuild(ctx)
		}
	}
}

// checkAll probes every source that is due and updates readiness.
func (a *apiSource) checkAll(ctx context.Context, cs kubernetes.Interface) {
	now := a.now()
	for _, name := range append([]string{SourceVersion}, cachedSources...) {
		a.mu.Lock()
		st := a.state[name]
		due := !now.Before(st.nextCheck)
		inf, running, synced := st.inf, st.running, st.synced
		a.mu.Unlock()
		if running && !synced && inf != nil && inf.HasSynced() {
			a.mu.Lock()
			st.synced = true
			a.mu.Unlock()
			a.markDirty()
		}
		if !due {
			continue
		}
		err := a.probe(ctx, cs, name)
		a.record(name, err)
		if err == nil && name != SourceVersion && !running {
			if err := a.startInformer(ctx, name); err != nil {
				a.log.Info("cluster context source could not start; retrying", "source", name, "error", err.Error())
				a.record(name, err)
			}
		}
	}
	a.updateSynced()
}

// record applies a probe result: success resets the backoff and schedules
// the next regular probe; failure doubles the backoff up to probeInterval.
func (a *apiSource) record(name string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.state[name]
	now := a.now()
	st.tried = true
	if err == nil {
		if !st.up && st.lastErr != "" {
			a.log.Info("cluster context source recovered", "source", name)
		}
		st.up, st.lastErr, st.lastSuccess = true, "", now
		st.backoff = time.Second
		st.nextCheck = now.Add(a.probeInterval)
		if name == SourceVersion {
			st.synced = true
		}
		return
	}
	if st.up || st.lastErr == "" {
		if name == SourceVersion {
			a.log.Info("Kubernetes version discovery failed; using the configuration file's", "error", err.Error())
		} else {
			a.log.Info("cluster context source unavailable; using the configuration file for it", "source", name, "error", err.Error(), "retryIn", st.backoff.String())
		}
	}
	st.up, st.lastErr = false, err.Error()
	st.nextCheck = now.Add(st.backoff)
	st.backoff = min(2*st.backoff, max(a.probeInterval, time.Second))
}

// probe is one cheap request proving the API server serves the source to
// netguard now: discovery for the version, a one-item list otherwise.
func (a *apiSource) probe(ctx context.Context, cs kubernetes.Interface, name string) error {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	one := metav1.ListOptions{Limit: 1}
	switch name {
	case SourceVersion:
		v, err := cs.Discovery().ServerVersion()
		if err != nil {
			return err
		}
		a.mu.Lock()
		changed := a.version != v.GitVersion
		a.version = v.GitVersion
		a.mu.Unlock()
		if changed {
			a.markDirty()
		}
		return nil
	case SourceNodes:
		_, err := cs.CoreV1().Nodes().List(pctx, one)
		return err
	case SourceConfigMaps:
		for _, ns := range targetNamespaces(a.config.Load()) {
			if _, err := cs.CoreV1().ConfigMaps(ns).List(pctx, one); err != nil {
				return err
			}
		}
		return nil
	case SourceServiceCIDRs:
		_, err := cs.NetworkingV1().ServiceCIDRs().List(pctx, one)
		return err
	}
	return fmt.Errorf("unknown source %q", name)
}

// startInformer creates the cache on first use (building it needs the API
// server's discovery, so it is retried like a probe) and adds the source's
// informer; informers added after the cache started run at once.
func (a *apiSource) startInformer(ctx context.Context, name string) error {
	a.mu.Lock()
	c := a.cache
	a.mu.Unlock()
	if c == nil {
		var err error
		if c, err = a.newCache(); err != nil {
			return fmt.Errorf("cluster context caches: %w", err)
		}
		a.mu.Lock()
		a.cache = c
		a.mu.Unlock()
		go func() {
			if err := c.Start(ctx); err != nil {
				a.log.Error(err, "cluster cache stopped")
			}
		}()
	}
	obj := map[string]client.Object{SourceNodes: &corev1.Node{}, SourceConfigMaps: &corev1.ConfigMap{}, SourceServiceCIDRs: &networkingv1.ServiceCIDR{}}[name]
	inf, err := c.GetInformer(ctx, obj, cache.BlockUntilSynced(false))
	if err != nil {
		return err
	}
	handler := toolscache.ResourceEventHandlerDetailedFuncs{
		AddFunc:    func(any, bool) { a.markDirty() },
		UpdateFunc: func(any, any) { a.markDirty() },
		DeleteFunc: func(any) { a.markDirty() },
	}
	if _, err := inf.AddEventHandler(handler); err != nil {
		return err
	}
	a.mu.Lock()
	st := a.state[name]
	st.inf, st.running, st.runningAt = inf, true, a.now()
	a.mu.Unlock()
	return nil
}

func (a *apiSource) newCache() (cache.Cache, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	nsConfig := map[string]cache.Config{}
	for _, ns := range targetNamespaces(a.config.Load()) {
		nsConfig[ns] = cache.Config{}
	}
	return cache.New(a.cfg, cache.Options{
		Scheme:           scheme,
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Node{}:              {Transform: clusterfacts.TrimNode},
			&corev1.ConfigMap{}:         {Namespaces: nsConfig, Transform: a.trimConfigMap},
			&networkingv1.ServiceCIDR{}: {Field: fields.OneTermEqualSelector("metadata.name", clusterfacts.ServiceCIDRName)},
		},
		DefaultWatchErrorHandler: a.watchError,
	})
}

// watchError marks a source down as soon as its informer's list or watch
// fails (RBAC revoked, API server gone), before the next probe notices.
func (a *apiSource) watchError(ctx context.Context, r *toolscache.Reflector, err error) {
	toolscache.DefaultWatchErrorHandler(ctx, r, err)
	desc := strings.ToLower(r.TypeDescription())
	for _, name := range cachedSources {
		if strings.Contains(desc, strings.TrimSuffix(name, "s")) {
			a.mu.Lock()
			st := a.state[name]
			st.up, st.lastErr = false, err.Error()
			if !st.nextCheck.After(a.now().Add(st.backoff)) {
				st.nextCheck = a.now().Add(st.backoff)
			}
			a.mu.Unlock()
		}
	}
}

// updateSynced turns readiness on once every source was tried and every
// informer that runs synced (or syncTimeout passed since it started): no
// review is judged with a half-read context.
func (a *apiSource) updateSynced() {
	if a.synced.Load() {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, st := range a.state {
		if !st.tried {
			return
		}
		if st.running && !st.synced && a.now().Sub(st.runningAt) < a.syncTimeout {
			return
		}
	}
	a.synced.Store(true)
	a.markDirty()
}

// usable reports whether a source's facts may be used (mu held).
func (a *apiSource) usable(st *sourceState, now time.Time) bool {
	return st.synced && now.Sub(st.lastSuccess) <= a.staleAfter
}

// usableChanged reports whether the set of usable sources changed since
// the last rebuild (a source went stale or came back).
func (a *apiSource) usableChanged() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.usableKeyLocked(a.now()) != a.inUse
}

func (a *apiSource) usableKeyLocked(now time.Time) string {
	var b strings.Builder
	for _, name := range append([]string{SourceVersion}, cachedSources...) {
		if a.usable(a.state[name], now) {
			b.WriteString(name + ",")
		}
	}
	return b.String()
}

// Sources reports every source's state.
func (a *apiSource) Sources() []SourceStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	var out []SourceStatus
	for _, name := range append([]string{SourceVersion}, cachedSources...) {
		st := a.state[name]
		out = append(out, SourceStatus{Name: name, Up: st.up, Synced: st.synced, InUse: a.usable(st, now), Objects: st.objects, LastSuccess: st.lastSuccess, LastError: st.lastErr})
	}
	return out
}

// contextAge is how old the cluster context is: the time since the oldest
// last success among the sources that ever succeeded, or since start when
// none did.
func (a *apiSource) contextAge() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	oldest := time.Time{}
	for _, st := range a.state {
		if !st.lastSuccess.IsZero() && (oldest.IsZero() || st.lastSuccess.Before(oldest)) {
			oldest = st.lastSuccess
		}
	}
	if oldest.IsZero() {
		oldest = a.start
	}
	if oldest.IsZero() {
		return 0
	}
	return a.now().Sub(oldest)
}

// rebuild lists the caches (in memory) into new Facts, using only the
// sources that are synced and fresh.
func (a *apiSource) rebuild(ctx context.Context) {
	f := &Facts{}
	now := a.now()
	a.mu.Lock()
	c := a.cache
	use := map[string]bool{}
	for name, st := range a.state {
		use[name] = a.usable(st, now)
		if use[name] || !st.tried {
			continue
		}
		switch {
		case st.synced && name == SourceVersion:
			// The version outlives an outage: a cluster is not upgraded
			// behind a broken API server. Keep it, say so.
			use[name] = true
			f.Degraded = append(f.Degraded, fmt.Sprintf("netguard: the Kubernetes version was last confirmed at %s (%s); version-dependent checks used it", st.lastSuccess.UTC().Format(time.RFC3339), st.lastErr))
		case st.synced:
			f.Degraded = append(f.Degraded, fmt.Sprintf("netguard: the cluster's %s were last confirmed at %s and are stale (%s); checks that need them used the configuration file only", name, st.lastSuccess.UTC().Format(time.RFC3339), st.lastErr))
		default:
			f.Degraded = append(f.Degraded, fmt.Sprintf("netguard: the cluster's %s are unavailable (%s); checks that need them used the configuration file only", name, st.lastErr))
		}
	}
	if use[SourceVersion] {
		f.KubernetesVersion = a.version
	}
	a.inUse = a.usableKeyLocked(now)
	a.mu.Unlock()
	slices.Sort(f.Degraded)
	cfg := a.config.Load()
	var counts [3]int
	if c != nil && use[SourceNodes] {
		var nodes corev1.NodeList
		if err := c.List(ctx, &nodes); err == nil {
			counts[0] = len(nodes.Items)
			f.NodesKnown = true
			for i := range nodes.Items {
				f.Nodes = append(f.Nodes, clusterfacts.Node(&nodes.Items[i]))
			}
		}
	}
	if c != nil && use[SourceConfigMaps] {
		var cms corev1.ConfigMapList
		if err := c.List(ctx, &cms); err == nil {
			counts[1] = len(cms.Items)
			for i := range cms.Items {
				cm := &cms.Items[i]
				if _, ok := cfg.Match("ConfigMap", cm.Namespace, cm.Name); ok {
					f.AddConfigMap(cm)
				}
			}
		}
	}
	if c != nil && use[SourceServiceCIDRs] {
		var sc networkingv1.ServiceCIDRList
		if err := c.List(ctx, &sc); err == nil {
			counts[2] = len(sc.Items)
			f.ServiceCIDRs = clusterfacts.ServiceCIDRsOf(sc.Items)
		}
	}
	a.mu.Lock()
	a.state[SourceNodes].objects, a.state[SourceConfigMaps].objects, a.state[SourceServiceCIDRs].objects = counts[0], counts[1], counts[2]
	a.mu.Unlock()
	a.facts.Store(f)
	if a.onChange != nil {
		a.onChange()
	}
}
