package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnknownFlagIsOneLineWithPointerToHelp(t *testing.T) {
	for _, args := range [][]string{
		{"lint", "--no-such-flag", "x.yaml"},
		{"scan", "--no-such-flag"},
		{"rules", "-Z"},
		{"serve", "--no-such-flag"},
		{"version", "--bogus"},
	} {
		code, out, errOut := runCmd("", args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if out != "" {
			t.Errorf("%v: printed on stdout: %q", args, out)
		}
		lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "unknown") || lines[1] != "Run 'netguard "+args[0]+" --help' for usage." {
			t.Errorf("%v: stderr %q, want one line and a pointer to --help", args, errOut)
		}
	}
}

func TestBadOutputFormatNamesTheValidOnes(t *testing.T) {
	code, _, errOut := runCmd("", "lint", "-o", "yaml", "-")
	if code != 2 || !strings.Contains(errOut, `"yaml"`) || !strings.Contains(errOut, "want text, json, sarif or junit") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestGoStyleSingleDashLongFlagsStillWork(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	if err := os.WriteFile(cfg, []byte("rules:\n  KP9999: warn\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The file's own error proves -config was read as --config and not as
	// -c onfig.
	for _, flag := range []string{"-config", "--config", "-c"} {
		if code, _, errOut := runCmd(badDataCM, "lint", flag, cfg, "-"); code != 2 || !strings.Contains(errOut, cfg+":2:3: ") || !strings.Contains(errOut, "KP9999") {
			t.Errorf("lint %s: exit %d, stderr %q", flag, code, errOut)
		}
	}
	if code, out, _ := runCmd("", "-version"); code != 0 || !strings.HasPrefix(out, "netguard ") {
		t.Errorf("-version: exit %d %q", code, out)
	}
	if code, out, _ := runCmd("", "--version"); code != 0 || !strings.HasPrefix(out, "netguard ") {
		t.Errorf("--version: exit %d %q", code, out)
	}
}

func TestNamespaceShortAndLongFormsAgree(t *testing.T) {
	svc := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy}\ndata: {config.conf: \"mode: bogus\"}\n"
	var outs []string
	for _, args := range [][]string{{"-n", "kube-system"}, {"--namespace", "kube-system"}, {"--namespace=kube-system"}} {
		_, out, _ := runCmd(svc, append(append([]string{"lint", "-o", "json"}, args...), "-")...)
		outs = append(outs, out)
	}
	if !strings.Contains(outs[0], "kube-system/kube-proxy") {
		t.Fatalf("-n kube-system did not put the object in kube-system:\n%s", outs[0])
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Errorf("-n and --namespace differ:\n%s\n%s\n%s", outs[0], outs[1], outs[2])
	}
}

func TestCompletionScriptsForEveryShell(t *testing.T) {
	marks := map[string]string{"bash": "complete -o", "zsh": "#compdef netguard", "fish": "complete -c netguard", "powershell": "Register-ArgumentCompleter"}
	for sh, mark := range marks {
		code, out, errOut := runCmd("", "completion", sh)
		if code != 0 || !strings.Contains(out, mark) {
			t.Errorf("completion %s: exit %d, lacks %q (stderr %q)", sh, code, mark, errOut)
		}
	}
	// the dynamic completion of -o offers the formats of the command
	_, out, _ := runCmd("", "__complete", "lint", "-o", "")
	if !strings.Contains(out, "json\n") || !strings.Contains(out, "text\n") {
		t.Errorf("lint -o completion: %q", out)
	}
	_, out, _ = runCmd("", "__complete", "rules", "KP00")
	if !strings.Contains(out, "KP003") {
		t.Errorf("rules ID completion: %q", out)
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	for _, c := range []string{"lint", "scan", "serve", "rules", "audit-log", "version", "config validate"} {
		code, out, _ := runCmd("", append(strings.Fields(c), "--help")...)
		if code != 0 || !strings.Contains(out, "Examples:\n") || !strings.Contains(out, "  netguard "+strings.Fields(c)[0]) {
			t.Errorf("%s --help: exit %d, no examples:\n%s", c, code, out)
		}
	}
}

func TestRulesWithIDPrintsThatRuleOnly(t *testing.T) {
	code, out, _ := runCmd("", "rules", "kp003")
	if code != 0 || !strings.HasPrefix(out, "KP003 ") || strings.Contains(out, "\nKP004 ") || !strings.Contains(out, "  bad:") {
		t.Errorf("rules kp003: exit %d\n%s", code, out)
	}
	_, out, _ = runCmd("", "rules", "KP003", "NG002", "-o", "json")
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 || rs[0]["id"] != "KP003" || rs[1]["id"] != "NG002" {
		t.Errorf("rules KP003 NG002 -o json: %v %v", err, rs)
	}
	code, _, errOut := runCmd("", "rules", "KP0003")
	if code != 2 || !strings.Contains(errOut, "did you mean KP003?") {
		t.Errorf("unknown rule: exit %d, stderr %q", code, errOut)
	}
}

func TestVersionJSON(t *testing.T) {
	code, out, _ := runCmd("", "version", "-o", "json")
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v.Version == "" || v.GoVersion == "" {
		t.Errorf("version -o json: exit %d, %v, %q", code, err, out)
	}
}

// The chart's Deployment passes these flags to serve (including
// controller-runtime's zap flags, Go flags bridged into pflag): they must
// keep parsing. Parsing only; nothing is started.
func TestServeAcceptsTheChartsFlags(t *testing.T) {
	root := newRootCmd(nil, nil, nil)
	args := []string{"--port=9443", "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081",
		"--config=/etc/netguard/config.yaml", "--cert-dir=/certs", "--ratcheting=true", "--info-warnings=false",
		"--zap-log-level=debug", "--zap-encoder=json", "--cert-mode=self-managed", "--cert-secret=x-certs",
		"--service-name=x", "--service-namespace=ns", "--validating-webhook-configuration=x", "--mutating-webhook-configuration=x",
		"--ca-validity=8760h", "--cert-validity=2160h", "--cert-rotation-grace=1m", "--cert-sync-interval=10s",
		"--cert-hosts=a,b", "--offline", "--kubeconfig", "k", "--host", "127.0.0.1", "--max-request-bytes", "1000", "--config-poll-interval", "2s"}
	serve, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.ParseFlags(args); err != nil {
		t.Fatalf("serve rejects the chart's flags: %v", err)
	}
	if got := serve.Flags().Lookup("zap-log-level").Value.String(); got != "debug" {
		t.Errorf("--zap-log-level = %q", got)
	}
}

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(good, []byte("cluster:\n  kubernetesVersion: \"1.30\"\nrules:\n  KP030: \"off\"\n"), 0o644)
	_ = os.WriteFile(bad, []byte("cluster:\n  kubernetesVersion: 1.30\nrules:\n  KP030: off\n  KP03: warn\n"), 0o644)
	code, out, errOut := runCmd("", "config", "validate", good)
	if code != 0 || out != good+": valid\n" || errOut != "" {
		t.Errorf("valid file: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd("", "config", "validate", good, bad)
	if code != 2 || !strings.Contains(out, good+": valid") {
		t.Errorf("bad file: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{bad + ":2:22: ", `kubernetesVersion: "1.30"`, bad + ":4:10: ", `KP030: "off"`, bad + ":5:3: ", "did you mean KP003?"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code, _, _ := runCmd("", "config", "validate"); code != 2 {
		t.Errorf("no file: exit %d", code)
	}
}

func TestLintHonoursIgnoreAnnotationUnlessNonWaivable(t *testing.T) {
	code, out, _ := runCmd("", "lint", "testdata/kube-proxy-ignored.yaml")
	if code != 0 || !strings.Contains(out, "testdata/kube-proxy-ignored.yaml:8:5: NG004 warn") || !strings.Contains(out, "waived KP030 (1 finding: deny)") || strings.Contains(out, "KP030 deny") {
		t.Errorf("waived: exit %d\n%s", code, out)
	}
	cfg := filepath.Join(t.TempDir(), "cfg.yaml")
	_ = os.WriteFile(cfg, []byte("exceptions:\n  nonWaivable: [KP030]\n"), 0o644)
	code, out, _ = runCmd("", "lint", "-c", cfg, "testdata/kube-proxy-ignored.yaml")
	if code != 1 || !strings.Contains(out, "KP030 deny") || !strings.Contains(out, "NG005 warn") {
		t.Errorf("non-waivable: exit %d\n%s", code, out)
	}
}

// closedLoopbackURL is an address on 127.0.0.1 where nothing listens: a
// connection is refused at once.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "https://" + addr
}

func TestScanSeveralContextsReportsEachIntoOneDocument(t *testing.T) {
	server := closedLoopbackURL(t)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	_ = os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: `+server+`, insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: t}
contexts:
- name: prod
  context: {cluster: c, user: u}
- name: staging
  context: {cluster: c, user: u}
current-context: prod
`), 0o600)
	for _, args := range [][]string{{"--context", "prod", "--context", "staging"}, {"--all-contexts"}} {
		code, out, errOut := runCmd("", append([]string{"scan", "--kubeconfig", kubeconfig, "--timeout", "20s", "-o", "json"}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (no cluster answers)", args, code)
		}
		var fs []map[string]any
		if err := json.Unmarshal([]byte(out), &fs); err != nil || len(fs) != 2 {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if !strings.HasPrefix(fs[0]["message"].(string), "context prod: ") || !strings.HasPrefix(fs[1]["message"].(string), "context staging: ") {
			t.Errorf("%v: errors %v", args, fs)
		}
		if !strings.Contains(errOut, "netguard scan: context prod: ") || !strings.Contains(errOut, "netguard scan: context staging: ") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}
	code, _, errOut := runCmd("", "scan", "--kubeconfig", kubeconfig, "--all-contexts", "--context", "prod")
	if code != 2 || !strings.Contains(errOut, "exclude each other") {
		t.Errorf("--all-contexts with --context: exit %d %q", code, errOut)
	}
	code, out, _ := runCmd("", "scan", "--kubeconfig", kubeconfig, "--context", "prod", "--context", "nope", "--timeout", "20s")
	if code != 2 || !strings.Contains(out, "netguard: context nope: error: no cluster to scan") || !strings.Contains(out, "netguard: 2 context(s), 2 failed") {
		t.Errorf("unknown context in text: exit %d\n%s", code, out)
	}
}
