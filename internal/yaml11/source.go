package yaml11

import (
	"bytes"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// source maps yaml.v3 node positions back to the text. It is needed only
// for the non-specific tag `!`, which yaml.v3 drops from its nodes while
// go-yaml v2 keeps it (and then leaves the scalar a string). Line starts
// are computed on first use: most documents contain no `!` at all.
type source struct {
	data    []byte
	hasBang bool
	lines   []int // byte offset of each line start (index 0 = line 1)
}

func newSource(data []byte) *source {
	return &source{data: data, hasBang: bytes.IndexByte(data, '!') >= 0}
}

// lineStarts splits the text at YAML 1.1 line breaks as go-yaml's scanner
// does: CR LF, CR, LF, NEL (U+0085), LS (U+2028) and PS (U+2029).
func (s *source) lineStarts() []int {
	if s.lines != nil {
		return s.lines
	}
	d := s.data
	start := 0
	if bytes.HasPrefix(d, []byte("\xef\xbb\xbf")) {
		start = 3 // the reader drops the BOM before counting columns
	}
	lines := []int{start}
	for i := start; i < len(d); {
		switch {
		case d[i] == '\r' && i+1 < len(d) && d[i+1] == '\n':
			i += 2
		case d[i] == '\r' || d[i] == '\n':
			i++
		case bytes.HasPrefix(d[i:], []byte("\u0085")), bytes.HasPrefix(d[i:], []byte("\u2028")), bytes.HasPrefix(d[i:], []byte("\u2029")):
			_, w := utf8.DecodeRune(d[i:])
			i += w
		default:
			i++
			continue
		}
		lines = append(lines, i)
	}
	s.lines = lines
	return lines
}

// offset returns the byte offset of a 1-based line and rune column, or -1.
func (s *source) offset(line, col int) int {
	ls := s.lineStarts()
	if line < 1 || line > len(ls) {
		return -1
	}
	i := ls[line-1]
	for c := 1; c < col; c++ {
		if i >= len(s.data) {
			return -1
		}
		_, w := utf8.DecodeRune(s.data[i:])
		i += w
	}
	return i
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// bangTagged reports whether the scalar n carries the non-specific tag `!`
// (or `!<!>`) among its properties, which start at the node's position.
func (s *source) bangTagged(n *yaml.Node) bool {
	if !s.hasBang {
		return false
	}
	i := s.offset(n.Line, n.Column)
	if i < 0 {
		return false
	}
	d := s.data
	for prop := 0; prop < 2 && i < len(d); prop++ {
		switch d[i] {
		case '&':
			for i < len(d) && !isBlank(d[i]) && !isFlowIndicator(d[i]) {
				i++
			}
		case '!':
			verbatim := i+1 < len(d) && d[i+1] == '<'
			j := i
			for j < len(d) && !isBlank(d[j]) && (verbatim || !isFlowIndicator(d[j])) {
				j++
			}
			tok := string(d[i:j])
			return tok == "!" || tok == "!<!>"
		default:
			return false
		}
		// Skip separation (blanks, line breaks, comments) to the next property.
		for i < len(d) {
			if isBlank(d[i]) {
				i++
			} else if d[i] == '#' {
				for i < len(d) && d[i] != '\n' && d[i] != '\r' {
					i++
				}
			} else {
				break
			}
		}
	}
	return false
}

func isFlowIndicator(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }
