package webhook

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// reviewBodies are AdmissionReview bodies the fast reader must read exactly
// as DecodeReview does: canonical ones (fast path) and ones it must hand to
// the typed decoder (duplicates, case-folded keys, escapes, wrong types).
func reviewBodies(t testing.TB) (fast, slow []string) {
	good := string(reviewBody(t, request(t, admissionv1.Update, flannelCM(map[string]string{"cni-conf.json": realCNIConf}), flannelCM(nil))))
	head := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":`
	fast = []string{
		good,
		strings.Replace(good, "admission.k8s.io/v1", "admission.k8s.io/v1beta1", 1),
		head + `{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"UPDATE","dryRun":true,"options":{"fieldManager":"kubectl-edit"},"object":null,"oldObject":5,"userInfo":{"username":"bob","groups":["a"]},"extra":[1,2]}}`,
		head + `{"uid":"u","name":null,"dryRun":false,"requestKind":{"version":"v1","kind":"ConfigMap"},"requestResource":null,"resource":{"resource":"configmaps"}}}`,
		head + `{"uid":"u","name":"a\u0041\u00e9","namespace":"` + "\xff\xfe" + `"}}`,
		"  \n" + head + `{"uid":"u","object":{"data":{"k":"v\"\\\u2028"}}}  ` + "\n}\n",
	}
	slow = []string{
		"", "{", "[]", "null", `"x"`, head + `null}`, head + `"x"}`, head + `{}}`,
		head + `{"uid":5}}`, head + `{"uid":"u","UID":"v"}}`, head + `{"uid":"u","uid":"v"}}`,
		head + `{"uid":"u","Name":"n"}}`, head + `{"uid":"u","name":"\xff"}}`,
		head + `{"uid":"u","u\u0069d":"v"}}`, head + `{"uid":"u","kind":{"kind":5}}}`, head + `{"uid":"u","dryRun":"yes"}}`,
		head + `{"uid":"u","userInfo":{"username":1}}}`, head + `{"uid":"u"},"response":{"uid":"r"}}`,
		head + `{"uid":"u"},"Kind":"x"}`, head + `{"uid":"u"},"kind":"AdmissionReview"}`,
		`{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"u"}}`,
		head + `{"uid":"u","object":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}}`,
		good + "}{",
	}
	return fast, slow
}

func sameReading(t *testing.T, body []byte) {
	t.Helper()
	want, werr := DecodeReview(body)
	got, gerr := readReview(body)
	if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
		t.Fatalf("%.200q: error %v, DecodeReview's %v", body, gerr, werr)
	}
	if werr != nil {
		return
	}
	// RawExtension copies; the fast reader points into the body: compare
	// the bytes, not the capacity.
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("%.200q:\n got %.400s\nwant %.400s", body, g, w)
	}
}

func TestReadReviewReadsWhatDecodeReviewReads(t *testing.T) {
	fast, slow := reviewBodies(t)
	for _, b := range fast {
		if _, ok := fastReview([]byte(b)); !ok {
			t.Errorf("not read by the fast path: %.200q", b)
		}
		sameReading(t, []byte(b))
	}
	for _, b := range slow {
		if _, ok := fastReview([]byte(b)); ok {
			t.Errorf("read by the fast path, should go to DecodeReview: %.200q", b)
		}
		sameReading(t, []byte(b))
	}
}

// The request's raw objects are slices of the body, not copies.
func TestReadReviewDoesNotCopyTheObjects(t *testing.T) {
	body := reviewBody(t, request(t, admissionv1.Update, flannelCM(map[string]string{"k": "v"}), flannelCM(nil)))
	rv, err := readReview(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range [][]byte{rv.Request.Object.Raw, rv.Request.OldObject.Raw} {
		i := bytes.Index(body, raw)
		if len(raw) == 0 || i < 0 || &body[i] != &raw[0] {
			t.Errorf("object %q is not a slice of the body", raw)
		}
	}
}

func FuzzReadReview(f *testing.F) {
	fast, slow := reviewBodies(f)
	for _, b := range append(fast, slow...) {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameReading(t, body) })
}

// hostileStrings exercise every escaping rule of appendString.
var hostileStrings = []string{
	"", "plain", `quote " backslash \ slash /`, "<script>&amp;</script>", "\x00\x01\x1f\x7f\b\f\n\r\t",
	"invalid \xff\xfe utf-8 \xe2\x82", "line\u2028para\u2029sep", "emoji 🚀 ü 中文", "\ufffd literal", "a\\u0000b",
}

func TestAppendReviewMatchesEncodingJSON(t *testing.T) {
	pt := admissionv1.PatchTypeJSONPatch
	var responses []*admissionv1.AdmissionResponse
	for _, s := range hostileStrings {
		remaining := int64(3)
		responses = append(responses,
			&admissionv1.AdmissionResponse{UID: "uid-x", Allowed: true},
			&admissionv1.AdmissionResponse{UID: "u1", Allowed: true, Patch: []byte(`[{"op":"add","path":"/data/x","value":"` + s + `"}]`), PatchType: &pt,
				AuditAnnotations: map[string]string{"decision": "mutated", "changes": s, s + "k": "v"}, Warnings: []string{s, "second " + s}},
			&admissionv1.AdmissionResponse{UID: "u2", Allowed: false, Warnings: []string{s},
				Result: &metav1.Status{Status: metav1.StatusFailure, Code: 422, Reason: metav1.StatusReasonInvalid, Message: "denied: " + s,
					Details: &metav1.StatusDetails{Name: s, Kind: "ConfigMap", Causes: []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueInvalid, Message: s, Field: "data[" + s + "]"}, {}}}}},
			&admissionv1.AdmissionResponse{UID: "u3", Result: &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
				ListMeta: metav1.ListMeta{SelfLink: s, ResourceVersion: "1", Continue: "c", RemainingItemCount: &remaining},
				Details:  &metav1.StatusDetails{Group: "g", UID: "x", RetryAfterSeconds: 5}}},
		)
	}
	for _, r := range responses {
		for _, tm := range [][2]string{{"admission.k8s.io/v1", "AdmissionReview"}, {"admission.k8s.io/v1beta1", "AdmissionReview"}, {"", ""}} {
			review := admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: tm[0], Kind: tm[1]}, Response: r}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(review); err != nil {
				t.Fatal(err)
			}
			got := appendReview(nil, tm[0], tm[1], r)
			if !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Errorf("\n got %s\nwant %s", got, want.Bytes())
			}
			// Round trip through the typed decoder.
			var back, ref admissionv1.AdmissionReview
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			marshalled, _ := json.Marshal(review)
			if err := json.Unmarshal(marshalled, &ref); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, ref) {
				t.Errorf("round trip:\n got %+v\nwant %+v", back.Response, ref.Response)
			}
		}
	}
}
