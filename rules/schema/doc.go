// Package schema is netguard's one decoder for embedded JSON documents (the
// JSON values of ConfigMap keys: Terway's eni_conf and CNI config, Flannel's
// cni-conf.json and net-conf.json). It judges a document the way Go's
// decoders would read it: member lookup with exact (maps, libcni,
// sigs.k8s.io/json) or case-folded (encoding/json structs) key matching,
// field types with Go's acceptance rules, unknown and duplicate keys, secret
// keys, and positions for every member and value.
//
// Documents are parsed once with gjson (rules.ParseJSONDoc), so duplicates
// stay visible and every value keeps its byte offset.
package schema

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Doc is one parsed embedded document. Each object's member list is
// computed once per judgement: checkers look the same object up many times
// and a gjson scan costs O(size of the object).
type Doc struct {
	*rules.JSONDoc
	members map[memoKey][]rules.Member
}

type memoKey struct {
	p *byte
	n int
}

// Parse parses text as one JSON value exactly as encoding/json would (see
// rules.ParseJSONDoc).
func Parse(key, text string) (*Doc, *rules.JSONSyntaxError) {
	d, err := rules.ParseJSONDoc(key, text)
	if err != nil {
		return nil, err
	}
	return New(d), nil
}

// New wraps a parsed document.
func New(d *rules.JSONDoc) *Doc { return &Doc{JSONDoc: d, members: map[memoKey][]rules.Member{}} }

// Members lists the members of obj in document order, duplicates included;
// nil for anything but an object.
func (d *Doc) Members(obj gjson.Result) []rules.Member {
	if !obj.IsObject() {
		return nil
	}
	if d == nil || obj.Raw == "" {
		return rules.Members(obj)
	}
	// The raw text of a value is a substring of the document: its address
	// and length identify the object.
	k := memoKey{unsafe.StringData(obj.Raw), len(obj.Raw)}
	if ms, ok := d.members[k]; ok {
		return ms
	}
	ms := rules.Members(obj)
	d.members[k] = ms
	return ms
}

// Get returns the member a map or a case-sensitive decoder (libcni,
// sigs.k8s.io/json) reads for name: the last exact match.
func (d *Doc) Get(obj gjson.Result, name string) (rules.Member, bool) {
	var found rules.Member
	ok := false
	for _, m := range d.Members(obj) {
		if m.Name == name {
			found, ok = m, true
		}
	}
	return found, ok
}

// Get is Doc.Get for a value outside any parsed document (no caching).
func Get(obj gjson.Result, name string) (rules.Member, bool) { return (*Doc)(nil).Get(obj, name) }

// Fold returns the member encoding/json stores in a struct field called
// name: every case-insensitive match is assigned in document order, so the
// last one wins ({"Network":"a","network":"b"} gives "b"; an exact match
// does not take precedence).
func (d *Doc) Fold(obj gjson.Result, name string) (rules.Member, bool) {
	var found rules.Member
	ok := false
	for _, m := range d.Members(obj) {
		if strings.EqualFold(m.Name, name) {
			found, ok = m, true
		}
	}
	return found, ok
}

// Lookup is Get or Fold, as m says.
func (d *Doc) Lookup(obj gjson.Result, name string, m Match) (rules.Member, bool) {
	if m == Fold {
		return d.Fold(obj, name)
	}
	return d.Get(obj, name)
}

// AllFold returns every member matching name case-insensitively, in order.
func (d *Doc) AllFold(obj gjson.Result, name string) []rules.Member {
	var out []rules.Member
	for _, m := range d.Members(obj) {
		if strings.EqualFold(m.Name, name) {
			out = append(out, m)
		}
	}
	return out
}

// ExactMap is the last member of each key: obj decoded into map[string]any.
func (d *Doc) ExactMap(obj gjson.Result) map[string]rules.Member {
	out := map[string]rules.Member{}
	for _, m := range d.Members(obj) {
		out[m.Name] = m
	}
	return out
}

// FoldDuplicate is a member a struct decoder overwrites, with the member
// whose value it keeps (the last key equal under case folding).
type FoldDuplicate struct {
	rules.Member
	Winner rules.Member
}

// FoldDuplicates returns the members a struct decoder overwrites: all but
// the last of each group of keys equal under case folding, each with that
// last one. One pass over the members: looking the winner up per duplicate
// (Fold scans every member) made thousands of duplicate keys quadratic.
func (d *Doc) FoldDuplicates(obj gjson.Result) []FoldDuplicate {
	groups := map[string][]rules.Member{}
	var order []string
	for _, m := range d.Members(obj) {
		k := strings.ToLower(m.Name)
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	var out []FoldDuplicate
	for _, k := range order {
		if g := groups[k]; len(g) > 1 {
			for _, m := range g[:len(g)-1] {
				out = append(out, FoldDuplicate{Member: m, Winner: g[len(g)-1]})
			}
		}
	}
	return out
}

// SortedFoldWinner returns, among map keys as json.Marshal writes them
// (sorted by bytes), the one a struct decoder assigns last for field name:
// the greatest matching key in byte order. That is what a plugin sees after
// a map was re-marshalled (flannel's delegate handed to bridge).
func SortedFoldWinner(keys []string, name string) (string, bool) {
	var m []string
	for _, k := range keys {
		if strings.EqualFold(k, name) {
			m = append(m, k)
		}
	}
	if len(m) == 0 {
		return "", false
	}
	sort.Strings(m)
	return m[len(m)-1], true
}

// Loc is the position of value v at path p.
func (d *Doc) Loc(p *field.Path, v gjson.Result) rules.Loc {
	return d.JSONDoc.Loc(rules.PathString(p), v)
}

// KeyLoc is the position of member m's key, at path p.
func (d *Doc) KeyLoc(p *field.Path, m rules.Member) rules.Loc {
	return d.JSONDoc.LocAt(rules.PathString(p), m.KeyOffset)
}

// TopKeyLoc is KeyLoc(rules.Root(m.Name), m) for a top-level member,
// without building the path.
func (d *Doc) TopKeyLoc(m rules.Member) rules.Loc {
	return d.JSONDoc.LocAt(rules.KeyString(m.Name), m.KeyOffset)
}

// TopLoc is Loc(rules.Root(name), v) for a top-level member's value,
// without building the path.
func (d *Doc) TopLoc(name string, v gjson.Result) rules.Loc {
	return d.JSONDoc.Loc(rules.KeyString(name), v)
}

// At is the position of byte offset off, at path p.
func (d *Doc) At(p *field.Path, off int) rules.Loc {
	return d.JSONDoc.LocAt(rules.PathString(p), off)
}
