package yaml11

import "go.yaml.in/yaml/v3"

// flowSequence parses a one-line flow sequence of scalars (`[a, "b", 1]`,
// as in args lists) whose `[` is at offset o, and returns the offset past
// its `]`. Plain items are kept to text that ends the same way in every
// reading: no `:`, `#`, `?`, indicators, quotes or a leading `-`; nested
// collections, empty items and a trailing comma are refused.
func (p *fastParser) flowSequence(o int) (*yaml.Node, int) {
	s := p.s
	n := p.node(yaml.SequenceNode, yaml.FlowStyle, "!!seq", "", p.line, o-p.ls+1)
	base := len(p.kids)
	i := o + 1
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			bail()
		}
		col := i - p.ls + 1
		var v *yaml.Node
		switch {
		case s[i] == '\'' || s[i] == '"':
			style := yaml.DoubleQuotedStyle
			if s[i] == '\'' {
				style = yaml.SingleQuotedStyle
			}
			var val string
			val, i = p.quoted(i)
			v = p.node(yaml.ScalarNode, style, "!!str", val, p.line, col)
		case flowPlainByte(s[i]) && s[i] != ' ' && s[i] != '-':
			j := i
			for j < len(s) && flowPlainByte(s[j]) {
				j++
			}
			end := j
			for s[end-1] == ' ' {
				end--
			}
			val := s[i:end]
			v = p.node(yaml.ScalarNode, 0, p.plainTag(val), val, p.line, col)
			i = j
		default:
			bail()
		}
		p.kids = append(p.kids, v)
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			bail()
		}
		if s[i] == ']' {
			n.Content = p.content(base)
			return n, i + 1
		}
		if s[i] != ',' {
			bail()
		}
		i++
	}
}

// flowPlainByte reports whether c may appear in a plain flow item of the
// subset.
func flowPlainByte(c byte) bool {
	switch c {
	case '\n', ',', '[', ']', '{', '}', ':', '#', '?', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}
