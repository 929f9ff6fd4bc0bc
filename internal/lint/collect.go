package lint

import (
	"bufio"
	"encoding/gob"
	"io"
	"os"

	"github.com/netguard/netguard/rules"
)

// spillAt is the number of findings of one file kept in memory; beyond it
// the file's findings go to a temporary file until the file is known to be
// readable entirely (a syntax error in its last document makes the whole
// file unreadable, and nothing of it is reported, as before streaming).
const spillAt = 4096

// collector receives the documents' outcomes in input order and turns them
// into the Result: a file counts, and its findings and notices are
// reported, only once it has been read to the end without error.
type collector struct {
	res  *Result
	emit func(Finding) // nil: findings are kept in res.Findings

	file  int
	err   error
	objs  int
	judge int
	notes []Notice
	docs  []docOutcome // findings of the file so far (not spilled)
	kept  int
	spill *spill
}

func newCollector(res *Result, emit func(Finding)) *collector {
	res.tally = map[rules.Severity]int{}
	return &collector{res: res, emit: emit, file: -1}
}

func (c *collector) add(j *job) {
	if j.file != c.file {
		c.reset(j.file)
	}
	switch {
	case c.err != nil: // the file is already unreadable
	case j.err != nil:
		c.err = j.err
	case j.out.err != nil:
		c.err = j.out.err
	case !j.end:
		c.objs += j.out.objects
		c.judge += j.out.judged
		c.notes = append(c.notes, j.out.notices...)
		c.addFindings(j.out)
	}
	if j.end {
		c.finish()
	}
}

func (c *collector) reset(file int) {
	c.file, c.err, c.objs, c.judge, c.notes, c.docs, c.kept = file, nil, 0, 0, nil, nil, 0
	c.spill.close()
	c.spill = nil
}

// addFindings keeps a document's findings, spilling them once the file has
// too many to hold.
func (c *collector) addFindings(o docOutcome) {
	if len(o.decoded)+len(o.judged2) == 0 {
		return
	}
	o = docOutcome{decoded: o.decoded, judged2: o.judged2}
	if c.spill == nil && c.kept+len(o.decoded)+len(o.judged2) > spillAt {
		if sp, err := newSpill(); err == nil {
			c.spill = sp
			for _, d := range c.docs {
				c.spill.write(docOrder(d))
			}
			c.docs = nil
		}
	}
	if c.spill != nil {
		c.spill.write(docOrder(o))
		return
	}
	c.docs = append(c.docs, o)
	c.kept += len(o.decoded) + len(o.judged2)
}

// docOrder is one document's findings in report order. Documents follow
// each other in the file and every finding lies inside its document, so the
// report order of a file is its documents' orders one after the other.
func docOrder(o docOutcome) []Finding {
	fs := append(append([]Finding(nil), o.decoded...), o.judged2...)
	SortFindings(fs)
	return fs
}

// finish reports the file.
func (c *collector) finish() {
	defer c.reset(-1)
	if c.err != nil {
		c.res.Errors = append(c.res.Errors, c.err)
		return
	}
	c.res.Files++
	c.res.Objects += c.objs
	c.res.Judged += c.judge
	c.res.Notices = append(c.res.Notices, c.notes...)
	if c.spill != nil {
		if err := c.spill.replay(c.file, c.report); err != nil {
			c.res.Errors = append(c.res.Errors, err)
		}
		return
	}
	// Run's order exactly: the file's decode findings, then the engine's,
	// sorted stably.
	var fs []Finding
	for _, d := range c.docs {
		fs = append(fs, d.decoded...)
	}
	for _, d := range c.docs {
		fs = append(fs, d.judged2...)
	}
	SortFindings(fs)
	for _, f := range fs {
		c.report(f)
	}
}

func (c *collector) report(f Finding) {
	c.res.tally[f.Severity]++
	if c.emit != nil {
		c.emit(f)
		return
	}
	c.res.Findings = append(c.res.Findings, f)
}

// spill holds a file's findings on disk (unlinked at once where possible,
// like stdin's spool).
type spill struct {
	f       *os.File
	removed bool
	w       *bufio.Writer
	enc     *gob.Encoder
	err     error
}

func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "netguard-lint-findings-*")
	if err != nil {
		return nil, err
	}
	s := &spill{f: f, removed: os.Remove(f.Name()) == nil}
	s.w = bufio.NewWriter(f)
	s.enc = gob.NewEncoder(s.w)
	return s, nil
}

func (s *spill) write(fs []Finding) {
	for i := range fs {
		if s.err == nil {
			s.err = s.enc.Encode(&fs[i])
		}
	}
}

// replay reports the spilled findings in the order they were written.
func (s *spill) replay(file int, report func(Finding)) error {
	if s.err == nil {
		s.err = s.w.Flush()
	}
	if s.err != nil {
		return s.err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := gob.NewDecoder(bufio.NewReader(s.f))
	for {
		var f Finding
		if err := dec.Decode(&f); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		f.fileIndex = file
		report(f)
	}
}

func (s *spill) close() {
	if s == nil {
		return
	}
	s.f.Close()
	if !s.removed {
		os.Remove(s.f.Name())
	}
}
