package terway

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

// No finding may carry a credential, whatever shape the mistake takes.
func TestSecretsNeverAppear(t *testing.T) {
	const key = "LTAI5tQzSecretKeyId123"
	const secret = "Sup3rS3cretAccessValue987"
	confs := map[string]string{
		"wrong type for access_secret":  `{"access_key": "` + key + `", "access_secret": ["` + secret + `"]}`,
		"numeric access_secret":         `{"access_key": "` + key + `", "access_secret": 98765432123456789}`,
		"duplicate access_secret":       `{"access_key": "` + key + `", "access_secret": "` + secret + `", "access_secret": "` + secret + `x"}`,
		"case variant of access_secret": `{"Access_Secret": "` + secret + `"}`,
		"access key as a top-level key": ``,
		"syntax error next to a secret": `{"access_key": "` + key + `", "access_secret": "` + secret + `",}`,
	}
	for name, conf := range confs {
		t.Run(name, func(t *testing.T) {
			cm := eni(conf)
			if conf == "" {
				cm = baseCM(map[string]string{"access_secret": secret, "access_key": key})
			}
			for _, op := range []rules.Operation{rules.Create, rules.Update} {
				c := rulestest.Case{Object: cm, Op: op}
				if op == rules.Update {
					c.Old = eni(`{"access_secret": "` + secret + `old"}`)
				}
				res := rulestest.Judge(New(), c)
				if len(res.Findings) < 2 {
					t.Fatalf("expected findings about the broken config: %s", rulestest.Describe(res.Findings))
				}
				// Validate directly too: the engine scrubs string secrets, the
				// rules themselves must not emit them (numbers, arrays).
				raw := New().Validate(&rules.Request{Operation: op, Target: rules.Target{Component: Component, Role: RoleBase}, Object: cm, OldObject: eni(`{}`)})
				for _, f := range append(res.Findings, raw...) {
					all := f.String()
					for _, s := range []string{key, secret, "98765432123456789", "Sup3r"} {
						if strings.Contains(all, s) {
							t.Errorf("finding leaks a credential (%q): %s", s, all)
						}
					}
				}
			}
		})
	}
}
