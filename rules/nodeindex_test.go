package rules

import (
	"fmt"
	"math/rand"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
)

// outsideByScan is what FL050 computed before the index: one pass over
// every node's podCIDRs.
func outsideByScan(nodes []Node, network netip.Prefix, v6 bool) (int, []string) {
	var outside []string
	for _, n := range nodes {
		for _, s := range n.PodCIDRs {
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil || p.Addr().Is4() == v6 {
				continue
			}
			p = p.Masked()
			if !(p.Bits() >= network.Bits() && network.Contains(p.Addr())) {
				outside = append(outside, fmt.Sprintf("%s (%s)", n.Name, p))
			}
		}
	}
	sort.Strings(outside)
	return len(outside), outside[:min(len(outside), MaxListedNodes)]
}

func labelledByScan(nodes []Node, key, value string) []string {
	var names []string
	for _, n := range nodes {
		if n.Labels[key] == value {
			names = append(names, n.Name)
		}
	}
	return names
}

// randomNodes mixes IPv4, IPv6, 4in6, unparseable, duplicate and wide
// podCIDRs, and labelled and unlabelled nodes.
func randomNodes(rng *rand.Rand, n int) []Node {
	cidrs := []string{"10.244.%d.0/24", "10.245.%d.0/24", " 10.244.%d.128/25 ", "10.0.0.0/8", "fd00:%x::/64", "fd01::%x/120", "::ffff:10.244.%d.0/120", "bad-%d", "10.244.0.0/16"}
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i].Name = fmt.Sprintf("node-%d", rng.Intn(n+1))
		for j := rng.Intn(3); j > 0; j-- {
			f := cidrs[rng.Intn(len(cidrs))]
			if strings.Contains(f, "%") {
				f = fmt.Sprintf(f, rng.Intn(256))
			}
			nodes[i].PodCIDRs = append(nodes[i].PodCIDRs, f)
		}
		if v := rng.Intn(4); v > 0 {
			nodes[i].Labels = map[string]string{"terway-config": fmt.Sprintf("pool-%d", v)}
		}
	}
	return nodes
}

func TestNodeIndexAnswersAsAPassOverTheNodes(t *testing.T) {
	networks := []string{"10.244.0.0/16", "10.244.0.0/8", "10.0.0.0/8", "10.244.7.0/24", "0.0.0.0/0", "192.168.0.0/16", "fd00::/8", "fd00::/16", "::/0", "::ffff:10.244.0.0/112", "10.244.3.9/16"}
	rng := rand.New(rand.NewSource(15))
	for _, size := range []int{0, 1, 2, 7, 40, 300} {
		for round := 0; round < 5; round++ {
			nodes := randomNodes(rng, size)
			c := &ClusterContext{Nodes: nodes}
			c.IndexNodes()
			ix := c.NodeIndex()
			for _, s := range networks {
				network := netip.MustParsePrefix(s)
				for _, v6 := range []bool{false, true} {
					wantN, want := outsideByScan(nodes, network, v6)
					gotN, got := ix.PodCIDRsOutside(network, v6)
					if gotN != wantN || !slices.Equal(got, want) {
						t.Fatalf("%d nodes, network %s (v6 %v): index %d %q, scan %d %q", size, s, v6, gotN, got, wantN, want)
					}
				}
			}
			for _, v := range []string{"", "pool-1", "pool-3", "pool-9"} {
				if got, want := ix.NodesLabelled("terway-config", v), labelledByScan(nodes, "terway-config", v); !slices.Equal(got, want) {
					t.Fatalf("%d nodes, label value %q: index %q, scan %q", size, v, got, want)
				}
			}
		}
	}
}

// TestNodeIndexFollowsTheContextsNodes: a context copied with other nodes,
// indexed or not, never answers from another node list.
func TestNodeIndexFollowsTheContextsNodes(t *testing.T) {
	a := &ClusterContext{Nodes: []Node{{Name: "a", PodCIDRs: []string{"10.1.0.0/24"}, Labels: map[string]string{"terway-config": "x"}}}}
	a.IndexNodes()
	b := *a
	b.Nodes = []Node{{Name: "b", PodCIDRs: []string{"10.2.0.0/24"}}}
	network := netip.MustParsePrefix("10.1.0.0/16")
	if n, _ := a.NodeIndex().PodCIDRsOutside(network, false); n != 0 {
		t.Errorf("indexed context: %d podCIDRs outside, want 0", n)
	}
	if n, first := b.NodeIndex().PodCIDRsOutside(network, false); n != 1 || first[0] != "b (10.2.0.0/24)" {
		t.Errorf("copy with other nodes: %d %q, want its own node b outside", n, first)
	}
	if got := b.NodeIndex().NodesLabelled("terway-config", "x"); len(got) != 0 {
		t.Errorf("copy with other nodes found %q labelled", got)
	}
	var none *ClusterContext
	if n, _ := none.NodeIndex().PodCIDRsOutside(network, false); n != 0 {
		t.Errorf("nil context: %d outside", n)
	}
}
