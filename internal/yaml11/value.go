package yaml11

import (
	"fmt"
	"math"
	"strconv"
)

// kind is the Go type go-yaml v2 gives a value decoded into interface{}.
type kind uint8

const (
	kNull   kind = iota // nil
	kBool               // bool (n: 0 or 1)
	kInt                // int (n: int64 bits)
	kUint               // uint64 (n), only above math.MaxInt64
	kFloat              // float64 (n: bits)
	kString             // string (s)
	kMap                // map[interface{}]interface{} (m)
	kSeq                // []interface{} (a)
)

// value is one decoded value, without boxing scalars in interfaces.
type value struct {
	k kind
	n uint64
	s string
	m *mapping
	a []value
}

func stringValue(s string) value   { return value{k: kString, s: s} }
func intValue(i int64) value       { return value{k: kInt, n: uint64(i)} }
func floatValue(f float64) value   { return value{k: kFloat, n: math.Float64bits(f)} }
func (v value) float() float64     { return math.Float64frombits(v.n) }
func (v value) isCollection() bool { return v.k == kMap || v.k == kSeq }

// sameKey reports whether a and b are the same key of a Go
// map[interface{}]interface{}: equal dynamic type and ==, so NaN never
// matches and -0 matches 0.
func sameKey(a, b value) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kNull:
		return true
	case kString:
		return a.s == b.s
	case kFloat:
		return a.float() == b.float()
	}
	return a.n == b.n
}

// goString formats a key as fmt's %#v does for the Go value v2 holds (the
// text of v2's strict "key %#v already set in map" error).
func (v value) goString() string {
	switch v.k {
	case kNull:
		return "<nil>"
	case kBool:
		return strconv.FormatBool(v.n == 1)
	case kInt:
		return strconv.FormatInt(int64(v.n), 10)
	case kUint:
		return fmt.Sprintf("%#v", v.n)
	case kFloat:
		return fmt.Sprintf("%#v", v.float())
	case kString:
		return strconv.Quote(v.s)
	}
	return "?"
}

// mapping is v2's map[interface{}]interface{}: keys in first-insertion
// order, a later value for the same key replaces the earlier one.
type mapping struct {
	keys []value
	vals []value
	idx  map[string]int // string keys, once the mapping is large
}

const indexAbove = 16

func (m *mapping) find(k value) int {
	if k.k == kString && m.idx != nil {
		if i, ok := m.idx[k.s]; ok {
			return i
		}
		return -1
	}
	for i := range m.keys {
		if sameKey(m.keys[i], k) {
			return i
		}
	}
	return -1
}

// set stores k: v and reports whether k was already present.
func (m *mapping) set(k, v value) bool {
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return true
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	if m.idx != nil {
		if k.k == kString {
			m.idx[k.s] = len(m.keys) - 1
		}
	} else if len(m.keys) > indexAbove {
		m.idx = make(map[string]int, 2*len(m.keys))
		for i, kk := range m.keys {
			if kk.k == kString {
				m.idx[kk.s] = i
			}
		}
	}
	return false
}
