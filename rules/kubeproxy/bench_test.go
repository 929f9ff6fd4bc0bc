package kubeproxy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

func benchReq(text string) *rules.Request {
	c := rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
	return &rules.Request{Operation: rules.Create, ConfigMap: c, Cluster: &rules.ClusterContext{KubernetesVersion: "1.37"}}
}

func BenchmarkValidateTypical(b *testing.B) {
	req := benchReq(strings.NewReplacer(" // ", " # ", "// If", "# If", "  IPv6DualStack: true\n", "").Replace(faqScheduler))
	ch := New()
	b.ReportAllocs()
	for b.Loop() {
		ch.Validate(req)
	}
}

// BenchmarkValidate1MiB judges a ~1 MiB config.conf: the kubeadm default
// followed by a long vmodule list.
func BenchmarkValidate1MiB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(strings.Replace(kubeadmDefault, "  verbosity: 0\n", "  verbosity: 0\n  vmodule:\n", 1))
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "  - filePattern: file%d.go\n    verbosity: %d\n", i, i%10)
	}
	req := benchReq(sb.String())
	var _ *corev1.ConfigMap = req.ConfigMap
	ch := New()
	b.ReportAllocs()
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		ch.Validate(req)
	}
}
