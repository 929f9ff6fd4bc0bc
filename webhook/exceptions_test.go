package webhook

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules/engine"
	admissionv1 "k8s.io/api/admission/v1"
)

// The webhook honours netguard.io/ignore through the engine: the waived deny
// admits the object, the waiver is a warning and the "waived-rules" audit
// annotation.
func TestValidateHonoursIgnoreAnnotationVisibly(t *testing.T) {
	a := newAdmission(nil, true)
	cm := flannelCM(map[string]string{"deny": "boom"})
	cm.Annotations = map[string]string{engine.AnnotationIgnore: "WT001", engine.AnnotationIgnoreReason: "known, fixed in OPS-1"}
	out := a.Review(Validating, request(t, admissionv1.Create, cm, nil))
	r := out.Response
	if !r.Allowed {
		t.Fatalf("denied despite the waiver: %v", r.Result)
	}
	if got := r.AuditAnnotations[AnnotationWaived]; got != "WT001" {
		t.Errorf("audit annotation %s = %q, want WT001 (all: %v)", AnnotationWaived, got, r.AuditAnnotations)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "NG004") || !strings.Contains(strings.Join(r.Warnings, "\n"), "known, fixed in OPS-1") {
		t.Errorf("no waiver warning: %q", r.Warnings)
	}

	// without a reason nothing is waived
	cm.Annotations = map[string]string{engine.AnnotationIgnore: "WT001"}
	out = a.Review(Validating, request(t, admissionv1.Create, cm, nil))
	if out.Response.Allowed || out.Response.AuditAnnotations[AnnotationWaived] != "" {
		t.Errorf("ignore without a reason: allowed %v, annotations %v", out.Response.Allowed, out.Response.AuditAnnotations)
	}
}
