package webhook

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	corev1 "k8s.io/api/core/v1"
)

// readConfigMap decodes a ConfigMap as json.Unmarshal into a
// corev1.ConfigMap would, for the shape the API server sends (each field
// once, spelled exactly, with the type the field has), without
// json.Unmarshal's second validity scan of the object and its reflection
// over data: decoding the object was the largest single cost of judging a
// typical ConfigMap (docs/benchmarks-design.md). The metadata is still
// decoded by json.Unmarshal, so every ObjectMeta rule (times, owner
// references, managed fields) stays encoding/json's.
//
// raw must be valid JSON: it is a slice of a review body that passed
// json.Valid (readReview) or a RawExtension DecodeReview filled. ok is false
// for anything whose reading by encoding/json is not obviously the same
// (an unknown or case-folded key, a repeated key, null, a \u escape,
// invalid UTF-8, binaryData, a value of the wrong type); the caller then
// uses json.Unmarshal, which also gives such an object's error.
// FuzzReadConfigMap proves the equivalence.
func readConfigMap(raw []byte) (cm *corev1.ConfigMap, ok bool) {
	root := gjson.ParseBytes(raw)
	if !root.IsObject() {
		return nil, false
	}
	cm = &corev1.ConfigMap{}
	const (
		sawAPIVersion = 1 << iota
		sawKind
		sawMetadata
		sawData
		sawImmutable
	)
	seen := 0
	ok = true
	once := func(bit int) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	root.ForEach(func(k, v gjson.Result) bool {
		switch k.Raw {
		case `"apiVersion"`:
			ok = once(sawAPIVersion) && unambiguousString(v)
			cm.APIVersion = v.Str
		case `"kind"`:
			ok = once(sawKind) && unambiguousString(v)
			cm.Kind = v.Str
		case `"metadata"`:
			ok = once(sawMetadata) && v.IsObject() &&
				json.Unmarshal([]byte(v.Raw), &cm.ObjectMeta) == nil
		case `"data"`:
			ok = once(sawData) && v.IsObject()
			if ok {
				cm.Data, ok = readStringMap(v)
			}
		case `"immutable"`:
			ok = once(sawImmutable) && (v.Type == gjson.True || v.Type == gjson.False)
			if ok {
				b := v.Type == gjson.True
				cm.Immutable = &b
			}
		default:
			ok = false
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	return cm, true
}

// readStringMap reads a JSON object of strings as encoding/json fills a
// map[string]string (a later repeated key wins; {} is an empty map, not
// nil).
func readStringMap(obj gjson.Result) (map[string]string, bool) {
	m := map[string]string{}
	ok := true
	obj.ForEach(func(k, v gjson.Result) bool {
		ok = unambiguousString(k) && unambiguousString(v)
		if ok {
			m[k.Str] = v.Str
		}
		return ok
	})
	return m, ok
}

// unambiguousString reports whether gjson's reading of a JSON string (Str) is
// exactly encoding/json's: a string whose only escapes are the two-character
// ones (\n, \", ...) and whose bytes are valid UTF-8. encoding/json turns
// invalid UTF-8 and unpaired \u surrogates into U+FFFD, gjson keeps them.
func unambiguousString(v gjson.Result) bool {
	return v.Type == gjson.String && !strings.Contains(v.Raw, `\u`) && utf8.ValidString(v.Raw)
}
