package terway

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	"github.com/netguard/netguard/rules"
)

// overrideRequest judges a per-node override in a cluster of n nodes, none
// (unused) or the last (used) labelled with its name, the context indexed
// up front as the webhook does per snapshot.
func overrideRequest(n int, used bool) *rules.Request {
	nodes := make([]rules.Node, n)
	for i := range nodes {
		nodes[i] = rules.Node{Name: fmt.Sprintf("node-%05d", i), Labels: map[string]string{nodeLabel: "eni-config-pool-b"}}
	}
	if used {
		nodes[n-1].Labels[nodeLabel] = "eni-config-pool-a"
	}
	c := withBase(`{"version": "1", "max_pool_size": 5, "vswitches": {"cn-hangzhou-j": ["vsw-1"]}, "security_group": "sg-1"}`, nodes...)
	c.IndexNodes()
	return &rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleOverride},
		Object: override("eni-config-pool-a", `{"max_pool_size": 10}`), Cluster: c, Config: rules.DefaultConfig()}
}

// TestOverrideAgainstNodesCostsTheSameForAnyClusterSize: TW054 (and the
// restart advice naming the labelled nodes) look nodes up in the node
// index, so judging with 8× the nodes must not cost 8×.
func TestOverrideAgainstNodesCostsTheSameForAnyClusterSize(t *testing.T) {
	for _, used := range []bool{false, true} {
		t.Run(fmt.Sprintf("a node uses the override: %v", used), func(t *testing.T) {
			reqs := map[int]*rules.Request{}
			growth.Linear(t, 2000, 3, func(n int) string {
				reqs[n] = overrideRequest(n, used)
				return strings.Repeat("n", n)
			}, func(text string) {
				req := reqs[len(text)]
				for i := 0; i < 20; i++ {
					unused := false
					for _, f := range New().Validate(req) {
						unused = unused || f.Rule == RuleOverrideUnused
					}
					if unused == used {
						t.Fatalf("TW054 fired %v with %d nodes, want %v", unused, len(text), !used)
					}
				}
			})
		})
	}
}
