package coredns

import (
	"fmt"
	"strings"

	"github.com/netguard/netguard/rules"
)

// NodeLocal DNSCache's ConfigMap (node-local-dns, key Corefile) is a
// template: node-cache copies it to Corefile.base and, in updateCorefile
// (kubernetes/dns 1.26.7 cmd/node-cache/app/configmap.go), replaces
//
//	__PILLAR__UPSTREAM__SERVERS__ → /etc/resolv.conf (no kube-dns upstreamNameservers)
//	__PILLAR__CLUSTER__DNS__      → the ClusterIP of the upstream service (kube-dns-upstream)
//	__PILLAR__LOCAL__DNS__        → the -localip list, commas turned into spaces
//	__PILLAR__DNS__SERVER__       → "" (when the install step left it in place)
//
// before CoreDNS (in-process) loads it. netguard substitutes the same
// placeholders, in the same order, with stand-ins of the same shape, so
// the Corefile is judged as node-cache runs it and the placeholders are
// never denied. __PILLAR__DNS__DOMAIN__ is replaced only by the install
// step; it is substituted with cluster.local for judging and warned about.
// None of the replacements contains a newline, so lines stay where they are.
const (
	pillarUpstream   = "__PILLAR__UPSTREAM__SERVERS__"
	pillarClusterDNS = "__PILLAR__CLUSTER__DNS__"
	pillarLocalDNS   = "__PILLAR__LOCAL__DNS__"
	pillarDNSServer  = "__PILLAR__DNS__SERVER__"
	pillarDomain     = "__PILLAR__DNS__DOMAIN__"

	// Stand-ins: nodelocaldns.yaml's default -localip, and an address of
	// the same family for the upstream service (its value is not judged).
	standInLocalIP    = "169.254.20.10"
	standInClusterDNS = "10.96.0.10"
	standInDomain     = "cluster.local"
)

func (v *validator) substitutePillars(text string) string {
	if !strings.Contains(text, "__PILLAR__") {
		return text
	}
	if strings.Contains(text, pillarDomain) {
		line := 1 + strings.Count(text[:strings.Index(text, pillarDomain)], "\n")
		v.r.Add(RulePillar, loc("", line), fmt.Sprintf("%s is still in the Corefile: node-cache does not fill it (only the install step does), so CoreDNS serves a zone named %s instead of the cluster domain", pillarDomain, rules.Quote(strings.ToLower(pillarDomain)+".")), "replace "+pillarDomain+" with the cluster domain (cluster.local by default) when installing")
	}
	text = strings.ReplaceAll(text, pillarUpstream, "/etc/resolv.conf")
	text = strings.ReplaceAll(text, pillarClusterDNS, standInClusterDNS)
	text = strings.ReplaceAll(text, pillarLocalDNS, standInLocalIP)
	text = strings.ReplaceAll(text, pillarDNSServer, "")
	return strings.ReplaceAll(text, pillarDomain, standInDomain)
}
