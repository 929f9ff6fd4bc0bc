package service

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// checkValues judges the values of the CCM annotations.
func checkValues(c *svcCtx) {
	checkInts(c)
	checkEnums(c)
	checkFlags(c)
	checkLists(c)
	checkCompanions(c)
	checkMaskedIDs(c)
}

// checkCompanions flags annotations that only work together with others
// (SV027, SV028, SV029).
func checkCompanions(c *svcCtx) {
	id := c.get("id").value
	ignored := func(a annotation, msg, hint string) { c.r.Add(RuleMissingCompanion, at(a.key), msg, hint) }

	if a, ok := c.read("weight"); ok && a.value != "" && (id == "" || c.get("vgroup-port").value == "") {
		ignored(a, "weight is read only for a reused load balancer with its own server groups (both the id and vgroup-port annotations set); without them the CCM silently ignores it",
			"remove weight, or use default-weight to weight this Service's backends")
	}
	if a, ok := c.read("vgroup-port"); ok && a.value != "" && id == "" {
		ignored(a, "vgroup-port is read only together with the id annotation (a reused load balancer); without it the CCM creates its own server groups and ignores this annotation",
			"set the id annotation to the existing load balancer, or remove vgroup-port")
	}
	if a, ok := c.read("force-override-listeners"); ok && a.value == "true" && id == "" {
		ignored(a, "force-override-listeners only matters for a reused load balancer (the id annotation); the CCM always manages the listeners of the load balancers it creates",
			"remove the annotation")
	}
	if a, ok := c.read("bandwidth"); ok && a.value != "" {
		ct := c.get("charge-type").value
		switch {
		case ct != "paybybandwidth":
			shown := ct
			if shown == "" {
				shown = "unset (pay-by-traffic)"
			} else {
				shown = quote(shown)
			}
			ignored(a, fmt.Sprintf("bandwidth takes effect only with charge-type \"paybybandwidth\"; charge-type is %s, so the CCM does not apply it", shown),
				"set charge-type: \"paybybandwidth\", or remove bandwidth")
		case c.get("address-type").value == "intranet":
			ignored(a, "bandwidth applies only to internet CLBs; this one is intranet, so the CCM skips the bandwidth update",
				"remove bandwidth (intranet CLBs are not billed by bandwidth)")
		}
	}
	if c.kind == kindCLB {
		if a, ok := c.read("forward-port"); ok && a.value != "" && !contains(c.listenerProtocols(), "http") {
			ignored(a, "forward-port applies only to http listeners, and no port of this Service is http (see protocol-port), so the CCM ignores it",
				"declare the http port in protocol-port (e.g. \"http:80,https:443\"), or remove forward-port")
		}
	}
	if c.kind == kindNLB {
		if !contains(c.listenerProtocols(), "TCPSSL") {
			for _, s := range []string{"alpn", "alpn-policy", "additional-cert-ids"} {
				if a, ok := c.read(s); ok && a.value != "" {
					ignored(a, s+" is read only for TCPSSL listeners, and no port of this Service is TCPSSL (see protocol-port), so the CCM ignores it",
						"declare the port as TCPSSL in protocol-port (e.g. \"TCPSSL:443\"), or remove "+s)
				}
			}
		}
	}
	if a, ok := c.read("backend-ip-version"); ok && a.value != "" {
		iv := c.get("ip-version").value
		need := "ipv6"
		if c.kind == kindNLB {
			need = "DualStack"
		}
		if !strings.EqualFold(iv, need) {
			ignored(a, fmt.Sprintf("backend-ip-version is honoured only when ip-version is %q (and the CCM runs with the IPv6DualStack and EndpointSlice gates); ip-version is %s, so the backends silently stay IPv4", need, quoteOrUnset(iv)),
				fmt.Sprintf("set ip-version: %q at creation time (it is immutable), or remove backend-ip-version", need))
		}
	}

	// SV028: NLB health-check-* without health-check-flag: on.
	if c.kind == kindNLB && !c.nlbHealthCheckOn() {
		flag := c.get("health-check-flag")
		for _, s := range nlbHealthCheckKeys {
			if a, ok := c.read(s); ok && a.value != "" {
				state := "not set"
				if flag.ok {
					state = quote(flag.value)
				}
				c.r.Add(RuleHealthCheckFlag, at(a.key),
					fmt.Sprintf("%s is ignored: the NLB controller reads the health-check annotations only when health-check-flag is \"on\", and it is %s", s, state),
					"add "+fullKey("health-check-flag")+": \"on\"")
			}
		}
	}

	// SV029: xforwardedfor-proto on a TCP/UDP-only CLB.
	if a, ok := c.read("xforwardedfor-proto"); ok && strings.EqualFold(a.value, "on") {
		l7 := false
		for _, p := range c.listenerProtocols() {
			if p == "http" || p == "https" {
				l7 = true
			}
		}
		if !l7 {
			c.r.Add(RuleXForwardedProto, at(a.key),
				"xforwardedfor-proto adds the X-Forwarded-Proto header on HTTP/HTTPS listeners only; every listener of this Service is TCP/UDP, so it has no effect (it does not enable the PROXY protocol)",
				"to pass the client address over TCP use "+fullKey("proxy-protocol")+": \"on\" (and make the backend accept PROXY protocol v2), or declare http/https ports in protocol-port")
		}
	}
}

// checkSpecForLB judges spec fields the CCM ignores or needs (SV030, SV031).
func checkSpecForLB(c *svcCtx) {
	s := c.svc.Spec
	if c.kind == kindCLB && len(s.LoadBalancerSourceRanges) > 0 {
		c.r.Add(RuleFieldIgnored, specField("loadBalancerSourceRanges"),
			"the CLB controller ignores spec.loadBalancerSourceRanges: the load balancer stays open to every source address",
			"restrict access with an access control list: "+fullKey("acl-status")+": \"on\", "+fullKey("acl-id")+": <acl id>, "+fullKey("acl-type")+": \"white\"")
	}
	if s.LoadBalancerIP != "" {
		hint := "for an intranet CLB set " + fullKey("ip") + " (together with address-type: intranet and vswitch-id); to use an existing load balancer set " + fullKey("id")
		if c.kind == kindNLB {
			hint = "pin NLB addresses per zone with the third field of zone-maps (zone:vswitch:ipv4), or reuse an existing NLB with " + fullKey("id")
		}
		c.r.Add(RuleFieldIgnored, specField("loadBalancerIP"),
			fmt.Sprintf("the Alibaba Cloud CCM ignores spec.loadBalancerIP (%s): the %s gets an address of the cloud's choosing", s.LoadBalancerIP, c.kind),
			hint)
	}
	if c.kind == kindCLB && s.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal && c.svc.Annotations[keyBackendType] != "eni" {
		sched := c.get("scheduler")
		if sched.value != "wrr" && sched.value != "wlc" {
			cur := "unset, so the CCM uses \"rr\""
			loc := specField("externalTrafficPolicy")
			if sched.value != "" {
				cur = quote(sched.value)
				loc = at(sched.key)
			}
			c.r.Add(RuleLocalScheduler, loc,
				fmt.Sprintf("externalTrafficPolicy is Local and the CLB scheduler is %s: in Local mode the CCM adds only nodes with endpoints and weights each node by its number of local pods, but rr ignores weights, so traffic is spread per node rather than per pod", cur),
				"set "+fullKey("scheduler")+": \"wrr\" (or \"wlc\")")
		}
	}
}

func quoteOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return quote(s)
}

// sortedKeys returns m's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
