// Package manifest reads Kubernetes manifests (multi-document YAML, JSON,
// `kind: List`) the way kubectl does, and remembers where every object, field
// and ConfigMap value sits in the file, so that findings about a document
// embedded in a ConfigMap value (a line inside `net-conf.json: |`) can be
// reported at their position in the file, and so that `netguard lint --fix`
// can rewrite single values in place.
//
// Values are decoded exactly as kubectl decodes them before sending them to
// the API server (sigs.k8s.io/yaml, i.e. YAML 1.1 scalars, last duplicate key
// wins); positions come from go.yaml.in/yaml/v3 nodes of the same parse
// (internal/yaml11 yields both).
package manifest

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is one parsed manifest file.
type File struct {
	// Name is the file name as given ("-" for stdin).
	Name string
	// BOM is the UTF-8 byte order mark the file started with, if any.
	BOM []byte
	// Text is the file content without the BOM; every offset refers to it.
	Text []byte
	// Objects are the Kubernetes objects of the file, in order (List items
	// are expanded).
	Objects []*Object
	// Skipped lists documents that are not Kubernetes objects (no kind).
	Skipped []Skip

	lines *lineView
	crlf  bool
}

// Skip is a document that was not decoded as a Kubernetes object.
type Skip struct {
	Line   int
	Reason string
}

// Object is one Kubernetes object of a file.
type Object struct {
	File *File
	// Doc is the 0-based index of the YAML document in the file, Item the
	// 0-based index inside a List (-1 when the object is not a List item).
	Doc, Item  int
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// JSON is the object exactly as kubectl would send it.
	JSON []byte

	node *yaml.Node // mapping node of the object, absolute positions
}

// SyntaxError is a manifest that cannot be read at all. Line is 1-based in
// the file (0 when unknown).
type SyntaxError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse reads the manifests of one file. A document that YAML cannot parse
// makes the whole file unreadable (kubectl refuses it too): the error is a
// *SyntaxError with the line in the file.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: name}
	if bytes.HasPrefix(data, utf8BOM) {
		f.BOM = utf8BOM
		data = data[len(utf8BOM):]
	}
	f.Text = data
	f.crlf = bytes.Contains(data, []byte("\r\n"))
	f.lines = &lineView{text: data}
	chunks := splitDocuments(data)
	parsed := parseChunks(chunks)
	for i, ch := range chunks {
		if err := f.parseDocument(i, ch, parsed[i]); err != nil {
			return nil, err
		}
	}
	return f, nil
}

type chunk struct {
	text      []byte
	startLine int // 1-based file line of the chunk's first line
}

// splitDocuments splits a YAML stream on `---` separator lines exactly like
// k8s.io/apimachinery/pkg/util/yaml.YAMLReader (used by kubectl): a line
// starting with "---" whose rest is blank or a comment.
func splitDocuments(data []byte) []chunk {
	var out []chunk
	start, startLine, line := 0, 1, 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := data[off:next]
		if bytes.HasPrefix(l, []byte("---")) {
			rest := strings.TrimSpace(string(l[3:]))
			if rest == "" || rest[0] == '#' {
				out = append(out, chunk{data[start:off], startLine})
				start, startLine = next, line+1
			}
		}
		off = next
		line++
	}
	out = append(out, chunk{data[start:], startLine})
	return out
}

var yamlLineRE = regexp.MustCompile(`\bline (\d+):\s*`)

// syntaxError turns a yaml error about a chunk into a SyntaxError with the
// file line.
func (f *File) syntaxError(err error, ch chunk) *SyntaxError {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	line := 1
	if m := yamlLineRE.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		line = n
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &SyntaxError{File: f.Name, Line: ch.startLine + line - 1, Msg: "YAML syntax error: " + msg}
}

func (f *File) parseDocument(index int, ch chunk, pc parsedChunk) error {
	if pc.skip {
		return nil
	}
	parsed, err := pc.res, pc.err
	if err != nil {
		return f.syntaxError(err, ch)
	}
	if parsed.NodeErr != nil {
		return f.syntaxError(parsed.NodeErr, ch) // no positions: refused, as before
	}
	js, root := parsed.JSON, parsed.Root
	if root == nil || string(js) == "null" {
		return nil // comments only
	}
	shiftLines(root, ch.startLine-1)
	if root.Kind != yaml.MappingNode || js[0] != '{' {
		f.Skipped = append(f.Skipped, Skip{Line: root.Line, Reason: "document is not a Kubernetes object (not a mapping)"})
		return nil
	}
	head := headOf(js)
	if strings.HasSuffix(head.Kind, "List") {
		_, items := lookup(root, "items")
		for i, raw := range head.Items {
			var n *yaml.Node
			if items != nil && items.Kind == yaml.SequenceNode && i < len(items.Content) {
				n = items.Content[i]
			}
			if n == nil || n.Kind != yaml.MappingNode {
				line := root.Line
				if n != nil {
					line = n.Line
				}
				f.Skipped = append(f.Skipped, Skip{Line: line, Reason: fmt.Sprintf("item %d of the %s is not a Kubernetes object", i, head.Kind)})
				continue
			}
			f.addObject(index, i, raw, n, headOf(raw))
		}
		return nil
	}
	f.addObject(index, -1, js, root, head)
	return nil
}

func (f *File) addObject(doc, item int, js []byte, n *yaml.Node, head head) {
	if head.Kind == "" {
		f.Skipped = append(f.Skipped, Skip{Line: n.Line, Reason: "document has no kind (not a Kubernetes object)"})
		return
	}
	f.Objects = append(f.Objects, &Object{
		File: f, Doc: doc, Item: item,
		APIVersion: head.APIVersion, Kind: head.Kind,
		Namespace: head.Metadata.Namespace, Name: head.Metadata.Name,
		JSON: js, node: n,
	})
}

func shiftLines(n *yaml.Node, by int) {
	if n.Line > 0 {
		n.Line += by
	}
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// lookup returns the key and value nodes of name in a mapping node (the
// last occurrence, as the decoder keeps the last duplicate).
func lookup(m *yaml.Node, name string) (key, value *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			key, value = m.Content[i], m.Content[i+1]
		}
	}
	return key, value
}

// Line and Column of the object (its first key), 1-based in the file.
func (o *Object) Line() int   { return o.node.Line }
func (o *Object) Column() int { return o.node.Column }

// ID is "Kind namespace/name" for messages.
func (o *Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Node returns the key and value nodes at a path of mapping keys and
// sequence indices ("spec", "ports", "0", "port"); nil when absent.
func (o *Object) Node(path ...string) (key, value *yaml.Node) {
	value = o.node
	for _, p := range path {
		switch value.Kind {
		case yaml.MappingNode:
			key, value = lookup(value, p)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(value.Content) {
				return nil, nil
			}
			key, value = value.Content[i], value.Content[i]
		default:
			return nil, nil
		}
		if value == nil {
			return nil, nil
		}
	}
	return key, value
}

// Position returns the position of the deepest existing node along path: the
// key's position for a mapping entry, the object's position when nothing of
// the path exists. exact is false when the path was not found entirely.
func (o *Object) Position(path ...string) (line, col int, exact bool) {
	line, col = o.node.Line, o.node.Column
	for i := range path {
		k, _ := o.Node(path[:i+1]...)
		if k == nil {
			return line, col, false
		}
		line, col = k.Line, k.Column
	}
	return line, col, true
}

// SplitFieldPath splits a Kubernetes field path such as
// "spec.ports[0].port" or "metadata.annotations[service.beta.kubernetes.io/x]"
// into its parts ("spec","ports","0","port").
func SplitFieldPath(p string) []string {
	var out []string
	for len(p) > 0 {
		switch {
		case p[0] == '.':
			p = p[1:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(out, p[1:])
			}
			out = append(out, strings.Trim(p[1:end], `"'`))
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				return append(out, p)
			}
			out = append(out, p[:end])
			p = p[end:]
		}
	}
	return out
}

// DataPosition maps a position inside the value of a ConfigMap data key
// (line and column 1-based inside the embedded document) to the file.
//
// For a literal block scalar (`key: |`) embedded line N is file line
// (first content line)+N-1 and the column is shifted by the block's
// indentation. For any other style (quoted, plain, folded, JSON strings) the
// position of the value itself is returned. With line 0, or when the key is
// absent, the position of the key (or of `data`, or of the object) is
// returned. exact reports whether the embedded position could be mapped.
func (o *Object) DataPosition(key string, line, col int) (fileLine, fileCol int, exact bool) {
	k, v := o.Node("data", key)
	if k == nil {
		l, c, _ := o.Position("data", key)
		return l, c, false
	}
	if line <= 0 {
		return k.Line, k.Column, true
	}
	if v.Kind == yaml.ScalarNode && v.Style&yaml.LiteralStyle != 0 {
		if b, ok := o.File.block(k, v); ok {
			if col <= 0 {
				col = 1
			}
			return b.firstLine + line - 1, b.indent + col, true
		}
	}
	return v.Line, v.Column, false
}

// blockScalar describes the text of a block scalar in the file.
type blockScalar struct {
	headerStart, headerEnd int // byte offsets of the "|-" indicator
	firstLine              int // 1-based file line of the first content line
	indent                 int // content indentation in columns
	contentStart           int // byte offset of the first content line
	contentEnd             int // byte offset just after the last non-blank content line (before its line break)
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// block locates the literal or folded block scalar v (value of key k).
func (f *File) block(k, v *yaml.Node) (blockScalar, bool) {
	var b blockScalar
	hdrLine := v.Line
	b.headerStart = f.lines.Offset(hdrLine, v.Column)
	text := f.lines.LineText(hdrLine)
	i := b.headerStart - f.lines.LineStart(hdrLine)
	if i >= len(text) || (text[i] != '|' && text[i] != '>') {
		return b, false
	}
	j := i + 1
	explicit := 0
	for j < len(text) && strings.IndexByte("+-123456789", text[j]) >= 0 {
		if text[j] >= '1' && text[j] <= '9' {
			explicit = int(text[j] - '0')
		}
		j++
	}
	b.headerEnd = f.lines.LineStart(hdrLine) + j
	b.firstLine = hdrLine + 1
	if b.firstLine > f.lines.Lines() {
		return b, false
	}
	b.contentStart = f.lines.LineStart(b.firstLine)
	if explicit > 0 {
		b.indent = k.Column - 1 + explicit
	} else {
		b.indent = -1
		for n := b.firstLine; n <= f.lines.Lines(); n++ {
			if t := f.lines.LineText(n); strings.TrimSpace(t) != "" {
				b.indent = leadingSpaces(t)
				break
			}
		}
		if b.indent <= k.Column-1 {
			// empty block: no content lines
			b.indent = k.Column + 1
			b.contentEnd = b.contentStart
			return b, true
		}
	}
	b.contentEnd = b.contentStart
	for n := b.firstLine; n <= f.lines.Lines(); n++ {
		t := f.lines.LineText(n)
		if strings.TrimSpace(t) == "" {
			continue
		}
		if leadingSpaces(t) < b.indent {
			break
		}
		b.contentEnd = f.lines.LineStart(n) + len(t) // before "\r\n" or "\n"
	}
	return b, true
}
