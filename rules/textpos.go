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
}

// NewLineIndex indexes text.
func NewLineIndex(text string) *LineIndex {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &LineIndex{text: text, starts: starts}
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
	return i + 1, utf8.RuneCountInString(x.text[x.starts[i]:off]) + 1
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
