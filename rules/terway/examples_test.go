package terway

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// parseCM decodes a ConfigMap manifest the way lint and the API server do.
func parseCM(t testing.TB, manifest string) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict([]byte(manifest), cm); err != nil {
		t.Fatalf("bad manifest: %v", err)
	}
	return cm
}

// Reference §8: the valid examples must pass without a deny (or warn).
var validExamples = map[string]string{
	"self-managed legacy IPAM with AK/SK": `
apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config, namespace: kube-system}
data:
  eni_conf: |
    {
      "version": "1",
      "access_key": "LTAI5tExampleKeyId0000", "access_secret": "ExampleSecretValue0000000000",
      "service_cidr": "172.21.0.0/20",
      "security_groups": ["sg-bp1abcdefghijklmnopq"],
      "vswitches": {"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa"], "cn-hangzhou-k": ["vsw-bp1bbbbbbbbbbbbbbbbbb"]},
      "max_pool_size": 5, "min_pool_size": 0,
      "ip_stack": "ipv4",
      "vswitch_selection_policy": "ordered"
    }
  10-terway.conf: |
    {"cniVersion": "0.4.0", "name": "terway", "capabilities": {"bandwidth": true},
     "network_policy_provider": "ebpf", "type": "terway"}
  disable_network_policy: "false"
  in_cluster_loadbalance: "true"
`,
	"ACK centralized IPAM, dual stack, trunking, datapathv2": `
apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config, namespace: kube-system}
data:
  eni_conf: |
    {"version": "1", "max_pool_size": 5, "min_pool_size": 0,
     "credential_path": "/var/addon/token-config",
     "enable_eni_trunking": true, "ipam_type": "crd",
     "vswitches": {"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]},
     "eni_tags": {"ack.aliyun.com": "c7c3cf0000"},
     "service_cidr": "192.168.0.0/16,fd00::/112",
     "security_group": "sg-bp1abcdefghijklmnopq",
     "ip_stack": "dual", "vswitch_selection_policy": "ordered",
     "idle_ip_reclaim_after": "1h", "idle_ip_reclaim_jitter_factor": "0.1"}
  10-terway.conf: |
    {"cniVersion": "0.4.0", "name": "terway", "capabilities": {"bandwidth": true},
     "eniip_virtual_type": "datapathv2", "host_stack_cidrs": ["169.254.20.10/32"],
     "cilium_args": "", "type": "terway"}
  disable_network_policy: "true"
  in_cluster_loadbalance: "true"
`,
	"custom chain": `
apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config, namespace: kube-system}
data:
  eni_conf: '{"version": "1", "max_pool_size": 5}'
  10-terway.conf: '{"cniVersion": "0.4.0", "name": "terway", "type": "terway"}'
  10-terway.conflist: |
    {"plugins": [{"type": "terway"}, {"type": "cilium-cni"},
                 {"type": "portmap", "capabilities": {"portMappings": true}, "externalSetMarkChain": "KUBE-MARK-MASQ"}]}
`,
	"dynamic per-node config": `
apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config-pool-a, namespace: kube-system}
data:
  eni_conf: |
    {"vswitches": {"cn-hangzhou-j": ["vsw-bp1cccccccccccccccccc"], "cn-hangzhou-k": null},
     "max_pool_size": 10}
`,
	"IP prefix override from docs/ip-prefix.md": `
apiVersion: v1
kind: ConfigMap
metadata: {name: eni-config-prefix, namespace: kube-system}
data:
  eni_conf: '{"enable_ip_prefix": true, "ipv4_prefix_count": 5}'
`,
}

func TestValidExamplesHaveNoDenyOrWarn(t *testing.T) {
	base := parseCM(t, validExamples["ACK centralized IPAM, dual stack, trunking, datapathv2"])
	for name, manifest := range validExamples {
		t.Run(name, func(t *testing.T) {
			cm := parseCM(t, manifest)
			for _, cluster := range []*rules.ClusterContext{nil, contextWith(base), {Facts: map[string]string{VersionFact: "v1.17.5"}}} {
				res := rulestest.Judge(New(), rulestest.Case{Object: cm, Cluster: cluster})
				if !res.Judged {
					t.Fatalf("not judged: %s", res.Skipped)
				}
				for _, f := range res.Findings {
					if f.Severity != rules.Info {
						t.Errorf("unexpected finding: %s", f)
					}
				}
				if !hasRule(res.Findings, "TW090") {
					t.Errorf("no restart advice: %s", rulestest.Describe(res.Findings))
				}
			}
		})
	}
}

func contextWith(cms ...*corev1.ConfigMap) *rules.ClusterContext {
	c := &rules.ClusterContext{}
	for _, cm := range cms {
		c.AddConfigMap(cm)
	}
	return c
}

func hasRule(fs []rules.Finding, id string) bool {
	for _, f := range fs {
		if f.Rule == id {
			return true
		}
	}
	return false
}

func rulesOf(fs []rules.Finding, sev rules.Severity) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == sev {
			out = append(out, f.Rule)
		}
	}
	return out
}

// The FAQ snippets exactly as printed in ack-container-network-faq.txt.
func TestFAQSnippets(t *testing.T) {
	t.Run("disable network policies", func(t *testing.T) {
		// "Add the following field to the ConfigMap: disable_network_policy: "true""
		cm := baseCM(map[string]string{"disable_network_policy": "true"})
		res := rulestest.Judge(New(), rulestest.Case{Object: cm, Old: baseCM(nil)})
		if d := rulesOf(res.Findings, rules.Deny); len(d) > 0 {
			t.Fatalf("FAQ value denied: %s", rulestest.Describe(res.Findings))
		}
		if !hasRule(res.Findings, "TW090") || !strings.Contains(res.Findings[len(res.Findings)-1].Hint, "app=terway-eniip") {
			t.Errorf("restart advice missing: %s", rulestest.Describe(res.Findings))
		}
	})
	t.Run("in-cluster load balancing", func(t *testing.T) {
		cm := baseCM(map[string]string{"in_cluster_loadbalance": "true"})
		res := rulestest.Judge(New(), rulestest.Case{Object: cm})
		if d := rulesOf(res.Findings, rules.Deny); len(d) > 0 {
			t.Fatalf("FAQ value denied: %s", rulestest.Describe(res.Findings))
		}
	})
	t.Run("eni-config-fixed with masked IDs", func(t *testing.T) {
		cm := parseCM(t, `
    apiVersion: v1
    data:
      eni_conf: |
        {
           "vswitches": {"cn-beijing-h":["vsw-2zem796p76viir02c****"]},
           "security_group": "sg-bp19k3sj8dk3dcd7****",
           "security_groups": ["sg-bp1b39sjf3v49c33****","sg-bp1bpdfg35tg****"]
        }
    kind: ConfigMap
    metadata:
      name: eni-config-fixed
      namespace: kube-system
`)
		res := rulestest.Judge(New(), rulestest.Case{Object: cm})
		var masked []rules.Finding
		for _, f := range res.Findings {
			if f.Rule == "TW023" {
				masked = append(masked, f)
			}
		}
		if len(masked) != 4 {
			t.Fatalf("want 4 masked-ID denials (1 vSwitch, 3 security groups), got: %s", rulestest.Describe(res.Findings))
		}
		want := map[string]int{"vswitches.cn-beijing-h[0]": 2, "security_group": 3, "security_groups[0]": 4, "security_groups[1]": 4}
		for _, f := range masked {
			if f.Severity != rules.Deny || f.Key != "eni_conf" || want[f.Path] != f.Line {
				t.Errorf("finding at wrong place: %s (line %d)", f, f.Line)
			}
			if !strings.Contains(f.Message, "masked ID copied from documentation") {
				t.Errorf("message does not explain the mask: %s", f.Message)
			}
		}
		if !hasRule(res.Findings, "TW090") || !strings.Contains(rulestest.Describe(res.Findings), "terway-config=eni-config-fixed") {
			t.Errorf("override restart advice missing: %s", rulestest.Describe(res.Findings))
		}
	})
}
