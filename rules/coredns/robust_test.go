package coredns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

var seeds = []string{stock, nodeLocalUpstream, ackEdgeDefault,
	block("cache 30s", "hosts 10.0.0.10 name", "template IN A {", "  answer \"{{ .Name }} 60 IN A 10.0.0.300\"", "}"),
	"corp.example:dns {\n  forward . 10.0.0.1:99999 // x\n}\n} // y\n",
	"(snip) {\n  errors\n}\n.:53 {\n  import snip\n  import snip\n}\n",
	"a, b, c {\n{\n}}\"\n`{$X}`\n",
}

// judgeRaw runs Validate without the engine's panic recovery, on CREATE
// and UPDATE, for both target names.
func judgeRaw(t testing.TB, text, old string) []rules.Finding {
	var out []rules.Finding
	for _, name := range []string{"coredns", NodeLocalName} {
		cm := corefileCM(name, text)
		for _, op := range []rules.Operation{rules.Create, rules.Update} {
			req := &rules.Request{Operation: op, Object: cm}
			if op == rules.Update {
				req.OldObject = corefileCM(name, old)
			}
			out = append(out, New().Validate(req)...)
			out = append(out, checker{build: "ack"}.Validate(req)...)
		}
	}
	return out
}

// judgeOne is one of judgeRaw's eight judgements, chosen by n, so the
// mangled corpus covers every combination without judging each text eight
// times.
func judgeOne(n int, text, old string) {
	name := []string{"coredns", NodeLocalName}[n%2]
	req := &rules.Request{Operation: rules.Create, Object: corefileCM(name, text)}
	if n/2%2 == 1 {
		req.Operation, req.OldObject = rules.Update, corefileCM(name, old)
	}
	if n/4%2 == 1 {
		checker{build: "ack"}.Validate(req)
		return
	}
	New().Validate(req)
}

// TestNoPanicOnMangledCorefiles cuts every seed at every byte and swaps
// the halves, and replaces every token with hostile ones: Validate must
// return (a panic here would escape the engine's recovery in a checker
// called directly).
func TestNoPanicOnMangledCorefiles(t *testing.T) {
	hostile := []string{"{", "}", "\"", "`", "{$", "import", ":", "::", ":0", ":99999", "//", "#", "\\", "\x00", "(x)"}
	n := 0
	for _, s := range seeds {
		for i := 0; i <= len(s); i++ {
			judgeOne(n, s[:i], s[i:])
			judgeOne(n+1, s[i:]+s[:i], "")
			n += 2
		}
		fields := strings.Fields(s)
		for i := range fields {
			for _, h := range hostile {
				f := append([]string(nil), fields...)
				f[i] = h
				judgeOne(n, strings.Join(f, " "), s)
				judgeOne(n+1, strings.Join(f, "\n"), "")
				n += 2
			}
		}
	}
}

// TestFileImportsAreNeverRead: an import names a file that exists on the
// machine running netguard; its content must not reach any finding (the
// webhook's filesystem is not CoreDNS's).
func TestFileImportsAreNeverRead(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "leak.server")
	if err := os.WriteFile(f, []byte("NGSECRET-file-content-7f3a {\n  NGSECRET-directive\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"import " + f + "\n" + stock,
		stock + "import " + filepath.Join(dir, "*.server") + "\n",
		".:53 {\n    import " + f + "\n    whoami\n}\n",
	} {
		fs := judgeRaw(t, text, stock)
		found := false
		for _, x := range fs {
			if strings.Contains(x.Message+x.Hint, "NGSECRET") {
				t.Errorf("imported file content leaked: %s", x.String())
			}
			found = found || x.Rule == RuleImport
		}
		if !found {
			t.Errorf("no %s finding for %q", RuleImport, text)
		}
	}
}

// TestEnvironmentReferencesAreNotExpanded: {$NAME} is CoreDNS's
// environment, not the webhook's; the webhook's value must never appear
// and a dynamic value is not judged.
func TestEnvironmentReferencesAreNotExpanded(t *testing.T) {
	t.Setenv("NG_TEST_UPSTREAM", "10.0.0.1:99999")
	t.Setenv("NG_TEST_SECRET", "NGSECRET-env-value")
	text := block("forward . {$NG_TEST_UPSTREAM}", "hosts {", "  {$NG_TEST_SECRET} name.example", "}", "cache {$NG_TEST_SECRET}")
	for _, f := range judgeRaw(t, text, "") {
		if f.Rule == RuleUpstreamPort || f.Rule == RuleHostsDropped || f.Rule == RuleCacheTTLUnit {
			t.Errorf("a value from the environment was judged: %s", f.String())
		}
		if strings.Contains(f.Message+f.Hint, "NGSECRET") || strings.Contains(f.Message+f.Hint, "99999") {
			t.Errorf("the webhook's environment leaked: %s", f.String())
		}
	}
	// A parse error shows the reference as written.
	fs := judgeRaw(t, "{$NG_TEST_SECRET}, {\n  whoami\n}\n", "")
	for _, f := range fs {
		if strings.Contains(f.Message, "NGSECRET") {
			t.Errorf("leaked: %s", f.String())
		}
	}
}

// TestSecretsAreScrubbed: credentials in tsig/route53/etcd blocks never
// appear in a finding, even when another rule quotes the same text.
func TestSecretsAreScrubbed(t *testing.T) {
	const tsigKey = "c2VjcmV0LXRzaWcta2V5LU5HU0VDUkVU"
	const awsSecret = "wJalrXUtnFEMIK7MDENGbPxRfiCYNGSECRET"
	text := ".:53 {\n    tsig {\n        secret tsig.example. " + tsigKey + "\n    }\n" +
		"    route53 example.org.:Z1D633PJN98FT9 {\n        aws_access_key AKIAIOSFODNN7EXAMPLE " + awsSecret + "\n    }\n" +
		"    etcd {\n        credentials root NGSECRETpassw0rd\n    }\n" +
		"    hosts {\n        10.0.0.300 " + tsigKey + " " + awsSecret + " NGSECRETpassw0rd\n    }\n}\n"
	fs := judgeRaw(t, text, stock)
	hit := false
	for _, f := range fs {
		if f.Rule == RuleHostsDropped {
			hit = true
		}
		for _, s := range []string{tsigKey, awsSecret, "NGSECRETpassw0rd"} {
			if strings.Contains(f.Message+f.Hint, s) {
				t.Errorf("secret %q in finding: %s", s, f.String())
			}
		}
	}
	if !hit {
		t.Fatalf("the test needs a finding that quotes the secrets; got none of %s", RuleHostsDropped)
	}
}

// TestFindingsCarryTheCorefileKey: every finding is located in the
// Corefile key (or on the object when the key is missing).
func TestFindingsCarryTheCorefileKey(t *testing.T) {
	for _, s := range seeds {
		for _, f := range judgeRaw(t, s, stock) {
			if f.Key != CorefileKey {
				t.Errorf("finding without the Corefile key: %s", f.String())
			}
		}
	}
	fs := New().Validate(&rules.Request{Operation: rules.Create, Object: &corev1.ConfigMap{}})
	if len(fs) != 1 || fs[0].Rule != RuleNoCorefile {
		t.Errorf("missing key: %v", fs)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, stock)
	}
	f.Fuzz(func(t *testing.T, text, old string) {
		judgeRaw(t, text, old)
	})
}
