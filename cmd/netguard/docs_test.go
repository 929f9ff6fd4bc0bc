package main

import (
	"bytes"
	"os"
	"testing"
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
