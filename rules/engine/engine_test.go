package engine

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/flannel"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func init() {
	rules.Register(
		rules.Rule{ID: "XX001", Title: "value is bad", Severity: rules.Deny, Component: flannel.Component, Rationale: "r", Good: "g", Bad: "b"},
		rules.Rule{ID: "XX101", Title: "adds a key", Severity: rules.Info, Component: flannel.Component, Rationale: "r", Good: "g", Bad: "b", Mutation: true},
	)
}

// fakeChecker denies data["k"] == "bad", echoes data["secret"] in its
// message (to prove scrubbing), and mutates by adding data["added"].
type fakeChecker struct {
	mutate  bool
	panicky bool
	calls   *int
}

func (fakeChecker) Component() rules.Component { return flannel.Component }

func (f fakeChecker) Mutate(req *rules.Request) rules.Mutation {
	if !f.mutate || req.ConfigMap().Data["added"] != "" {
		return rules.Mutation{}
	}
	cm := req.ConfigMap().DeepCopy()
	cm.Data["added"] = "yes"
	return rules.Mutation{Object: cm, Changes: []rules.Change{{Rule: "XX101", Key: "added", Path: "added", Old: "(absent)", New: "yes", Description: "because"}}}
}

func (f fakeChecker) Validate(req *rules.Request) []rules.Finding {
	if f.calls != nil {
		*f.calls++
	}
	if f.panicky {
		var m map[string]int
		m["boom"]++
	}
	r := rules.NewReport("ConfigMap", req.ConfigMap().Namespace, req.ConfigMap().Name)
	if req.ConfigMap().Data["k"] == "bad" {
		r.Add("XX001", rules.Loc{Key: "k"}, "value of k is bad; the secret is "+req.ConfigMap().Data["secret"], "set k to good")
	}
	return r.Findings
}

func cm(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-flannel-cfg"}, Data: data}
}

func TestJudgeDeniesAndScrubsSecrets(t *testing.T) {
	e := New(nil, fakeChecker{})
	res := e.Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad", "secret": "hunter2hunter2", "net-conf.json": `{"Backend": {"PSK": "hunter2hunter2"}}`})})
	if !res.Judged || !res.Denied() {
		t.Fatalf("want a judged denial, got %+v", res)
	}
	if strings.Contains(res.Findings[0].Message, "hunter2hunter2") || !strings.Contains(res.Findings[0].Message, rules.Redacted) {
		t.Errorf("secret not scrubbed: %q", res.Findings[0].Message)
	}
}

func TestJudgeSkipsWhatIsNotOurs(t *testing.T) {
	e := New(nil, fakeChecker{})
	other := cm(map[string]string{"k": "bad"})
	other.Name = "kube-dns"
	now := metav1.Now()
	deleting := cm(map[string]string{"k": "bad"})
	deleting.DeletionTimestamp = &now
	labelsOnly := cm(map[string]string{"k": "bad"})
	labelsOnly.Labels = map[string]string{"a": "b"}
	cases := []struct {
		name string
		in   Input
		why  string
	}{
		{"non-targeted name", Input{Operation: rules.Create, Object: other}, "not targeted"},
		{"unsupported type", Input{Operation: rules.Create, Object: &corev1.Secret{}}, "not judged"},
		{"nil object", Input{Operation: rules.Create, Object: (*corev1.ConfigMap)(nil)}, "not judged"},
		{"delete", Input{Operation: rules.Delete, Object: cm(map[string]string{"k": "bad"})}, "deletions"},
		{"being deleted", Input{Operation: rules.Update, Object: deleting, OldObject: cm(map[string]string{"k": "bad"})}, "being deleted"},
		{"labels-only update", Input{Operation: rules.Update, Object: labelsOnly, OldObject: cm(map[string]string{"k": "bad"})}, "only metadata"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.Judge(c.in)
			if res.Judged || len(res.Findings) > 0 || !strings.Contains(res.Skipped, c.why) {
				t.Errorf("want skipped (%s), got %+v", c.why, res)
			}
		})
	}
}

func TestJudgeMutatesThenValidatesTheMutatedObject(t *testing.T) {
	e := New(nil, fakeChecker{mutate: true})
	orig := cm(map[string]string{"k": "good"})
	res := e.Judge(Input{Operation: rules.Create, Object: orig})
	if res.Mutated == nil || res.Mutated.(*corev1.ConfigMap).Data["added"] != "yes" {
		t.Fatalf("no mutation: %+v", res)
	}
	if _, touched := orig.Data["added"]; touched {
		t.Error("the input object must not be modified")
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "XX101" || res.Findings[0].Severity != rules.Info {
		t.Errorf("mutation must be reported as an info finding: %+v", res.Findings)
	}
	again := e.Judge(Input{Operation: rules.Create, Object: res.Mutated})
	if again.Mutated != nil || len(again.Changes) != 0 {
		t.Errorf("second pass must change nothing: %+v", again.Changes)
	}
	plain := e.Judge(Input{Operation: rules.Create, Object: orig, NoMutate: true})
	if plain.Mutated != nil || len(plain.Findings) != 0 {
		t.Errorf("NoMutate judged as written: %+v", plain)
	}
}

func TestJudgeAppliesSeverityOverrides(t *testing.T) {
	cfg := rules.DefaultConfig()
	cfg.Rules = map[string]rules.Severity{"XX001": rules.Warn}
	res := New(cfg, fakeChecker{}).Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad"})})
	if res.Denied() || len(res.Findings) != 1 || res.Findings[0].Severity != rules.Warn {
		t.Errorf("override to warn not applied: %+v", res.Findings)
	}
	cfg.Rules["XX001"] = rules.Off
	res = New(cfg, fakeChecker{}).Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad"})})
	if len(res.Findings) != 0 {
		t.Errorf("off must drop the finding: %+v", res.Findings)
	}
}

func TestJudgeTurnsACheckerPanicIntoAWarning(t *testing.T) {
	res := New(nil, fakeChecker{panicky: true}).Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad"})})
	if res.Denied() || len(res.Findings) != 1 || res.Findings[0].Rule != InternalErrorRule {
		t.Fatalf("want one NG001 warning, got %+v", res.Findings)
	}
	if !strings.Contains(res.Findings[0].Message, "not checked") {
		t.Errorf("message should say the object was not checked: %q", res.Findings[0].Message)
	}
}

func TestJudgeDataChangingUpdateIsJudged(t *testing.T) {
	calls := 0
	e := New(nil, fakeChecker{calls: &calls})
	res := e.Judge(Input{Operation: rules.Update, Object: cm(map[string]string{"k": "bad"}), OldObject: cm(map[string]string{"k": "good"})})
	if !res.Judged || !res.Denied() || calls != 1 {
		t.Errorf("data change must be judged: %+v (calls %d)", res, calls)
	}
}

func TestSemanticChangeForServicesLooksAtSpecAndAnnotations(t *testing.T) {
	a := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Annotations: map[string]string{"x": "1"}}}
	b := a.DeepCopy()
	b.Finalizers = []string{"service.k8s.alibaba/resources"}
	b.Labels = map[string]string{"service.beta.kubernetes.io/hash": "abc"}
	b.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "1.2.3.4"}}
	if semanticChange("Service", b, a) {
		t.Error("finalizers/labels/status changes are not semantic")
	}
	c := a.DeepCopy()
	c.Annotations["x"] = "2"
	if !semanticChange("Service", c, a) {
		t.Error("annotation change is semantic")
	}
	d := a.DeepCopy()
	d.Spec.Type = corev1.ServiceTypeLoadBalancer
	if !semanticChange("Service", d, a) {
		t.Error("spec change is semantic")
	}
}

func TestJudgeScrubsSecretsFromBrokenJSON(t *testing.T) {
	e := New(nil, fakeChecker{})
	res := e.Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad", "secret": "TopSecretValue", "net-conf.json": `{"Backend": {"PSK": "TopSecretValue"},}`})})
	if len(res.Findings) == 0 || strings.Contains(res.Findings[0].Message, "TopSecretValue") {
		t.Errorf("secret from a broken document not scrubbed: %+v", res.Findings)
	}
}
