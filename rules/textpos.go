package rules

import (
	"sort"
	"unicode/utf8"
)

// LineIndex converts byte offsets of a text into 1-based line and column
// numbers. Columns count runes, as editors do.
type LineIndex struct {
	text   string
	starts []int // byte offset of the start of each line
	// marks are rune counts at rune boundaries about every posBlock bytes
	// of a long text, so that a column on a very long line (a 1 MiB
	// one-line JSON document) costs O(posBlock), not O(line length).
	marks []runeMark
}

type runeMark struct{ off, runes int }

const posBlock = 1024

// NewLineIndex indexes text; lines end at '\n' (JSON's and Go's view).
func NewLineIndex(text string) *LineIndex { return newLineIndex(text, false) }

// NewYAMLLineIndex indexes text the way YAML parsers number lines: a lone
// '\r' (old Mac line ends) also ends a line, so positions reported by
// go-yaml map back onto the text.
func NewYAMLLineIndex(text string) *LineIndex { return newLineIndex(text, true) }

func newLineIndex(text string, loneCR bool) *LineIndex {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' || loneCR && text[i] == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	x := &LineIndex{text: text, starts: starts}
	if len(text) > 4*posBlock {
		runes, next := 0, posBlock
		for i := 0; i < len(text); runes++ {
			if i >= next {
				x.marks = append(x.marks, runeMark{i, runes})
				next = i + posBlock
			}
			if text[i] < utf8.RuneSelf {
				i++
			} else {
				_, n := utf8.DecodeRuneInString(text[i:])
				i += n
			}
		}
	}
	return x
}

// runesBetween is utf8.RuneCountInString(x.text[from:to]) for a from on a
// rune boundary (a line start), using the marks.
func (x *LineIndex) runesBetween(from, to int) int {
	j := sort.Search(len(x.marks), func(j int) bool { return x.marks[j].off > to }) - 1
	if j < 0 || x.marks[j].off <= from {
		return utf8.RuneCountInString(x.text[from:to])
	}
	k := sort.Search(len(x.marks), func(k int) bool { return x.marks[k].off > from }) - 1
	start, before := 0, 0
	if k >= 0 {
		start, before = x.marks[k].off, x.marks[k].runes
	}
	before += utf8.RuneCountInString(x.text[start:from])
	return x.marks[j].runes - before + utf8.RuneCountInString(x.text[x.marks[j].off:to])
}

// Position returns the 1-based line and column of byte offset off. Offsets
// outside the text are clamped.
func (x *LineIndex) Position(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(x.text) {
		off = len(x.text)
	}
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, x.runesBetween(x.starts[i], off) + 1
}

// LineStart returns the byte offset where line n (1-based) starts; n is
// clamped to the text's lines.
func (x *LineIndex) LineStart(n int) int {
	n = min(max(n, 1), len(x.starts))
	return x.starts[n-1]
}

// Offset converts a 1-based line and rune column back into a byte offset,
// stopping at the end of the line.
func (x *LineIndex) Offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(x.starts) {
		return len(x.text)
	}
	off := x.starts[line-1]
	for i := 1; i < col && off < len(x.text) && x.text[off] != '\n'; i++ {
		_, size := utf8.DecodeRuneInString(x.text[off:])
		off += size
	}
	return off
}

// Lines is the number of lines in the text.
func (x *LineIndex) Lines() int { return len(x.starts) }

// LineText returns line n (1-based) without its newline.
func (x *LineIndex) LineText(n int) string {
	if n < 1 || n > len(x.starts) {
		return ""
	}
	start := x.starts[n-1]
	end := len(x.text)
	if n < len(x.starts) {
		end = x.starts[n] - 1
	}
	if end > start && x.text[end-1] == '\r' {
		end--
	}
	return x.text[start:end]
}
