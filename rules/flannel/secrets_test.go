package flannel

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

// TestSecretsNeverInMessages checks the checker's own output (without the
// engine's scrubbing) and the engine's output.
func TestSecretsNeverInMessages(t *testing.T) {
	const ak, sk, psk = "LTAI5tSecretKeyID9x", "sEcReTvAlUe0123456789abcdef", "shortIpsecPresharedKey42"
	nets := []string{
		`{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec","PSK":"` + psk + `"}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec","PSK":"` + psk + `","psk":"` + psk + `x"}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","PSK":"` + psk + `"}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"ali-vpc","AccessKeyID":"` + ak + `","AccessKeySecret":"` + sk + `","AccessKeySecret":"` + sk + `"}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"tencent-vpc","AccessKeyID":["` + ak + `"],"AccessKeySecret":{"v":"` + sk + `"}}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","AccessKeyID":"` + ak + `","AccessKeySecrett":"` + sk + `"}}`,
		`{"Network":"10.244.0.0/16","PSK":"` + psk + `","Backend":{"Type":"alloc"}}`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"ali-vpc","AccessKeyID":"` + ak + `","AccessKeySecret":` + `"` + sk + `"`,
		`{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec","PSK":` + psk + `}}`,
	}
	for _, ver := range []string{"", "v0.15.1.22-aliyun", "v0.28.9"} {
		for _, n := range nets {
			cm := cfgMap("kube-system", ackCNI, n)
			old := cfgMap("kube-system", ackCNI, strings.Replace(n, "10.244.0.0/16", "10.96.0.0/12", 1))
			req := &rules.Request{Operation: rules.Update, Object: cm, OldObject: old, Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: ver}}, Config: rules.DefaultConfig()}
			fs := New().Validate(req)
			res := rulestest.Judge(New(), rulestest.Case{Object: cm, Old: old, Cluster: req.Cluster})
			fs = append(fs, res.Findings...)
			if len(fs) == 0 {
				t.Fatalf("expected findings for %s", n)
			}
			for _, f := range fs {
				for _, s := range []string{ak, sk, psk} {
					if strings.Contains(f.Message, s) || strings.Contains(f.Hint, s) || strings.Contains(f.Path, s) {
						t.Errorf("secret leaked in %s", f.String())
					}
				}
			}
		}
	}
}
