package coredns

import "github.com/netguard/netguard/rules"

// TEMPORARY (issue 14): until the component descriptor lands on main, the
// CoreDNS targets are registered through this hook in rules/config.go and
// the CoreDNS build fact is not configurable. Both move into the
// component's descriptor (targets kube-system/coredns, node-local-dns; fact
// corednsBuild / --coredns-build) when it does.
func init() {
	rules.RegisterConfigMapTarget(Component, rules.NameSet{Namespaces: []string{"kube-system"}, Names: []string{"coredns", NodeLocalName}})
}

// buildFact returns the configured CoreDNS build ("" when unknown).
func buildFact(*rules.Request) string { return "" }
