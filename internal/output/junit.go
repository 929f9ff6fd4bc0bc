package output

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

// The JUnit XML that GitLab (artifacts:reports:junit) and Jenkins (junit
// step) read: testsuites > testsuite > testcase with failure, error or
// system-out.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Failure   *junitProblem `xml:"failure,omitempty"`
		Error     *junitProblem `xml:"error,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Type    string `xml:"type,attr"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
)

// WriteJUnit writes the run as JUnit XML: one testsuite per file (scan: per
// object location), one testcase per finding. A deny finding is a failure (it
// is what makes lint and scan exit 1); warn and info findings are passing
// testcases whose system-out carries the finding, so CI shows them without
// failing on them. Errors of the run are testcases with an error. A run
// without findings or errors is one passing testcase, so the report is never
// empty.
func WriteJUnit(w io.Writer, r Run) error {
	doc := junitSuites{Name: "netguard " + r.Command}
	bySuite := map[string]int{}
	suite := func(name string) *junitSuite {
		i, ok := bySuite[name]
		if !ok {
			i = len(doc.Suites)
			bySuite[name] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: name})
		}
		return &doc.Suites[i]
	}
	for _, err := range r.Errors {
		file, line, _ := errorPosition(err)
		name := file
		if name == "" {
			name = "netguard " + r.Command
		}
		s := suite(name)
		s.Errors++
		s.Cases = append(s.Cases, junitCase{Name: "input", Classname: name, File: file, Line: line,
			Error: &junitProblem{Type: "error", Message: err.Error(), Text: err.Error()}})
	}
	for _, f := range r.Findings {
		s := suite(f.File)
		c := junitCase{Name: caseName(f), Classname: f.File, Line: f.Line}
		if f.File != "-" && r.Command == "lint" {
			c.File = f.File
		}
		text := fmt.Sprintf("%s:%d:%d: %s %s %s", f.File, f.Line, f.Column, f.Rule, f.Severity, message(f))
		if f.Severity == rules.Deny {
			s.Failures++
			c.Failure = &junitProblem{Type: string(f.Severity), Message: f.Message, Text: text}
		} else {
			c.SystemOut = text
		}
		s.Cases = append(s.Cases, c)
	}
	if len(doc.Suites) == 0 {
		name := "netguard " + r.Command
		doc.Suites = []junitSuite{{Name: name, Cases: []junitCase{{Name: "no findings", Classname: name}}}}
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName names a finding's testcase: rule, object, key and path.
func caseName(f lint.Finding) string {
	n := f.Rule + " " + f.Kind + " " + f.Object
	if f.Key != "" {
		n += " " + f.Key
	}
	if f.Path != "" && f.Path != f.Key {
		n += " (" + f.Path + ")"
	}
	return n
}
