package service_test

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
	"github.com/netguard/netguard/rules/service"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const lb = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
const legacy = "service.beta.kubernetes.io/alicloud-loadbalancer-"

var (
	dual   = &rules.ClusterContext{ServiceCIDRs: []string{"10.96.0.0/16", "fd00::/112"}}
	single = &rules.ClusterContext{ServiceCIDRs: []string{"10.96.0.0/16"}}
)

type mod func(*corev1.Service)

func svc(mods ...mod) *corev1.Service {
	s := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{
				{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(8080)},
				{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(8443)},
			},
		},
	}
	for _, m := range mods {
		m(s)
	}
	return s
}

func typ(t corev1.ServiceType) mod { return func(s *corev1.Service) { s.Spec.Type = t } }

func policy(p corev1.IPFamilyPolicy) mod {
	return func(s *corev1.Service) { s.Spec.IPFamilyPolicy = &p }
}

func families(f ...corev1.IPFamily) mod { return func(s *corev1.Service) { s.Spec.IPFamilies = f } }

func headless(s *corev1.Service) { s.Spec.ClusterIP = corev1.ClusterIPNone }

func noSelector(s *corev1.Service) { s.Spec.Selector = nil }

func ann(kv ...string) mod {
	return func(s *corev1.Service) {
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			s.Annotations[kv[i]] = kv[i+1]
		}
	}
}

func class(c string) mod { return func(s *corev1.Service) { s.Spec.LoadBalancerClass = &c } }

// clb is a LoadBalancer Service handled by the CLB controller.
func clb(mods ...mod) *corev1.Service {
	return svc(append([]mod{typ(corev1.ServiceTypeLoadBalancer)}, mods...)...)
}

// nlb is a LoadBalancer Service handled by the NLB controller, with zone-maps.
func nlb(mods ...mod) *corev1.Service {
	return svc(append([]mod{typ(corev1.ServiceTypeLoadBalancer), class(service.NLBClass),
		ann(lb+"zone-maps", "cn-hangzhou-h:vsw-aaa,cn-hangzhou-i:vsw-bbb")}, mods...)...)
}

func preferDualConfig() *rules.Config {
	c := rules.DefaultConfig()
	c.MutationsOf(service.Component).(*service.Mutations).PreferDualStack = true
	return c
}

// goodCLB is a realistic, correct CLB Service (~15 annotations).
func goodCLB() *corev1.Service {
	return clb(ann(
		lb+"address-type", "intranet",
		lb+"vswitch-id", "vsw-bp1a2b3c4d5e6f7g8h9i0",
		lb+"spec", "slb.s2.small",
		lb+"instance-charge-type", "PayBySpec",
		lb+"protocol-port", "http:80,https:443",
		lb+"cert-id", "1234567890123456-cn-hangzhou",
		lb+"scheduler", "wrr",
		lb+"health-check-flag", "on",
		lb+"health-check-type", "http",
		lb+"health-check-uri", "/healthz",
		lb+"health-check-interval", "5",
		lb+"healthy-threshold", "3",
		lb+"unhealthy-threshold", "3",
		lb+"health-check-connect-timeout", "5",
		lb+"forward-port", "80:443",
		lb+"acl-status", "on",
		lb+"acl-id", "acl-bp1xxxxxxxxxxxxxxxx",
		lb+"acl-type", "white",
		lb+"additional-resource-tags", "team=web,env=prod",
		lb+"name", "shop-web",
	), func(s *corev1.Service) { s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal })
}

func noFindings(t *testing.T, res engine.Result) {
	t.Helper()
	if len(res.Findings) != 0 {
		t.Errorf("want no findings, got %s", rulestest.Describe(res.Findings))
	}
}

func only(rule string) func(t *testing.T, res engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.Rule != rule {
				t.Errorf("unexpected finding besides %s: %s", rule, f.String())
			}
		}
	}
}

func keyIs(rule, key string) func(t *testing.T, res engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.Rule == rule {
				if f.Key != key {
					t.Errorf("%s: key %q, want %q", rule, f.Key, key)
				}
				if f.Line != 0 || f.Column != 0 {
					t.Errorf("%s: line/column must stay 0", rule)
				}
				return
			}
		}
	}
}

func TestRules(t *testing.T) {
	cases := []rulestest.Case{
		// ---- good examples stay silent ----
		{Name: "plain ClusterIP Service on a single-stack cluster is silent", Rule: "SV001", Object: svc(), Cluster: single, Check: noFindings},
		{Name: "PreferDualStack Service on a dual-stack cluster is silent", Rule: "SV001", Object: svc(policy(corev1.IPFamilyPolicyPreferDualStack)), Cluster: dual, Check: noFindings},
		{Name: "correct CLB Service is silent", Rule: "SV010", Object: goodCLB(), Cluster: single, Check: noFindings},
		{Name: "NLB Service with loadBalancerClass and zone-maps is silent", Rule: "SV032", Object: nlb(ann(
			lb+"address-type", "Internet", lb+"protocol-port", "tcpssl:443,TCP:80", lb+"cert-id", "123-cn-hangzhou",
			lb+"health-check-flag", "On", lb+"health-check-type", "tcp", lb+"health-check-interval", "10",
			lb+"scheduler", "wrr", lb+"proxy-protocol", "ON", lb+"ip-version", "dualstack",
			lb+"cross-zone-enabled", "off", lb+"server-group-type", "ip", lb+"security-group-ids", "sg-a,sg-b",
			lb+"preserve-client-ip", "on",
		), policy(corev1.IPFamilyPolicyPreferDualStack)), Cluster: dual, Check: noFindings},

		// ---- SV001 ----
		{Name: "SingleStack explicitly on a dual-stack cluster warns", Rule: "SV001", Fire: true, Object: svc(policy(corev1.IPFamilyPolicySingleStack)), Cluster: dual, Contains: []string{"PreferDualStack", "set explicitly"}},
		{Name: "nil policy on CREATE defaults to SingleStack on a dual-stack cluster", Rule: "SV001", Fire: true, Object: svc(), Cluster: dual, Contains: []string{"defaults it to SingleStack"}},
		{Name: "one-entry ipFamilies without policy is SingleStack", Rule: "SV001", Fire: true, Object: svc(families(corev1.IPv6Protocol)), Cluster: dual, Contains: []string{"IPv6"}},
		{Name: "DualStack: true in the context counts as dual-stack", Rule: "SV001", Fire: true, Object: clb(ann(lb+"scheduler", "wrr")), Cluster: &rules.ClusterContext{DualStack: ptrBool(true)}},
		{Name: "headless selectorless Service defaults to RequireDualStack", Rule: "SV001", Object: svc(headless, noSelector), Cluster: dual},
		{Name: "headless Service with selector still defaults to SingleStack", Rule: "SV001", Fire: true, Object: svc(headless), Cluster: dual},
		{Name: "ExternalName Services are exempt", Rule: "SV001", Object: svc(typ(corev1.ServiceTypeExternalName), func(s *corev1.Service) { s.Spec.ExternalName = "db.example.com"; s.Spec.Ports = nil }), Cluster: dual},
		{Name: "unknown cluster family stays silent", Rule: "SV001", Object: svc(policy(corev1.IPFamilyPolicySingleStack))},
		{Name: "default/kubernetes is always SingleStack", Rule: "SV001", Object: func() *corev1.Service {
			s := svc(policy(corev1.IPFamilyPolicySingleStack))
			s.Namespace, s.Name = "default", "kubernetes"
			return s
		}(), Cluster: dual},
		{Name: "UPDATE without policy adopts the stored PreferDualStack", Rule: "SV001", Object: svc(), Old: svc(policy(corev1.IPFamilyPolicyPreferDualStack)), Cluster: dual},

		// ---- SV002 ----
		{Name: "PreferDualStack with ipFamilies [IPv4] drifts on the next apply", Rule: "SV002", Fire: true, Object: svc(policy(corev1.IPFamilyPolicyPreferDualStack), families(corev1.IPv4Protocol)), Cluster: dual, Contains: []string{`rejected with "spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be 'SingleStack' to release the secondary IP family"`}},
		{Name: "PreferDualStack with both families does not drift", Rule: "SV002", Object: svc(policy(corev1.IPFamilyPolicyPreferDualStack), families(corev1.IPv4Protocol, corev1.IPv6Protocol)), Cluster: dual},
		{Name: "PreferDualStack with [IPv4] on a single-stack cluster does not drift", Rule: "SV002", Object: svc(policy(corev1.IPFamilyPolicyPreferDualStack), families(corev1.IPv4Protocol)), Cluster: single},

		// ---- SV003 ----
		{Name: "RequireDualStack on a single-stack cluster is rejected by the API server", Rule: "SV003", Fire: true, Object: svc(policy(corev1.IPFamilyPolicyRequireDualStack)), Cluster: single, Contains: []string{"not configured for dual-stack"}},
		{Name: "RequireDualStack on a headless selectorless Service is fine anywhere", Rule: "SV003", Object: svc(headless, noSelector, policy(corev1.IPFamilyPolicyRequireDualStack)), Cluster: single},
		{Name: "RequireDualStack on a dual-stack cluster is fine", Rule: "SV003", Object: svc(policy(corev1.IPFamilyPolicyRequireDualStack)), Cluster: dual},

		// ---- SV010-SV017 keys ----
		{Name: "misspelt suffix is denied with did-you-mean", Rule: "SV010", Fire: true, Object: clb(ann(lb+"adress-type", "intranet")), Contains: []string{lb + "address-type"}, Check: keyIs("SV010", lb+"adress-type")},
		{Name: "underscore instead of dash is denied with did-you-mean", Rule: "SV010", Fire: true, Object: clb(ann(lb+"health_check_flag", "on")), Contains: []string{lb + "health-check-flag"}},
		{Name: "mangled prefix alibabacloud- is denied", Rule: "SV010", Fire: true, Object: clb(ann("service.beta.kubernetes.io/alibabacloud-loadbalancer-address-type", "intranet")), Contains: []string{lb + "address-type"}},
		{Name: "legacy prefix for the new-only type key is denied", Rule: "SV010", Fire: true, Object: clb(ann(legacy+"type", "nlb")), Contains: []string{lb + "type"}},
		{Name: "other clouds' annotations are not judged", Rule: "SV010", Object: clb(ann("service.beta.kubernetes.io/aws-load-balancer-type", "nlb", "example.com/owner", "team-a")), Check: only("SV031")},
		{Name: "legacy prefix of a known key is fine", Rule: "SV010", Object: clb(ann(legacy+"address-type", "intranet"))},
		{Name: "key without the loadbalancer- infix is denied", Rule: "SV011", Fire: true, Object: clb(ann("service.beta.kubernetes.io/alicloud-force-override-listeners", "true", lb+"id", "lb-xxx")), Contains: []string{lb + "force-override-listeners"}},
		{Name: "key with infix is fine", Rule: "SV011", Object: clb(ann(lb+"force-override-listeners", "true", lb+"id", "lb-xxx"))},
		{Name: "key differing in case is denied", Rule: "SV012", Fire: true, Object: clb(ann("service.beta.kubernetes.io/Alibaba-Cloud-LoadBalancer-Address-Type", "intranet")), Contains: []string{lb + "address-type"}},
		{Name: "key with trailing space is denied", Rule: "SV012", Fire: true, Object: clb(ann(lb+"address-type ", "intranet"))},
		{Name: "exact key is fine", Rule: "SV012", Object: clb(ann(lb+"address-type", "intranet"))},
		{Name: "same suffix under both prefixes with different values warns", Rule: "SV013", Fire: true, Object: clb(ann(lb+"address-type", "intranet", legacy+"address-type", "internet")), Check: keyIs("SV013", legacy+"address-type")},
		{Name: "same suffix under both prefixes with the same value is fine", Rule: "SV013", Object: clb(ann(lb+"address-type", "intranet", legacy+"address-type", "intranet"))},
		{Name: "LB annotation on a ClusterIP Service is ignored", Rule: "SV014", Fire: true, Object: svc(ann(lb+"address-type", "intranet")), Contains: []string{"type: LoadBalancer"}, Check: only("SV014")},
		{Name: "backend-type on a ClusterIP Service is read by the ALB ingress and not flagged", Rule: "SV014", Object: svc(ann("service.beta.kubernetes.io/backend-type", "eni"))},
		{Name: "preserve-lb-on-delete while switching away from LoadBalancer is read", Rule: "SV014", Object: svc(ann(lb+"preserve-lb-on-delete", "true")), Old: clb(ann(lb+"preserve-lb-on-delete", "true"))},
		{Name: "NLB-only key on a CLB is ignored", Rule: "SV015", Fire: true, Object: clb(ann(lb+"zone-maps", "cn-hangzhou-h:vsw-a,cn-hangzhou-i:vsw-b")), Contains: []string{"NLB controller"}},
		{Name: "CLB-only key on an NLB is ignored", Rule: "SV015", Fire: true, Object: nlb(ann(lb+"bandwidth", "100")), Contains: []string{"CLB controller"}},
		{Name: "shared key on an NLB is fine", Rule: "SV015", Object: nlb(ann(lb+"address-type", "intranet"))},
		{Name: "loadbalancer-type: nlb is ignored with the default gates", Rule: "SV016", Fire: true, Object: clb(ann(lb+"type", "nlb")), Contains: []string{"loadBalancerClass"}},
		{Name: "loadBalancerClass selects the NLB", Rule: "SV016", Object: nlb()},
		{Name: "loadBalancerClass alibabacloud.com/NLB leaves the Service pending", Rule: "SV017", Fire: true, Object: clb(class("alibabacloud.com/NLB")), Contains: []string{service.NLBClass, "<pending>"}, Check: only("SV017")},
		{Name: "loadBalancerClass alibabacloud.com/nbl is a near miss", Rule: "SV017", Fire: true, Object: clb(class("alibabacloud.com/nbl"))},
		{Name: "other controllers' classes are legitimate", Rule: "SV017", Object: clb(class("service.k8s.aws/nlb"), ann(lb+"adress-type", "x")), Check: noFindings},

		// ---- SV020-SV026 values ----
		{Name: "non-integer health-check-interval fails the CCM model build", Rule: "SV020", Fire: true, Object: clb(ann(lb+"health-check-interval", "5s")), Contains: []string{"strconv.Atoi", "SyncLoadBalancerFailed"}},
		{Name: "space-padded integer fails Atoi", Rule: "SV020", Fire: true, Object: clb(ann(lb+"bandwidth", " 50", lb+"charge-type", "paybybandwidth")), Contains: []string{"\"50\""}},
		{Name: "protocol-port with a space after the comma is rejected", Rule: "SV020", Fire: true, Object: clb(ann(lb+"protocol-port", "https:443, http:80")), Contains: []string{"does not trim"}},
		{Name: "uppercase protocol-port on a CLB is rejected", Rule: "SV020", Fire: true, Object: clb(ann(lb+"protocol-port", "HTTPS:443")), Contains: []string{"lowercase"}},
		{Name: "protocol-port without colon is rejected", Rule: "SV020", Fire: true, Object: clb(ann(lb+"protocol-port", "https443"))},
		{Name: "uppercase protocol-port on an NLB is fine", Rule: "SV020", Object: nlb(ann(lb+"protocol-port", "TCPSSL:443"))},
		{Name: "weight out of [0,100] is rejected by the CCM", Rule: "SV020", Fire: true, Object: clb(ann(lb+"id", "lb-x", lb+"vgroup-port", "rsp-a:80", lb+"weight", "150"))},
		{Name: "zone-maps entry without colon is rejected", Rule: "SV020", Fire: true, Object: nlb(ann(lb+"zone-maps", "cn-hangzhou-h,vsw-a"))},
		{Name: "cross-zone-enabled must be on or off", Rule: "SV020", Fire: true, Object: nlb(ann(lb+"cross-zone-enabled", "true"))},
		{Name: "backend-label entry without = is rejected", Rule: "SV020", Fire: true, Object: clb(ann(lb+"backend-label", "pool"))},
		{Name: "forward-port entry malformed is rejected", Rule: "SV020", Fire: true, Object: clb(ann(lb+"protocol-port", "http:80,https:443", lb+"forward-port", "80-443"))},
		{Name: "listener-port-range with ECS backends is rejected", Rule: "SV020", Fire: true, Object: nlb(ann(lb+"listener-port-range", "1000-2000:80", "service.beta.kubernetes.io/backend-type", "ecs"))},
		{Name: "listener-port-range with start >= end is rejected", Rule: "SV020", Fire: true, Object: nlb(ann(lb+"listener-port-range", "2000-1000:80", "service.beta.kubernetes.io/backend-type", "eni"))},
		{Name: "integers within range are fine", Rule: "SV020", Object: clb(ann(lb+"health-check-interval", "5", lb+"persistence-timeout", "0"))},
		{Name: "healthy-threshold above 10 is outside the range", Rule: "SV021", Fire: true, Object: clb(ann(lb+"healthy-threshold", "20")), Contains: []string{"2-10"}},
		{Name: "health-check-connect-port -520 means backend port", Rule: "SV021", Object: clb(ann(lb+"health-check-connect-port", "-520"))},
		{Name: "NLB idle-timeout 600 is in the NLB range", Rule: "SV021", Object: nlb(ann(lb+"idle-timeout", "600"))},
		{Name: "CLB address-type Intranet is never equal to the API's intranet", Rule: "SV022", Fire: true, Object: clb(ann(lb+"address-type", "Intranet")), Contains: []string{"\"intranet\""}},
		{Name: "charge-type PayByBandwidth is compared exactly", Rule: "SV022", Fire: true, Object: clb(ann(lb+"charge-type", "PayByBandwidth")), Contains: []string{"paybybandwidth"}},
		{Name: "backend-type ENI silently means ECS", Rule: "SV022", Fire: true, Object: clb(ann("service.beta.kubernetes.io/backend-type", "ENI")), Contains: []string{"ECS"}},
		{Name: "NLB folds address-type case", Rule: "SV022", Object: nlb(ann(lb+"address-type", "Intranet"))},
		{Name: "NLB does not trim address-type", Rule: "SV022", Fire: true, Object: nlb(ann(lb+"address-type", "intranet "))},
		{Name: "undocumented scheduler is left to the cloud API", Rule: "SV023", Fire: true, Object: clb(ann(lb+"scheduler", "round-robin")), Contains: []string{"wrr"}},
		{Name: "CLB health-check-flag true is passed raw", Rule: "SV023", Fire: true, Object: clb(ann(lb+"health-check-flag", "true"))},
		{Name: "documented scheduler is fine", Rule: "SV023", Object: clb(ann(lb+"scheduler", "wlc"))},
		{Name: "preserve-lb-on-delete false still preserves", Rule: "SV024", Fire: true, Object: clb(ann(lb+"preserve-lb-on-delete", "false")), Contains: []string{"PRESERVES", "remove the annotation"}},
		{Name: "preserve-lb-on-delete false on an NLB still preserves", Rule: "SV024", Fire: true, Object: nlb(ann(lb+"preserve-lb-on-delete", "off"))},
		{Name: "preserve-lb-on-delete true is fine", Rule: "SV024", Object: clb(ann(lb+"preserve-lb-on-delete", "true"))},
		{Name: "force-override-listeners on is silently not overridden", Rule: "SV025", Fire: true, Object: clb(ann(lb+"id", "lb-x", lb+"force-override-listeners", "on")), Contains: []string{"exactly \"true\""}},
		{Name: "force-override-listeners True is silently not overridden", Rule: "SV025", Fire: true, Object: clb(ann(lb+"id", "lb-x", lb+"force-override-listeners", "True"))},
		{Name: "force-override-listeners false is intended off", Rule: "SV025", Object: clb(ann(lb+"id", "lb-x", lb+"force-override-listeners", "false"))},
		{Name: "CLB proxy-protocol On silently stays off", Rule: "SV026", Fire: true, Object: clb(ann(lb+"proxy-protocol", "On")), Contains: []string{"OFF"}},
		{Name: "CLB remove-unscheduled-backend true silently stays off", Rule: "SV026", Fire: true, Object: clb(ann(lb+"remove-unscheduled-backend", "true"))},
		{Name: "NLB proxy-protocol true silently stays off", Rule: "SV026", Fire: true, Object: nlb(ann(lb+"proxy-protocol", "true"))},
		{Name: "NLB proxy-protocol On is read case-insensitively", Rule: "SV026", Object: nlb(ann(lb+"proxy-protocol", "On"))},
		{Name: "CLB proxy-protocol on is fine", Rule: "SV026", Object: clb(ann(lb+"proxy-protocol", "on"))},

		// ---- SV027-SV035 ----
		{Name: "weight without id and vgroup-port is ignored", Rule: "SV027", Fire: true, Object: clb(ann(lb+"weight", "50")), Contains: []string{"id", "vgroup-port"}},
		{Name: "bandwidth without paybybandwidth is ignored", Rule: "SV027", Fire: true, Object: clb(ann(lb+"bandwidth", "50")), Contains: []string{"paybybandwidth"}},
		{Name: "NLB alpn without a TCPSSL listener is ignored", Rule: "SV027", Fire: true, Object: nlb(ann(lb+"alpn", "on"))},
		{Name: "weight with id and vgroup-port is read", Rule: "SV027", Object: clb(ann(lb+"id", "lb-x", lb+"vgroup-port", "rsp-a:80,rsp-b:443", lb+"weight", "50", lb+"force-override-listeners", "true"))},
		{Name: "NLB health-check-type without health-check-flag is ignored", Rule: "SV028", Fire: true, Object: nlb(ann(lb+"health-check-type", "tcp")), Contains: []string{"health-check-flag"}},
		{Name: "NLB bad health-check-interval is not parsed without the flag", Rule: "SV020", Object: nlb(ann(lb+"health-check-interval", "5s"))},
		{Name: "CLB health-check-type does not need the flag", Rule: "SV028", Object: clb(ann(lb+"health-check-type", "tcp"))},
		{Name: "xforwardedfor-proto on a TCP-only CLB is a no-op", Rule: "SV029", Fire: true, Object: clb(ann(lb+"xforwardedfor-proto", "on")), Contains: []string{"proxy-protocol"}},
		{Name: "xforwardedfor-proto with an http listener is fine", Rule: "SV029", Object: clb(ann(lb+"xforwardedfor-proto", "on", lb+"protocol-port", "http:80"))},
		{Name: "loadBalancerSourceRanges on a CLB are ignored", Rule: "SV030", Fire: true, Object: clb(func(s *corev1.Service) { s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8"} }), Contains: []string{"acl-status"}},
		{Name: "loadBalancerIP is ignored", Rule: "SV030", Fire: true, Object: clb(func(s *corev1.Service) { s.Spec.LoadBalancerIP = "192.168.0.10" }), Contains: []string{lb + "ip"}},
		{Name: "loadBalancerSourceRanges on an NLB are honoured", Rule: "SV030", Object: nlb(func(s *corev1.Service) { s.Spec.LoadBalancerSourceRanges = []string{"10.0.0.0/8"} })},
		{Name: "Local traffic policy with the default rr scheduler", Rule: "SV031", Fire: true, Object: clb(func(s *corev1.Service) { s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal }), Contains: []string{"wrr"}},
		{Name: "Local traffic policy with ENI backends does not use node weights", Rule: "SV031", Object: clb(ann("service.beta.kubernetes.io/backend-type", "eni"), func(s *corev1.Service) { s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal })},
		{Name: "NLB without zone-maps stays pending", Rule: "SV032", Fire: true, Object: clb(class(service.NLBClass)), Contains: []string{"zone mappings are required"}},
		{Name: "NLB reusing an id does not need zone-maps", Rule: "SV032", Object: clb(class(service.NLBClass), ann(lb+"id", "nlb-xxx"))},
		{Name: "NLB zone-maps with one zone", Rule: "SV033", Fire: true, Object: nlb(ann(lb+"zone-maps", "cn-hangzhou-h:vsw-a,cn-hangzhou-h:vsw-b"))},
		{Name: "NLB zone-maps with two zones", Rule: "SV033", Object: nlb()},
		{Name: "protocol-port naming the targetPort is ignored", Rule: "SV034", Fire: true, Object: clb(ann(lb+"protocol-port", "https:8443")), Contains: []string{"8443", "80, 443"}},
		{Name: "protocol-port naming Service ports is read", Rule: "SV034", Object: clb(ann(lb+"protocol-port", "tcp:80,https:443"))},
		{Name: "backend-label with a space after the comma selects no node", Rule: "SV035", Fire: true, Object: clb(ann(lb+"backend-label", "pool=web, zone=a"))},
		{Name: "additional-resource-tags value with = is truncated", Rule: "SV035", Fire: true, Object: clb(ann(lb+"additional-resource-tags", "url=a=b"))},
		{Name: "well-formed backend-label", Rule: "SV035", Object: clb(ann(lb+"backend-label", "pool=web,zone=a"))},

		// ---- SV040 / SV041 updates ----
		{Name: "changing a CLB's address-type fails on every sync", Rule: "SV040", Fire: true, Object: clb(ann(lb+"address-type", "intranet")), Old: clb(ann(lb+"address-type", "internet")), Contains: []string{"can not change LoadBalancer AddressType"}},
		{Name: "adding address-type intranet to an internet CLB is a change", Rule: "SV040", Fire: true, Object: clb(ann(lb+"address-type", "intranet")), Old: clb()},
		{Name: "adding address-type internet (the default) is no change", Rule: "SV040", Object: clb(ann(lb+"address-type", "internet")), Old: clb()},
		{Name: "removing ip-version ipv6 means ipv4 and is a change", Rule: "SV040", Fire: true, Object: clb(), Old: clb(ann(lb+"ip-version", "ipv6"))},
		{Name: "changing the id is denied", Rule: "SV040", Fire: true, Object: clb(ann(lb+"id", "lb-b")), Old: clb(ann(lb+"id", "lb-a"))},
		{Name: "NLB address-type is mutable", Rule: "SV040", Object: nlb(ann(lb+"address-type", "intranet")), Old: nlb(ann(lb+"address-type", "internet"))},
		{Name: "NLB ip-version change is denied", Rule: "SV040", Fire: true, Object: nlb(ann(lb+"ip-version", "DualStack")), Old: nlb(ann(lb+"ip-version", "ipv4"))},
		{Name: "NLB ip-version case change is no change", Rule: "SV040", Object: nlb(ann(lb+"ip-version", "DUALSTACK")), Old: nlb(ann(lb+"ip-version", "DualStack"))},
		// SV037: documentation placeholders left in resource IDs.
		{Name: "masked load-balancer id is denied", Rule: "SV037", Fire: true, Object: clb(ann(lb+"id", "lb-bp1hfycf39bbeb019****")), Contains: []string{"masked"}},
		{Name: "unfilled certificate placeholder is denied", Rule: "SV037", Fire: true, Object: clb(ann(lb+"protocol-port", "https:443"), ann(lb+"cert-id", "${YOUR_CERT_ID}")), Contains: []string{"placeholder"}},
		{Name: "masked vSwitch in NLB zone-maps is denied", Rule: "SV037", Fire: true, Object: nlb(ann(lb+"zone-maps", "cn-hangzhou-k:vsw-i123****,cn-hangzhou-j:vsw-j654321"))},
		{Name: "real load-balancer id is fine", Rule: "SV037", Object: clb(ann(lb+"id", "lb-bp1hfycf39bbeb019pg7m"))},
		{Name: "an asterisk in a non-ID annotation is not SV037", Rule: "SV037", Object: clb(ann(lb+"name", "web-****"))},
		// network-type: never sent on create, compared on every sync.
		{Name: "network-type outside classic/vpc fails every sync (CCM docs example alibaba)", Rule: "SV036", Fire: true, Object: clb(ann(lb+"network-type", "alibaba")), Contains: []string{"can not change LoadBalancer network type", "<pending>"}},
		{Name: "network-type vpc is fine", Rule: "SV036", Object: clb(ann(lb+"network-type", "vpc"))},
		{Name: "network-type classic is fine", Rule: "SV036", Object: clb(ann(lb+"network-type", "classic"))},
		{Name: "network-type alibaba is not merely an undocumented value", Rule: "SV023", Object: clb(ann(lb+"network-type", "alibaba"))},
		{Name: "network-type case variant stays SV022", Rule: "SV022", Fire: true, Object: clb(ann(lb+"network-type", "VPC"))},
		// instance-charge-type is one-way (pay-by-spec → pay-by-LCU only).
		{Name: "CLB instance-charge-type PayByCLCU to PayBySpec fails on every sync", Rule: "SV040", Fire: true, Object: clb(ann(lb+"instance-charge-type", "PayBySpec")), Old: clb(ann(lb+"instance-charge-type", "PayByCLCU")), Contains: []string{"ModifyLoadBalancerInstanceChargeType"}},
		{Name: "CLB instance-charge-type PayBySpec to PayByCLCU is the supported direction", Rule: "SV040", Object: clb(ann(lb+"instance-charge-type", "PayByCLCU")), Old: clb(ann(lb+"instance-charge-type", "PayBySpec"))},
		{Name: "CLB instance-charge-type unchanged is no change", Rule: "SV040", Object: clb(ann(lb+"instance-charge-type", "PayBySpec")), Old: clb(ann(lb+"instance-charge-type", "PayBySpec"))},
		{Name: "PayBySpec added to an existing CLB is a warning, not a deny", Rule: "SV040", Object: clb(ann(lb+"instance-charge-type", "PayBySpec")), Old: clb()},
		{Name: "PayBySpec added to an existing CLB warns", Rule: "SV041", Fire: true, Object: clb(ann(lb+"instance-charge-type", "PayBySpec")), Old: clb(), Contains: []string{"PayByCLCU"}},
		{Name: "PayBySpec on CREATE is fine", Rule: "SV040", Object: clb(ann(lb+"instance-charge-type", "PayBySpec"))},
		{Name: "NLB has no instance-charge-type direction rule", Rule: "SV040", Object: nlb(ann(lb+"instance-charge-type", "PayBySpec")), Old: nlb(ann(lb+"instance-charge-type", "PayByCLCU"))},
		{Name: "immutables are free while the Service becomes a LoadBalancer", Rule: "SV040", Object: clb(ann(lb+"address-type", "intranet")), Old: svc(ann(lb+"address-type", "internet"))},
		{Name: "resource-group-id added to an existing CLB must equal the live value", Rule: "SV041", Fire: true, Object: clb(ann(lb+"resource-group-id", "rg-x")), Old: clb()},
		{Name: "resource-group-id set at creation", Rule: "SV041", Object: clb(ann(lb+"resource-group-id", "rg-x"))},

		// ---- SV101 mutation ----
		{Name: "PreferDualStack is defaulted on CREATE in a dual-stack cluster", Rule: "SV101", Fire: true, Object: svc(), Cluster: dual, Config: preferDualConfig(), Check: func(t *testing.T, res engine.Result) {
			m, _ := res.Mutated.(*corev1.Service)
			if m == nil || m.Spec.IPFamilyPolicy == nil || *m.Spec.IPFamilyPolicy != corev1.IPFamilyPolicyPreferDualStack {
				t.Fatalf("mutated Service lacks PreferDualStack: %+v", m)
			}
			if len(m.Spec.IPFamilies) != 0 || len(m.Spec.ClusterIPs) != 0 {
				t.Errorf("mutation touched ipFamilies/clusterIPs")
			}
			want := rules.Change{Rule: "SV101", Path: "spec.ipFamilyPolicy", Old: "(unset)", New: "PreferDualStack"}
			if len(res.Changes) != 1 || res.Changes[0].Rule != want.Rule || res.Changes[0].Path != want.Path || res.Changes[0].Old != want.Old || res.Changes[0].New != want.New || res.Changes[0].Description == "" {
				t.Errorf("changes = %+v", res.Changes)
			}
			for _, f := range res.Findings {
				if f.Rule == "SV001" {
					t.Errorf("SV001 fired on the mutated Service")
				}
			}
		}},
		{Name: "mutation is off unless configured", Rule: "SV101", Object: svc(), Cluster: dual},
		{Name: "no mutation on UPDATE", Rule: "SV101", Object: svc(ann("a", "b")), Old: svc(), Cluster: dual, Config: preferDualConfig()},
		{Name: "no mutation on a single-stack cluster", Rule: "SV101", Object: svc(), Cluster: single, Config: preferDualConfig()},
		{Name: "no mutation when the dual-stack state is unknown", Rule: "SV101", Object: svc(), Config: preferDualConfig()},
		{Name: "no mutation for headless selectorless Services", Rule: "SV101", Object: svc(headless, noSelector), Cluster: dual, Config: preferDualConfig()},
		{Name: "no mutation for ExternalName Services", Rule: "SV101", Object: svc(typ(corev1.ServiceTypeExternalName)), Cluster: dual, Config: preferDualConfig()},
		{Name: "no mutation when the policy is set", Rule: "SV101", Object: svc(policy(corev1.IPFamilyPolicySingleStack)), Cluster: dual, Config: preferDualConfig()},
		{Name: "no mutation when ipFamilies is pinned", Rule: "SV101", Object: svc(families(corev1.IPv4Protocol)), Cluster: dual, Config: preferDualConfig()},
	}
	rulestest.Run(t, service.New(), cases)
}

func ptrBool(b bool) *bool { return &b }

// The CCM must always be able to finish: updates that only touch
// finalizers, labels or status, and objects being deleted, are never judged.
func TestCCMCanAlwaysFinish(t *testing.T) {
	bad := func() *corev1.Service {
		s := clb(ann(lb+"adress-type", "intranet", lb+"preserve-lb-on-delete", "false", lb+"health-check-interval", "5s"))
		s.Finalizers = []string{"service.k8s.alibaba/resources"}
		return s
	}
	if res := rulestest.Judge(service.New(), rulestest.Case{Object: bad()}); !res.Denied() {
		t.Fatalf("precondition: the bad Service must be denied on CREATE: %s", rulestest.Describe(res.Findings))
	}
	removed := bad()
	removed.Finalizers = nil
	labelled := bad()
	labelled.Labels = map[string]string{"service.beta.kubernetes.io/hash": "abc", "service.k8s.alibaba/loadbalancer-id": "lb-x"}
	status := bad()
	status.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "1.2.3.4"}}
	deleting := bad()
	now := metav1.Now()
	deleting.DeletionTimestamp = &now
	deleting.Finalizers = nil
	for name, c := range map[string]rulestest.Case{
		"finalizer removal":         {Object: removed, Old: bad()},
		"CCM labels":                {Object: labelled, Old: bad()},
		"status update":             {Object: status, Old: bad()},
		"deletionTimestamp set":     {Object: deleting, Old: bad()},
		"delete":                    {Op: rules.Delete, Object: bad()},
		"deletion with spec change": {Object: func() *corev1.Service { s := deleting.DeepCopy(); s.Spec.Ports = nil; return s }(), Old: bad()},
	} {
		res := rulestest.Judge(service.New(), c)
		if res.Judged || len(res.Findings) != 0 {
			t.Errorf("%s: judged=%v findings %s", name, res.Judged, rulestest.Describe(res.Findings))
		}
	}
}

// A pre-existing bad value does not block an unrelated update (ratchet),
// but a changed one is judged.
func TestRatchet(t *testing.T) {
	old := clb(ann(lb+"health-check-interval", "5s", lb+"preserve-lb-on-delete", "false"))
	portChange := old.DeepCopy()
	portChange.Spec.Ports = portChange.Spec.Ports[:1]
	res := rulestest.Judge(service.New(), rulestest.Case{Object: portChange, Old: old})
	if res.Denied() {
		t.Errorf("unrelated update denied: %s", rulestest.Describe(res.Findings))
	}
	changed := old.DeepCopy()
	changed.Annotations[lb+"health-check-interval"] = "10s"
	res = rulestest.Judge(service.New(), rulestest.Case{Object: changed, Old: old})
	if !res.Denied() {
		t.Errorf("changed bad value not denied: %s", rulestest.Describe(res.Findings))
	}
	// Type change ClusterIP -> LoadBalancer makes annotations take effect: judged.
	res = rulestest.Judge(service.New(), rulestest.Case{Object: old, Old: svc(ann(lb+"health-check-interval", "5s", lb+"preserve-lb-on-delete", "false"))})
	if !res.Denied() {
		t.Errorf("annotations taking effect with a type change were not judged: %s", rulestest.Describe(res.Findings))
	}
}

func TestMutateIdempotent(t *testing.T) {
	req := &rules.Request{Operation: rules.Create, Object: svc(), Cluster: dual, Config: preferDualConfig()}
	orig := req.Service().DeepCopy()
	m := service.New().Mutate(req)
	if m.Object == nil || len(m.Changes) != 1 {
		t.Fatalf("first pass: %+v", m)
	}
	if req.Service().Spec.IPFamilyPolicy != nil || !equalSvc(req.Service(), orig) {
		t.Fatalf("Mutate modified the request object")
	}
	req.Object = m.Object
	if m2 := service.New().Mutate(req); m2.Object != nil || len(m2.Changes) != 0 {
		t.Fatalf("second pass changed something: %+v", m2.Changes)
	}
}

func equalSvc(a, b *corev1.Service) bool { return a.String() == b.String() }

// Validate must not panic on degenerate input.
func TestNoPanic(t *testing.T) {
	c := service.New()
	for _, req := range []*rules.Request{
		nil,
		{},
		{Object: &corev1.Service{}},
		{Operation: rules.Update, Object: &corev1.Service{}, OldObject: &corev1.Service{}},
		{Object: clb(ann(lb+"protocol-port", ",,,::", lb+"zone-maps", ":", lb+"backend-label", "=,==", lb+"listener-port-range", "-:80,a-b:443"), class(service.NLBClass))},
		{Object: clb(ann(lb+"forward-port", ":,80:x", lb+"protocol-port", "http:80", "", "", lb, ""))},
	} {
		c.Validate(req)
		c.Mutate(req)
	}
}

func TestMessagesAreBounded(t *testing.T) {
	huge := strings.Repeat("x", 100000)
	res := rulestest.Judge(service.New(), rulestest.Case{Object: clb(ann(lb+"health-check-interval", huge))})
	for _, f := range res.Findings {
		if len(f.Message)+len(f.Hint) > 2000 {
			t.Errorf("%s message is %d bytes", f.Rule, len(f.Message))
		}
	}
}
