package output

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

func TestFindingFormatsAreListedInHelpOrderWithTextFirst(t *testing.T) {
	if got, want := FindingFormats.Names(), []string{"text", "json", "sarif", "junit"}; !slices.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
}

func TestFindingsWriterPrintsEachFormat(t *testing.T) {
	findings := []lint.Finding{
		{Rule: "KP030", Severity: rules.Deny, File: "a.yaml", Line: 3, Column: 5, Message: "x < y & z"},
		{Rule: "FL090", Severity: rules.Info, File: "a.yaml", Line: 9, Column: 1, Message: "restart"},
	}
	errs := []error{errors.New("b.yaml: unreadable")}
	keepWarn := func(s rules.Severity) bool { return s != rules.Info }
	for _, tc := range []struct {
		format       string
		want, absent []string
	}{
		{"text", []string{"TEXT"}, []string{"KP030"}},
		// unescaped HTML characters, the run's errors as "error" entries, the filtered finding left out
		{"json", []string{`"message": "x < y & z"`, `"severity": "error"`, "b.yaml: unreadable"}, []string{"FL090", "TEXT"}},
		{"sarif", []string{`"ruleId": "KP030"`, "b.yaml: unreadable"}, []string{`"ruleId": "FL090"`}},
		{"junit", []string{"<testsuites", "KP030", "b.yaml: unreadable"}, []string{"FL090"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			w := &Findings{Command: "lint", Format: tc.format, Keep: keepWarn, Stdout: &out, Stderr: &errOut,
				Rules: func() []rules.Rule { return nil }}
			w.Write(findings, errs, func(w io.Writer) { io.WriteString(w, "TEXT\n") })
			for _, s := range tc.want {
				if !strings.Contains(out.String(), s) {
					t.Errorf("missing %q in\n%s", s, out.String())
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(out.String(), s) {
					t.Errorf("unexpected %q in\n%s", s, out.String())
				}
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr: %s", errOut.String())
			}
		})
	}
}

func TestFailWritesADocumentExceptForText(t *testing.T) {
	for format, wantDoc := range map[string]bool{"text": false, "json": true, "sarif": true, "junit": true} {
		var out, errOut bytes.Buffer
		w := &Findings{Command: "scan", Format: format, Stdout: &out, Stderr: &errOut}
		if code := w.Fail(errors.New("no cluster")); code != 2 {
			t.Errorf("%s: exit %d, want 2", format, code)
		}
		if !strings.Contains(errOut.String(), "netguard scan: no cluster") {
			t.Errorf("%s: stderr %q", format, errOut.String())
		}
		if got := strings.Contains(out.String(), "no cluster"); got != wantDoc {
			t.Errorf("%s: document carries the error: %v, want %v (%q)", format, got, wantDoc, out.String())
		}
	}
}
