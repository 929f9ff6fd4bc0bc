package main

import (
	"fmt"
	"io"
	"os"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/report"
	"github.com/netguard/netguard/rules"
	"golang.org/x/term"
)

// findingFormats are the -o values of lint and scan.
var findingFormats = []string{"text", "json", "sarif", "junit"}

// findingWriter prints the outcome of lint or scan in the chosen format. The
// machine formats always print one valid document, even when the command
// failed before judging anything: a CI step that uploads the report must
// find the error in it, not an empty file.
type findingWriter struct {
	command        string
	format         string
	filter         *severityFilter
	stdout, stderr io.Writer
	// color is true for text on a terminal without NO_COLOR.
	color bool
}

func newFindingWriter(command, format string, filter *severityFilter, stdout, stderr io.Writer) *findingWriter {
	return &findingWriter{command: command, format: format, filter: filter, stdout: stdout, stderr: stderr,
		color: format == "text" && colorEnabled(stdout)}
}

func (o *findingWriter) keep(s rules.Severity) bool { return o.filter.keep(s) }

// fail reports an error that stopped the command before it judged anything,
// on stderr and (machine formats) in the document; it returns exit status 2.
func (o *findingWriter) fail(err error) int {
	fmt.Fprintf(o.stderr, "netguard %s: %v\n", o.command, err)
	if o.format != "text" {
		o.document(nil, []error{err})
	}
	return 2
}

// write prints the findings and the errors of a run; text is the command's
// own text layout.
func (o *findingWriter) write(findings []lint.Finding, errs []error, text func(io.Writer)) {
	if o.format == "text" {
		text(o.stdout)
		return
	}
	o.document(findings, errs)
}

func (o *findingWriter) document(findings []lint.Finding, errs []error) {
	kept := []lint.Finding{}
	for _, f := range findings {
		if o.keep(f.Severity) {
			kept = append(kept, f)
		}
	}
	run := report.Run{Command: o.command, Version: buildInfo().Version, Findings: kept, Errors: errs, Rules: catalog()}
	var err error
	switch o.format {
	case "json":
		writeJSONFindings(o.stdout, append(kept, errorFindings(errs)...))
	case "sarif":
		err = report.WriteSARIF(o.stdout, run)
	case "junit":
		err = report.WriteJUnit(o.stdout, run)
	}
	if err != nil {
		fmt.Fprintf(o.stderr, "netguard %s: writing the report: %v\n", o.command, err)
	}
}

// errorSeverity marks, in -o json, an entry that is an error of the run (an
// unreadable file, a bad configuration, an unreachable cluster) rather than
// a finding about an object.
const errorSeverity rules.Severity = "error"

func errorFindings(errs []error) []lint.Finding {
	var out []lint.Finding
	for _, e := range errs {
		out = append(out, lint.Finding{Severity: errorSeverity, Message: e.Error()})
	}
	return out
}

// colorEnabled: colour only on a terminal, never in a pipe or a file, and
// never when NO_COLOR is set (https://no-color.org) or TERM is dumb.
func colorEnabled(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// paintSeverity returns the severity word, in ANSI colour when color is set.
func paintSeverity(s rules.Severity, color bool) string {
	if !color {
		return string(s)
	}
	code := ""
	switch s {
	case rules.Deny:
		code = "1;31"
	case rules.Warn:
		code = "33"
	case rules.Info:
		code = "36"
	default:
		return string(s)
	}
	return "\x1b[" + code + "m" + string(s) + "\x1b[0m"
}
