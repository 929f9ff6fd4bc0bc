package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
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
