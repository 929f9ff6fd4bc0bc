package coredns

import "github.com/netguard/netguard/rules"

// Default targets: CoreDNS's ConfigMap and NodeLocal DNSCache's.
var (
	DefaultNamespaces = []string{"kube-system"}
	DefaultNames      = []string{"coredns", NodeLocalName}
)

// BuildFact is the CoreDNS build the cluster runs: a version ("v1.11.3"),
// optionally a vendor build ("ack", "ack-v1.11.3", "v1.11.3-aliyun"); it
// decides which directives exist. cluster.corednsBuild in the
// configuration file, --coredns-build in lint.
const BuildFact = "corednsBuild"

func init() {
	rules.RegisterComponent(rules.Descriptor{
		Name:       Component,
		Title:      "CoreDNS",
		Order:      50,
		Kind:       "ConfigMap",
		TargetsKey: "coredns",
		Targets: func() rules.TargetSection {
			return rules.NewNameTargets(DefaultNamespaces, DefaultNames)
		},
		DataKeys: []rules.DataKey{{Key: CorefileKey, Format: rules.FormatText,
			Role: "the Corefile CoreDNS loads at start-up (node-local-dns: the template node-cache fills in and loads)"}},
		Facts: []rules.Fact{{Key: BuildFact, Flag: "coredns-build",
			Usage: "CoreDNS build, e.g. v1.11.3 or ack-v1.11.3 (decides the directives that exist)"}},
		RestartAdvice: "with the reload plugin CoreDNS re-reads the Corefile within its interval (a Corefile it cannot load is only logged); without it, restart the coredns pods; node-cache reloads node-local-dns by itself",
		Checker:       New,
	})
}

// buildFact returns the configured CoreDNS build ("" when unknown).
func buildFact(req *rules.Request) string {
	if req == nil || req.Cluster == nil {
		return ""
	}
	return req.Cluster.Fact(BuildFact)
}
