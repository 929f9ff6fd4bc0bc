package yaml11

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// literal parses a `|` or `|-` block scalar (the kube-proxy ConfigMap's
// config.conf) whose indicator is at offset o, as yaml.v3's scanner does
// for the cases it keeps: the indentation is that of the first line,
// which must hold content; the scalar ends at the first less indented
// non-empty line. Refused: `|+`, an indentation indicator, leading empty
// lines, lines of spaces only that are longer than the indentation, and a
// last line without its line break.
func (p *fastParser) literal(o, parent int) *yaml.Node {
	s := p.s
	line, col := p.line, o-p.ls+1
	i := o + 1
	strip := i < len(s) && s[i] == '-'
	if strip {
		i++
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j < len(s) && s[j] != '\n' && (s[j] != '#' || j == i) {
		bail() // `|+`, `|2`, `|x` or a comment without a blank before it
	}
	nl := strings.IndexByte(s[j:], '\n')
	if nl < 0 {
		bail()
	}
	ls, ln := j+nl+1, line+1
	k := ls
	for k < len(s) && s[k] == ' ' {
		k++
	}
	ind := k - ls
	if k == len(s) || s[k] == '\n' || ind <= parent || ind < 1 {
		bail()
	}
	b := p.buf[:0]
	breaks := 0 // line breaks not yet written
	for ls < len(s) {
		k := ls
		for k < len(s) && s[k] == ' ' && k-ls < ind {
			k++
		}
		if k == len(s) {
			break
		}
		if s[k] == '\n' {
			breaks++
			ls, ln = k+1, ln+1
			continue
		}
		if k-ls < ind {
			break // less indented: the scalar ends
		}
		e := strings.IndexByte(s[k:], '\n')
		if e < 0 {
			bail()
		}
		text := s[k : k+e]
		if strings.TrimLeft(text, " ") == "" {
			bail()
		}
		for ; breaks > 0; breaks-- {
			b = append(b, '\n')
		}
		b = append(b, text...)
		breaks = 1
		ls, ln = k+e+1, ln+1
	}
	if !strip {
		b = append(b, '\n')
	}
	p.buf = b
	n := p.node(yaml.ScalarNode, yaml.LiteralStyle, "!!str", string(b), line, col)
	p.seek(ls, ln, false)
	if !p.eof && p.ind > parent {
		bail()
	}
	return n
}
