package kubeproxy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

const hostileHead = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"

// validateWithin runs Validate directly (no engine recovery) and fails if
// it does not return within d.
func validateWithin(t *testing.T, d time.Duration, text string) []rules.Finding {
	t.Helper()
	cm := rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
	req := &rules.Request{Operation: rules.Create, Target: rules.Target{Component: rules.KubeProxy}, ConfigMap: cm, Cluster: &rules.ClusterContext{KubernetesVersion: "1.34"}}
	done := make(chan []rules.Finding, 1)
	go func() { done <- New().Validate(req) }()
	select {
	case fs := <-done:
		return fs
	case <-time.After(d):
		t.Fatalf("Validate did not return within %v", d)
		return nil
	}
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
		text string
		rule string
		n    int
	}{
		"200,000 repeated keys":  {hostileHead + strings.Repeat("x: 1\n", 200000), RuleDuplicateKey, 199999},
		"50,000 // comments":     {hostileHead + "ipvs:\n" + strings.Repeat("  scheduler: rr // c\n", 50000), RuleSlashComment, 50000},
		"20,000 repeated blocks": {hostileHead + strings.Repeat("ipvs:\n  scheduler: rr\n  strictARP: true\n", 20000), RuleDuplicateKey, 19999},
	} {
		t.Run(name, func(t *testing.T) {
			fs := validateWithin(t, 10*time.Second, tc.text)
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
		})
	}
}
