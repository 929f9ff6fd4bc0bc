package yaml11

import (
	"errors"
	"math"
	"sort"
	"strconv"

	"github.com/netguard/netguard/internal/jsonstr"
)

// encoder writes a decoded value as sigs.k8s.io/yaml's YAMLToJSON does:
// convertToJSONableObject (keys to strings) then encoding/json.Marshal
// (sorted keys, HTML-safe string escapes, ES6 float format).
type encoder struct {
	buf []byte
	// ambiguous is set when two distinct keys of one mapping become the same
	// string (`1` and "1"): sigs.k8s.io/yaml then keeps one of them in Go map
	// iteration order, which is random; we keep the later one.
	ambiguous bool
}

var errUnsupportedKey = errors.New("yaml: unsupported map key")

// keyString is convertToJSONableObject's key conversion.
func keyString(k value) (string, error) {
	switch k.k {
	case kString:
		return k.s, nil
	case kInt:
		return strconv.FormatInt(int64(k.n), 10), nil
	case kBool:
		return strconv.FormatBool(k.n == 1), nil
	case kFloat:
		s := strconv.FormatFloat(k.float(), 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, nil
	}
	// nil and uint64 keys: "unsupported map key of type: ...".
	return "", errUnsupportedKey
}

// check runs only the key conversion over v (a value whose JSON is dropped
// but whose conversion still runs).
func check(v value) error {
	switch v.k {
	case kMap:
		for i, k := range v.m.keys {
			if _, err := keyString(k); err != nil {
				return err
			}
			if err := check(v.m.vals[i]); err != nil {
				return err
			}
		}
	case kSeq:
		for _, e := range v.a {
			if err := check(e); err != nil {
				return err
			}
		}
	}
	return nil
}

type entry struct {
	key string
	i   int
}

func (e *encoder) value(v value) error {
	switch v.k {
	case kNull:
		e.buf = append(e.buf, "null"...)
	case kBool:
		e.buf = strconv.AppendBool(e.buf, v.n == 1)
	case kInt:
		e.buf = strconv.AppendInt(e.buf, int64(v.n), 10)
	case kUint:
		e.buf = strconv.AppendUint(e.buf, v.n, 10)
	case kFloat:
		return e.float(v.float())
	case kString:
		e.buf = appendString(e.buf, v.s)
	case kSeq:
		e.buf = append(e.buf, '[')
		for i, x := range v.a {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(x); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	case kMap:
		return e.mapping(v.m)
	}
	return nil
}

func (e *encoder) mapping(m *mapping) error {
	ents := make([]entry, len(m.keys))
	sorted := true
	for i, k := range m.keys {
		s, err := keyString(k)
		if err != nil {
			return err
		}
		ents[i] = entry{s, i}
		if i > 0 && s <= ents[i-1].key {
			sorted = false
		}
	}
	if !sorted {
		sort.SliceStable(ents, func(a, b int) bool { return ents[a].key < ents[b].key })
	}
	e.buf = append(e.buf, '{')
	first := true
	for j, en := range ents {
		if j+1 < len(ents) && ents[j+1].key == en.key {
			e.ambiguous = true
			if err := check(m.vals[en.i]); err != nil {
				return err
			}
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = appendString(e.buf, en.key)
		e.buf = append(e.buf, ':')
		if err := e.value(m.vals[en.i]); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// float formats f as encoding/json does for a float64: shortest
// representation, exponent form below 1e-6 and from 1e21, "e-07" as "e-7".
func (e *encoder) float(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(e.buf, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf = b
	return nil
}

// appendString quotes s as encoding/json does with HTML escaping on.
func appendString(b []byte, s string) []byte { return jsonstr.Append(b, s, true) }
