package output

import (
	"fmt"
	"io"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

// FindingFormats are the -o values of lint and scan.
var FindingFormats = Formats[Run]{
	{Name: "text", Write: func(w io.Writer, r Run) error {
		if r.Text != nil {
			r.Text(w)
		}
		return nil
	}},
	{Name: "json", Write: func(w io.Writer, r Run) error {
		fs := append(append([]lint.Finding{}, r.Findings...), errorFindings(r.Errors)...)
		return JSON(w, fs)
	}},
	{Name: "sarif", Write: WriteSARIF},
	{Name: "junit", Write: WriteJUnit},
}

// ErrorSeverity marks, in -o json, an entry that is an error of the run (an
// unreadable file, a bad configuration, an unreachable cluster) rather than
// a finding about an object.
const ErrorSeverity rules.Severity = "error"

func errorFindings(errs []error) []lint.Finding {
	var out []lint.Finding
	for _, e := range errs {
		out = append(out, lint.Finding{Severity: ErrorSeverity, Message: e.Error()})
	}
	return out
}

// Findings prints the outcome of lint or scan in the chosen format. The
// machine formats always print one valid document, even when the command
// failed before judging anything: a CI step that uploads the report must
// find the error in it, not an empty file.
type Findings struct {
	// Command is "lint" or "scan"; Version is netguard's.
	Command, Version string
	// Format is the -o value (one of FindingFormats).
	Format string
	// Keep says which severities are printed (--min-severity, --quiet);
	// nil keeps all.
	Keep func(rules.Severity) bool
	// Rules returns the rule catalog (SARIF's tool.driver.rules).
	Rules          func() []rules.Rule
	Stdout, Stderr io.Writer
	// Color is true for text on a terminal without NO_COLOR.
	Color bool
}

// Kept reports whether a finding of severity s is printed.
func (o *Findings) Kept(s rules.Severity) bool { return o.Keep == nil || o.Keep(s) }

// Fail reports an error that stopped the command before it judged
// anything, on stderr and (machine formats) in the document; it returns
// exit status 2.
func (o *Findings) Fail(err error) int {
	fmt.Fprintf(o.Stderr, "netguard %s: %v\n", o.Command, err)
	if o.Format != "text" {
		o.Write(nil, []error{err}, nil)
	}
	return 2
}

// Write prints the findings and the errors of a run; text is the
// command's own text layout (-o text), which filters by itself.
func (o *Findings) Write(findings []lint.Finding, errs []error, text func(io.Writer)) {
	kept := []lint.Finding{}
	for _, f := range findings {
		if o.Kept(f.Severity) {
			kept = append(kept, f)
		}
	}
	run := Run{Command: o.Command, Version: o.Version, Findings: kept, Errors: errs, Text: text}
	if o.Format != "text" && o.Rules != nil {
		run.Rules = o.Rules()
	}
	if err := FindingFormats.Write(o.Format, o.Stdout, run); err != nil {
		fmt.Fprintf(o.Stderr, "netguard %s: writing the report: %v\n", o.Command, err)
	}
}

// FindingLine prints one finding of lint or scan ("LOC: RULE SEVERITY
// KIND OBJECT KEY (PATH): MESSAGE") and its hint below.
func FindingLine(w io.Writer, loc string, f lint.Finding, color bool) {
	fmt.Fprintf(w, "%s: %s %s %s %s", loc, f.Rule, PaintSeverity(f.Severity, color), f.Kind, f.Object)
	if f.Key != "" {
		fmt.Fprintf(w, " %s", f.Key)
	}
	if f.Path != "" && f.Path != f.Key {
		fmt.Fprintf(w, " (%s)", f.Path)
	}
	fmt.Fprintf(w, ": %s\n", f.Message)
	if f.Hint != "" {
		fmt.Fprintf(w, "    hint: %s\n", f.Hint)
	}
}
