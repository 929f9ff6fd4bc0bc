package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
)

// NodeIndex arranges a cluster context's nodes for the rules that compare
// an object with every node (Flannel's Network against each podCIDR,
// Terway's per-node overrides against the nodes' labels), so that judging
// one object costs the same with 5 nodes as with 5,000. The webhook builds
// it once per cluster-context snapshot (IndexNodes), never on the request
// path.
type NodeIndex struct {
	// v4 and v6 hold every parseable podCIDR, masked, ordered by
	// (address, bits): the podCIDRs a prefix contains are one run.
	v4, v6 podCIDRs
	// byLabel maps a label key the rules look nodes up by, and a value,
	// to the names of the nodes carrying it (in context order; a node
	// without the label counts under "").
	byLabel map[string]map[string][]string

	// nodes identifies the Nodes slice the index was built from.
	nodes []Node
}

// IndexedLabels are the node labels NodeIndex looks nodes up by.
var IndexedLabels = []string{"terway-config"}

// MaxListedNodes is how many nodes a finding names before "and N more".
const MaxListedNodes = 5

// podCIDRs is one family's podCIDRs with, for every cut, the first
// MaxListedNodes labels ("node (prefix)", sorted) before and after it.
type podCIDRs struct {
	entries []podCIDR
	before  [][]string // before[i]: smallest labels of entries[:i]
	after   [][]string // after[i]: smallest labels of entries[i:]
}

type podCIDR struct {
	prefix netip.Prefix
	label  string
}

// IndexNodes builds the context's node index. Call it once the context is
// complete: the context must not change afterwards.
func (c *ClusterContext) IndexNodes() {
	if c != nil {
		c.nodeIndex = newNodeIndex(c.Nodes)
	}
}

// NodeIndex returns the index IndexNodes built. A context not indexed up
// front (lint, tests, tools) gets one from a small cache of recently
// indexed node lists, built on first use.
func (c *ClusterContext) NodeIndex() *NodeIndex {
	if c == nil || len(c.Nodes) == 0 {
		return emptyNodeIndex
	}
	if ix := c.nodeIndex; ix != nil && sameNodes(ix.nodes, c.Nodes) {
		return ix
	}
	return recentIndexes.get(c.Nodes)
}

var emptyNodeIndex = newNodeIndex(nil)

// recentIndexes caches the indexes of the last few node lists, keyed by
// the slice itself: an entry keeps its slice alive, so no other list can
// take its address while the entry exists.
var recentIndexes = &indexCache{}

type indexCache struct {
	mu      sync.Mutex
	entries []*NodeIndex // most recent last
}

const maxRecentIndexes = 4

func (c *indexCache) get(nodes []Node) *NodeIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, ix := range c.entries {
		if sameNodes(ix.nodes, nodes) {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), ix)
			return ix
		}
	}
	ix := newNodeIndex(nodes)
	if len(c.entries) == maxRecentIndexes {
		c.entries = slices.Delete(c.entries, 0, 1)
	}
	c.entries = append(c.entries, ix)
	return ix
}

// sameNodes reports whether a and b are the same slice (a context copied
// with other nodes must not use the original's index).
func sameNodes(a, b []Node) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func newNodeIndex(nodes []Node) *NodeIndex {
	ix := &NodeIndex{nodes: nodes, byLabel: map[string]map[string][]string{}}
	for _, l := range IndexedLabels {
		ix.byLabel[l] = map[string][]string{}
	}
	var v4, v6 []podCIDR
	for _, n := range nodes {
		for _, l := range IndexedLabels {
			ix.byLabel[l][n.Labels[l]] = append(ix.byLabel[l][n.Labels[l]], n.Name)
		}
		for _, s := range n.PodCIDRs {
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil {
				continue
			}
			p = p.Masked()
			e := podCIDR{p, fmt.Sprintf("%s (%s)", n.Name, p)}
			if p.Addr().Is4() {
				v4 = append(v4, e)
			} else {
				v6 = append(v6, e)
			}
		}
	}
	ix.v4, ix.v6 = newPodCIDRs(v4), newPodCIDRs(v6)
	return ix
}

func newPodCIDRs(es []podCIDR) podCIDRs {
	slices.SortFunc(es, func(a, b podCIDR) int {
		if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
			return c
		}
		return a.prefix.Bits() - b.prefix.Bits()
	})
	p := podCIDRs{entries: es, before: make([][]string, len(es)+1), after: make([][]string, len(es)+1)}
	for i, e := range es {
		p.before[i+1] = smallest(p.before[i], e.label)
	}
	for i := len(es) - 1; i >= 0; i-- {
		p.after[i] = smallest(p.after[i+1], es[i].label)
	}
	return p
}

// smallest returns the MaxListedNodes smallest of list (sorted) and s.
func smallest(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	if i >= MaxListedNodes {
		return list
	}
	out := make([]string, 0, min(len(list)+1, MaxListedNodes))
	out = append(out, list[:i]...)
	out = append(out, s)
	out = append(out, list[i:min(len(list), MaxListedNodes-1)]...)
	return out
}

// PodCIDRsOutside returns how many node podCIDRs of one family (IPv6,
// 4in6 included, or IPv4) are not inside network, and the first
// MaxListedNodes of them as "node (prefix)", sorted. A network of the other
// family contains none of them.
func (ix *NodeIndex) PodCIDRsOutside(network netip.Prefix, v6 bool) (count int, first []string) {
	p := &ix.v4
	if v6 {
		p = &ix.v6
	}
	if !network.IsValid() || network.Addr().Is4() == v6 {
		return len(p.entries), slices.Clone(p.after[0])
	}
	network = network.Masked()
	// Inside network: (address, bits) from (start, network bits) through
	// the last address of network. A podCIDR that starts inside network
	// but is wider has the start address and fewer bits, so it sorts
	// before the run.
	lo := sort.Search(len(p.entries), func(i int) bool {
		e := p.entries[i].prefix
		c := e.Addr().Compare(network.Addr())
		return c > 0 || (c == 0 && e.Bits() >= network.Bits())
	})
	hi := sort.Search(len(p.entries), func(i int) bool {
		e := p.entries[i].prefix
		return e.Addr().Compare(network.Addr()) > 0 && !network.Contains(e.Addr())
	})
	count = lo + len(p.entries) - hi
	if count == 0 {
		return 0, nil
	}
	first = slices.Clone(p.before[lo])
	for _, s := range p.after[hi] {
		first = smallest(first, s)
	}
	return count, first
}

// NodesLabelled returns the names of the nodes whose label key (one of
// IndexedLabels) has value, in context order; "" matches nodes without
// the label.
func (ix *NodeIndex) NodesLabelled(key, value string) []string {
	byValue, ok := ix.byLabel[key]
	if !ok {
		panic("rules: node label " + key + " is not indexed")
	}
	return byValue[value]
}
