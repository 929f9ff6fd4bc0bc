package yaml11

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Why a second parser: yaml.v3's scanner and parser (a port of libyaml,
// event by event, one heap node and one string per scalar) were 30-40% of
// judging a kube-proxy config and most of reading a manifest. Real config
// files use a small block-YAML subset, which one pass over the bytes can
// turn into the very node tree yaml.v3 builds (Kind, Style, Tag, Value,
// Line, Column, Content; nodes and Content slices come from slabs, values
// are substrings of one copy of the text).
//
// The fast path refuses (ok == false) anything outside that subset, and
// yaml.v3 then parses the text exactly as before: anchors, aliases, tags,
// directives, `?` keys, flow mappings with content, flow sequences of
// anything but one line of simple scalars (flow.go), folded and
// keep-chomped block scalars, multi-line plain or quoted scalars, escapes
// other than \\ \" \n \t \r, tabs, CR, any byte outside printable ASCII,
// a second document, and every indentation it is not sure of. Refusing is
// always safe; accepting is proven by FuzzFastPathNodes (field by field
// against yaml.v3 whenever the fast path accepts) and FuzzYAMLToJSON.
//
// Comments are not kept (HeadComment, LineComment and FootComment stay
// empty): no caller reads them, and yaml.v3's attachment rules are not
// worth reproducing for nothing.

// maxFastDepth bounds the recursion; deeper documents go to yaml.v3.
const maxFastDepth = 200

// maxSimpleKey is below yaml.v3's 1024-character limit for simple keys.
const maxSimpleKey = 1000

// notSimple aborts the fast path (recovered in fastParse).
type notSimple struct{}

func bail() { panic(notSimple{}) }

// fastParser is the cursor of the fast path. The "current line" is the
// next line holding content (not blank, not only a comment).
type fastParser struct {
	s     string
	eof   bool // no content line left
	line  int  // 1-based number of the current line
	ls    int  // offset of its start
	at    int  // offset of its first non-space byte
	ind   int  // its indentation (at - ls)
	depth int

	nodes []yaml.Node  // slab the nodes come from
	kids  []*yaml.Node // children of the collections being built
	arena []*yaml.Node // slab the Content slices come from
	tmp   yaml.Node    // scratch scalar for yaml.v3's tag resolution
	buf   []byte       // scratch for block scalars
}

// fastParse returns the root node yaml.v3 would build for data, or false
// when data is not in the simple subset (or holds no document).
func fastParse(data []byte) (root *yaml.Node, ok bool) {
	lines := 1
	for _, c := range data {
		if c == '\n' {
			lines++
		} else if c < 0x20 || c > 0x7e {
			return nil, false // tab, CR, control, non-ASCII: yaml.v3
		}
	}
	p := &fastParser{s: string(data), kids: make([]*yaml.Node, 0, 32)}
	// A `key: value` line makes two nodes, comments and the lines of a
	// block scalar none (a ConfigMap's config.conf can be most of the
	// text): the first slab is a guess, later ones double.
	p.nodes = make([]yaml.Node, 0, lines/2+8)
	p.arena = make([]*yaml.Node, 0, lines/2+8)
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(notSimple); !is {
				panic(r)
			}
			root, ok = nil, false
		}
	}()
	p.seek(0, 1, true)
	if p.eof {
		return nil, false // no document: let yaml.v3 decide what that is
	}
	root = p.block(p.at, -1, false)
	if !p.eof {
		bail()
	}
	return root, true
}

// seek makes the first content line at or after the line starting at ls
// (numbered ln) current. A `---` line is accepted only as the first one.
func (p *fastParser) seek(ls, ln int, first bool) {
	s := p.s
	for ls < len(s) {
		i := ls
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i < len(s) && s[i] != '\n' && s[i] != '#' {
			p.ls, p.at, p.ind, p.line = ls, i, i-ls, ln
			if i == ls && (strings.HasPrefix(s[i:], "---") || strings.HasPrefix(s[i:], "...")) && (i+3 == len(s) || s[i+3] == ' ' || s[i+3] == '\n') {
				if !first || s[i] != '-' {
					bail() // a second document, or a document end
				}
				p.endLine(i + 3)
			}
			return
		}
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		ls, ln = i+j+1, ln+1
	}
	p.eof = true
}

// endLine checks that only blanks and a comment follow offset i on the
// current line, and moves to the next content line.
func (p *fastParser) endLine(i int) {
	s := p.s
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && s[i] != '\n' && (s[i] != '#' || s[i-1] != ' ') {
		bail()
	}
	j := strings.IndexByte(s[i:], '\n')
	if j < 0 {
		p.eof = true
		return
	}
	p.seek(i+j+1, p.line+1, false)
}

// dash reports whether a block sequence entry starts at offset i.
func (p *fastParser) dash(i int) bool {
	s := p.s
	return s[i] == '-' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n')
}

func (p *fastParser) node(k yaml.Kind, style yaml.Style, tag, value string, line, col int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]yaml.Node, 0, 2*cap(p.nodes))
	}
	p.nodes = append(p.nodes, yaml.Node{Kind: k, Style: style, Tag: tag, Value: value, Line: line, Column: col})
	return &p.nodes[len(p.nodes)-1]
}

// content moves the children collected since base into a Content slice.
func (p *fastParser) content(base int) []*yaml.Node {
	n := len(p.kids) - base
	if n == 0 {
		return nil
	}
	if cap(p.arena)-len(p.arena) < n {
		p.arena = make([]*yaml.Node, 0, max(n, 2*cap(p.arena)))
	}
	start := len(p.arena)
	p.arena = append(p.arena, p.kids[base:]...)
	p.kids = p.kids[:base]
	return p.arena[start:len(p.arena):len(p.arena)]
}

// block parses the node at offset o of the current line: o is the line's
// first content, or follows a sequence entry's `- ` (inDash). parent is
// yaml.v3's current block indentation (the enclosing collection's column,
// -1 at the top), past which a following line would continue a scalar.
func (p *fastParser) block(o, parent int, inDash bool) *yaml.Node {
	p.depth++
	if p.depth > maxFastDepth {
		bail()
	}
	defer func() { p.depth-- }()
	if p.dash(o) {
		if inDash {
			bail() // `- - a`: a compact nested sequence
		}
		return p.sequence(o, false)
	}
	if k, colon, ok := p.key(o); ok {
		return p.mapping(o, k, colon)
	}
	return p.inline(o, parent)
}

// mapping parses a block mapping whose first key k starts at offset o
// (its `:` at offset colon).
func (p *fastParser) mapping(o int, k *yaml.Node, colon int) *yaml.Node {
	c := o - p.ls
	m := p.node(yaml.MappingNode, 0, "!!map", "", p.line, c+1)
	base := len(p.kids)
	for {
		p.kids = append(p.kids, k)
		var v *yaml.Node
		i := colon + 1
		for i < len(p.s) && p.s[i] == ' ' {
			i++
		}
		if i < len(p.s) && p.s[i] != '\n' && p.s[i] != '#' {
			v = p.inline(i, c)
		} else {
			// The value is on the following lines, or empty: yaml.v3
			// places an empty value just after the `:`.
			line, col := p.line, colon-p.ls+2
			p.endLine(i)
			switch {
			case p.eof || p.ind < c:
				v = p.node(yaml.ScalarNode, 0, "!!null", "", line, col)
			case p.ind == c && p.dash(p.at):
				v = p.sequence(p.at, true) // indentless sequence
			case p.ind == c:
				v = p.node(yaml.ScalarNode, 0, "!!null", "", line, col)
			default:
				v = p.block(p.at, c, false)
			}
		}
		p.kids = append(p.kids, v)
		if p.eof || p.ind < c {
			break
		}
		if p.ind > c || p.dash(p.at) {
			bail()
		}
		o = p.at
		var ok bool
		if k, colon, ok = p.key(o); !ok {
			bail()
		}
	}
	m.Content = p.content(base)
	return m
}

// sequence parses a block sequence whose first `-` is at offset o;
// indentless is a sequence at its mapping's own indentation.
func (p *fastParser) sequence(o int, indentless bool) *yaml.Node {
	c := o - p.ls
	seq := p.node(yaml.SequenceNode, 0, "!!seq", "", p.line, c+1)
	base := len(p.kids)
	for {
		var v *yaml.Node
		i := o + 1
		for i < len(p.s) && p.s[i] == ' ' {
			i++
		}
		if i < len(p.s) && p.s[i] != '\n' && p.s[i] != '#' {
			v = p.block(i, c, true)
		} else {
			line := p.line
			p.endLine(i)
			if p.eof || p.ind <= c {
				v = p.node(yaml.ScalarNode, 0, "!!null", "", line, c+2)
			} else {
				v = p.block(p.at, c, false)
			}
		}
		p.kids = append(p.kids, v)
		if p.eof || p.ind < c {
			break
		}
		if p.ind > c {
			bail()
		}
		if !p.dash(p.at) {
			if indentless {
				break
			}
			bail()
		}
		o = p.at
	}
	seq.Content = p.content(base)
	return seq
}

// inline parses a scalar or an empty flow collection at offset o and moves
// past its line; a following line indented past parent would continue or
// break it, so that is left to yaml.v3.
func (p *fastParser) inline(o, parent int) *yaml.Node {
	s := p.s
	line, col := p.line, o-p.ls+1
	var n *yaml.Node
	end := o + 2
	switch {
	case strings.HasPrefix(s[o:], "[]"):
		n = p.node(yaml.SequenceNode, yaml.FlowStyle, "!!seq", "", line, col)
	case strings.HasPrefix(s[o:], "{}"):
		n = p.node(yaml.MappingNode, yaml.FlowStyle, "!!map", "", line, col)
	case s[o] == '[':
		n, end = p.flowSequence(o)
	case s[o] == '|':
		return p.literal(o, parent)
	case s[o] == '\'' || s[o] == '"':
		var v string
		v, end = p.quoted(o)
		style := yaml.DoubleQuotedStyle
		if s[o] == '\'' {
			style = yaml.SingleQuotedStyle
		}
		n = p.node(yaml.ScalarNode, style, "!!str", v, line, col)
	default:
		if !plainStart(s, o) {
			bail()
		}
		var v string
		v, end = plain(s, o)
		n = p.node(yaml.ScalarNode, 0, p.plainTag(v), v, line, col)
	}
	p.endLine(end)
	if !p.eof && p.ind > parent {
		bail()
	}
	return n
}

// key reads a simple key at offset o: its node and the offset of its `:`.
func (p *fastParser) key(o int) (k *yaml.Node, colon int, ok bool) {
	s := p.s
	var v string
	var style yaml.Style
	tag := "!!str"
	switch s[o] {
	case '\'', '"':
		var end int
		v, end = p.quoted(o)
		colon = end
		for colon < len(s) && s[colon] == ' ' {
			colon++
		}
		if colon == len(s) || s[colon] != ':' || colon+1 < len(s) && s[colon+1] != ' ' && s[colon+1] != '\n' {
			return nil, 0, false
		}
		style = yaml.DoubleQuotedStyle
		if s[o] == '\'' {
			style = yaml.SingleQuotedStyle
		}
	default:
		if !plainStart(s, o) {
			return nil, 0, false
		}
		v, colon = plain(s, o)
		for colon < len(s) && s[colon] == ' ' {
			colon++
		}
		if colon == len(s) || s[colon] != ':' {
			return nil, 0, false
		}
		tag = p.plainTag(v)
	}
	if colon-o > maxSimpleKey {
		bail()
	}
	return p.node(yaml.ScalarNode, style, tag, v, p.line, o-p.ls+1), colon, true
}

// plainStart reports whether a plain scalar may start at offset o in the
// subset: not an indicator; `-`, `?` and `:` only before a non-blank
// (`-1`, `::1`).
func plainStart(s string, o int) bool {
	switch s[o] {
	case '-', '?', ':':
		return o+1 < len(s) && s[o+1] != ' ' && s[o+1] != '\n'
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// plain scans a single-line plain scalar from o in block context: it ends
// at `: `, at ` #` or at the end of the line; trailing blanks are not part
// of it. It returns the value and the offset where scanning stopped.
func plain(s string, o int) (string, int) {
	i := o
	for i < len(s) {
		c := s[i]
		if c == '\n' || c == ':' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n') || c == '#' && s[i-1] == ' ' {
			break
		}
		i++
	}
	end := i
	for end > o && s[end-1] == ' ' {
		end--
	}
	return s[o:end], i
}

// quoted scans a single-line quoted scalar starting at offset o: its value
// and the offset past the closing quote.
func (p *fastParser) quoted(o int) (string, int) {
	s := p.s
	q := s[o]
	var b []byte // nil until an escape forces a copy
	i := o + 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n':
			bail() // multi-line: folding is yaml.v3's job
		case c == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			b = append(copyOnce(b, s, o+1, i), '\'')
			i += 2
			continue
		case c == q:
			if b != nil {
				return string(b), i + 1
			}
			return s[o+1 : i], i + 1
		case c == '\\' && q == '"':
			if i+1 == len(s) {
				bail()
			}
			var e byte
			switch s[i+1] {
			case '\\', '"':
				e = s[i+1]
			case 'n':
				e = '\n'
			case 't':
				e = '\t'
			case 'r':
				e = '\r'
			default:
				bail()
			}
			b = append(copyOnce(b, s, o+1, i), e)
			i += 2
			continue
		}
		if b != nil {
			b = append(b, c)
		}
		i++
	}
	bail()
	return "", 0
}

// copyOnce starts the unescaped copy of a quoted scalar with s[from:to].
func copyOnce(b []byte, s string, from, to int) []byte {
	if b != nil {
		return b
	}
	return append(make([]byte, 0, to-from+16), s[from:to]...)
}

// plainTag is the tag yaml.v3 resolves for a plain scalar: `<<` is a merge
// key, and text starting with a byte that resolve's table does not hint
// at is a string without further look-ups; the rest is yaml.v3's own
// resolution (through Node.ShortTag, which calls it).
func (p *fastParser) plainTag(v string) string {
	if v == "<<" {
		return "!!merge"
	}
	if v != "" && !resolveHinted(v[0]) {
		return "!!str"
	}
	if v[0] >= '0' && v[0] <= '9' && !numberLike(v) {
		return "!!str" // `10s`, `172.20.0.0/16`: resolve would fail to parse them
	}
	p.tmp = yaml.Node{Kind: yaml.ScalarNode, Value: v}
	return p.tmp.ShortTag()
}

// numberLike reports whether every byte of v can occur in what yaml.v3's
// resolve accepts for text starting with a digit (no key of its map does):
// strconv's base-prefixed and hexadecimal integers, YAML floats and the
// timestamp layouts. Anything else is a string, found without the parse
// attempts (and their error allocations).
func numberLike(v string) bool {
	for i := 0; i < len(v); i++ {
		if strings.IndexByte("0123456789+-._: xXoObBaAcCdDeEfFtTzZ", v[i]) < 0 {
			return false
		}
	}
	return true
}

// resolveHinted mirrors yaml.v3's resolveTable: the first bytes for which
// resolve looks further than "a string".
func resolveHinted(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c == '+', c == '-', c == '.':
		return true
	}
	return strings.IndexByte("yYnNtTfFoO~", c) >= 0
}
