package terway

import (
	"maps"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// goodCNI is the 10-terway.conf ACK ships for the veth datapath with the
// ebpf policy provider.
const goodCNI = `{"cniVersion": "0.4.0", "name": "terway", "capabilities": {"bandwidth": true},
 "network_policy_provider": "ebpf", "type": "terway"}`

// vethCNI is a plain veth/iptables 10-terway.conf.
const vethCNI = `{"cniVersion": "0.4.0", "name": "terway", "eniip_virtual_type": "Veth", "type": "terway"}`

// ipvlanCNI is the 10-terway.conf of terway-cilium.yml (v1.1.0-v1.6.0).
const ipvlanCNI = `{"cniVersion": "0.3.1", "name": "terway", "type": "terway", "eniip_virtual_type": "IPVlan", "host_stack_cidrs": ["169.254.0.0/16"]}`

// goodENIConf is a clean, realistic legacy-IPAM eni_conf.
const goodENIConf = `{
  "version": "1",
  "max_pool_size": 5,
  "min_pool_size": 0,
  "credential_path": "/var/addon/token-config",
  "vswitches": {"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa"], "cn-hangzhou-k": ["vsw-bp1bbbbbbbbbbbbbbbbbb"]},
  "service_cidr": "172.21.0.0/20",
  "security_group": "sg-bp1abcdefghijklmnopq",
  "vswitch_selection_policy": "ordered",
  "ip_stack": "ipv4"
}`

// baseCM builds kube-system/eni-config from a valid default, with data
// overriding or adding keys (an empty value "<delete>" removes the key).
func baseCM(data map[string]string) *corev1.ConfigMap {
	d := map[string]string{
		"eni_conf":               goodENIConf,
		"10-terway.conf":         goodCNI,
		"disable_network_policy": "false",
	}
	for k, v := range data {
		if v == "<delete>" {
			delete(d, k)
			continue
		}
		d[k] = v
	}
	return rulestest.ConfigMap("kube-system", "eni-config", d)
}

// eni builds a base eni-config whose eni_conf is the given JSON.
func eni(conf string) *corev1.ConfigMap { return baseCM(map[string]string{"eni_conf": conf}) }

// cni builds a base eni-config whose 10-terway.conf is the given JSON.
func cni(conf string) *corev1.ConfigMap { return baseCM(map[string]string{"10-terway.conf": conf}) }

// override builds a per-node override ConfigMap.
func override(name, conf string) *corev1.ConfigMap {
	return rulestest.ConfigMap("kube-system", name, map[string]string{"eni_conf": conf})
}

// withBase returns a cluster context that knows the base eni-config.
func withBase(conf string, nodes ...rules.Node) *rules.ClusterContext {
	c := &rules.ClusterContext{Nodes: nodes}
	c.AddConfigMap(eni(conf))
	return c
}

// updated returns a copy of cm with extra data (an UPDATE's new object).
func updated(cm *corev1.ConfigMap, data map[string]string) *corev1.ConfigMap {
	n := cm.DeepCopy()
	n.Data = maps.Clone(cm.Data)
	maps.Copy(n.Data, data)
	return n
}

// sgList renders n distinct security-group IDs as a JSON array.
func sgList(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = `"sg-bp1abcdefghijklmno` + string(rune('a'+i)) + `"`
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

type engineResult = engine.Result

// longName makes an override name longer than a label value may be.
var longName = strings.Repeat("pool", 15)

// relabelled returns a copy of cm that differs only in its labels.
func relabelled(cm *corev1.ConfigMap) *corev1.ConfigMap {
	n := cm.DeepCopy()
	n.Labels = map[string]string{"owner": "netops"}
	return n
}

func wantLine(t *testing.T, res engine.Result, rule string, line int) {
	t.Helper()
	for _, f := range res.Findings {
		if f.Rule == rule && f.Line == line {
			return
		}
	}
	t.Errorf("no %s finding on line %d: %s", rule, line, rulestest.Describe(res.Findings))
}

func wantColumn(t *testing.T, res engine.Result, rule string, col int) {
	t.Helper()
	for _, f := range res.Findings {
		if f.Rule == rule && f.Column == col {
			return
		}
	}
	t.Errorf("no %s finding at column %d: %s", rule, col, rulestest.Describe(res.Findings))
}

// wantNoMention fails when any finding's message or hint mentions s.
func wantNoMention(t *testing.T, res engine.Result, s string) {
	t.Helper()
	for _, f := range res.Findings {
		if strings.Contains(f.Message, s) || strings.Contains(f.Hint, s) {
			t.Errorf("%s mentions %q, which is not true for the version judged: %s", f.Rule, s, f.Message)
		}
	}
}
