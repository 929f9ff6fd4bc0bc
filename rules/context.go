package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Node is what the rules need to know about one node.
type Node struct {
	Name     string            `json:"name"`
	PodCIDRs []string          `json:"podCIDRs,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	// CPUs is the node's CPU count (capacity), used by the conntrack rules.
	CPUs int `json:"cpus,omitempty"`
}

// ClusterContext is what a rule may know about the cluster beyond the object
// itself. Every field is optional: a rule that needs an unknown fact stays
// silent (or says what it could not check) rather than guessing.
type ClusterContext struct {
	// KubernetesVersion like "1.37" or "v1.37.2"; kube-proxy rules follow it.
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// ServiceCIDRs of the cluster (the `kubernetes` ServiceCIDR object, or
	// --service-cluster-ip-range); two entries of different families mean
	// dual-stack Services.
	ServiceCIDRs []string `json:"serviceCIDRs,omitempty"`
	// PodCIDRs is the cluster pod network (--cluster-cidr).
	PodCIDRs []string `json:"podCIDRs,omitempty"`
	// DualStack overrides dual-stack detection from ServiceCIDRs.
	DualStack *bool `json:"dualStack,omitempty"`
	// Facts are the component-specific facts the components' descriptors
	// declare (Descriptor.Facts), keyed by Fact.Key: in the configuration
	// file they sit beside the shared fields (cluster.flannelVersion).
	Facts map[string]string `json:"-"`
	// Nodes known to the cluster (podCIDRs, terway-config labels, CPUs).
	Nodes []Node `json:"nodes,omitempty"`
	// ConfigMaps are related objects (the base eni-config for an override,
	// sibling kube-proxy ConfigMaps), keyed by "namespace/name". Filled by the
	// webhook's cache or, in lint, by the other manifests being linted.
	ConfigMaps map[string]*corev1.ConfigMap `json:"-"`
	// Related, when set, is asked for a related ConfigMap before
	// ConfigMaps: lint looks them up in the files being linted only when a
	// rule asks, so that it need not hold every ConfigMap of a stream.
	// ok false falls back to ConfigMaps.
	Related func(namespace, name string) (cm *corev1.ConfigMap, ok bool) `json:"-"`

	// nodeIndex is built by IndexNodes (see NodeIndex).
	nodeIndex *NodeIndex
}

// Fact returns a component-specific fact (Fact.Key), or "" when unknown.
func (c *ClusterContext) Fact(key string) string {
	if c == nil {
		return ""
	}
	return c.Facts[key]
}

// SetFact records a component-specific fact.
func (c *ClusterContext) SetFact(key, value string) {
	if c.Facts == nil {
		c.Facts = map[string]string{}
	}
	c.Facts[key] = value
}

// clusterFields is ClusterContext without its JSON methods.
type clusterFields ClusterContext

// UnmarshalJSON decodes the shared fields and, beside them, the facts the
// registered components declare (strings). Any other key is an error, as
// everywhere in the configuration.
func (c *ClusterContext) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	shared := map[string]json.RawMessage{}
	known := jsonFields(reflect.TypeOf(clusterFields{}))
	facts := factKeys()
	var out clusterFields
	for k, v := range raw {
		switch {
		case known[k] != nil:
			shared[k] = v
		case facts[k]:
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("cluster.%s: %w", k, err)
			}
			if out.Facts == nil {
				out.Facts = map[string]string{}
			}
			out.Facts[k] = s
		default:
			return fmt.Errorf("cluster: unknown field %q", k)
		}
	}
	b, err := json.Marshal(shared)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	facts2 := out.Facts
	if err := dec.Decode(&out); err != nil {
		return err
	}
	out.Facts = facts2
	*c = ClusterContext(out)
	return nil
}

// MarshalJSON writes the facts beside the shared fields, as they are read.
func (c ClusterContext) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(clusterFields(c))
	if err != nil || len(c.Facts) == 0 {
		return b, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range c.Facts {
		if v != "" {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// ConfigMap returns a related ConfigMap, or nil.
func (c *ClusterContext) ConfigMap(namespace, name string) *corev1.ConfigMap {
	if c == nil {
		return nil
	}
	if c.Related != nil {
		if cm, ok := c.Related(namespace, name); ok {
			return cm
		}
	}
	if c.ConfigMaps == nil {
		return nil
	}
	return c.ConfigMaps[namespace+"/"+name]
}

// AddConfigMap records a related ConfigMap.
func (c *ClusterContext) AddConfigMap(cm *corev1.ConfigMap) {
	if c.ConfigMaps == nil {
		c.ConfigMaps = map[string]*corev1.ConfigMap{}
	}
	c.ConfigMaps[cm.Namespace+"/"+cm.Name] = cm
}

// Version is a parsed major.minor.patch version.
type Version struct{ Major, Minor, Patch int }

// ParseVersion parses "1.37", "v1.37.2", "v1.37.2-aliyun.1" or
// "v0.15.1.22-aliyun" (extra components are ignored).
func ParseVersion(s string) (Version, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("version %q: want MAJOR.MINOR[.PATCH]", s)
	}
	var v Version
	var err error
	if v.Major, err = strconv.Atoi(parts[0]); err != nil {
		return Version{}, fmt.Errorf("version %q: %v", s, err)
	}
	if v.Minor, err = strconv.Atoi(parts[1]); err != nil {
		return Version{}, fmt.Errorf("version %q: %v", s, err)
	}
	if len(parts) > 2 {
		if v.Patch, err = strconv.Atoi(parts[2]); err != nil {
			return Version{}, fmt.Errorf("version %q: %v", s, err)
		}
	}
	return v, nil
}

// Less reports whether v is older than o.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// KubernetesMinor returns the Kubernetes minor version (37 for "v1.37.2"), or
// 0 when it is not known.
func (c *ClusterContext) KubernetesMinor() int {
	if c == nil || c.KubernetesVersion == "" {
		return 0
	}
	v, err := ParseVersion(c.KubernetesVersion)
	if err != nil || v.Major != 1 {
		return 0
	}
	return v.Minor
}

// ServicePrefixes parses ServiceCIDRs, skipping invalid entries.
func (c *ClusterContext) ServicePrefixes() []netip.Prefix { return parsePrefixes(c.serviceCIDRs()) }

// PodPrefixes parses PodCIDRs, skipping invalid entries.
func (c *ClusterContext) PodPrefixes() []netip.Prefix {
	if c == nil {
		return nil
	}
	return parsePrefixes(c.PodCIDRs)
}

func (c *ClusterContext) serviceCIDRs() []string {
	if c == nil {
		return nil
	}
	return c.ServiceCIDRs
}

func parsePrefixes(ss []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		for _, part := range strings.Split(s, ",") {
			if p, err := netip.ParsePrefix(strings.TrimSpace(part)); err == nil {
				out = append(out, p.Masked())
			}
		}
	}
	return out
}

// IsDualStack reports whether Services are dual-stack: DualStack when set,
// otherwise two service CIDRs of different families. ok is false when the
// context does not tell.
func (c *ClusterContext) IsDualStack() (dual, ok bool) {
	if c == nil {
		return false, false
	}
	if c.DualStack != nil {
		return *c.DualStack, true
	}
	ps := c.ServicePrefixes()
	if len(ps) == 0 {
		return false, false
	}
	v4, v6 := false, false
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	return v4 && v6, true
}
