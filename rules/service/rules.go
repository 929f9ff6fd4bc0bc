package service

import "github.com/netguard/netguard/rules"

func init() {
	rules.Register(
		rules.Rule{
			ID:        "SV001",
			Title:     "Service stays single-stack on a dual-stack cluster",
			Severity:  rules.Warn,
			Component: rules.Service,
			Rationale: "Dual-stack is strictly opt-in: the API server defaults ipFamilyPolicy to SingleStack even when the cluster has an IPv4 and an IPv6 Service CIDR. Such a Service gets a ClusterIP of the primary family only and EndpointSlices only for that family, so IPv6 clients cannot reach it.",
			Good:      "spec:\n  ipFamilyPolicy: PreferDualStack",
			Bad:       "spec:\n  ipFamilyPolicy: SingleStack   # on a dual-stack cluster",
		},
	)
}
