package webhook

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	admissionv1 "k8s.io/api/admission/v1"
)

// FuzzHandler posts fuzzed AdmissionReview bodies to both hooks over the
// real rules: the handler must answer 200 with a decodable review for the
// same UID, or a 4xx with a reason; never an internal error, never a panic
// (Review's recovery would turn one into an "internal error" skip, which
// fails here) and never a hang (growth.NoHang: minutes, so that only a true
// hang fails a fuzz input on a busy machine; speed is the benchmarks').
// (Credentials: see TestNoSecretInResponsesLogsOrAnnotations and the rules
// fuzz targets.)
func FuzzHandler(f *testing.F) {
	for _, o := range append(examplesCorpus(f), secretCorpus()...) {
		f.Add(reviewBody(f, request(f, admissionv1.Create, o, nil)))
		f.Add(reviewBody(f, request(f, admissionv1.Update, o, o)))
	}
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"ConfigMap"},"operation":"CREATE","namespace":"kube-system","name":"kube-proxy","object":{"metadata":{"name":"kube-proxy","namespace":"kube-system"},"data":{"config.conf":"a: &a [1]\nb: [*a,*a]"}}}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"version":"v1","kind":"Service"},"operation":"UPDATE","object":{"metadata":{"name":"s","annotations":{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-bandwidth":"1e400"}},"spec":{"type":"LoadBalancer"}},"oldObject":{}}}`))
	a := realAdmission()
	hooks := []*Handler{{Hook: Validating, Admission: a}, {Hook: Mutating, Admission: a}}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, h := range hooks {
			var rr *httptest.ResponseRecorder
			growth.NoHang(t, string(h.Hook), func() { rr = serve(h, body) })
			switch rr.Code {
			case http.StatusOK:
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
				if !strings.HasPrefix(rr.Body.String(), "netguard: ") {
					t.Fatalf("%d without a reason: %q", rr.Code, rr.Body.String())
				}
				continue
			default:
				t.Fatalf("HTTP %d %s", rr.Code, rr.Body.String())
			}
			var in, out admissionv1.AdmissionReview
			_ = json.Unmarshal(body, &in)
			if err := json.Unmarshal(rr.Body.Bytes(), &out); err != nil || out.Response == nil || in.Request == nil || out.Response.UID != in.Request.UID {
				t.Fatalf("bad response %s (%v)", rr.Body.String(), err)
			}
			if strings.HasPrefix(out.Response.AuditAnnotations[AnnotationSkip], "internal error") || strings.Contains(out.Response.AuditAnnotations[AnnotationRules], "NG001") {
				t.Fatalf("internal error: %v", out.Response.AuditAnnotations)
			}
		}
	})
}
