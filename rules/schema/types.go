package schema

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
)

// Kind is the Go kind a JSON value is decoded into.
type Kind uint8

const (
	String Kind = iota
	Int         // a signed 64-bit integer (int, int64, time.Duration)
	Uint        // an unsigned 64-bit integer
	Float64
	Float32
	Bool
	Array
	Map
	Struct
	// Custom values are decoded by the component's own UnmarshalJSON
	// (flannel's ip.IP4Net); the component checks them itself.
	Custom
)

// Match is how a decoder matches object keys to struct fields.
type Match uint8

const (
	// Exact: sigs.k8s.io/json, libcni's list keys, map lookups.
	Exact Match = iota
	// Fold: encoding/json, which also accepts a case-insensitive match.
	Fold
)

// Type describes the Go type a JSON value is decoded into.
type Type struct {
	Kind Kind
	// GoType is the type as Go's decoder names it in its errors.
	GoType string
	// Elem is the element type of arrays and maps; nil accepts any
	// element (interface{}).
	Elem *Type
	// Fields of a struct, by JSON key.
	Fields map[string]*Type
	// Open structs accept any other member without a finding (CNI
	// configs carry keys for other plugins).
	Open bool

	names []string
}

// Scalar types as most Go configs declare them.
var (
	TString  = &Type{Kind: String, GoType: "string"}
	TInt     = &Type{Kind: Int, GoType: "int"}
	TUint    = &Type{Kind: Uint, GoType: "uint"}
	TFloat64 = &Type{Kind: Float64, GoType: "float64"}
	TFloat32 = &Type{Kind: Float32, GoType: "float32"}
	TBool    = &Type{Kind: Bool, GoType: "bool"}
	// TObject is map[string]interface{}: any JSON object.
	TObject = &Type{Kind: Map, GoType: "map[string]interface {}"}
)

// ArrayOf is a slice type.
func ArrayOf(goType string, elem *Type) *Type { return &Type{Kind: Array, GoType: goType, Elem: elem} }

// MapOf is a map type with string keys.
func MapOf(goType string, elem *Type) *Type { return &Type{Kind: Map, GoType: goType, Elem: elem} }

// StructOf is a struct type with the given fields.
func StructOf(goType string, fields map[string]*Type) *Type {
	return &Type{Kind: Struct, GoType: goType, Fields: fields, names: slices.Sorted(maps.Keys(fields))}
}

// Names are the struct's field keys, sorted.
func (t *Type) Names() []string {
	if t.names != nil || len(t.Fields) == 0 {
		return t.names
	}
	return slices.Sorted(maps.Keys(t.Fields))
}

// Field returns the field a member key is decoded into: the exact key, or
// with Fold the first field (in key order) equal under case folding.
func (t *Type) Field(key string, m Match) (string, *Type) {
	if ft, ok := t.Fields[key]; ok {
		return key, ft
	}
	if m != Fold {
		return "", nil
	}
	for _, name := range t.Names() {
		if strings.EqualFold(name, key) {
			return name, t.Fields[name]
		}
	}
	return "", nil
}

// Accepts reports whether Go's decoder takes v for t without an error at
// this level (elements and fields are not looked at). null is always
// accepted: the decoder leaves the Go value alone.
func (t *Type) Accepts(v gjson.Result) bool {
	if v.Type == gjson.Null {
		return true
	}
	switch t.Kind {
	case String:
		return v.Type == gjson.String
	case Bool:
		return v.Type == gjson.True || v.Type == gjson.False
	case Int:
		return rules.IsInteger(v, 64, false)
	case Uint:
		return rules.IsInteger(v, 64, true)
	case Float64:
		return isFloat(v, 64)
	case Float32:
		return isFloat(v, 32)
	case Array:
		return v.IsArray()
	case Map, Struct:
		return v.IsObject()
	}
	return true
}

func isFloat(v gjson.Result, bits int) bool {
	if v.Type != gjson.Number {
		return false
	}
	_, err := strconv.ParseFloat(v.Raw, bits)
	return err == nil
}

// Shape names the JSON shape t expects, for humans.
func (t *Type) Shape() string {
	switch t.Kind {
	case String:
		return "a JSON string"
	case Bool:
		return "a JSON boolean (true/false without quotes)"
	case Int, Uint:
		return "a JSON integer"
	case Float64, Float32:
		return "a JSON number"
	case Array:
		return "a JSON array"
	}
	return "a JSON object"
}
