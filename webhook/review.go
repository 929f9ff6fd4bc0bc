package webhook

import (
	"encoding/json"
	"slices"
	"strings"
	"unsafe"

	"github.com/tidwall/gjson"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/types"
)

// readReview is DecodeReview without decoding the objects: it reads the
// few request fields the webhook uses with gjson and points
// Object/OldObject/Options.Raw into body (no copy), so an untargeted
// object costs one validity scan and one walk over the request's keys,
// never a typed decode of two ConfigMaps. The returned request is only
// valid while body is.
//
// Anything the fast path is not sure to read exactly as encoding/json
// would (invalid JSON, a field of an unexpected type, a duplicate key,
// a key that encoding/json would match case-insensitively, escaped or
// non-ASCII strings) goes to DecodeReview, which gives the same result or
// the same error as before.
func readReview(body []byte) (*admissionv1.AdmissionReview, error) {
	if review, ok := fastReview(body); ok {
		return review, nil
	}
	return DecodeReview(body)
}

// reviewKeys and requestKeys are the JSON field names of AdmissionReview
// and AdmissionRequest (k8s.io/api/admission/v1/types.go).
var (
	reviewKeys  = []string{"apiVersion", "kind", "request", "response"}
	requestKeys = []string{"uid", "kind", "resource", "subResource", "requestKind", "requestResource",
		"requestSubResource", "name", "namespace", "operation", "userInfo", "object", "oldObject", "dryRun", "options"}
)

// canonical returns the field of keys that encoding/json would decode key
// into (exact match first, then case-insensitive), and whether key is that
// field's exact spelling.
func canonical(keys []string, key string) (field string, exact bool) {
	for _, k := range keys {
		if k == key {
			return k, true
		}
	}
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return k, false
		}
	}
	return "", false
}

func fastReview(body []byte) (*admissionv1.AdmissionReview, bool) {
	// json.Valid is encoding/json's own scanner (no reflection): it
	// rejects exactly what the typed decoder rejects, including nesting
	// past its depth limit, before gjson (which recurses) sees the body.
	if len(body) == 0 || !json.Valid(body) {
		return nil, false
	}
	view := unsafe.String(unsafe.SliceData(body), len(body))
	root := gjson.Parse(view)
	if !root.IsObject() {
		return nil, false
	}
	review := &admissionv1.AdmissionReview{}
	var reqv gjson.Result
	ok := true
	seen := map[string]bool{}
	root.ForEach(func(k, v gjson.Result) bool {
		field, exact := canonical(reviewKeys, k.Str)
		if field == "" {
			return true // ignored by encoding/json as well
		}
		if !exact || seen[field] || len(k.Raw) != len(k.Str)+2 {
			ok = false
			return false
		}
		seen[field] = true
		switch field {
		case "apiVersion":
			review.APIVersion, ok = plainString(v)
		case "kind":
			review.Kind, ok = plainString(v)
		case "request":
			reqv = v
			ok = v.IsObject()
		default: // a response is decoded (and type-checked) by the slow path
			ok = false
		}
		return ok
	})
	if !ok || !reqv.Exists() {
		return nil, false
	}
	req := &admissionv1.AdmissionRequest{}
	clear(seen)
	reqv.ForEach(func(k, v gjson.Result) bool {
		field, exact := canonical(requestKeys, k.Str)
		if field == "" {
			return true
		}
		if !exact || seen[field] || len(k.Raw) != len(k.Str)+2 {
			ok = false
			return false
		}
		seen[field] = true
		ok = readRequestField(req, field, v, body, view)
		return ok
	})
	if !ok {
		return nil, false
	}
	// Reviews that DecodeReview rejects take the slow path for its exact
	// error.
	if review.Kind != "AdmissionReview" || (review.APIVersion != "admission.k8s.io/v1" && review.APIVersion != "admission.k8s.io/v1beta1") || req.UID == "" {
		return nil, false
	}
	review.Request = req
	return review, true
}

// readRequestField sets one AdmissionRequest field from its JSON value,
// reporting false where the value is not one the fast path reads exactly.
func readRequestField(req *admissionv1.AdmissionRequest, field string, v gjson.Result, body []byte, view string) (ok bool) {
	switch field {
	case "uid":
		var s string
		s, ok = plainString(v)
		req.UID = types.UID(s)
	case "name":
		req.Name, ok = plainString(v)
	case "namespace":
		req.Namespace, ok = plainString(v)
	case "subResource":
		req.SubResource, ok = plainString(v)
	case "requestSubResource":
		req.RequestSubResource, ok = plainString(v)
	case "operation":
		var s string
		s, ok = plainString(v)
		req.Operation = admissionv1.Operation(s)
	case "dryRun":
		switch v.Type {
		case gjson.True, gjson.False:
			b := v.Type == gjson.True
			req.DryRun, ok = &b, true
		case gjson.Null:
			ok = true
		}
	case "object":
		req.Object.Raw, ok = rawValue(v, body, view)
	case "oldObject":
		req.OldObject.Raw, ok = rawValue(v, body, view)
	case "options":
		req.Options.Raw, ok = rawValue(v, body, view)
	// The small structured fields go through the typed decoder, which
	// type-checks them exactly as before.
	case "kind":
		k := &req.Kind
		ok = readStrings(v, body, view, gvkKeys, &k.Group, &k.Version, &k.Kind) || unmarshalSmall(v, body, view, k)
	case "resource":
		r := &req.Resource
		ok = readStrings(v, body, view, gvrKeys, &r.Group, &r.Version, &r.Resource) || unmarshalSmall(v, body, view, r)
	case "requestKind":
		ok = unmarshalSmall(v, body, view, &req.RequestKind)
	case "requestResource":
		ok = unmarshalSmall(v, body, view, &req.RequestResource)
	case "userInfo":
		ok = unmarshalSmall(v, body, view, &req.UserInfo)
	}
	return ok
}

// unmarshalSmall decodes a small structured field with encoding/json,
// reading its bytes in place.
func unmarshalSmall(v gjson.Result, body []byte, view string, into any) bool {
	raw, ok := rawValue(v, body, view)
	if !ok || raw == nil {
		raw = []byte("null")
	}
	return json.Unmarshal(raw, into) == nil
}

var (
	gvkKeys = []string{"group", "version", "kind"}
	gvrKeys = []string{"group", "version", "resource"}
)

// readStrings reads an object of plain string fields (a GroupVersionKind
// or GroupVersionResource) without encoding/json. It reports false, having
// set nothing the caller keeps, for anything else: null, other keys, other
// types, duplicates; the caller then decodes the value with encoding/json.
func readStrings(v gjson.Result, body []byte, view string, keys []string, dst ...*string) bool {
	if !v.IsObject() {
		return false
	}
	var vals [3]string
	var seen [3]bool
	ok := true
	v.ForEach(func(k, fv gjson.Result) bool {
		i := slices.Index(keys, k.Str)
		if i < 0 || seen[i] || len(k.Raw) != len(k.Str)+2 {
			ok = false
			return false
		}
		seen[i] = true
		vals[i], ok = plainString(fv)
		return ok
	})
	if !ok {
		return false
	}
	for i, d := range dst {
		*d = vals[i]
	}
	return true
}

// plainString returns a JSON string (or null, which encoding/json leaves
// as "") as a string of its own: the body it came from is reused.
// Escaped or non-ASCII strings are unquoted by encoding/json so that
// invalid UTF-8 and escapes come out exactly as before.
func plainString(v gjson.Result) (string, bool) {
	switch v.Type {
	case gjson.Null:
		return "", true
	case gjson.String:
	default:
		return "", false
	}
	for i := 0; i < len(v.Raw); i++ {
		if c := v.Raw[i]; c == '\\' || c >= 0x80 {
			var s string
			return s, json.Unmarshal([]byte(v.Raw), &s) == nil
		}
	}
	return strings.Clone(v.Str), true
}

// rawValue is a RawExtension's bytes: nil for null (as
// RawExtension.UnmarshalJSON leaves it), otherwise the value's bytes
// inside body, not a copy.
func rawValue(v gjson.Result, body []byte, view string) ([]byte, bool) {
	if v.Type == gjson.Null {
		return nil, true
	}
	raw := v.Raw
	if raw == "" {
		return nil, false
	}
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(raw))) - uintptr(unsafe.Pointer(unsafe.StringData(view))))
	if off < 0 || off+len(raw) > len(body) {
		return []byte(raw), true // not a substring of body (never expected): copy
	}
	return body[off : off+len(raw) : off+len(raw)], true
}
