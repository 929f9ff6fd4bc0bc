package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(stdin string, args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

const badDataCM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: eni-config
  namespace: kube-system
data:
  in_cluster_loadbalance: true
`

func TestLintTextOutputIsCompilerLike(t *testing.T) {
	code, out, _ := runCmd(badDataCM, "lint", "-")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	first := strings.SplitN(out, "\n", 3)
	if !strings.HasPrefix(first[0], "-:7:3: NG002 deny ConfigMap kube-system/eni-config in_cluster_loadbalance: ") {
		t.Errorf("first line %q", first[0])
	}
	if !strings.HasPrefix(first[1], "    hint: ") {
		t.Errorf("hint line %q", first[1])
	}
	if !strings.Contains(out, "netguard: 1 file(s), 1 object(s)") || !strings.Contains(out, "denied") {
		t.Errorf("summary missing:\n%s", out)
	}
}

func TestLintJSONOutputFields(t *testing.T) {
	code, out, _ := runCmd(badDataCM, "lint", "-o", "json", "-")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var fs []map[string]any
	if err := json.Unmarshal([]byte(out), &fs); err != nil || len(fs) == 0 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	for _, k := range []string{"rule", "severity", "file", "object", "kind", "key", "path", "line", "column", "message", "hint", "docLine", "docColumn"} {
		if _, ok := fs[0][k]; !ok {
			t.Errorf("JSON finding lacks %q: %v", k, fs[0])
		}
	}
	if fs[0]["file"] != "-" || fs[0]["line"] != float64(7) {
		t.Errorf("finding %v", fs[0])
	}
}

func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.yaml")
	_ = os.WriteFile(ok, []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"), 0o644)
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n"), 0o644)
	cfg := filepath.Join(dir, "cfg.yaml")
	_ = os.WriteFile(cfg, []byte("rules:\n  KP9999: warn\n"), 0o644)

	if code, out, errs := runCmd("", "lint", ok); code != 0 {
		t.Errorf("clean input: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCmd("", "lint", bad); code != 2 || !strings.Contains(errs, bad+":4:") {
		t.Errorf("syntax error: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCmd("", "lint", filepath.Join(dir, "nope.yaml")); code != 2 || !strings.Contains(errs, "nope.yaml") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCmd("", "lint", "--config", cfg, ok); code != 2 || !strings.Contains(errs, "KP9999") {
		t.Errorf("bad config: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := runCmd("", "lint", "--kubernetes-version", "one.two", ok); code != 2 || !strings.Contains(errs, "kubernetesVersion") {
		t.Errorf("bad version flag: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runCmd("", "lint", "--fix", "-"); code != 2 {
		t.Errorf("--fix with stdin: exit %d", code)
	}
	// flags after paths are accepted
	if code, out, _ := runCmd("", "lint", ok, "-o", "json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("flags after paths: exit %d out %q", code, out)
	}
}

func TestRulesCommandFormats(t *testing.T) {
	code, out, _ := runCmd("", "rules", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rs []map[string]any
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r["component"].(string)] = true
		if r["id"] == "" || r["title"] == "" || r["severity"] == "" {
			t.Errorf("incomplete rule %v", r)
		}
	}
	for _, c := range []string{"terway", "flannel", "kube-proxy", "service", "netguard"} {
		if !seen[c] {
			t.Errorf("no rule of component %s in `netguard rules`", c)
		}
	}
	if code, out, _ := runCmd("", "rules"); code != 0 || !strings.Contains(out, "NG002 deny [netguard]") {
		t.Errorf("text: exit %d", code)
	}
	if code, _, _ := runCmd("", "rules", "-o", "yaml"); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if code, out, _ := runCmd("", "version"); code != 0 || !strings.HasPrefix(out, "netguard ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errs := runCmd("", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := runCmd(""); code != 2 || !strings.Contains(errs, "Usage:") {
		t.Errorf("no command: %d %q", code, errs)
	}
}

func TestServeIsRoutedAndRejectsBadFlags(t *testing.T) {
	// A bad flag must stop serve before it binds anything: proves the
	// dispatch reaches runServe without starting a server in a unit test.
	if code, _, _ := runCmd("", "serve", "--no-such-flag"); code != 2 {
		t.Errorf("serve --no-such-flag: exit %d, want 2", code)
	}
	if code, out, _ := runCmd("", "help"); code != 0 || !strings.Contains(out, "\n  serve ") {
		t.Errorf("usage must list serve: %q", out)
	}
}

// What `helm template ./chart | netguard lint -` gives for a chart whose
// ConfigMaps have no namespace: not a silent "ok" but a notice naming the
// object and the fix.
func TestLintNoticesTargetedNamesInUnjudgedNamespaces(t *testing.T) {
	const chart = `---
# Source: net/templates/flannel.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
data:
  net-conf.json: |
    {"Network": "172.20.0.0/16", "Backend": {"Type": "vxlan"}}
`
	for _, format := range []string{"text", "json"} {
		code, out, errs := runCmd(chart, "lint", "-o", format, "-")
		if code != 0 {
			t.Errorf("-o %s: exit %d, want 0 (a notice is no finding)\n%s%s", format, code, out, errs)
		}
		for _, want := range []string{
			"netguard lint: notice: -:3:1: ConfigMap default/kube-flannel-cfg was not judged: flannel judges kube-flannel-cfg only in namespace kube-system or kube-flannel",
			"`netguard lint -n kube-system`",
		} {
			if !strings.Contains(errs, want) {
				t.Errorf("-o %s: stderr lacks %q:\n%s", format, want, errs)
			}
		}
		if format == "text" && (strings.HasSuffix(out, ": ok\n") || !strings.Contains(out, "0 judged") || !strings.Contains(out, "1 object(s) with a targeted name were not judged")) {
			t.Errorf("summary must not be a plain ok:\n%s", out)
		}
	}
	code, out, errs := runCmd(chart, "lint", "-n", "kube-system", "-")
	if strings.Contains(errs, "notice") || !strings.Contains(out, "1 judged") {
		t.Errorf("-n kube-system: exit %d, want kube-flannel-cfg judged without a notice\n%s%s", code, out, errs)
	}
}
