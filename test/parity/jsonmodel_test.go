package parity

import (
	"strconv"
	"strings"
)

// jobj is an ordered JSON object whose values are kept as raw JSON text or as
// nested jobj / jarr, so that mutations can produce exact bytes (duplicate
// keys, numbers such as 24.5, wrong-type values).
type jobj []jkv

type jkv struct {
	key string
	val any // jraw, jobj or jarr
}

type jarr []any

// jraw is literal JSON text.
type jraw string

func str(s string) jraw { return jraw(strconv.Quote(s)) }

func (o jobj) clone() jobj {
	out := make(jobj, len(o))
	for i, kv := range o {
		out[i] = jkv{kv.key, cloneVal(kv.val)}
	}
	return out
}

func cloneVal(v any) any {
	switch x := v.(type) {
	case jobj:
		return x.clone()
	case jarr:
		out := make(jarr, len(x))
		for i := range x {
			out[i] = cloneVal(x[i])
		}
		return out
	}
	return v
}

// with returns a copy with path ("a.b", "plugins.0.type") set to v (appended
// when missing; the last occurrence is replaced when the key is duplicated).
func (o jobj) with(path string, v any) jobj {
	out := o.clone()
	setPath(&out, strings.Split(path, "."), v)
	return out
}

func setPath(o *jobj, keys []string, v any) {
	k := keys[0]
	idx := -1
	for i := range *o {
		if (*o)[i].key == k {
			idx = i
		}
	}
	if len(keys) == 1 {
		if idx >= 0 {
			(*o)[idx].val = v
		} else {
			*o = append(*o, jkv{k, v})
		}
		return
	}
	if idx < 0 {
		*o = append(*o, jkv{k, jobj{}})
		idx = len(*o) - 1
	}
	switch child := (*o)[idx].val.(type) {
	case jobj:
		setPath(&child, keys[1:], v)
		(*o)[idx].val = child
	case jarr:
		i, err := strconv.Atoi(keys[1])
		if err != nil || i >= len(child) {
			return
		}
		if len(keys) == 2 {
			child[i] = v
			return
		}
		if co, ok := child[i].(jobj); ok {
			setPath(&co, keys[2:], v)
			child[i] = co
		}
	default:
		nested := jobj{}
		setPath(&nested, keys[1:], v)
		(*o)[idx].val = nested
	}
}

// without returns a copy without path.
func (o jobj) without(path string) jobj {
	out := o.clone()
	delPath(&out, strings.Split(path, "."))
	return out
}

func delPath(o *jobj, keys []string) {
	for i := range *o {
		if (*o)[i].key != keys[0] {
			continue
		}
		if len(keys) == 1 {
			*o = append((*o)[:i:i], (*o)[i+1:]...)
			return
		}
		switch child := (*o)[i].val.(type) {
		case jobj:
			delPath(&child, keys[1:])
			(*o)[i].val = child
		case jarr:
			if j, err := strconv.Atoi(keys[1]); err == nil && j < len(child) {
				if co, ok := child[j].(jobj); ok && len(keys) > 2 {
					delPath(&co, keys[2:])
					child[j] = co
				}
			}
		}
		return
	}
}

// renamed returns a copy with the last key of path renamed.
func (o jobj) renamed(path, newKey string) jobj {
	out := o.clone()
	keys := strings.Split(path, ".")
	cur := out
	for i, k := range keys {
		for j := range cur {
			if cur[j].key != k {
				continue
			}
			if i == len(keys)-1 {
				cur[j].key = newKey
				return out
			}
			if co, ok := cur[j].val.(jobj); ok {
				cur = co
			}
			break
		}
	}
	return out
}

// appendKey returns a copy with key appended even if it already exists (a
// duplicate key).
func (o jobj) appendKey(key string, v any) jobj {
	out := o.clone()
	return append(out, jkv{key, v})
}

// render writes the object as indented JSON, like the manifests do.
func (o jobj) render() string {
	var b strings.Builder
	renderVal(&b, o, 0)
	b.WriteString("\n")
	return b.String()
}

func renderVal(b *strings.Builder, v any, depth int) {
	pad := strings.Repeat("  ", depth+1)
	switch x := v.(type) {
	case jraw:
		b.WriteString(string(x))
	case jobj:
		if len(x) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, kv := range x {
			b.WriteString(pad + strconv.Quote(kv.key) + ": ")
			renderVal(b, kv.val, depth+1)
			if i < len(x)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(strings.Repeat("  ", depth) + "}")
	case jarr:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(pad)
			renderVal(b, e, depth+1)
			if i < len(x)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(strings.Repeat("  ", depth) + "]")
	}
}

// jsonTextMutations break or re-encode a JSON document.
var jsonTextMutations = []struct {
	name  string
	apply func(string) string
}{
	{"trailing-comma", func(s string) string {
		i := strings.LastIndex(s, "}")
		return strings.TrimRight(s[:i], "\n ") + ",\n}\n"
	}},
	{"line-comment", func(s string) string { return strings.Replace(s, "{\n", "{\n  // network config\n", 1) }},
	{"hash-comment", func(s string) string { return "# flannel\n" + s }},
	{"single-quotes", func(s string) string { return strings.ReplaceAll(s, `"`, `'`) }},
	{"missing-closing-brace", func(s string) string { return strings.TrimRight(strings.TrimRight(s, "\n"), "}") }},
	{"bom", func(s string) string { return "\ufeff" + s }},
	{"crlf", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
	{"compact", func(s string) string {
		var b strings.Builder
		inStr := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '"' && (i == 0 || s[i-1] != '\\') {
				inStr = !inStr
			}
			if !inStr && (c == ' ' || c == '\n') {
				continue
			}
			b.WriteByte(c)
		}
		return b.String()
	}},
	{"trailing-garbage", func(s string) string { return s + "}\n" }},
	{"two-objects", func(s string) string { return s + s }},
	{"empty", func(string) string { return "" }},
	{"null", func(string) string { return "null" }},
	{"array", func(s string) string { return "[" + s + "]" }},
	{"yaml-instead-of-json", func(string) string { return "name: cbr0\ntype: flannel\n" }},
	{"unquoted-key", func(s string) string { return strings.Replace(s, `"name"`, `name`, 1) }},
	{"nbsp-indent", func(s string) string { return strings.Replace(s, "\n  ", "\n\u00a0\u00a0", 1) }},
	{"tab-indent", func(s string) string { return strings.ReplaceAll(s, "\n  ", "\n\t") }},
	{"smart-quotes", func(s string) string { return strings.Replace(s, `"`, "\u201c", 2) }},
}
