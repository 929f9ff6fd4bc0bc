package flannel

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// TestRealisticExamplesHaveNoDeny: every valid real-world config passes,
// with and without the mutations, in the contexts it was written for.
func TestRealisticExamplesHaveNoDeny(t *testing.T) {
	examples := []struct {
		name    string
		cm      *corev1.ConfigMap
		cluster *rules.ClusterContext
	}{
		{"upstream kube-flannel.yml", upstreamCM(), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.28.9"}, PodCIDRs: []string{"10.244.0.0/16"}, ServiceCIDRs: []string{"10.96.0.0/12"},
			Nodes: []rules.Node{{Name: "n1", PodCIDRs: []string{"10.244.0.0/24"}}, {Name: "n2", PodCIDRs: []string{"10.244.1.0/24"}}}}},
		{"upstream kube-flannel.yml without context", upstreamCM(), nil},
		{"ACK FAQ hairpin example with alloc", ackCM(), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.15.1.22-aliyun"}, ServiceCIDRs: []string{"192.168.0.0/16"},
			Nodes: []rules.Node{{Name: "cn-hangzhou.192.168.0.10", PodCIDRs: []string{"172.20.1.0/25"}}}}},
		{"ACK on flannel v0.28", ackCM(), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.28.0.6-aliyun"}}},
		{"kube-flannel-aliyun.yml on v0.19", cfgMap("kube-system", aliyunCNI, aliyunNet), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.19.2"}}},
		{"kube-flannel-aliyun.yml, version unknown", cfgMap("kube-system", aliyunCNI, aliyunNet), nil},
		{"FAQ cniVersion fragment in a full config", cfgMap("kube-system", faqVersionCNI, ackNet), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.11.0.2-aliyun"}}},
		{"ACK addon template v0.11", cfgMap("kube-system", `{ "name": "cb0", "cniVersion":"0.3.0", "type": "flannel", "delegate": { "isDefaultGateway": true } }`, `{ "Network": "172.20.0.0/16", "Backend": { "Type": "alloc" } }`), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.11.0.1-g6e46593e-aliyun"}}},
		{"helm chart dual stack", cfgMap("kube-flannel", upstreamCNI, `{
  "Network": "10.244.0.0/16",
  "IPv6Network": "fd00:10:244::/56",
  "EnableIPv6": true,
  "EnableNFTables": false,
  "Backend": {
    "Type": "vxlan"
  }
}`), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.26.0"}, Nodes: []rules.Node{{Name: "n1", PodCIDRs: []string{"10.244.0.0/24", "fd00:10:244::/64"}}}}},
		{"helm chart wireguard", cfgMap("kube-flannel", upstreamCNI, `{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","PersistentKeepaliveInterval":0,"Mode":"separate"}}`), &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.24.0"}}},
		{"ipsec with a long PSK", cfgMap("kube-flannel", upstreamCNI, `{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec","PSK":"`+strings.Repeat("ab", 48)+`","UDPEncap":true}}`), nil},
		{"host-gw", cfgMap("kube-flannel", upstreamCNI, `{"Network":"10.244.0.0/16","Backend":{"Type":"host-gw"}}`), nil},
	}
	for _, ex := range examples {
		for _, cfg := range []*rules.Config{nil, hairpinConfig(), noMutationConfig()} {
			res := rulestest.Judge(New(), rulestest.Case{Object: ex.cm, Cluster: ex.cluster, Config: cfg})
			if !res.Judged || rules.HasDeny(res.Findings) {
				t.Errorf("%s: judged=%v, denied: %s", ex.name, res.Judged, rulestest.Describe(res.Findings))
			}
		}
	}
}

// TestBrokenRealWorldConfigs: the configs that broke clusters are denied
// (as written) for the reason that broke them.
func TestBrokenRealWorldConfigs(t *testing.T) {
	tests := []struct {
		name string
		cm   *corev1.ConfigMap
		rule string
	}{
		{"community ali-vpc manifest without cniVersion (NotReady on 1.16)", cfgMap("kube-system", communityCNI, aliyunNet), RuleCNIVersionMissing},
		{"upstream v0.11 conflist without cniVersion", cfgMap("kube-system", `{"name":"cbr0","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`, upstreamNet), RuleCNIVersionMissing},
		{"chart PSK unquoted (flannel PR#1826)", cfgMap("kube-flannel", upstreamCNI, `{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","PSK":abc}}`), RuleNetConfInvalid},
		{"shell continuation in net-conf (flannel#479)", cfgMap("kube-flannel", upstreamCNI, "{ \"Network\": \"10.244.0.0/16\", \\\n \"Backend\": {\"Type\": \"vxlan\"}}"), RuleNetConfInvalid},
	}
	for _, tc := range tests {
		res := rulestest.Judge(New(), rulestest.Case{Object: tc.cm, NoMutate: true})
		found := false
		for _, f := range res.Findings {
			if f.Rule == tc.rule && f.Severity == rules.Deny {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %s deny: %s", tc.name, tc.rule, rulestest.Describe(res.Findings))
		}
	}
}
