package parity

import (
	"strings"
)

// ydoc is a tiny ordered model of a block-style YAML mapping with two-space
// indentation, enough to apply field mutations to the corpus bases while
// keeping every scalar exactly as written (raw text, so that `0x10000`,
// `010`, `10s // comment` or `"65536"` reach the decoder verbatim).
type ydoc []*ynode

type ynode struct {
	key   string
	raw   string // scalar text after "key: " ("" renders as "key:", i.e. null)
	isMap bool
	kids  ydoc
}

// parseYdoc parses the bases of the corpus (block mappings, two-space indent,
// `key: value` or `key:` lines; no comments, no sequences in block style).
func parseYdoc(text string) ydoc {
	type frame struct {
		indent int
		node   *ynode
	}
	var root ydoc
	var stack []frame
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		ind := len(line) - len(strings.TrimLeft(line, " "))
		body := strings.TrimSpace(line)
		key, raw, _ := strings.Cut(body, ":")
		raw = strings.TrimSpace(raw)
		n := &ynode{key: key, raw: raw}
		for len(stack) > 0 && stack[len(stack)-1].indent >= ind {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			root = append(root, n)
		} else {
			p := stack[len(stack)-1].node
			p.isMap, p.raw = true, ""
			p.kids = append(p.kids, n)
		}
		stack = append(stack, frame{ind, n})
	}
	return root
}

func (d ydoc) clone() ydoc {
	out := make(ydoc, len(d))
	for i, n := range d {
		c := *n
		c.kids = n.kids.clone()
		out[i] = &c
	}
	return out
}

func (d ydoc) find(key string) *ynode {
	for _, n := range d {
		if n.key == key {
			return n
		}
	}
	return nil
}

// set returns a copy with path ("a" or "a.b.c") set to the raw scalar (or
// flow collection) text; missing sections are appended.
func (d ydoc) set(path, raw string) ydoc {
	out := d.clone()
	keys := strings.Split(path, ".")
	cur := &out
	for i, k := range keys {
		n := cur.find(k)
		if n == nil {
			n = &ynode{key: k}
			*cur = append(*cur, n)
		}
		if i == len(keys)-1 {
			n.raw, n.isMap, n.kids = raw, false, nil
			break
		}
		if !n.isMap {
			n.isMap, n.raw, n.kids = true, "", nil
		}
		cur = &n.kids
	}
	return out
}

// del returns a copy without path.
func (d ydoc) del(path string) ydoc {
	out := d.clone()
	keys := strings.Split(path, ".")
	cur := &out
	for i, k := range keys {
		for j, n := range *cur {
			if n.key != k {
				continue
			}
			if i == len(keys)-1 {
				*cur = append((*cur)[:j:j], (*cur)[j+1:]...)
				return out
			}
			cur = &n.kids
			break
		}
	}
	return out
}

// rename returns a copy with the key at path renamed (value kept in place).
func (d ydoc) rename(path, newKey string) ydoc {
	out := d.clone()
	keys := strings.Split(path, ".")
	cur := out
	for i, k := range keys {
		n := cur.find(k)
		if n == nil {
			return out
		}
		if i == len(keys)-1 {
			n.key = newKey
			break
		}
		cur = n.kids
	}
	return out
}

func (d ydoc) render() string {
	var b strings.Builder
	d.renderTo(&b, 0)
	return b.String()
}

func (d ydoc) renderTo(b *strings.Builder, depth int) {
	for _, n := range d {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.key)
		b.WriteString(":")
		if n.isMap {
			b.WriteString("\n")
			n.kids.renderTo(b, depth+1)
			continue
		}
		if n.raw != "" {
			b.WriteString(" ")
			b.WriteString(n.raw)
		}
		b.WriteString("\n")
	}
}
