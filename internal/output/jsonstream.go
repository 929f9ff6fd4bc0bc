package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/netguard/netguard/internal/lint"
)

// JSONStream writes the -o json report of lint one finding at a time, byte
// for byte what Write gives for the same findings and errors (the array
// JSON prints: indented by two spaces, HTML not escaped), so that a long
// run's report is never held in memory.
type JSONStream struct {
	o   *Findings
	w   *bufio.Writer
	n   int
	buf bytes.Buffer
	ind bytes.Buffer
	err error
}

// JSONStream starts the report; Add the findings in report order, then
// Finish with the run's errors.
func (o *Findings) JSONStream() *JSONStream {
	return &JSONStream{o: o, w: bufio.NewWriterSize(o.Stdout, 64<<10)}
}

// Add writes one finding, if its severity is kept.
func (s *JSONStream) Add(f lint.Finding) {
	if s.o.Kept(f.Severity) {
		s.add(f)
	}
}

func (s *JSONStream) add(f lint.Finding) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	s.ind.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false)
	if s.err = enc.Encode(f); s.err != nil {
		return
	}
	if s.err = json.Indent(&s.ind, bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")), "  ", "  "); s.err != nil {
		return
	}
	sep := ",\n  "
	if s.n == 0 {
		sep = "[\n  "
	}
	s.n++
	s.w.WriteString(sep)
	_, s.err = s.w.Write(s.ind.Bytes())
}

// Finish writes the errors (as Write does, after the findings) and closes
// the array.
func (s *JSONStream) Finish(errs []error) {
	for _, f := range errorFindings(errs) {
		s.add(f)
	}
	if s.err == nil {
		if s.n == 0 {
			s.w.WriteString("[]\n")
		} else {
			s.w.WriteString("\n]\n")
		}
		s.err = s.w.Flush()
	}
	if s.err != nil {
		fmt.Fprintf(s.o.Stderr, "netguard %s: writing the report: %v\n", s.o.Command, s.err)
	}
}
