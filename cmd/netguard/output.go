package main

import (
	"io"

	"github.com/netguard/netguard/internal/output"
)

// newFindingWriter is the output of lint and scan: the -o format, the
// severity filter, and the rule catalog for SARIF.
func newFindingWriter(command, format string, filter *severityFilter, stdout, stderr io.Writer) *output.Findings {
	return &output.Findings{Command: command, Version: buildInfo().Version, Format: format, Keep: filter.keep,
		Rules: catalog, Stdout: stdout, Stderr: stderr, Color: format == "text" && output.ColorEnabled(stdout)}
}
