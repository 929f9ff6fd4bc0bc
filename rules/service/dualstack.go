package service

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// isHeadlessSelectorless reports the case the API server defaults to
// RequireDualStack on any cluster (alloc.go initIPFamilyFields).
func isHeadlessSelectorless(svc *corev1.Service) bool {
	return svc.Spec.ClusterIP == corev1.ClusterIPNone && len(svc.Spec.Selector) == 0
}

// isKubernetesService is default/kubernetes, which the API server keeps
// SingleStack in the primary family on every cluster.
func isKubernetesService(svc *corev1.Service) bool {
	return svc.Namespace == "default" && svc.Name == "kubernetes"
}

// effectivePolicy returns the ipFamilyPolicy the API server will store and
// how it got there ("" when it cannot tell).
func effectivePolicy(c *svcCtx) (corev1.IPFamilyPolicy, string) {
	s := c.svc.Spec
	if s.IPFamilyPolicy != nil {
		return *s.IPFamilyPolicy, "set explicitly"
	}
	// On UPDATE the registry adopts the old policy when the new one is nil
	// (unless the old Service was ExternalName: then create-style defaulting).
	if c.old != nil && c.old.Spec.Type != corev1.ServiceTypeExternalName && c.old.Spec.IPFamilyPolicy != nil {
		return *c.old.Spec.IPFamilyPolicy, "kept from the stored Service"
	}
	if isHeadlessSelectorless(c.svc) {
		return corev1.IPFamilyPolicyRequireDualStack, "defaulted for a headless Service without selector"
	}
	switch len(s.IPFamilies) {
	case 0:
		return corev1.IPFamilyPolicySingleStack, "not set, so the API server defaults it to SingleStack"
	case 1:
		return corev1.IPFamilyPolicySingleStack, fmt.Sprintf("not set and ipFamilies lists only %s, so the API server defaults it to SingleStack", s.IPFamilies[0])
	}
	return "", "" // two families without a policy: the API server rejects it
}

// checkDualStack judges spec.ipFamilyPolicy and spec.ipFamilies (SV001-SV003).
func checkDualStack(c *svcCtx) {
	svc := c.svc
	if svc.Spec.Type == corev1.ServiceTypeExternalName || isKubernetesService(svc) {
		return
	}
	dual, known := c.req.Cluster.IsDualStack()
	policy, how := effectivePolicy(c)

	if known && dual && policy == corev1.IPFamilyPolicySingleStack {
		fam := "the primary family"
		if len(svc.Spec.IPFamilies) == 1 {
			fam = string(svc.Spec.IPFamilies[0])
		}
		c.r.Add(RuleSingleStack, specField("ipFamilyPolicy"),
			fmt.Sprintf("the cluster is dual-stack but this Service's ipFamilyPolicy is SingleStack (%s): it gets a ClusterIP and EndpointSlices of %s only, so clients of the other family (e.g. IPv6-only pods) cannot reach it", how, fam),
			"set spec.ipFamilyPolicy: PreferDualStack and leave spec.ipFamilies unset; the policy is mutable, so `kubectl -n "+svc.Namespace+" patch svc "+svc.Name+" -p '{\"spec\":{\"ipFamilyPolicy\":\"PreferDualStack\"}}'` upgrades the Service in place")
	}

	if p := svc.Spec.IPFamilyPolicy; p != nil && len(svc.Spec.IPFamilies) == 1 &&
		(*p == corev1.IPFamilyPolicyPreferDualStack || *p == corev1.IPFamilyPolicyRequireDualStack) &&
		!(known && !dual) && !isHeadlessSelectorless(svc) {
		c.r.Add(RuleFamiliesPinned, specField("ipFamilies"),
			fmt.Sprintf("ipFamilyPolicy is %s but ipFamilies pins only %s: on a dual-stack cluster the API server appends the second family on create, and the next apply that re-sends ipFamilies: [%s] is rejected with \"%s\"", *p, svc.Spec.IPFamilies[0], svc.Spec.IPFamilies[0],
				// The API server's own error (ValidateServiceUpdate).
				field.Invalid(specPath.Child("ipFamilyPolicy"), p, "must be 'SingleStack' to release the secondary IP family").Error()),
			"remove spec.ipFamilies from the manifest (the API server fills it in) or list both families, e.g. ipFamilies: [IPv4, IPv6]")
	}

	if known && !dual && policy == corev1.IPFamilyPolicyRequireDualStack && !isHeadlessSelectorless(svc) &&
		svc.Spec.IPFamilyPolicy != nil {
		c.r.Add(RuleRequireDualStack, specField("ipFamilyPolicy"),
			"ipFamilyPolicy is RequireDualStack but the cluster is single-stack: the API server rejects the Service with \"this cluster is not configured for dual-stack services\"",
			"use ipFamilyPolicy: PreferDualStack, which is dual-stack where the cluster supports it and single-stack elsewhere")
	}
}
