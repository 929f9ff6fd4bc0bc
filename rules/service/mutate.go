package service

import (
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

// mutate applies SV101: spec.ipFamilyPolicy: PreferDualStack on Services
// created without a policy in a dual-stack cluster. It never touches
// ipFamilies or clusterIPs, skips headless selectorless Services (the API
// server makes them RequireDualStack) and ExternalName Services, and leaves
// Services alone that pin ipFamilies (adding the policy there would create
// the GitOps drift SV002 warns about).
func mutate(req *rules.Request) rules.Mutation {
	if req == nil || req.Service() == nil || req.Config == nil || !MutationsOf(req.Config).PreferDualStack {
		return rules.Mutation{}
	}
	if req.Operation != rules.Create {
		return rules.Mutation{}
	}
	svc := req.Service()
	if svc.Spec.IPFamilyPolicy != nil || len(svc.Spec.IPFamilies) > 0 ||
		svc.Spec.Type == corev1.ServiceTypeExternalName || isHeadlessSelectorless(svc) || isKubernetesService(svc) {
		return rules.Mutation{}
	}
	if dual, known := req.Cluster.IsDualStack(); !known || !dual {
		return rules.Mutation{}
	}
	out := svc.DeepCopy()
	p := corev1.IPFamilyPolicyPreferDualStack
	out.Spec.IPFamilyPolicy = &p
	return rules.Mutation{Object: out, Changes: []rules.Change{{
		Rule:        RulePreferDualStack,
		Path:        specPath.Child("ipFamilyPolicy").String(),
		Old:         "(unset)",
		New:         string(p),
		Description: "the cluster is dual-stack and the API server would default the Service to SingleStack; PreferDualStack gives it a ClusterIP of each family",
	}}}
}
