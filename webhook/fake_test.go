package webhook

import (
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/service"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
)

// The webhook tests judge with small fake checkers whose rules are fixed
// here, so that the expected responses are exact and do not move when the
// real component rules evolve. One test (TestRealEngine) uses rules/all.

const testComponent rules.Component = "webhook-test"

func init() {
	rules.Register(
		rules.Rule{ID: "WT001", Title: "deny key", Severity: rules.Deny, Component: testComponent},
		rules.Rule{ID: "WT002", Title: "second deny key", Severity: rules.Deny, Component: testComponent},
		rules.Rule{ID: "WT003", Title: "warn key", Severity: rules.Warn, Component: testComponent},
		rules.Rule{ID: "WT004", Title: "echoes a secret", Severity: rules.Deny, Component: testComponent},
		rules.Rule{ID: "WT090", Title: "restart advice", Severity: rules.Info, Component: testComponent, RestartAdvice: true},
		rules.Rule{ID: "WT101", Title: "fixes key fix", Severity: rules.Info, Component: testComponent, Mutation: true},
		rules.Rule{ID: "WT102", Title: "defaults ipFamilyPolicy", Severity: rules.Info, Component: testComponent, Mutation: true},
		rules.Rule{ID: "WT020", Title: "service deny", Severity: rules.Deny, Component: testComponent},
	)
}

// fakeCM plays the Flannel component: every data key "deny*"/"warn" fires;
// "fix: old" is mutated to "fix: new".
type fakeCM struct{}

func (fakeCM) Component() rules.Component { return flannel.Component }

func (fakeCM) Mutate(req *rules.Request) rules.Mutation {
	cm := req.ConfigMap()
	if cm.Data["fix"] != "old" {
		return rules.Mutation{}
	}
	m := cm.DeepCopy()
	m.Data["fix"] = "new"
	return rules.Mutation{Object: m, Changes: []rules.Change{{Rule: "WT101", Key: "fix", Path: "value", Old: `"old"`, New: `"new"`, Description: "fix must be new"}}}
}

func (fakeCM) Validate(req *rules.Request) []rules.Finding {
	cm := req.ConfigMap()
	r := rules.NewReport("ConfigMap", cm.Namespace, cm.Name)
	if _, ok := cm.Data["block"]; ok && blockEntered != nil {
		blockEntered <- struct{}{}
		<-blockRelease
	}
	if v, ok := cm.Data["deny"]; ok {
		r.Add("WT001", rules.Loc{Key: "deny", Path: "value", Line: 1, Column: 1}, "flanneld would crash at start-up with: bad value "+v, "set deny to something else")
	}
	if v, ok := cm.Data["deny2"]; ok {
		r.Add("WT002", rules.Loc{Key: "deny2", Path: "Backend.Type", Line: 3, Column: 5}, "flanneld would refuse backend "+v, "use vxlan")
	}
	if v, ok := cm.Data["warn"]; ok {
		r.Add("WT003", rules.Loc{Key: "warn", Path: "value"}, "flanneld ignores "+v+" "+strings.Repeat("x", len(cm.Data["pad"])), "remove it")
	}
	if v, ok := cm.Data["eni_conf"]; ok {
		// Deliberately echoes the whole document, secret included: the
		// engine must scrub it and the webhook must not leak it elsewhere.
		r.Add("WT004", rules.Loc{Key: "eni_conf", Path: "access_secret"}, "bad credentials in "+v, "fix them")
	}
	if req.Operation == rules.Create || (req.OldConfigMap() != nil && !equalData(req.OldConfigMap(), cm)) {
		r.Add("WT090", rules.Loc{Key: "restart"}, "flannel does not re-read its configuration", "kubectl -n kube-system delete pod -l app=flannel")
	}
	return r.Findings
}

func equalData(a, b *corev1.ConfigMap) bool {
	if len(a.Data) != len(b.Data) {
		return false
	}
	for k, v := range a.Data {
		if b.Data[k] != v {
			return false
		}
	}
	return true
}

// fakeSvc plays the Service component: it defaults ipFamilyPolicy to
// PreferDualStack and denies the annotation "deny".
type fakeSvc struct{}

func (fakeSvc) Component() rules.Component { return service.Component }

func (fakeSvc) Mutate(req *rules.Request) rules.Mutation {
	if req.Service().Spec.IPFamilyPolicy != nil || req.Operation != rules.Create {
		return rules.Mutation{}
	}
	s := req.Service().DeepCopy()
	p := corev1.IPFamilyPolicyPreferDualStack
	s.Spec.IPFamilyPolicy = &p
	return rules.Mutation{Object: s, Changes: []rules.Change{{Rule: "WT102", Path: "spec.ipFamilyPolicy", Old: "(absent)", New: "PreferDualStack", Description: "the cluster is dual-stack"}}}
}

func (fakeSvc) Validate(req *rules.Request) []rules.Finding {
	s := req.Service()
	r := rules.NewReport("Service", s.Namespace, s.Name)
	if v, ok := s.Annotations["deny"]; ok {
		r.Add("WT020", rules.Loc{Key: "deny", Path: "metadata.annotations[deny]"}, "the CCM would reject "+v, "remove the annotation")
	}
	return r.Findings
}

func testEngine(cfg *rules.Config) *engine.Engine {
	return engine.New(cfg, fakeCM{}, fakeSvc{})
}

func authUser(name string) authenticationv1.UserInfo {
	return authenticationv1.UserInfo{Username: name}
}

// blockEntered/blockRelease let the shutdown test hold a review in flight.
var blockEntered, blockRelease chan struct{}
