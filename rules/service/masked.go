package service

import (
	"fmt"
	"strings"
)

// idSuffixes are the annotations whose value is (or contains) an Alibaba
// Cloud resource ID the CCM looks up or passes to the cloud API: the load
// balancer, certificates, ACLs, vSwitches, resource groups, security groups,
// bandwidth packages and reused server groups.
var idSuffixes = []string{
	"id", "cert-id", "cacert-id", "additional-cert-ids", "acl-id", "vswitch-id", "resource-group-id",
	"zone-maps", "security-group-ids", "bandwidth-package-id", "vgroup-port",
}

// checkMaskedIDs (SV037) denies documentation placeholders left in a
// resource ID: the documentation masks IDs (lb-bp1hfycf39bbeb019****) or
// writes template variables (${YOUR_CERT_ID}). '*', '$', '{' and '}' are
// never part of an Alibaba Cloud resource ID, so the lookup or API call that
// uses the value fails on every sync (the CCM's Find for a reused id,
// CreateLoadBalancerListener for a certificate, ...): the Service stays
// <pending> or its listener is never created.
func checkMaskedIDs(c *svcCtx) {
	for _, suffix := range idSuffixes {
		a, ok := c.read(suffix)
		if !ok || a.value == "" {
			continue
		}
		what := ""
		switch {
		case strings.Contains(a.value, "***"):
			what = "a masked ID (the documentation hides the real characters behind '*')"
		case strings.Contains(a.value, "${") || strings.ContainsAny(a.value, "<>"):
			what = "an unfilled template placeholder"
		default:
			continue
		}
		c.r.Add(RuleMaskedID, at(a.key),
			fmt.Sprintf("%s is %s, %s: no Alibaba Cloud resource ID contains these characters, so the CCM cannot find the resource and the sync fails every time (Warning SyncLoadBalancerFailed; the Service stays <pending> or the listener is never created)", suffix, quote(a.value), what),
			"copy the real ID from the console or the API (e.g. lb-bp1hfycf39bbeb019pg7m)")
	}
}
