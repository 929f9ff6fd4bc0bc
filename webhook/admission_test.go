package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	jsonpatchapply "github.com/evanphx/json-patch/v5"
	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
)

func newAdmission(cfg *rules.Config, ratchet bool) *Admission {
	e := testEngine(cfg)
	return &Admission{
		Snapshot:     func() Snapshot { return Snapshot{Engine: e} },
		Ratcheting:   ratchet,
		InfoWarnings: true,
		Log:          logr.Discard(),
	}
}

func flannelCM(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-flannel-cfg", Labels: map[string]string{"app": "flannel"}},
		Data:       data,
	}
}

func raw(t testing.TB, obj any) runtime.RawExtension {
	t.Helper()
	if obj == nil {
		return runtime.RawExtension{}
	}
	if b, ok := obj.([]byte); ok {
		return runtime.RawExtension{Raw: b}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return runtime.RawExtension{Raw: b}
}

type reqOpt func(*admissionv1.AdmissionRequest)

func dryRun(r *admissionv1.AdmissionRequest) { t := true; r.DryRun = &t }

func request(t testing.TB, op admissionv1.Operation, obj, old any, opts ...reqOpt) *admissionv1.AdmissionRequest {
	r := &admissionv1.AdmissionRequest{
		UID:       types.UID("uid-1"),
		Operation: op,
		UserInfo:  authUser("alice"),
		Object:    raw(t, obj),
		OldObject: raw(t, old),
	}
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		r.Kind = metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
		r.Resource = metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"}
		r.Namespace, r.Name = o.Namespace, o.Name
	case *corev1.Service:
		r.Kind = metav1.GroupVersionKind{Version: "v1", Kind: "Service"}
		r.Resource = metav1.GroupVersionResource{Version: "v1", Resource: "services"}
		r.Namespace, r.Name = o.Namespace, o.Name
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func TestValidateCreateDeniesListingEveryDenyFinding(t *testing.T) {
	a := newAdmission(nil, true)
	cm := flannelCM(map[string]string{"deny": "boom", "deny2": "udp", "warn": "x"})
	out := a.Review(Validating, request(t, admissionv1.Create, cm, nil))
	r := out.Response
	if r.Allowed || r.UID != "uid-1" {
		t.Fatalf("allowed=%v uid=%q, want denied uid-1", r.Allowed, r.UID)
	}
	wantMsg := "netguard denied ConfigMap kube-system/kube-flannel-cfg: 2 problems the component would not survive:\n" +
		"1. [WT001] key deny, line 1, col 1 (value): flanneld would crash at start-up with: bad value boom\n" +
		"   Fix: set deny to something else\n" +
		"2. [WT002] key deny2, line 3, col 5 (Backend.Type): flanneld would refuse backend udp\n" +
		"   Fix: use vxlan"
	want := &metav1.Status{
		Status: metav1.StatusFailure, Code: 422, Reason: metav1.StatusReasonInvalid, Message: wantMsg,
		Details: &metav1.StatusDetails{Name: "kube-flannel-cfg", Kind: "ConfigMap", Causes: []metav1.StatusCause{
			{Type: metav1.CauseTypeFieldValueInvalid, Message: "[WT001] line 1, col 1 (value): flanneld would crash at start-up with: bad value boom Fix: set deny to something else", Field: "data[deny]"},
			{Type: metav1.CauseTypeFieldValueInvalid, Message: "[WT002] line 3, col 5 (Backend.Type): flanneld would refuse backend udp Fix: use vxlan", Field: "data[deny2]"},
		}},
	}
	if !reflect.DeepEqual(r.Result, want) {
		t.Errorf("status:\n got %#v\nwant %#v\nmessage:\n%s", r.Result, want, r.Result.Message)
	}
	// No restart advice (WT090) on a denial: nothing was stored.
	wantWarn := []string{
		"WT003 ConfigMap kube-system/kube-flannel-cfg key warn (value): flanneld ignores x Fix: remove it",
	}
	if !reflect.DeepEqual(r.Warnings, wantWarn) {
		t.Errorf("warnings:\n got %q\nwant %q", r.Warnings, wantWarn)
	}
	wantAnn := map[string]string{"decision": "denied", "rules": "WT001,WT002,WT003,WT090", "denied-rules": "WT001,WT002"}
	if !reflect.DeepEqual(r.AuditAnnotations, wantAnn) {
		t.Errorf("annotations: got %v want %v", r.AuditAnnotations, wantAnn)
	}
	if r.Patch != nil || r.PatchType != nil {
		t.Errorf("validating hook returned a patch")
	}
}

// fieldManager sets the request's options as the API server does for a
// PATCH with ?fieldManager=NAME.
func fieldManager(name string) reqOpt {
	return func(r *admissionv1.AdmissionRequest) {
		r.Options = runtime.RawExtension{Raw: []byte(`{"kind":"PatchOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"` + name + `"}`)}
	}
}

func TestRestartAdviceIsDroppedFromDenialsAndKeptForStoredEdits(t *testing.T) {
	const restart = "WT090 ConfigMap kube-system/kube-flannel-cfg key restart: flannel does not re-read its configuration Fix: kubectl -n kube-system delete pod -l app=flannel"
	old := flannelCM(map[string]string{"warn": "x"})
	for _, tc := range []struct {
		name        string
		op          admissionv1.Operation
		data        map[string]string
		ratchet     bool
		wantAllowed bool
		wantRestart bool
	}{
		{name: "allowed update", op: admissionv1.Update, data: map[string]string{"warn": "y"}, wantAllowed: true, wantRestart: true},
		{name: "allowed create", op: admissionv1.Create, data: map[string]string{"warn": "y"}, wantAllowed: true, wantRestart: true},
		{name: "denied update", op: admissionv1.Update, data: map[string]string{"warn": "y", "deny": "boom"}},
		{name: "denied create", op: admissionv1.Create, data: map[string]string{"deny": "boom"}},
		{name: "denied update with a ratcheted problem", op: admissionv1.Update, ratchet: true, data: map[string]string{"warn": "x", "deny2": "udp"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o any
			if tc.op == admissionv1.Update {
				o = old
			}
			r := newAdmission(nil, tc.ratchet).Review(Validating, request(t, tc.op, flannelCM(tc.data), o, fieldManager("kubectl-edit"))).Response
			if r.Allowed != tc.wantAllowed {
				t.Fatalf("allowed = %v, want %v", r.Allowed, tc.wantAllowed)
			}
			if got := slices.Contains(r.Warnings, restart); got != tc.wantRestart {
				t.Errorf("restart advice among the warnings = %v, want %v: %q", got, tc.wantRestart, r.Warnings)
			}
			if !tc.wantAllowed && !strings.Contains(r.AuditAnnotations["rules"], "WT090") {
				// The finding still exists: only the warning is dropped.
				t.Errorf("rules annotation %q lost WT090", r.AuditAnnotations["rules"])
			}
		})
	}
}

// kubectl edit -o json shows nothing of a 422 Invalid but `error: ... is
// invalid` (see warningTexts), so a denial of a kubectl edit repeats each
// deny finding as a warning, first; other clients print the status'
// causes or message and get no repetition.
func TestKubectlEditDenialRepeatsTheReasonsAsWarnings(t *testing.T) {
	cm := flannelCM(map[string]string{"deny": "boom", "deny2": "udp", "warn": "x"})
	denied := []string{
		"WT001 (denied, not saved) key deny, line 1, col 1 (value): flanneld would crash at start-up with: bad value boom Fix: set deny to something else",
		"WT002 (denied, not saved) key deny2, line 3, col 5 (Backend.Type): flanneld would refuse backend udp Fix: use vxlan",
	}
	warn := "WT003 ConfigMap kube-system/kube-flannel-cfg key warn (value): flanneld ignores x Fix: remove it"
	for _, tc := range []struct {
		name string
		opts []reqOpt
		want []string
	}{
		{name: "kubectl edit", opts: []reqOpt{fieldManager("kubectl-edit")}, want: append(slices.Clone(denied), warn)},
		{name: "kubectl edit, dry run", opts: []reqOpt{fieldManager("kubectl-edit"), dryRun}, want: append(slices.Clone(denied), warn)},
		{name: "kubectl apply", opts: []reqOpt{fieldManager("kubectl-client-side-apply")}, want: []string{warn}},
		{name: "helm", opts: []reqOpt{fieldManager("helm")}, want: []string{warn}},
		{name: "no options", want: []string{warn}},
		{name: "options that are not JSON", opts: []reqOpt{func(r *admissionv1.AdmissionRequest) { r.Options = runtime.RawExtension{Raw: []byte("{")} }}, want: []string{warn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newAdmission(nil, false).Review(Validating, request(t, admissionv1.Update, cm, flannelCM(nil), tc.opts...)).Response
			if r.Allowed {
				t.Fatal("want denied")
			}
			if !reflect.DeepEqual(r.Warnings, tc.want) {
				t.Errorf("warnings:\n got %q\nwant %q", r.Warnings, tc.want)
			}
			if len(r.Result.Details.Causes) != 2 || r.Result.Reason != metav1.StatusReasonInvalid {
				t.Errorf("the status changed: %+v", r.Result)
			}
		})
	}
	// An allowed kubectl edit gets no "(denied" warning.
	ok := newAdmission(nil, false).Review(Validating, request(t, admissionv1.Update, flannelCM(map[string]string{"warn": "x"}), flannelCM(nil), fieldManager("kubectl-edit"))).Response
	for _, w := range ok.Warnings {
		if strings.Contains(w, DeniedMarker) {
			t.Errorf("allowed edit warned %q", w)
		}
	}
}

func TestValidateJudgesTheObjectAsSentWithoutMutating(t *testing.T) {
	a := newAdmission(nil, true)
	// "fix: old" is what the mutating hook would change; the validating
	// hook must judge the object it was sent, and never patch.
	cm := flannelCM(map[string]string{"fix": "old"})
	out := a.Review(Validating, request(t, admissionv1.Create, cm, nil))
	if !out.Response.Allowed || out.Response.Patch != nil || out.Decision != DecisionAllowed {
		t.Fatalf("got %+v", out.Response)
	}
	if got := out.Response.AuditAnnotations["rules"]; got != "WT090" {
		t.Errorf("rules = %q, want only WT090 (no mutation ran)", got)
	}
}

func TestRatchetingTurnsPreExistingDenyIntoWarning(t *testing.T) {
	a := newAdmission(nil, true)
	old := flannelCM(map[string]string{"deny": "boom"})
	cm := flannelCM(map[string]string{"deny": "boom2", "warn": "x"}) // unrelated edit; deny still there
	out := a.Review(Validating, request(t, admissionv1.Update, cm, old))
	r := out.Response
	if !r.Allowed || r.Result != nil {
		t.Fatalf("pre-existing problem blocked the edit: %+v", r.Result)
	}
	wantWarn := []string{
		"WT001 (pre-existing, not introduced by this edit) ConfigMap kube-system/kube-flannel-cfg key deny, line 1, col 1 (value): flanneld would crash at start-up with: bad value boom2 Fix: set deny to something else",
		"WT003 ConfigMap kube-system/kube-flannel-cfg key warn (value): flanneld ignores x Fix: remove it",
		"WT090 ConfigMap kube-system/kube-flannel-cfg key restart: flannel does not re-read its configuration Fix: kubectl -n kube-system delete pod -l app=flannel",
	}
	if !reflect.DeepEqual(r.Warnings, wantWarn) {
		t.Errorf("warnings:\n got %q\nwant %q", r.Warnings, wantWarn)
	}
	wantAnn := map[string]string{"decision": "allowed", "rules": "WT003,WT090", "ratcheted-rules": "WT001"}
	if !reflect.DeepEqual(r.AuditAnnotations, wantAnn) {
		t.Errorf("annotations: got %v want %v", r.AuditAnnotations, wantAnn)
	}
}

func TestRatchetingStillDeniesWhatTheEditIntroduces(t *testing.T) {
	a := newAdmission(nil, true)
	old := flannelCM(map[string]string{"deny": "boom"})
	cm := flannelCM(map[string]string{"deny": "boom", "deny2": "udp"})
	r := a.Review(Validating, request(t, admissionv1.Update, cm, old)).Response
	if r.Allowed {
		t.Fatal("new deny finding was allowed")
	}
	if len(r.Result.Details.Causes) != 1 || r.Result.Details.Causes[0].Field != "data[deny2]" {
		t.Errorf("causes = %+v, want only data[deny2]", r.Result.Details.Causes)
	}
	if !strings.Contains(r.Result.Message, "1 problem the component") || !strings.HasSuffix(r.Result.Message, "(1 pre-existing problem(s) not introduced by this edit are returned as warnings.)") {
		t.Errorf("message:\n%s", r.Result.Message)
	}
	if r.AuditAnnotations["ratcheted-rules"] != "WT001" || r.AuditAnnotations["denied-rules"] != "WT002" {
		t.Errorf("annotations = %v", r.AuditAnnotations)
	}
	if !strings.HasPrefix(r.Warnings[0], "WT001 (pre-existing, not introduced by this edit) ") {
		t.Errorf("first warning %q", r.Warnings[0])
	}
}

func TestRatchetingOffDeniesPreExistingProblems(t *testing.T) {
	a := newAdmission(nil, false)
	old := flannelCM(map[string]string{"deny": "boom"})
	cm := flannelCM(map[string]string{"deny": "boom", "warn": "x"})
	r := a.Review(Validating, request(t, admissionv1.Update, cm, old)).Response
	if r.Allowed {
		t.Fatal("ratcheting off must deny a pre-existing problem")
	}
	if _, ok := r.AuditAnnotations["ratcheted-rules"]; ok {
		t.Errorf("annotations = %v", r.AuditAnnotations)
	}
}

func TestRatchetCountsOccurrences(t *testing.T) {
	f := rules.Finding{Rule: "WT001", Severity: rules.Deny, Key: "k", Path: "p"}
	kept, pre := Ratchet([]rules.Finding{f, f}, []rules.Finding{f})
	if len(kept) != 1 || len(pre) != 1 {
		t.Errorf("kept %d, pre-existing %d; want 1 and 1", len(kept), len(pre))
	}
	other := f
	other.Path = "q"
	kept, pre = Ratchet([]rules.Finding{other}, []rules.Finding{f})
	if len(kept) != 1 || len(pre) != 0 {
		t.Errorf("a different path must not ratchet")
	}
	w := f
	w.Severity = rules.Warn
	kept, pre = Ratchet([]rules.Finding{w}, []rules.Finding{f})
	if len(kept) != 1 || len(pre) != 0 {
		t.Errorf("only deny findings ratchet")
	}
}

func TestDryRunIsJudgedTheSame(t *testing.T) {
	a := newAdmission(nil, true)
	rec := &recordingReporter{}
	a.Reporter = rec
	cm := flannelCM(map[string]string{"deny": "boom"})
	wet := a.Handle(Validating, request(t, admissionv1.Create, cm, nil)).Response
	dry := a.Handle(Validating, request(t, admissionv1.Create, cm, nil, dryRun)).Response
	if !reflect.DeepEqual(wet, dry) {
		t.Errorf("dry run differs:\n%+v\n%+v", wet, dry)
	}
}

func TestNotOursIsAllowedUntouched(t *testing.T) {
	a := newAdmission(nil, true)
	other := flannelCM(map[string]string{"deny": "boom"})
	other.Name = "leader-election"
	pod := request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom"}), nil, func(r *admissionv1.AdmissionRequest) {
		r.Kind = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	})
	status := request(t, admissionv1.Update, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "s", Annotations: map[string]string{"deny": "x"}}}, nil, func(r *admissionv1.AdmissionRequest) { r.SubResource = "status" })
	broken := request(t, admissionv1.Create, []byte(`{"data": 5}`), nil, func(r *admissionv1.AdmissionRequest) {
		r.Kind = metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
		r.Namespace, r.Name = "kube-system", "kube-flannel-cfg"
	})
	del := request(t, admissionv1.Delete, flannelCM(map[string]string{"deny": "boom"}), nil)
	for name, tc := range map[string]struct {
		req    *admissionv1.AdmissionRequest
		reason string
	}{
		"untargeted ConfigMap": {request(t, admissionv1.Create, other, nil), "not targeted"},
		"Pod":                  {pod, "kind v1/Pod is not judged"},
		"status subresource":   {status, "subresource status is not judged"},
		"undecodable object":   {broken, "object could not be decoded: json: cannot unmarshal number into Go struct field ConfigMap.data of type map[string]string"},
		"DELETE":               {del, "operation DELETE is not judged"},
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

func applyPatch(t *testing.T, doc, patch []byte) []byte {
	t.Helper()
	p, err := jsonpatchapply.DecodePatch(patch)
	if err != nil {
		t.Fatalf("decode patch %s: %v", patch, err)
	}
	out, err := p.Apply(doc)
	if err != nil {
		t.Fatalf("apply patch %s: %v", patch, err)
	}
	return out
}

func TestMutatePatchesOnlyTheChangedKeyAndIsIdempotent(t *testing.T) {
	a := newAdmission(nil, true)
	cm := flannelCM(map[string]string{"fix": "old", "deny": "boom", "other": "kept"})
	req := request(t, admissionv1.Create, cm, nil)
	r := a.Review(Mutating, req).Response
	if !r.Allowed || r.Result != nil {
		t.Fatalf("the mutating hook must never deny: %+v", r)
	}
	if r.PatchType == nil || *r.PatchType != admissionv1.PatchTypeJSONPatch {
		t.Fatalf("patch type %v", r.PatchType)
	}
	if got, want := string(r.Patch), `[{"op":"replace","path":"/data/fix","value":"new"}]`; got != want {
		t.Errorf("patch %s, want %s", got, want)
	}
	wantWarn := []string{`WT101 ConfigMap kube-system/kube-flannel-cfg: netguard set fix: value to "new" (was "old"): fix must be new`}
	if !reflect.DeepEqual(r.Warnings, wantWarn) {
		t.Errorf("warnings %q want %q", r.Warnings, wantWarn)
	}
	wantAnn := map[string]string{"decision": "mutated", "rules": "WT101", "changes": `WT101 fix:value="new"`}
	if !reflect.DeepEqual(r.AuditAnnotations, wantAnn) {
		t.Errorf("annotations %v want %v", r.AuditAnnotations, wantAnn)
	}
	once := applyPatch(t, req.Object.Raw, r.Patch)
	twice := applyPatch(t, once, r.Patch)
	if !bytes.Equal(once, twice) {
		t.Errorf("re-applying the patch changed the object:\n%s\n%s", once, twice)
	}
	var got corev1.ConfigMap
	if err := json.Unmarshal(once, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Data, map[string]string{"fix": "new", "deny": "boom", "other": "kept"}) || got.Labels["app"] != "flannel" {
		t.Errorf("patched object %s", once)
	}
	// Reinvocation (reinvocationPolicy: IfNeeded) sees the patched object:
	// nothing more to do.
	again := a.Review(Mutating, request(t, admissionv1.Create, once, nil, func(r *admissionv1.AdmissionRequest) { r.Kind, r.Namespace, r.Name = req.Kind, req.Namespace, req.Name }))
	if again.Response.Patch != nil || again.Decision != DecisionAllowed {
		t.Errorf("second mutation not idempotent: %+v", again.Response)
	}
}

func TestMutateServiceAddsSpecField(t *testing.T) {
	a := newAdmission(nil, true)
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
	}
	req := request(t, admissionv1.Create, svc, nil)
	r := a.Review(Mutating, req).Response
	if got, want := string(r.Patch), `[{"op":"add","path":"/spec/ipFamilyPolicy","value":"PreferDualStack"}]`; got != want {
		t.Fatalf("patch %s, want %s", got, want)
	}
	once := applyPatch(t, req.Object.Raw, r.Patch)
	if twice := applyPatch(t, once, r.Patch); !bytes.Equal(once, twice) {
		t.Errorf("not idempotent")
	}
}

func TestNoSecretLeavesTheWebhook(t *testing.T) {
	a := newAdmission(nil, true)
	const secret = "SuperSecretValue0123456789"
	const key = "LTAI5tAccessKeyId99"
	cm := flannelCM(map[string]string{"eni_conf": `{"access_key":"` + key + `","access_secret":"` + secret + `","warn":1}`, "warn": secret})
	for _, hook := range []Hook{Validating, Mutating} {
		out := a.Review(hook, request(t, admissionv1.Create, cm, nil))
		b, _ := json.Marshal(out.Response)
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(key)) {
			t.Errorf("%s response leaks a credential: %s", hook, b)
		}
		if hook == Validating && (out.Response.Allowed || !strings.Contains(out.Response.Result.Message, rules.Redacted)) {
			t.Errorf("expected a denial with a redacted message: %s", b)
		}
	}
}

func TestWarningsStayWithinAPIServerLimits(t *testing.T) {
	var ws []string
	for i := 0; i < 60; i++ {
		ws = append(ws, WarningText(rules.Finding{Rule: "WT003", Kind: "ConfigMap", Object: "ns/n", Message: strings.Repeat("é", 300) + "\n\tline", Hint: "x"}, ""))
	}
	got := LimitWarnings(ws)
	total := 0
	for _, w := range got {
		n := utf8.RuneCountInString(w)
		total += n
		if n > MaxWarningRunes {
			t.Errorf("warning of %d runes", n)
		}
		for _, r := range w {
			if unicode.IsControl(r) {
				t.Errorf("control character in %q", w)
			}
		}
	}
	if total > MaxTotalWarningRunes {
		t.Errorf("total %d runes", total)
	}
	if last := got[len(got)-1]; !strings.HasPrefix(last, "netguard: 45 more finding(s) not shown") {
		t.Errorf("last warning %q (kept %d)", last, len(got))
	}
	if short := LimitWarnings([]string{"a", "b"}); !reflect.DeepEqual(short, []string{"a", "b"}) {
		t.Errorf("short list changed: %q", short)
	}
}

func TestAuditAnnotationKeysAreValid(t *testing.T) {
	for _, k := range []string{AnnotationDecision, AnnotationRules, AnnotationDenied, AnnotationRatcheted, AnnotationChanges, AnnotationSkip} {
		if errs := validation.IsQualifiedName("netguard.netguard.io/" + k); len(errs) > 0 {
			t.Errorf("%s: %v", k, errs)
		}
	}
	long := map[string]string{"changes": strings.Repeat("ü", 2000)}
	limitAnnotations(long)
	if len(long["changes"]) > MaxAnnotationValue || !utf8.ValidString(long["changes"]) {
		t.Errorf("annotation value of %d bytes", len(long["changes"]))
	}
}

type recordingReporter struct {
	decisions []string
	findings  []string
	reloads   []bool
}

func (r *recordingReporter) Decision(h Hook, d string) {
	r.decisions = append(r.decisions, string(h)+"/"+d)
}
func (r *recordingReporter) Finding(rule string, s rules.Severity, c rules.Component) {
	r.findings = append(r.findings, rule+"/"+string(s)+"/"+string(c))
}
func (r *recordingReporter) ConfigReload(ok bool) { r.reloads = append(r.reloads, ok) }

func TestHandleReportsDecisionsAndFindings(t *testing.T) {
	a := newAdmission(nil, true)
	rec := &recordingReporter{}
	a.Reporter = rec
	a.Handle(Validating, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom"}), nil))
	a.Handle(Mutating, request(t, admissionv1.Create, flannelCM(map[string]string{"fix": "old"}), nil))
	a.Handle(Validating, request(t, admissionv1.Delete, flannelCM(nil), nil))
	if want := []string{"validate/denied", "mutate/mutated", "validate/skipped"}; !reflect.DeepEqual(rec.decisions, want) {
		t.Errorf("decisions %v want %v", rec.decisions, want)
	}
	if want := []string{"WT001/deny/flannel", "WT090/info/flannel", "WT101/info/flannel"}; !reflect.DeepEqual(rec.findings, want) {
		t.Errorf("findings %v want %v", rec.findings, want)
	}
}

func TestHandlerRejectsMalformedReviews(t *testing.T) {
	a := newAdmission(nil, true)
	h := &Handler{Hook: Validating, Admission: a, MaxRequestBytes: 1 << 10}
	for name, tc := range map[string]struct {
		method, ctype, body string
		code                int
		msg                 string
	}{
		"not JSON":      {"POST", "application/json", "{not json", 400, "netguard: malformed AdmissionReview: invalid character 'n'"},
		"empty":         {"POST", "application/json", "", 400, "netguard: empty request body"},
		"wrong kind":    {"POST", "application/json", `{"apiVersion":"v1","kind":"Pod"}`, 400, `netguard: expected apiVersion admission.k8s.io/v1, kind AdmissionReview; got apiVersion "v1", kind "Pod"`},
		"no request":    {"POST", "application/json", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, 400, "netguard: malformed AdmissionReview: no request"},
		"no uid":        {"POST", "application/json", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}`, 400, "netguard: malformed AdmissionReview: request.uid is empty"},
		"GET":           {"GET", "", "", 405, "netguard: admission reviews must be POSTed"},
		"content type":  {"POST", "text/plain", "{}", 415, `netguard: content type "text/plain" is not application/json`},
		"too large":     {"POST", "application/json", `{"x":"` + strings.Repeat("a", 2000) + `"}`, 413, "netguard: request body exceeds 1024 bytes"},
		"wrong type":    {"POST", "application/json", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}}`, 400, "netguard: malformed AdmissionReview: json: cannot unmarshal number"},
		"request array": {"POST", "application/json", `[]`, 400, "netguard: malformed AdmissionReview: json: cannot unmarshal array"},
	} {
		req := httptest.NewRequest(tc.method, "/validate", strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		if rr.Code != tc.code || !strings.HasPrefix(rr.Body.String(), tc.msg) {
			t.Errorf("%s: got %d %q, want %d %q", name, rr.Code, rr.Body.String(), tc.code, tc.msg)
		}
	}
}

func TestHandlerEchoesReviewVersion(t *testing.T) {
	a := newAdmission(nil, true)
	h := &Handler{Hook: Validating, Admission: a}
	req := request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil)
	body, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1beta1", Kind: "AdmissionReview"}, Request: req})
	hr := httptest.NewRequest("POST", "/validate", bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, hr)
	var got admissionv1.AdmissionReview
	if err := json.Unmarshal(rr.Body.Bytes(), &got); err != nil || rr.Code != http.StatusOK {
		t.Fatalf("%d %s", rr.Code, rr.Body)
	}
	if got.APIVersion != "admission.k8s.io/v1beta1" || got.Response == nil || got.Response.UID != "uid-1" || !got.Response.Allowed {
		t.Errorf("got %+v", got)
	}
}

func TestLongWarningKeepsTheFix(t *testing.T) {
	f := rules.Finding{Rule: "FL090", Kind: "ConfigMap", Object: "kube-system/kube-flannel-cfg", Key: "net-conf.json",
		Message: strings.Repeat("flannel reads its configuration only at start. ", 8), Hint: "kubectl -n kube-system delete pod -l app=flannel"}
	w := WarningText(f, "")
	if n := utf8.RuneCountInString(w); n > MaxWarningRunes {
		t.Errorf("%d runes", n)
	}
	if !strings.HasSuffix(w, "… Fix: kubectl -n kube-system delete pod -l app=flannel") || !strings.HasPrefix(w, "FL090 ConfigMap kube-system/kube-flannel-cfg key net-conf.json: flannel reads") {
		t.Errorf("got %q", w)
	}
}
