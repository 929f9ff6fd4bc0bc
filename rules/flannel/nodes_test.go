package flannel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	"github.com/netguard/netguard/rules"
)

// nodesRequest judges the upstream kube-flannel-cfg (Network
// 10.244.0.0/16) in a cluster of n nodes, one of them (when bad) with a
// podCIDR outside Network, the context indexed up front as the webhook
// does per snapshot.
func nodesRequest(n int, bad bool) *rules.Request {
	req := benchRequest(upstreamCM())
	req.Cluster.Nodes = make([]rules.Node, n)
	for i := range req.Cluster.Nodes {
		req.Cluster.Nodes[i] = rules.Node{Name: fmt.Sprintf("node-%05d", i), PodCIDRs: []string{fmt.Sprintf("10.244.%d.%d/28", i/16%256, i%16*16)}}
	}
	if bad {
		req.Cluster.Nodes[n/2].PodCIDRs = []string{"172.30.0.0/24"}
	}
	req.Cluster.IndexNodes()
	return req
}

// TestNetworkAgainstNodesCostsTheSameForAnyClusterSize: FL050 compares
// Network with every node's podCIDR through the node index, so judging
// with 8× the nodes must not cost 8× (linear would give ×8; the bound ×3
// leaves room for noise).
func TestNetworkAgainstNodesCostsTheSameForAnyClusterSize(t *testing.T) {
	for _, bad := range []bool{false, true} {
		t.Run(fmt.Sprintf("a node outside Network: %v", bad), func(t *testing.T) {
			reqs := map[int]*rules.Request{}
			growth.Linear(t, 500, 3, func(n int) string {
				reqs[n] = nodesRequest(n, bad)
				return strings.Repeat("n", n)
			}, func(text string) {
				req := reqs[len(text)]
				for i := 0; i < 20; i++ {
					fired := false
					for _, f := range New().Validate(req) {
						fired = fired || f.Rule == RuleNodePodCIDR
					}
					if fired != bad {
						t.Fatalf("FL050 fired %v with %d nodes, want %v", fired, len(text), bad)
					}
				}
			})
		})
	}
}
