package kubeproxy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

const hostileHead = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"

// validateText runs Validate directly (no engine recovery, so a panic fails
// the test).
func validateText(text string) []rules.Finding {
	cm := rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
	req := &rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component}, Object: cm, Cluster: &rules.ClusterContext{KubernetesVersion: "1.34"}}
	return New().Validate(req)
}

func count(fs []rules.Finding, rule string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

// Every repeated key and every `//` comment is located by its line; that
// lookup walked the whole document per finding (O(n²): 200,000 repeated
// keys in a 1 MiB config.conf took minutes).
func TestManyRepeatedKeysAndCommentsAreLinear(t *testing.T) {
	for name, tc := range map[string]struct {
		head, unit string // the text is head + n × unit
		rule       string
		n          int // occurrences the rule finds
	}{
		"200,000 repeated keys":  {hostileHead, "x: 1\n", RuleDuplicateSame, 199999},
		"50,000 // comments":     {hostileHead + "mode: ipvs\nipvs:\n", "  scheduler: rr // c\n", RuleSlashComment, 50000},
		"20,000 repeated blocks": {hostileHead, "ipvs:\n  scheduler: rr\n  strictARP: true\n", RuleDuplicateSame, 19999},
	} {
		reps := tc.n
		if tc.rule == RuleDuplicateKey || tc.rule == RuleDuplicateSame {
			reps++ // the first occurrence is not a duplicate
		}
		build := func(n int) string { return tc.head + strings.Repeat(tc.unit, n) }
		t.Run(name, func(t *testing.T) {
			fs := validateText(build(reps))
			// Every occurrence is found, but at most MaxFindingsPerRule are
			// listed and one summary finding counts the rest.
			if got := count(fs, tc.rule); got != rules.MaxFindingsPerRule+1 {
				t.Errorf("%d %s findings, want %d listed + 1 summary", got, tc.rule, rules.MaxFindingsPerRule)
			}
			want := fmt.Sprintf("and %d more %s finding(s)", tc.n-rules.MaxFindingsPerRule, tc.rule)
			found := false
			for _, f := range fs {
				found = found || f.Rule == tc.rule && strings.Contains(f.Message, want)
			}
			if !found {
				t.Errorf("no summary saying %q", want)
			}
			growth.Linear(t, reps/64, 24, build, func(text string) { validateText(text) })
		})
	}
}
