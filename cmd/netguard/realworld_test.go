package main

import (
	"bufio"
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
	"github.com/netguard/netguard/rules"
)

// The real-world corpus (test/realworld/README.md): objects as their
// projects ship them, each judged with the flags of the versions it targets.
// The component's own verdict is declared in the table of the component
// directory's README.md; netguard must agree: `allow` means the component
// runs the object fine, so netguard may warn but never deny; `deny` means the
// component crashes on it or misreads it, so the listed rules must deny.
const realworldDir = "../../test/realworld"

// minRealworldObjects is the size the corpus must keep (issue 10: at least
// 120 objects as they ship upstream, hand edits not counted).
const minRealworldObjects = 120

type realworldCase struct {
	file    string // slash path relative to realworldDir
	verdict string // allow or deny
	rules   []string
	why     string
}

var realworldRowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (allow|deny) \\| *([A-Z0-9, ]*?) *\\| *(.*?) *\\|$")

// readRealworldTables parses every <component>/README.md table.
func readRealworldTables(t *testing.T) map[string]realworldCase {
	t.Helper()
	tables, err := filepath.Glob(filepath.Join(realworldDir, "*", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]realworldCase{}
	for _, table := range tables {
		dir := filepath.Base(filepath.Dir(table))
		text, err := os.ReadFile(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(text), "\n") {
			m := realworldRowRE.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			c := realworldCase{file: dir + "/" + m[1], verdict: m[2], why: m[4]}
			for _, id := range strings.Split(m[3], ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.rules = append(c.rules, id)
				}
			}
			if _, dup := out[c.file]; dup {
				t.Errorf("%s lists %s twice", table, m[1])
			}
			if c.why == "" {
				t.Errorf("%s: row %s does not say what decides the verdict", table, m[1])
			}
			out[c.file] = c
		}
	}
	return out
}

// realworldHeader is the provenance block at the top of a corpus file.
type realworldHeader struct {
	fields map[string]string // source, ref, values, flags, context, edit-of, edit
}

func readRealworldHeader(path string) (realworldHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return realworldHeader{}, err
	}
	defer f.Close()
	h := realworldHeader{fields: map[string]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		switch k {
		case "source", "ref", "values", "flags", "context", "edit-of", "edit":
			if prev := h.fields[k]; prev != "" {
				v = prev + " " + strings.TrimSpace(v)
			}
			h.fields[k] = strings.TrimSpace(v)
		}
	}
	return h, sc.Err()
}

// isEdit reports whether the file is a hand edit of an upstream object
// (edits/ directories) rather than an object as shipped.
func (c realworldCase) isEdit() bool {
	return strings.Contains(c.file, "/edits/")
}

func realworldFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(realworldDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
			rel, _ := filepath.Rel(realworldDir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// lintRealworld lints one corpus file (plus its context files) with the
// flags of its header and returns the findings on that file.
func lintRealworld(t *testing.T, file string, h realworldHeader) []lint.Finding {
	t.Helper()
	path := filepath.Join(realworldDir, filepath.FromSlash(file))
	args := append([]string{"lint", "-o", "json"}, strings.Fields(h.fields["flags"])...)
	args = append(args, path)
	for _, c := range strings.Fields(h.fields["context"]) {
		args = append(args, filepath.Join(filepath.Dir(path), filepath.FromSlash(c)))
	}
	var stdout, stderr bytes.Buffer
	if code := run(args, nil, &stdout, &stderr); code == 2 {
		t.Fatalf("%s: netguard %s: exit 2: %s", file, strings.Join(args, " "), stderr.String())
	}
	var all []lint.Finding
	if err := json.Unmarshal(stdout.Bytes(), &all); err != nil {
		t.Fatalf("%s: lint -o json output: %v\n%s", file, err, stdout.String())
	}
	var own []lint.Finding
	for _, f := range all {
		if filepath.Clean(f.File) == filepath.Clean(path) {
			own = append(own, f)
		}
	}
	return own
}

// TestRealworldCorpusVerdictsMatchTheComponents is issue 10's property:
// never deny what the component runs fine, and keep denying the hand edits
// it crashes on or misreads.
func TestRealworldCorpusVerdictsMatchTheComponents(t *testing.T) {
	want := readRealworldTables(t)
	shipped := 0
	for _, file := range realworldFiles(t) {
		c, ok := want[file]
		if !ok {
			t.Errorf("%s has no row in its directory's README.md table", file)
			continue
		}
		delete(want, file)
		t.Run(file, func(t *testing.T) {
			h, err := readRealworldHeader(filepath.Join(realworldDir, filepath.FromSlash(file)))
			if err != nil {
				t.Fatal(err)
			}
			if c.isEdit() {
				if h.fields["edit-of"] == "" || h.fields["edit"] == "" {
					t.Errorf("hand edit without `# edit-of:` and `# edit:` header lines")
				}
			} else if h.fields["source"] == "" || h.fields["ref"] == "" {
				t.Errorf("no provenance: the header needs `# source:` and `# ref:` lines")
			}
			got := lintRealworld(t, file, h)
			denied := false
			for _, f := range got {
				denied = denied || f.Severity == rules.Deny
			}
			switch {
			case c.verdict == "allow" && denied:
				t.Errorf("FALSE DENY: the component runs this object, netguard denies it:\n%s", describe(got))
			case c.verdict == "deny" && !denied:
				t.Errorf("missed: the component fails on this object (%s), netguard does not deny it:\n%s", c.why, describe(got))
			}
			for _, id := range c.rules {
				if _, ok := rules.Lookup(id); !ok {
					t.Errorf("the table names unregistered rule %s", id)
					continue
				}
				fired := false
				for _, f := range got {
					fired = fired || (f.Rule == id && (c.verdict == "allow" || f.Severity == rules.Deny))
				}
				if !fired {
					t.Errorf("rule %s does not fire as declared; findings:\n%s", id, describe(got))
				}
			}
		})
		if !c.isEdit() {
			shipped++
		}
	}
	for file := range want {
		t.Errorf("test/realworld lists %s, which does not exist", file)
	}
	t.Logf("real-world corpus: %d objects as shipped", shipped)
	if os.Getenv("NETGUARD_REALWORLD_PARTIAL") == "" && shipped < minRealworldObjects {
		t.Errorf("the real-world corpus holds %d objects as shipped; issue 10 asks for at least %d", shipped, minRealworldObjects)
	}
}
