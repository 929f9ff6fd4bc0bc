// Package report writes the findings of `netguard lint` and `netguard scan`
// in the formats CI systems read: SARIF 2.1.0 (GitHub code scanning, many
// IDEs) and JUnit XML (GitLab's test reports, Jenkins). A run that failed
// still produces a valid document that carries its errors, so a CI step
// uploading the report never uploads an empty or broken file.
package report

import (
	"errors"

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
