package webhook

import (
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules/all"
	admissionv1 "k8s.io/api/admission/v1"
)

const realCNIConf = `{"name":"cbr0","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`
const realNetConf = `{"Network":"172.20.0.0/16","Backend":{"Type":"vxlan"}}`

func realAdmission() *Admission {
	e := all.NewEngine(nil)
	return &Admission{Snapshot: func() Snapshot { return Snapshot{Engine: e} }, Ratcheting: true, InfoWarnings: true, Log: logr.Discard()}
}

// TestRealEngine runs the real rules: the mutating hook's patch must be
// accepted by the validating hook and be idempotent.
func TestRealEngine(t *testing.T) {
	a := realAdmission()
	req := request(t, admissionv1.Create, flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf}), nil)
	m := a.Review(Mutating, req).Response
	if m.Patch == nil || !strings.Contains(m.AuditAnnotations["changes"], "FL101 cni-conf.json:cniVersion") {
		t.Fatalf("no cniVersion patch: %+v", m)
	}
	patched := applyPatch(t, req.Object.Raw, m.Patch)
	req2 := request(t, admissionv1.Create, flannelCM(nil), nil)
	req2.Object.Raw = patched
	if again := a.Review(Mutating, req2).Response; again.Patch != nil {
		t.Errorf("second mutation: %s", again.Patch)
	}
	if v := a.Review(Validating, req2).Response; !v.Allowed {
		t.Errorf("validating hook denied the mutated object: %s", v.Result.Message)
	}
	if v := a.Review(Validating, req).Response; v.Allowed {
		t.Errorf("validating hook allowed the unmutated object without cniVersion")
	}
}

func BenchmarkValidateTypical(b *testing.B) {
	a := realAdmission()
	old := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf})
	cm := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": strings.Replace(realNetConf, "vxlan", "vxlann", 1)})
	req := request(b, admissionv1.Update, cm, old)
	b.ReportAllocs()
	for b.Loop() {
		a.Review(Validating, req)
	}
}

func BenchmarkHandlerRoundTrip(b *testing.B) {
	a := realAdmission()
	body := reviewBody(b, request(b, admissionv1.Create, flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf}), nil))
	b.ReportAllocs()
	for b.Loop() {
		rv, _ := DecodeReview(body)
		a.Review(Mutating, rv.Request)
	}
}
