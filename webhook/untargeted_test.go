package webhook

import (
	"reflect"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// An untargeted object is answered from the request's namespace and name,
// before its body is decoded: even a body that would not decode is skipped
// as "not targeted". A CREATE with generateName (no name in the request) is
// decoded and matched by the object's own name.
func TestUntargetedIsSkippedBeforeDecoding(t *testing.T) {
	a := newAdmission(nil, true)
	cm := func(ns, name string) reqOpt {
		return func(r *admissionv1.AdmissionRequest) {
			r.Kind = metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
			r.Namespace, r.Name = ns, name
		}
	}
	generated := flannelCM(map[string]string{"deny": "boom"})
	generated.Name = "leader-election-x7f2k"
	for name, tc := range map[string]struct {
		req    *admissionv1.AdmissionRequest
		reason string
	}{
		"untargeted, body does not decode": {request(t, admissionv1.Update, []byte(`{"data": 5}`), []byte(`{"data": 6}`), cm("kube-system", "leader-election")), "not targeted"},
		"targeted name, body does not decode": {request(t, admissionv1.Create, []byte(`{"data": 5}`), nil, cm("kube-system", "kube-flannel-cfg")),
			"object could not be decoded: json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string"},
		"generateName: matched by the decoded name": {request(t, admissionv1.Create, generated, nil, cm("kube-system", "")), "not targeted"},
	} {
		for _, hook := range []Hook{Validating, Mutating} {
			r := a.Review(hook, tc.req).Response
			want := &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, AuditAnnotations: map[string]string{"decision": "skipped", "skip-reason": tc.reason}}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("%s/%s:\n got %+v\nwant %+v", name, hook, r, want)
			}
		}
	}
}
