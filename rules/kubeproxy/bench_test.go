package kubeproxy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

func benchReq(text string) *rules.Request {
	c := rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
	return &rules.Request{Operation: rules.Create, Object: c, Cluster: &rules.ClusterContext{KubernetesVersion: "1.37"}}
}

func BenchmarkValidateTypical(b *testing.B) {
	req := benchReq(strings.NewReplacer(" // ", " # ", "// If", "# If", "  IPv6DualStack: true\n", "").Replace(faqScheduler))
	ch := New()
	b.ReportAllocs()
	for b.Loop() {
		ch.Validate(req)
	}
}

// BenchmarkValidate1MiB judges a valid ~1 MiB config.conf: kubeadm's
// default config with a long logging.vmodule list. It fails if the document
// is denied, so the figure is never that of an early exit on a syntax error.
func BenchmarkValidate1MiB(b *testing.B) {
	var items strings.Builder
	for i := 0; items.Len()+len(kubeadmDefault) < 1<<20; i++ {
		fmt.Fprintf(&items, "  - filePattern: file%d.go\n    verbosity: %d\n", i, i%10)
	}
	text := strings.Replace(kubeadmDefault, "logging:\n", "logging:\n  vmodule:\n"+items.String(), 1)
	req := benchReq(text)
	ch := New()
	if fs := ch.Validate(req); rules.HasDeny(fs) {
		b.Fatalf("the 1 MiB benchmark document must be valid: %s", rulestest.Describe(fs))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ch.Validate(req)
	}
}
