package terway

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
)

// fzSecret replaces "$SECRET" in fuzzed eni_conf; no finding of the
// checker itself (before the engine scrubs anything) may contain
// fzSecretPrefix while the marker sits only under credential keys.
const (
	fzSecretPrefix = "NGSECRET"
	fzSecret       = fzSecretPrefix + "-wJ4kP9qX2vL7nR5tY8bM3cF6"
)

// FuzzENIConfSecrets complements FuzzValidate (no panic): the Terway
// checker, called directly, must never echo a credential, must return
// within the bound and must be deterministic.
func FuzzENIConfSecrets(f *testing.F) {
	for _, s := range []string{
		`{"access_key":"$SECRET","access_secret":"$SECRET","vswitches":{"cn-hangzhou-i":["vsw-1"]},"security_group":"sg-1","service_cidr":"172.21.0.0/20"}`,
		`{"access_key":"$SECRET","access_secret":"$SECRET"`, `{"access_secret":"$SECRET","access_secret":"x$SECRET"}`,
		`{"access_secret":"$SECRET","acess_secret":"y","Access_Secret":"$SECRET","max_pool_size":"$SECRET"}`,
		`{"access_secret":"$SECRET\n","access_key":"\u0041$SECRET","credential_path":"/var/addon/token-config"}`,
		`{"access_secret":{"nested":"$SECRET"},"access_key":["$SECRET"]}`, `{"access_secret":"$SECRET",}`,
		goodENIConf,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, conf string, isOverride bool) {
		conf = strings.ReplaceAll(conf, "$SECRET", fzSecret)
		cm := eni(conf)
		target := rules.Target{Component: Component, Role: RoleBase}
		if isOverride {
			cm = override("eni-config-pool-a", conf)
			target.Role = RoleOverride
		}
		req := &rules.Request{Operation: rules.Create, Target: target, Object: cm, Cluster: withBase(goodENIConf)}
		start := time.Now()
		a := New().Validate(req)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Validate took %v", d)
		}
		if b := New().Validate(req); !reflect.DeepEqual(a, b) {
			t.Fatalf("not deterministic")
		}
		if !fzOnlySecret(conf) {
			return
		}
		// A checker may show a wrongly typed value verbatim (an object
		// holding a credential); the engine scrubs every credential value
		// of the document, so check what leaves the engine.
		secrets := rules.SecretValuesInText(conf)
		for _, f := range a {
			if strings.Contains(rules.Scrub(f.Message+f.Hint+f.Path, secrets), fzSecretPrefix) {
				t.Fatalf("%s echoes a credential: %s / %s", f.Rule, f.Message, f.Hint)
			}
		}
	})
}

// fzOnlySecret reports whether the marker occurs only inside values of
// credential keys (as the engine finds them).
func fzOnlySecret(doc string) bool {
	if !strings.Contains(doc, fzSecretPrefix) {
		return false
	}
	rest := fzMemberRE.ReplaceAllStringFunc(doc, func(m string) string {
		if rules.IsSecretKey(fzMemberRE.FindStringSubmatch(m)[1]) {
			return ""
		}
		return m
	})
	return !strings.Contains(rest, fzSecretPrefix)
}

// fzMemberRE matches `"key": "string value"` members, valid JSON or not.
var fzMemberRE = regexp.MustCompile(`"([^"\\]{1,40})"\s*:\s*"((?:[^"\\]|\\.)*)"`)
