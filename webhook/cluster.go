package webhook

import (
	"context"
	"maps"
	"slices"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
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
	// Degraded says, one line per context source, which API-discovered
	// facts are missing or stale and were left to the configuration file;
	// the validating webhook returns these lines as warnings.
	Degraded []string
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
	// Sources reports the state of each context source (for /contextz).
	Sources() []SourceStatus
}

// offlineSource knows nothing: the configuration file is the only source.
type offlineSource struct{}

func (offlineSource) Start(ctx context.Context) error { <-ctx.Done(); return nil }
func (offlineSource) Synced() bool                    { return true }
func (offlineSource) Facts() *Facts                   { return nil }
func (offlineSource) ConfigChanged(*rules.Config)     {}
func (offlineSource) Sources() []SourceStatus         { return nil }

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
