package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
	"go.yaml.in/yaml/v3"
)

const examplesDir = "../../examples"

type expectation struct {
	verdict string   // deny, warn, info or pass
	rules   []string // rules that must fire in the file
}

var rowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (deny|warn|info|pass) \\| *([A-Z0-9, ]*?) *\\|")

// readExpectations parses the table of examples/README.md, the one place
// where the expected verdicts are declared.
func readExpectations(t *testing.T) map[string]expectation {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(examplesDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]expectation{}
	for _, line := range strings.Split(string(text), "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var ids []string
		for _, id := range strings.Split(m[3], ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		if _, dup := out[m[1]]; dup {
			t.Errorf("examples/README.md lists %s twice", m[1])
		}
		out[m[1]] = expectation{verdict: m[2], rules: ids}
	}
	if len(out) == 0 {
		t.Fatal("no expectation rows found in examples/README.md")
	}
	return out
}

func lintExamples(t *testing.T, extra ...string) []lint.Finding {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"lint", "--config", filepath.Join(examplesDir, "netguard-config.yaml"), "-o", "json"}, extra...)
	args = append(args, examplesDir)
	code := run(args, nil, &stdout, &stderr)
	if code == 2 {
		t.Fatalf("lint examples: exit 2: %s", stderr.String())
	}
	var fs []lint.Finding
	if err := json.Unmarshal(stdout.Bytes(), &fs); err != nil {
		t.Fatalf("lint -o json output: %v\n%s", err, stdout.String())
	}
	return fs
}

func verdictOf(fs []lint.Finding) string {
	v := "pass"
	rank := map[string]int{"pass": 0, "info": 1, "warn": 2, "deny": 3}
	for _, f := range fs {
		if rank[string(f.Severity)] > rank[v] {
			v = string(f.Severity)
		}
	}
	return v
}

// TestExamplesHaveTheDeclaredVerdicts lints examples/ the way `make
// lint-examples` does and checks every file against examples/README.md.
func TestExamplesHaveTheDeclaredVerdicts(t *testing.T) {
	want := readExpectations(t)
	byFile := map[string][]lint.Finding{}
	for _, f := range lintExamples(t) {
		rel, err := filepath.Rel(examplesDir, f.File)
		if err != nil {
			t.Fatal(err)
		}
		byFile[filepath.ToSlash(rel)] = append(byFile[filepath.ToSlash(rel)], f)
	}
	var files []string
	_ = filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
			rel, _ := filepath.Rel(examplesDir, p)
			if rel != "netguard-config.yaml" {
				files = append(files, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	sort.Strings(files)
	for _, file := range files {
		exp, ok := want[file]
		if !ok {
			t.Errorf("%s has no row in examples/README.md", file)
			continue
		}
		delete(want, file)
		got := byFile[file]
		if v := verdictOf(got); v != exp.verdict {
			t.Errorf("%s: verdict %s, examples/README.md says %s; findings:\n%s", file, v, exp.verdict, describe(got))
		}
		for _, id := range exp.rules {
			if _, ok := rules.Lookup(id); !ok {
				t.Errorf("%s: examples/README.md names unregistered rule %s", file, id)
				continue
			}
			fired := false
			for _, f := range got {
				fired = fired || f.Rule == id
			}
			if !fired {
				t.Errorf("%s: rule %s does not fire; findings:\n%s", file, id, describe(got))
			}
		}
	}
	for file := range want {
		t.Errorf("examples/README.md lists %s, which does not exist", file)
	}
}

func TestMissingCNIVersionIsDeniedWithoutMutation(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"lint", "--config", filepath.Join(examplesDir, "netguard-config.yaml"), "--no-mutate",
		filepath.Join(examplesDir, "flannel", "missing-cniversion.yaml")}, nil, &stdout, &stderr)
	if code != 1 {
		t.Errorf("lint --no-mutate: exit %d, want 1 (denied)\n%s%s", code, stdout.String(), stderr.String())
	}
}

func TestExampleFindingsNeverLeakSecrets(t *testing.T) {
	secrets := []string{"LTAI5tQ8mZrN3pXk2Vd7Hs9W", "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ", "c2VjcmV0LXByZS1zaGFyZWQta2V5LTIwMjQ="}
	for _, f := range lintExamples(t) {
		for _, s := range secrets {
			if strings.Contains(f.Message, s) || strings.Contains(f.Hint, s) {
				t.Errorf("%s:%d %s leaks a secret value", f.File, f.Line, f.Rule)
			}
		}
	}
}

func describe(fs []lint.Finding) string {
	if len(fs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule + " " + string(f.Severity) + " " + f.Path + ": " + f.Message + "\n")
	}
	return b.String()
}

// TestExampleFindingPositionsPointAtTheEmbeddedLine checks, for every
// finding inside a literal block (`key: |`), that the file line it names is
// the line of the embedded document the component complained about.
func TestExampleFindingPositionsPointAtTheEmbeddedLine(t *testing.T) {
	checked := 0
	for _, f := range lintExamples(t) {
		if f.DocLine == 0 || f.Kind != "ConfigMap" {
			continue
		}
		file, err := manifest.ReadFile(f.File, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range file.Objects {
			if o.Namespace+"/"+o.Name != f.Object {
				continue
			}
			_, v := o.Node("data", f.Key)
			if v == nil || v.Style&yaml.LiteralStyle == 0 {
				continue
			}
			docLines := strings.Split(v.Value, "\n")
			if f.DocLine > len(docLines) {
				t.Errorf("%s:%d: %s docLine %d beyond the %d lines of %s", f.File, f.Line, f.Rule, f.DocLine, len(docLines), f.Key)
				continue
			}
			fileLines := strings.Split(strings.ReplaceAll(string(file.Text), "\r\n", "\n"), "\n")
			got := strings.TrimSpace(fileLines[f.Line-1])
			want := strings.TrimSpace(docLines[f.DocLine-1])
			if got != want {
				t.Errorf("%s:%d: %s points at %q, but line %d of %s is %q", f.File, f.Line, f.Rule, got, f.DocLine, f.Key, want)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no finding inside a literal block was checked")
	}
}
