package all

import (
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
)

// TestDuplicateKeysWarnInEveryComponent is the one duplicate-key policy
// (docs/rules.md): every decoder keeps the last copy and the component
// starts, so a repeated key — with a differing or an identical value — is a
// warning in kube-proxy, Flannel and Terway alike, never a deny.
func TestDuplicateKeysWarnInEveryComponent(t *testing.T) {
	const kp = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
	const net = `{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}`
	cases := []struct {
		name, ns, cm string
		data         map[string]string
		rule         string
	}{
		{"kube-proxy, differing copies", "kube-system", "kube-proxy", map[string]string{"config.conf": kp + "mode: ipvs\nmode: iptables\n"}, "KP012"},
		{"kube-proxy, identical copies", "kube-system", "kube-proxy", map[string]string{"config.conf": kp + "mode: ipvs\nmode: ipvs\n"}, "KP015"},
		{"flannel, differing copies (upstream kube-flannel.yml 2019-10)", "kube-system", "kube-flannel-cfg", map[string]string{
			"cni-conf.json": `{"name":"cbr0","cniVersion":"0.2.0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`,
			"net-conf.json": net}, "FL025"},
		{"terway, differing copies", "kube-system", "eni-config", map[string]string{"eni_conf": `{"version":"1","max_pool_size":5,"min_pool_size":0,"max_pool_size":10}`}, "TW003"},
		{"terway, identical copies", "kube-system", "eni-config", map[string]string{"eni_conf": `{"version":"1","max_pool_size":5,"max_pool_size":5}`}, "TW004"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r, ok := rules.Lookup(c.rule); !ok || r.Severity != rules.Warn {
				t.Fatalf("%s is registered as %v, the policy says warn", c.rule, r.Severity)
			}
			e := engine.New(nil, Checkers()...)
			res := e.Judge(engine.Input{Operation: rules.Create, Object: rulestest.ConfigMap(c.ns, c.cm, c.data)})
			fired := false
			for _, f := range res.Findings {
				if f.Rule == c.rule {
					fired = true
					if f.Severity == rules.Deny {
						t.Errorf("%s denies: %s", c.rule, f.Message)
					}
				}
			}
			if !fired {
				t.Errorf("%s does not fire: %s", c.rule, rulestest.Describe(res.Findings))
			}
		})
	}
}
