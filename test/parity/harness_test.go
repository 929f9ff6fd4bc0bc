package parity

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ngVerdict is netguard's decision about one object.
type ngVerdict struct {
	Judged   bool
	Skipped  string
	Findings []rules.Finding
}

func (v ngVerdict) denied() bool { return rules.HasDeny(v.Findings) }

func (v ngVerdict) warned() bool {
	for _, f := range v.Findings {
		if f.Severity == rules.Warn {
			return true
		}
	}
	return false
}

// String lists the deny and warn findings (info findings, e.g. the restart
// advice, are left out).
func (v ngVerdict) String() string {
	if !v.Judged {
		return "not judged: " + v.Skipped
	}
	var b strings.Builder
	n := 0
	for _, f := range v.Findings {
		if f.Severity == rules.Info {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n      %s %s %s", f.Rule, f.Severity, f.Path)
		if f.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", f.Line)
		}
		fmt.Fprintf(&b, ": %s", f.Message)
	}
	if n == 0 {
		return "no deny/warn findings"
	}
	return fmt.Sprintf("%d deny/warn finding(s):%s", n, b.String())
}

// judge runs netguard's engine over one ConfigMap, as written (no mutation).
func judge(cfg *rules.Config, checker rules.Checker, namespace, name string, data map[string]string) ngVerdict {
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Data:       data,
	}
	res := engine.New(cfg, checker).Judge(engine.Input{Operation: rules.Create, Object: cm, NoMutate: true})
	return ngVerdict{Judged: res.Judged, Skipped: res.Skipped, Findings: res.Findings}
}

// disagreement is one config on which netguard and the reference disagree.
type disagreement struct {
	Case      string
	Input     string
	Reference string
	Netguard  string
	Want      string
}

// report collects the outcome of one parity run.
type report struct {
	t        *testing.T
	title    string
	counts   map[string]int
	disagree []disagreement
	// gaps are configs the reference accepts and netguard allows although a
	// documented exception says netguard could deny them (informational:
	// they do not fail the test).
	gaps []disagreement
}

func newReport(t *testing.T, title string) *report {
	return &report{t: t, title: title, counts: map[string]int{}}
}

func (r *report) count(key string) { r.counts[key]++ }

func (r *report) fail(d disagreement) { r.disagree = append(r.disagree, d) }

func (r *report) gap(d disagreement) { r.gaps = append(r.gaps, d) }

// finish logs the summary, fails the test once per disagreement and, when
// PARITY_REPORT_DIR is set, writes the disagreements to
// $PARITY_REPORT_DIR/<title>.md for the checker authors.
func (r *report) finish() {
	keys := make([]string, 0, len(r.counts))
	for k := range r.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%s parity summary:\n", r.title)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-60s %5d\n", k, r.counts[k])
	}
	fmt.Fprintf(&b, "  %-60s %5d\n", "DISAGREEMENTS", len(r.disagree))
	fmt.Fprintf(&b, "  %-60s %5d\n", "gaps (informational)", len(r.gaps))
	r.t.Log(b.String())
	for _, g := range r.gaps {
		r.t.Logf("gap (not a failure): %s: %s\n    reference: %s\n    netguard:  %s", g.Case, g.Want, g.Reference, g.Netguard)
	}

	for _, d := range r.disagree {
		r.t.Errorf("%s: want %s\n    input:\n%s\n    reference: %s\n    netguard:  %s", d.Case, d.Want, indent(d.Input, "      | "), d.Reference, d.Netguard)
	}
	if dir := os.Getenv("PARITY_REPORT_DIR"); dir != "" {
		var md strings.Builder
		fmt.Fprintf(&md, "# %s parity disagreements (%d)\n\n```\n%s```\n", r.title, len(r.disagree), b.String())
		for _, d := range r.disagree {
			fmt.Fprintf(&md, "\n## %s\n\nwant: %s\n\n```\n%s\n```\n\nreference: %s\n\nnetguard: %s\n", d.Case, d.Want, d.Input, d.Reference, d.Netguard)
		}
		fmt.Fprintf(&md, "\n# Gaps (informational, %d)\n", len(r.gaps))
		for _, d := range r.gaps {
			fmt.Fprintf(&md, "\n## %s\n\n%s\n\n```\n%s\n```\n\nreference: %s\n\nnetguard: %s\n", d.Case, d.Want, d.Input, d.Reference, d.Netguard)
		}
		if err := os.MkdirAll(dir, 0o755); err == nil {
			_ = os.WriteFile(dir+"/"+strings.ReplaceAll(strings.ToLower(r.title), " ", "-")+".md", []byte(md.String()), 0o644)
		}
	}
}

func indent(s, prefix string) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = prefix + strings.TrimRight(lines[i], "\r")
	}
	return strings.Join(lines, "\n")
}

// corpusCase is one generated input.
type corpusCase struct {
	Name string
	Text string
}

// corpus deduplicates generated inputs by text (keeping the first name) and
// keeps generation order.
type corpus struct {
	cases []corpusCase
	seen  map[string]bool
	names map[string]int
}

func (c *corpus) add(name, text string) {
	if c.seen == nil {
		c.seen, c.names = map[string]bool{}, map[string]int{}
	}
	if c.seen[text] {
		return
	}
	c.seen[text] = true
	c.names[name]++
	if n := c.names[name]; n > 1 {
		name = fmt.Sprintf("%s#%d", name, n)
	}
	c.cases = append(c.cases, corpusCase{Name: name, Text: text})
}
