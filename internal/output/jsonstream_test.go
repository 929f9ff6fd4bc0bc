package output

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

// TestJSONStreamWritesWhatWriteWrites: the streamed -o json report is
// byte for byte the report Write prints, with no findings, with findings
// that need escaping (HTML characters, quotes, newlines, non-ASCII), with
// a severity filter, and with errors.
func TestJSONStreamWritesWhatWriteWrites(t *testing.T) {
	many := []lint.Finding{
		{Rule: "KP001", Severity: rules.Deny, File: "a.yaml", Object: "kube-system/kube-proxy", Kind: "ConfigMap", Key: "config.conf", Path: "mode", Line: 3, Column: 5, DocLine: 2, DocColumn: 1, Message: "a <b> & \"c\"\nd\u2028é", Hint: "h"},
		{Rule: "KP002", Severity: rules.Info, File: "a.yaml", Message: "info"},
		{Rule: "NG003", Severity: rules.Warn, File: "b.yaml", Context: "ctx", Message: "w"},
	}
	keepNoInfo := func(s rules.Severity) bool { return s != rules.Info }
	for _, tc := range []struct {
		name     string
		findings []lint.Finding
		errs     []error
		keep     func(rules.Severity) bool
	}{
		{"nothing", nil, nil, nil},
		{"findings", many, nil, nil},
		{"filtered", many, nil, keepNoInfo},
		{"all filtered", many[1:2], nil, keepNoInfo},
		{"errors only", nil, []error{errors.New("x.yaml: no such file")}, nil},
		{"findings and errors", many, []error{errors.New("e1"), fmt.Errorf("e2 <%d>", 2)}, nil},
	} {
		var want, got, errw, errg bytes.Buffer
		o := &Findings{Command: "lint", Format: "json", Keep: tc.keep, Stdout: &want, Stderr: &errw}
		o.Write(tc.findings, tc.errs, nil)
		o = &Findings{Command: "lint", Format: "json", Keep: tc.keep, Stdout: &got, Stderr: &errg}
		s := o.JSONStream()
		for _, f := range tc.findings {
			s.Add(f)
		}
		s.Finish(tc.errs)
		if got.String() != want.String() || errg.String() != errw.String() {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got.String(), want.String())
		}
	}
}
