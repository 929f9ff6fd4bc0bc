package service

import (
	"fmt"
	"strings"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

// maxKeyFindings bounds the key findings per Service so a pathological
// object (thousands of bogus keys) stays cheap to judge and to read.
const maxKeyFindings = 100

// checkLoadBalancer judges spec.loadBalancerClass and the CCM annotations.
func checkLoadBalancer(c *svcCtx) {
	checkClass(c)
	if c.svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		checkIgnoredOnType(c)
		if get(c.svc, "preserve-lb-on-delete").ok && c.oldKind != kindNone {
			checkPreserve(c) // the CCM reads it while deleting the old LB
		}
		return
	}
	if c.kind == kindNone {
		return // another controller's Service: its annotations are not ours to judge
	}
	checkKeys(c)
	checkValues(c)
	checkSpecForLB(c)
}

// checkClass flags near-misses of alibabacloud.com/nlb (SV017): any other
// class makes the CCM ignore the Service, which then stays <pending>.
func checkClass(c *svcCtx) {
	cls := c.svc.Spec.LoadBalancerClass
	if c.svc.Spec.Type != corev1.ServiceTypeLoadBalancer || cls == nil || *cls == NLBClass {
		return
	}
	v := *cls
	l := strings.ToLower(strings.TrimSpace(v))
	near := l == NLBClass || rules.Suggest(v, []string{NLBClass}) != ""
	domain, _, _ := strings.Cut(l, "/")
	if strings.Contains(domain, "alibaba") || strings.Contains(domain, "aliyun") || strings.Contains(domain, "alicloud") {
		near = true
	}
	if !near {
		return
	}
	hint := "set spec.loadBalancerClass: " + NLBClass + " for an NLB, or omit it for a CLB; loadBalancerClass is immutable on a LoadBalancer Service, so delete and re-create the Service (or switch it to ClusterIP and back)"
	c.r.Add(RuleLBClassNearMiss, specField("loadBalancerClass"),
		fmt.Sprintf("spec.loadBalancerClass %s is not %q: the Alibaba Cloud CCM ignores every LoadBalancer Service with another class (exact string match), no other controller claims it, and the Service stays <pending> forever without an event", quote(v), NLBClass), hint)
}

// checkIgnoredOnType warns about CCM annotations on non-LoadBalancer Services (SV014).
func checkIgnoredOnType(c *svcCtx) {
	n := 0
	for _, k := range c.keys {
		if !strings.HasPrefix(k, NewPrefix) && !strings.HasPrefix(k, LegacyPrefix) {
			continue
		}
		cl := classifyKey(k)
		if c.oldKind != kindNone && (cl.suffix == "id" || cl.suffix == "preserve-lb-on-delete") {
			continue // read while the CCM releases the old load balancer
		}
		if n++; n > maxKeyFindings {
			return
		}
		t := c.svc.Spec.Type
		if t == "" {
			t = corev1.ServiceTypeClusterIP
		}
		c.r.Add(RuleNotLoadBalancer, at(k),
			fmt.Sprintf("load-balancer annotation on a Service of type %s: the cloud controller manager only reads it on type: LoadBalancer Services, so it has no effect", t),
			"remove the annotation, or set spec.type: LoadBalancer if this Service should get an Alibaba Cloud load balancer")
	}
}

// checkKeys judges annotation keys (SV010-SV013, SV015, SV016).
func checkKeys(c *svcCtx) {
	n := 0
	add := func(id string, k, msg, hint string) {
		if n++; n <= maxKeyFindings {
			c.r.Add(id, at(k), msg, hint)
		}
	}
	for _, k := range c.keys {
		cl := classifyKey(k)
		switch cl.kind {
		case keyForeign:
		case keyKnown:
			if cl.suffix == "" {
				continue
			}
			if cl.suffix == "type" {
				checkLBType(c, k)
				continue
			}
			info, ok := lbKeys[cl.suffix]
			if !ok {
				continue
			}
			if c.kind == kindCLB && !info.clb {
				add(RuleOtherController, k, fmt.Sprintf("%s is read only by the NLB controller; this Service gets a CLB (no spec.loadBalancerClass: %s), so the CCM ignores the annotation", fullKey(cl.suffix), NLBClass),
					"remove the annotation, or create the Service with spec.loadBalancerClass: "+NLBClass+" if you want an NLB")
			}
			if c.kind == kindNLB && !info.nlb {
				add(RuleOtherController, k, fmt.Sprintf("%s is read only by the CLB controller; this Service gets an NLB (spec.loadBalancerClass: %s), so the CCM ignores the annotation", fullKey(cl.suffix), NLBClass),
					"remove the annotation; see the ACK NLB annotation reference for the NLB equivalent")
			}
			if cl.legacy {
				if nv, ok := c.svc.Annotations[fullKey(cl.suffix)]; ok && nv != c.svc.Annotations[k] {
					add(RuleLegacyConflict, k, fmt.Sprintf("both %s and the legacy %s are set, with different values (%s vs %s): the CCM reads the new prefix and ignores this legacy key", fullKey(cl.suffix), k, quote(nv), quote(c.svc.Annotations[k])),
						"delete the legacy service.beta.kubernetes.io/alicloud-… key and keep only the alibaba-cloud-… one with the value you want")
				}
			}
		case keyUnknown, keyBadPrefix:
			msg := fmt.Sprintf("unknown load-balancer annotation: the cloud controller manager reads only exact keys, so it silently ignores this one (while still emitting an AnnotationChanged event, which makes it look applied)")
			hint := "remove it, or use one of the documented service.beta.kubernetes.io/alibaba-cloud-loadbalancer-* keys"
			if cl.want != "" {
				hint = fmt.Sprintf("did you mean %q?", cl.want)
			}
			add(RuleUnknownAnnotation, k, msg, hint)
		case keyLegacyOnly:
			add(RuleUnknownAnnotation, k, fmt.Sprintf("the CCM reads %s only under the service.beta.kubernetes.io/alibaba-cloud- prefix, never under the legacy alicloud- prefix, so this key is silently ignored", cl.suffix),
				fmt.Sprintf("use %q", cl.want))
		case keyNoInfix:
			add(RuleMissingInfix, k, fmt.Sprintf("the key lacks the \"loadbalancer-\" infix, so the CCM never matches it (it looks up only %s and the legacy %s): the setting is silently ignored", fullKey(cl.suffix), LegacyPrefix+lbInfix+cl.suffix),
				fmt.Sprintf("rename it to %q", cl.want))
		case keyCaseVar:
			add(RuleKeyCase, k, fmt.Sprintf("annotation key %s differs from %q only in case or whitespace; the CCM looks keys up exactly, so the setting is silently ignored", quote(k), cl.want),
				fmt.Sprintf("rename it to exactly %q", cl.want))
		}
	}
}

// checkLBType warns about service.beta.kubernetes.io/alibaba-cloud-loadbalancer-type (SV016).
func checkLBType(c *svcCtx, k string) {
	v := c.svc.Annotations[k]
	if v == "" || c.kind != kindCLB {
		return
	}
	msg := fmt.Sprintf("%s: %s is ignored unless the CCM runs with the alpha feature gate LoadBalancerTypeAnnotation (off by default), so this Service gets a CLB", k, quote(v))
	if !strings.EqualFold(v, "nlb") {
		msg += "; with the gate on, any value other than \"nlb\" makes neither the CLB nor the NLB controller handle the Service"
	}
	c.r.Add(RuleLBTypeIgnored, at(k), msg, "remove the annotation and set spec.loadBalancerClass: "+NLBClass+" at creation time to get an NLB")
}
