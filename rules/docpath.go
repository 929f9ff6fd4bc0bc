package rules

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Paths inside embedded documents and objects are apimachinery field.Paths:
// the same type Kubernetes' own validation builds its errors from. A nil
// path is the document root.

// Child appends an object key to p. Keys that would be ambiguous in dotted
// form (dots, brackets, quotes, spaces, the empty key) are written as a
// quoted subscript: data["cni-conf.json"].
func Child(p *field.Path, key string) *field.Path {
	if key == "" || strings.ContainsAny(key, ".[]\" ") {
		return p.Key(strconv.Quote(key))
	}
	return p.Child(key)
}

// KeyString is PathString(Root(key)) without building the path, for the
// hot loops that locate every top-level member of a document.
func KeyString(key string) string {
	if key == "" || strings.ContainsAny(key, ".[]\" ") {
		return "[" + strconv.Quote(key) + "]"
	}
	return key
}

// PathString renders p as findings show it; the root is "".
func PathString(p *field.Path) string {
	if p == nil {
		return ""
	}
	return p.String()
}

// Root is the path of a top-level key of a document.
func Root(key string) *field.Path { return Child(nil, key) }
