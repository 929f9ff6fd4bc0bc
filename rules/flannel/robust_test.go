package flannel

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

var seeds = []string{upstreamCNI, upstreamNet, ackCNI, ackNet, aliyunCNI, aliyunNet, faqVersionCNI, communityCNI,
	`{"name":"cbr0","plugins":[{"type":"flannel","delegate":{"hairpinMode":"true","promiscMode":true,"mtu":1e400,"vlan":-1}}]}`,
	`{"Network":"10.244.0.0/16","SubnetLen":18446744073709551615,"SubnetMin":"10.244.0.0","IPv6SubnetLen":200,"EnableIPv6":true,"IPv6Network":"::/0","Backend":{"Type":"wireguard","ListenPort":1e3}}`,
	`{"Network":"0.0.0.0/0","SubnetLen":0,"Backend":{"type":"VXLAN","vni":-1,"Type":null}}`,
	`null`, `"x"`, `{}`, `[]`, `{"plugins":[null,1,"x",[],{}]}`, `{"delegate":[],"type":"flannel"}`,
}

// judgeRaw runs Validate and Mutate without the engine's panic recovery.
func judgeRaw(t testing.TB, cni, net string) {
	cm := &corev1.ConfigMap{Data: map[string]string{CNIConfKey: cni, NetConfKey: net}}
	cm.Namespace, cm.Name = "kube-flannel", "kube-flannel-cfg"
	cl := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.28.9"}, ServiceCIDRs: []string{"10.96.0.0/12", "fd00::/108"}, PodCIDRs: []string{"10.244.0.0/16"},
		Nodes: []rules.Node{{Name: "n", PodCIDRs: []string{"10.244.1.0/24", "bogus", "fd00:1::/64"}}}}
	cfg := hairpinConfig()
	for _, op := range []rules.Operation{rules.Create, rules.Update} {
		req := &rules.Request{Operation: op, Object: cm, Cluster: cl, Config: cfg}
		if op == rules.Update {
			req.OldObject = &corev1.ConfigMap{Data: map[string]string{CNIConfKey: net, NetConfKey: cni}}
		}
		m := New().Mutate(req)
		if m.Object != nil {
			req.Object = m.Object
		}
		New().Validate(req)
	}
}

func TestNoPanicOnMangledInput(t *testing.T) {
	for _, s := range seeds {
		for i := 0; i <= len(s); i++ {
			judgeRaw(t, s[:i], s[i:])
		}
		for _, r := range []string{"null", "1", `"s"`, "[]", "{}", "true", "-0", "1e999"} {
			// Replace every value-looking token position with r.
			for i := 0; i < len(s); i++ {
				if s[i] == ':' {
					j := strings.IndexAny(s[i+1:], ",}")
					if j < 0 {
						continue
					}
					mangled := s[:i+1] + r + s[i+1+j:]
					judgeRaw(t, mangled, mangled)
				}
			}
		}
	}
	// nil-ish requests
	New().Validate(&rules.Request{})
	New().Validate(&rules.Request{Object: &corev1.ConfigMap{}})
	New().Mutate(&rules.Request{Object: &corev1.ConfigMap{Data: map[string]string{CNIConfKey: communityCNI}}})
}

func FuzzJudge(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, upstreamNet)
		f.Add(upstreamCNI, s)
	}
	f.Fuzz(func(t *testing.T, cni, net string) {
		judgeRaw(t, cni, net)
		cfg := MutationsOf(hairpinConfig())
		once, _ := MutateCNIConf(cni, cfg)
		if twice, _ := MutateCNIConf(once, cfg); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", cni, once, twice)
		}
	})
}
