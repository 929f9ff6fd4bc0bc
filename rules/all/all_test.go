package all

import (
	"slices"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/coredns"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/kubeproxy"
	"github.com/netguard/netguard/rules/service"
	"github.com/netguard/netguard/rules/terway"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCheckersCoverEveryComponent(t *testing.T) {
	want := map[rules.Component]bool{terway.Component: false, flannel.Component: false, kubeproxy.Component: false, service.Component: false, coredns.Component: false}
	for _, c := range Checkers() {
		if _, ok := want[c.Component()]; !ok {
			t.Errorf("unexpected component %q", c.Component())
		}
		want[c.Component()] = true
	}
	for comp, seen := range want {
		if !seen {
			t.Errorf("no checker for %s", comp)
		}
	}
}

func TestImportRegistersRulesOfEveryComponent(t *testing.T) {
	per := map[rules.Component]int{}
	for _, r := range rules.All() {
		per[r.Component]++
	}
	for _, c := range Checkers() {
		if per[c.Component()] == 0 {
			t.Errorf("no rule registered for component %s", c.Component())
		}
	}
}

func TestEngineHasACheckerForEveryTarget(t *testing.T) {
	e := NewEngine(nil)
	cm := func(ns, name string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string]string{}}
	}
	for _, tc := range []struct {
		obj    any
		judged bool
	}{
		{cm("kube-system", "eni-config"), true},
		{cm("kube-system", "eni-config-fixed"), true},
		{cm("kube-system", "kube-flannel-cfg"), true},
		{cm("kube-flannel", "kube-flannel-cfg"), true},
		{cm("kube-system", "kube-proxy-worker"), true},
		{&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"}}, true},
		{cm("kube-system", "coredns"), true},
		{cm("kube-system", "node-local-dns"), true},
		{cm("kube-system", "kube-dns"), false},
		{cm("default", "kube-proxy"), false},
	} {
		res := e.Judge(engine.Input{Operation: rules.Create, Object: tc.obj})
		if res.Judged != tc.judged {
			t.Errorf("%T %v: judged=%v (skipped %q), want %v", tc.obj, tc.obj.(metav1.Object).GetName(), res.Judged, res.Skipped, tc.judged)
		}
	}
}

// The webhook drops restart advice from denials; the marked rules must be
// exactly the info rules that tell the operator to restart a component.
func TestRestartAdviceRulesAreTheRestartInfoRules(t *testing.T) {
	var got []string
	for _, r := range rules.All() {
		if r.RestartAdvice {
			got = append(got, r.ID)
			if r.Severity != rules.Info {
				t.Errorf("%s is restart advice with severity %s, want info", r.ID, r.Severity)
			}
		}
	}
	want := []string{"CD090", "FL090", "KP090", "TW090"}
	if !slices.Equal(got, want) {
		t.Errorf("restart-advice rules = %v, want %v", got, want)
	}
	for _, id := range want {
		if !rules.IsRestartAdvice(id) {
			t.Errorf("IsRestartAdvice(%s) = false", id)
		}
	}
	if rules.IsRestartAdvice("FL001") || rules.IsRestartAdvice("no such rule") {
		t.Error("IsRestartAdvice is true for a rule that is not restart advice")
	}
}
