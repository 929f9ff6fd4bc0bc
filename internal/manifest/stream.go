package manifest

import (
	"bufio"
	"bytes"
	"io"
	"sync"

	"github.com/netguard/netguard/rules"
)

// Doc is one document of a manifest stream, as DocReader cuts it.
type Doc struct {
	// Index is the 0-based index of the document in its file (Object.Doc).
	Index int
	// Text is the document without its `---` separator line.
	Text []byte
	// StartLine is the 1-based file line of the document's first line.
	StartLine int
	// Offset is the byte offset of Text in the file (after the byte order
	// mark, like File.Text).
	Offset int64

	// yamlBase is the number of YAML lines before the document: lines
	// ended by '\n' or by a lone '\r', as rules.NewYAMLLineIndex of the
	// whole file counts them.
	yamlBase int
}

// DocReader cuts a manifest stream into documents while it reads, exactly as
// Parse's splitDocuments does on the whole file (kubectl's YAMLReader), so
// that a stream of any size is judged with one document in memory at a time.
type DocReader struct {
	r      *bufio.Reader
	buf    []byte
	index  int
	lines  int   // lines consumed, separators included
	breaks int   // YAML line breaks consumed (lone '\r' included)
	off    int64 // bytes consumed after the byte order mark
	done   bool
	// BOM is the byte order mark the stream started with, if any (known
	// after the first Next).
	BOM     []byte
	started bool
}

// NewDocReader reads documents from r.
func NewDocReader(r io.Reader) *DocReader {
	return &DocReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next document; io.EOF after the last one. Like
// splitDocuments it always yields a last document, empty when the stream
// ends with a separator; an empty document has no objects.
func (d *DocReader) Next() (Doc, error) {
	if d.done {
		return Doc{}, io.EOF
	}
	if !d.started {
		d.started = true
		if b, err := d.r.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
			d.BOM = utf8BOM
			_, _ = d.r.Discard(len(utf8BOM))
		}
	}
	doc := Doc{Index: d.index, StartLine: d.lines + 1, Offset: d.off, yamlBase: d.breaks}
	d.buf = d.buf[:0]
	for {
		start := len(d.buf)
		var err error
		for {
			var frag []byte
			frag, err = d.r.ReadSlice('\n')
			d.buf = append(d.buf, frag...)
			if err != bufio.ErrBufferFull {
				break
			}
		}
		line := d.buf[start:]
		if len(line) > 0 {
			d.lines++
			d.breaks += yamlBreaks(line)
			d.off += int64(len(line))
			if isSeparator(line) {
				doc.Text = bytes.Clone(d.buf[:start])
				d.index++
				return doc, nil
			}
		}
		if err == io.EOF {
			d.done = true
			doc.Text = bytes.Clone(d.buf)
			return doc, nil
		}
		if err != nil {
			return Doc{}, err
		}
	}
}

// isSeparator is splitDocuments' test: a line starting with "---" whose
// rest is blank or a comment.
func isSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := bytes.TrimSpace(l[3:])
	return len(rest) == 0 || rest[0] == '#'
}

// yamlBreaks counts the line breaks of one line as rules.NewYAMLLineIndex
// does: '\n', and '\r' not followed by '\n'. A '\r' that ends a line
// without '\n' is the end of the stream (lone, but no later document needs
// the count).
func yamlBreaks(l []byte) int {
	n := 0
	for i, c := range l {
		if c == '\n' || c == '\r' && (i+1 == len(l) || l[i+1] != '\n') {
			n++
		}
	}
	return n
}

// ParseDoc parses one document of a stream into a File that holds only that
// document: Text is the document, and every position (lines of objects and
// findings, block scalars) is the position in the whole file, as Parse
// gives it. A syntax error is a *SyntaxError with the file line.
func ParseDoc(name string, d Doc) (*File, error) {
	f := &File{Name: name, Text: d.Text}
	f.crlf = bytes.Contains(d.Text, []byte("\r\n"))
	f.lines = &lineView{text: d.Text, base: d.yamlBase}
	ch := chunk{text: d.Text, startLine: d.StartLine}
	if err := f.parseDocument(d.Index, ch, parseChunk(ch)); err != nil {
		return nil, err
	}
	return f, nil
}

// lineView is the line index of a File's Text, built on first use (most
// documents have no finding inside a block scalar and never need it). Line
// numbers are those of the whole file: base YAML lines precede Text.
type lineView struct {
	once sync.Once
	text []byte
	base int
	x    *rules.LineIndex
}

func (v *lineView) index() *rules.LineIndex {
	v.once.Do(func() { v.x = rules.NewYAMLLineIndex(string(v.text)) })
	return v.x
}

func (v *lineView) LineText(n int) string { return v.index().LineText(n - v.base) }
func (v *lineView) LineStart(n int) int   { return v.index().LineStart(n - v.base) }
func (v *lineView) Offset(n, col int) int { return v.index().Offset(n-v.base, col) }
func (v *lineView) Lines() int            { return v.index().Lines() + v.base }
