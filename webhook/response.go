package webhook

import (
	"encoding/base64"
	"slices"
	"strconv"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/netguard/netguard/internal/jsonstr"
)

// appendReview appends the AdmissionReview response as JSON, written by
// hand instead of by encoding/json's reflection: the same fields, order
// and omitempty rules as json.Marshal of admissionv1.AdmissionReview (see
// k8s.io/api/admission/v1/types.go and metav1.Status), and the same string
// escaping except that <, > and & are not HTML-escaped (the API server
// decodes JSON; it does not embed it in HTML). TestAppendReviewMatchesEncodingJSON
// holds it to that.
func appendReview(b []byte, apiVersion, kind string, r *admissionv1.AdmissionResponse) []byte {
	b = append(b, '{')
	comma := false
	if kind != "" {
		b = appendKey(b, "kind", &comma)
		b = appendString(b, kind)
	}
	if apiVersion != "" {
		b = appendKey(b, "apiVersion", &comma)
		b = appendString(b, apiVersion)
	}
	if r != nil {
		b = appendKey(b, "response", &comma)
		b = appendResponse(b, r)
	}
	return append(b, '}')
}

func appendResponse(b []byte, r *admissionv1.AdmissionResponse) []byte {
	b = append(b, `{"uid":`...)
	b = appendString(b, string(r.UID))
	b = append(b, `,"allowed":`...)
	b = strconv.AppendBool(b, r.Allowed)
	comma := true
	if r.Result != nil {
		b = appendKey(b, "status", &comma)
		b = appendStatus(b, r.Result)
	}
	if len(r.Patch) > 0 {
		b = appendKey(b, "patch", &comma)
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, r.Patch)
		b = append(b, '"')
	}
	if r.PatchType != nil {
		b = appendKey(b, "patchType", &comma)
		b = appendString(b, string(*r.PatchType))
	}
	if len(r.AuditAnnotations) > 0 {
		b = appendKey(b, "auditAnnotations", &comma)
		b = appendStringMap(b, r.AuditAnnotations)
	}
	if len(r.Warnings) > 0 {
		b = appendKey(b, "warnings", &comma)
		b = append(b, '[')
		for i, w := range r.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, w)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendStatus(b []byte, s *metav1.Status) []byte {
	b = append(b, '{')
	comma := false
	b = appendOptString(b, "kind", s.Kind, &comma)
	b = appendOptString(b, "apiVersion", s.APIVersion, &comma)
	// ListMeta is a struct: encoding/json's omitempty never omits it.
	b = appendKey(b, "metadata", &comma)
	b = append(b, '{')
	mc := false
	b = appendOptString(b, "selfLink", s.SelfLink, &mc)
	b = appendOptString(b, "resourceVersion", s.ResourceVersion, &mc)
	b = appendOptString(b, "continue", s.Continue, &mc)
	if s.RemainingItemCount != nil {
		b = appendKey(b, "remainingItemCount", &mc)
		b = strconv.AppendInt(b, *s.RemainingItemCount, 10)
	}
	b = append(b, '}')
	b = appendOptString(b, "status", s.Status, &comma)
	b = appendOptString(b, "message", s.Message, &comma)
	b = appendOptString(b, "reason", string(s.Reason), &comma)
	if d := s.Details; d != nil {
		b = appendKey(b, "details", &comma)
		b = append(b, '{')
		dc := false
		b = appendOptString(b, "name", d.Name, &dc)
		b = appendOptString(b, "group", d.Group, &dc)
		b = appendOptString(b, "kind", d.Kind, &dc)
		b = appendOptString(b, "uid", string(d.UID), &dc)
		if len(d.Causes) > 0 {
			b = appendKey(b, "causes", &dc)
			b = append(b, '[')
			for i, c := range d.Causes {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, '{')
				cc := false
				b = appendOptString(b, "reason", string(c.Type), &cc)
				b = appendOptString(b, "message", c.Message, &cc)
				b = appendOptString(b, "field", c.Field, &cc)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		if d.RetryAfterSeconds != 0 {
			b = appendKey(b, "retryAfterSeconds", &dc)
			b = strconv.AppendInt(b, int64(d.RetryAfterSeconds), 10)
		}
		b = append(b, '}')
	}
	if s.Code != 0 {
		b = appendKey(b, "code", &comma)
		b = strconv.AppendInt(b, int64(s.Code), 10)
	}
	return append(b, '}')
}

// appendStringMap writes m with its keys sorted, as encoding/json does.
func appendStringMap(b []byte, m map[string]string) []byte {
	var arr [8]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

func appendOptString(b []byte, key, v string, comma *bool) []byte {
	if v == "" {
		return b
	}
	b = appendKey(b, key, comma)
	return appendString(b, v)
}

// appendKey writes `"key":`, preceded by a comma unless it is the first
// member of its object. Keys are constant ASCII names.
func appendKey(b []byte, key string, comma *bool) []byte {
	if *comma {
		b = append(b, ',')
	}
	*comma = true
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off.
func appendString(b []byte, s string) []byte { return jsonstr.Append(b, s, false) }
