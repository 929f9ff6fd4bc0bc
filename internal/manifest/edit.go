package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Edit replaces Text[Start:End] with New.
type Edit struct {
	Start, End int
	New        string
}

// Apply applies non-overlapping edits and returns the new file content,
// including the original byte order mark.
func (f *File) Apply(edits []Edit) ([]byte, error) {
	es := append([]Edit(nil), edits...)
	sort.Slice(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var b bytes.Buffer
	b.Write(f.BOM)
	pos := 0
	for _, e := range es {
		if e.Start < pos || e.End < e.Start || e.End > len(f.Text) {
			return nil, fmt.Errorf("%s: overlapping or invalid edits", f.Name)
		}
		b.Write(f.Text[pos:e.Start])
		b.WriteString(e.New)
		pos = e.End
	}
	b.Write(f.Text[pos:])
	return b.Bytes(), nil
}

func (f *File) newline() string {
	if f.crlf {
		return "\r\n"
	}
	return "\n"
}

// SetDataValue returns the edit that replaces the value of ConfigMap data
// key with value, keeping the scalar style where possible: a literal block
// (`key: |`) stays a literal block re-indented like the original, other
// styles become a double-quoted string. Everything else in the file is left
// untouched.
func (o *Object) SetDataValue(key, value string) (Edit, error) {
	k, v := o.Node("data", key)
	if k == nil || v.Kind != yaml.ScalarNode {
		return Edit{}, fmt.Errorf("%s: %s has no data value %q to rewrite", o.File.Name, o.ID(), key)
	}
	return o.File.replaceScalar(k, v, value)
}

// SetString returns the edit that sets the string field at path (mapping
// keys from the object's root, e.g. "spec", "ipFamilyPolicy"): the scalar is
// replaced when the field exists, otherwise a new `key: value` line is
// inserted as the first entry of the parent block mapping.
func (o *Object) SetString(path []string, value string) (Edit, error) {
	if len(path) == 0 {
		return Edit{}, fmt.Errorf("empty path")
	}
	k, v := o.Node(path...)
	if k != nil {
		if v.Kind != yaml.ScalarNode {
			return Edit{}, fmt.Errorf("%s: %s: %s is not a scalar", o.File.Name, o.ID(), strings.Join(path, "."))
		}
		return o.File.replaceScalar(k, v, value)
	}
	_, parent := o.Node(path[:len(path)-1]...)
	if parent == nil || parent.Kind != yaml.MappingNode || parent.Style&yaml.FlowStyle != 0 || len(parent.Content) == 0 {
		return Edit{}, fmt.Errorf("%s: %s: cannot insert %s in place (its parent is missing or not a block mapping)", o.File.Name, o.ID(), strings.Join(path, "."))
	}
	first := parent.Content[0]
	line := o.File.lines.LineText(first.Line)
	if leadingSpaces(line) != first.Column-1 {
		return Edit{}, fmt.Errorf("%s: %s: cannot insert %s in place (the mapping does not start its own line)", o.File.Name, o.ID(), strings.Join(path, "."))
	}
	off := o.File.lines.LineStart(first.Line)
	text := strings.Repeat(" ", first.Column-1) + path[len(path)-1] + ": " + quoteIfNeeded(value) + o.File.newline()
	return Edit{Start: off, End: off, New: text}, nil
}

func quoteIfNeeded(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '/' || r == '_') {
			return doubleQuote(s)
		}
	}
	switch strings.ToLower(s) {
	case "", "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return doubleQuote(s)
	}
	if s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '.' {
		return doubleQuote(s)
	}
	return s
}

// doubleQuote renders s as a double-quoted scalar valid in YAML and JSON.
func doubleQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func (f *File) replaceScalar(k, v *yaml.Node, value string) (Edit, error) {
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if e, ok := f.replaceBlock(k, v, value); ok {
			return e, nil
		}
	}
	start := f.lines.Offset(v.Line, v.Column)
	end, err := f.scalarEnd(v, start)
	if err != nil {
		return Edit{}, err
	}
	repl := doubleQuote(value)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		repl = quoteIfNeeded(value)
	}
	return Edit{Start: start, End: end, New: repl}, nil
}

// replaceBlock rewrites a block scalar as a literal block with the same
// indentation. It declines values a literal block cannot carry without an
// explicit indentation indicator.
func (f *File) replaceBlock(k, v *yaml.Node, value string) (Edit, bool) {
	b, ok := f.block(k, v)
	if !ok || value == "" || strings.HasPrefix(value, " ") || strings.HasPrefix(value, "\n") || strings.ContainsAny(value, "\r\t") {
		return Edit{}, false
	}
	body := value
	chomp := "-"
	switch {
	case strings.HasSuffix(value, "\n\n"):
		return Edit{}, false
	case strings.HasSuffix(value, "\n"):
		chomp = ""
		body = strings.TrimSuffix(value, "\n")
	}
	if strings.TrimSpace(strings.Split(body, "\n")[len(strings.Split(body, "\n"))-1]) == "" {
		return Edit{}, false
	}
	if b.contentEnd < b.contentStart || b.headerEnd > b.contentStart {
		return Edit{}, false
	}
	ind := strings.Repeat(" ", b.indent)
	nl := f.newline()
	var out strings.Builder
	out.WriteString("|" + chomp)
	// keep whatever followed the indicator on the header line (a comment)
	out.Write(f.Text[b.headerEnd:b.contentStart])
	for i, l := range strings.Split(body, "\n") {
		if i > 0 {
			out.WriteString(nl)
		}
		if l != "" {
			out.WriteString(ind + l)
		}
	}
	return Edit{Start: b.headerStart, End: b.contentEnd, New: out.String()}, true
}

// scalarEnd finds the end offset of a flow scalar starting at start.
func (f *File) scalarEnd(v *yaml.Node, start int) (int, error) {
	t := f.Text
	if start >= len(t) {
		return 0, fmt.Errorf("%s:%d: value out of range", f.Name, v.Line)
	}
	switch t[start] {
	case '"':
		for i := start + 1; i < len(t); i++ {
			switch t[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case '\'':
		for i := start + 1; i < len(t); i++ {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	default:
		end := bytes.IndexByte(t[start:], '\n')
		if end < 0 {
			end = len(t)
		} else {
			end += start
		}
		line := string(t[start:end])
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if v.Style&yaml.FlowStyle == 0 {
			// inside flow collections a plain scalar ends at , ] }
			if i := strings.IndexAny(line, ",]}"); i >= 0 && isInFlow(f, v) {
				line = line[:i]
			}
		}
		line = strings.TrimRight(line, " \t\r")
		return start + len(line), nil
	}
	return 0, fmt.Errorf("%s:%d: unterminated quoted value", f.Name, v.Line)
}

// isInFlow reports whether the line of v opens a flow collection before v.
func isInFlow(f *File, v *yaml.Node) bool {
	t := f.lines.LineText(v.Line)
	prefix := []rune(t)
	if v.Column-1 < len(prefix) {
		prefix = prefix[:v.Column-1]
	}
	return strings.ContainsAny(string(prefix), "{[")
}
