package flannel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
)

func benchRequest(cm *corev1.ConfigMap) *rules.Request {
	return &rules.Request{Operation: rules.Create, Object: cm, Config: rules.DefaultConfig(),
		Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.28.9"}, ServiceCIDRs: []string{"10.96.0.0/12"}, PodCIDRs: []string{"10.244.0.0/16"},
			Nodes: []rules.Node{{Name: "n1", PodCIDRs: []string{"10.244.1.0/24"}}, {Name: "n2", PodCIDRs: []string{"10.244.2.0/24"}}}}}
}

// BenchmarkValidateTypical judges the upstream kube-flannel-cfg.
func BenchmarkValidateTypical(b *testing.B) {
	req := benchRequest(upstreamCM())
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		if fs := c.Validate(req); len(fs) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkJudgeTypical runs the whole engine (mutate + validate + scrub).
func BenchmarkJudgeTypical(b *testing.B) {
	e := engine.New(nil, New())
	in := engine.Input{Operation: rules.Create, Object: cfgMap("kube-system", communityCNI, ackNet)}
	b.ReportAllocs()
	for b.Loop() {
		if res := e.Judge(in); !res.Judged {
			b.Fatal("not judged")
		}
	}
}

// largeCNI is a ~1 MiB valid conflist: flannel, then thousands of tuning
// plugins, then portmap.
func largeCNI() string {
	var sb strings.Builder
	sb.WriteString("{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true,\n        \"isDefaultGateway\": true\n      }\n    }")
	for i := 0; sb.Len() < 1<<20-200; i++ {
		fmt.Fprintf(&sb, ",\n    {\n      \"type\": \"tuning\",\n      \"sysctl\": {\n        \"net.core.somaxconn\": \"%d\"\n      }\n    }", 1024+i)
	}
	sb.WriteString(",\n    {\n      \"type\": \"portmap\",\n      \"capabilities\": {\n        \"portMappings\": true\n      }\n    }\n  ]\n}\n")
	return sb.String()
}

func BenchmarkValidate1MiB(b *testing.B) {
	cni := largeCNI()
	req := benchRequest(cfgMap("kube-flannel", cni, upstreamNet))
	c := New()
	if fs := c.Validate(req); rules.HasDeny(fs) {
		b.Fatalf("large doc must be valid: %v", fs)
	}
	b.SetBytes(int64(len(cni)))
	b.ReportAllocs()
	for b.Loop() {
		c.Validate(req)
	}
}

// BenchmarkMutate injects cniVersion and hairpinMode into the community manifest.
func BenchmarkMutate(b *testing.B) {
	req := &rules.Request{Operation: rules.Create, Object: cfgMap("kube-system", communityCNI, ackNet), Config: hairpinConfig()}
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		if m := c.Mutate(req); len(m.Changes) != 2 {
			b.Fatal("no changes")
		}
	}
}

func BenchmarkMutate1MiB(b *testing.B) {
	cni := strings.Replace(largeCNI(), "  \"cniVersion\": \"0.3.1\",\n", "", 1)
	req := &rules.Request{Operation: rules.Create, Object: cfgMap("kube-flannel", cni, upstreamNet), Config: rules.DefaultConfig()}
	c := New()
	b.SetBytes(int64(len(cni)))
	b.ReportAllocs()
	for b.Loop() {
		if m := c.Mutate(req); len(m.Changes) != 1 {
			b.Fatal("no change")
		}
	}
}
