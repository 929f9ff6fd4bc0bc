package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"sigs.k8s.io/yaml"
)

// TestRulesDocIsCurrent fails when docs/rules.md differs from the catalog.
func TestRulesDocIsCurrent(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"rules", "-o", "markdown"}, nil, &out, &errb); code != 0 {
		t.Fatalf("rules -o markdown: exit %d: %s", code, errb.String())
	}
	have, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatalf("docs/rules.md: %v (run `make docs`)", err)
	}
	if !bytes.Equal(have, out.Bytes()) {
		t.Fatalf("docs/rules.md is stale: run `make docs` and commit the result")
	}
}

// TestREADMEConfigExampleParses keeps the configuration example of
// README.md valid.
func TestREADMEConfigExampleParses(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	i := strings.Index(s, "## Configuration file")
	if i < 0 {
		t.Fatal("README.md has no Configuration file section")
	}
	s = s[i:]
	start := strings.Index(s, "```yaml\n")
	end := strings.Index(s[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no yaml block in the Configuration file section")
	}
	if _, err := rules.ParseConfig([]byte(s[start+8 : start+8+end])); err != nil {
		t.Errorf("README.md configuration example: %v", err)
	}
	if _, err := rules.LoadConfig("../../examples/netguard-config.yaml"); err != nil {
		t.Errorf("examples/netguard-config.yaml: %v", err)
	}
}

// TestPreCommitHooksRunRealCommands runs the entry of every hook of
// .pre-commit-hooks.yaml the way pre-commit does (entry + file names).
func TestPreCommitHooksRunRealCommands(t *testing.T) {
	b, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID       string `json:"id"`
		Entry    string `json:"entry"`
		Language string `json:"language"`
		Files    string `json:"files"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil || len(hooks) == 0 {
		t.Fatalf("hooks: %v", err)
	}
	inputs := map[string]string{"netguard-lint": "testdata/kube-proxy-bad.yaml", "netguard-config-validate": "../../examples/netguard-config.yaml"}
	for _, h := range hooks {
		f := inputs[h.ID]
		if f == "" {
			t.Errorf("hook %s has no test input", h.ID)
			continue
		}
		if !regexp.MustCompile(h.Files).MatchString(filepath.Base(f)) && !regexp.MustCompile(h.Files).MatchString(f) {
			t.Errorf("hook %s: files %q does not select %s", h.ID, h.Files, f)
		}
		args := strings.Fields(h.Entry)
		if args[0] != "netguard" || h.Language != "golang" {
			t.Errorf("hook %s: entry %q language %q", h.ID, h.Entry, h.Language)
			continue
		}
		var out, errb bytes.Buffer
		code := run(append(args[1:], f), nil, &out, &errb)
		if code == 2 {
			t.Errorf("hook %s: exit 2: %s", h.ID, errb.String())
		}
	}
}
