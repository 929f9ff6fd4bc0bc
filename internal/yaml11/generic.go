package yaml11

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// maxGenericDepth stays below encoding/json's nesting limit (10000), past
// which decoding the JSON fails; deeper values are left to the decoder.
const maxGenericDepth = 9000

// Generic returns what encoding/json's Decoder with UseNumber gives for
// r.JSON (map[string]any, []any, string, bool, json.Number, nil), built
// from the decoded values instead of re-reading the JSON text. Why: the
// kube-proxy decoder needs that map, and decoding its own output again
// cost more than the YAML parse.
//
// ok is false whenever the two could differ, and the caller then decodes
// r.JSON: no value tree (the yaml.v3 fallback of Parse), keys that collide
// as strings (the JSON then holds the same key twice), text that is not
// valid UTF-8 (the JSON holds U+FFFD in its place) and nesting near
// encoding/json's depth limit. TestGenericIsDecodedJSON and
// FuzzYAMLToJSON check it against encoding/json.
func (r *Result) Generic() (v any, ok bool) {
	if !r.hasValue || r.ambiguous {
		return nil, false
	}
	g := genericBuilder{}
	v = g.value(r.value, 0)
	if g.unsure {
		return nil, false
	}
	return v, true
}

type genericBuilder struct {
	unsure bool
	num    []byte // scratch for number text
}

func (g *genericBuilder) value(v value, depth int) any {
	if depth > maxGenericDepth {
		g.unsure = true
		return nil
	}
	switch v.k {
	case kNull:
		return nil
	case kBool:
		return v.n == 1
	case kInt:
		return json.Number(strconv.FormatInt(int64(v.n), 10))
	case kUint:
		return json.Number(strconv.FormatUint(v.n, 10))
	case kFloat:
		e := encoder{buf: g.num[:0]}
		if e.float(v.float()) != nil {
			g.unsure = true
			return nil
		}
		g.num = e.buf
		return json.Number(e.buf)
	case kString:
		if !utf8.ValidString(v.s) {
			g.unsure = true
		}
		return v.s
	case kSeq:
		a := make([]any, len(v.a))
		for i, x := range v.a {
			a[i] = g.value(x, depth+1)
		}
		return a
	case kMap:
		m := make(map[string]any, len(v.m.keys))
		for i, k := range v.m.keys {
			s, err := keyString(k)
			if err != nil || !utf8.ValidString(s) {
				g.unsure = true
				return nil
			}
			m[s] = g.value(v.m.vals[i], depth+1)
		}
		return m
	}
	g.unsure = true
	return nil
}
