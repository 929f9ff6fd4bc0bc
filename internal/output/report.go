package output

import (
	"errors"
	"io"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
)

// Run is what one lint or scan produced.
type Run struct {
	// Command is "lint" or "scan".
	Command string
	// Version is netguard's version.
	Version string
	// Findings are printed in order.
	Findings []lint.Finding
	// Errors stopped part or all of the run (unreadable files, a bad
	// configuration, an unreachable cluster).
	Errors []error
	// Rules is the catalog the findings refer to (SARIF tool.driver.rules).
	Rules []rules.Rule
	// Text prints the run in the command's own text layout (-o text).
	Text func(io.Writer)
	// DocsURL is the rule documentation; a rule's help is DocsURL#<id in
	// lower case> (the anchors of docs/rules.md).
	DocsURL string
}

// DefaultDocsURL is docs/rules.md of the project.
const DefaultDocsURL = "https://github.com/netguard/netguard/blob/main/docs/rules.md"

// errorPosition returns the file and position of an error, when it has one.
func errorPosition(err error) (file string, line, col int) {
	var se *manifest.SyntaxError
	if errors.As(err, &se) {
		return se.File, se.Line, se.Column
	}
	return "", 0, 0
}
