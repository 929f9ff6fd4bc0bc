// Package clusterfacts is what netguard learns about a cluster from its
// API server, once for the webhook's cached context and for `scan`: the
// Kubernetes version, the nodes (labels, pod CIDRs, CPUs), the Service
// CIDRs (the "kubernetes" ServiceCIDR) and the targeted ConfigMaps, and how
// they overlay the configuration file's cluster section.
//
// The webhook keeps them in informer caches (trimmed with TrimNode) and
// reads them from there; scan lists them once, page by page with
// client-go's pager (List, Nodes, ServiceCIDRs). Both turn a Node into
// rules.Node with Node and combine facts and file with Overlay, so a scan
// judges in the same context the webhook would.
package clusterfacts

import (
	"maps"
	"slices"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// ServiceCIDRName is the ServiceCIDR the API server creates from its
// --service-cluster-ip-range: the cluster's Service CIDRs.
const ServiceCIDRName = "kubernetes"

// Facts is what was learned about the cluster from the API server. Zero
// fields are unknown; the configuration file fills them in.
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

// AddConfigMap records a targeted ConfigMap.
func (f *Facts) AddConfigMap(cm *corev1.ConfigMap) {
	if f.ConfigMaps == nil {
		f.ConfigMaps = map[string]*corev1.ConfigMap{}
	}
	f.ConfigMaps[cm.Namespace+"/"+cm.Name] = cm
}

// Overlay lays discovered facts over the configuration's cluster section:
// what the API server says wins, the file fills the gaps. base is not
// changed; f may be nil (nothing discovered, e.g. --offline).
func Overlay(base *rules.ClusterContext, f *Facts) *rules.ClusterContext {
	c := *base
	c.ServiceCIDRs = slices.Clone(base.ServiceCIDRs)
	c.PodCIDRs = slices.Clone(base.PodCIDRs)
	c.Nodes = slices.Clone(base.Nodes)
	c.ConfigMaps = maps.Clone(base.ConfigMaps)
	c.Facts = maps.Clone(base.Facts)
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

// Node keeps what the rules need of a Node: name, labels, pod CIDRs (the
// single podCIDR of older clusters when podCIDRs is empty) and CPU
// capacity.
func Node(n *corev1.Node) rules.Node {
	out := rules.Node{Name: n.Name, PodCIDRs: slices.Clone(n.Spec.PodCIDRs), Labels: maps.Clone(n.Labels)}
	if len(out.PodCIDRs) == 0 && n.Spec.PodCIDR != "" {
		out.PodCIDRs = []string{n.Spec.PodCIDR}
	}
	if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		out.CPUs = int(q.Value())
	}
	return out
}

// TrimNode drops everything of a Node but what Node reads (and the
// metadata a cache needs) before it is cached: a large cluster's nodes are
// mostly status. It is an informer transform.
func TrimNode(obj any) (any, error) {
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

// ServiceCIDRsOf returns the CIDRs of the "kubernetes" ServiceCIDR among
// scs, nil when it is missing or empty.
func ServiceCIDRsOf(scs []networkingv1.ServiceCIDR) []string {
	for _, s := range scs {
		if s.Name == ServiceCIDRName && len(s.Spec.CIDRs) > 0 {
			return slices.Clone(s.Spec.CIDRs)
		}
	}
	return nil
}
