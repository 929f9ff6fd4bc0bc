package flannel

import "github.com/netguard/netguard/rules"

func init() {
	rules.Register(rules.Rule{
		ID:        "FL001",
		Title:     "cni-conf.json is missing or is not a JSON object",
		Severity:  rules.Deny,
		Component: rules.Flannel,
		Rationale: "The install-cni init container copies cni-conf.json into /etc/cni/net.d; without the key the copy fails and the flannel pod never starts, and a body that is not a JSON object makes libcni skip (kubelet, CRI-O) or refuse (containerd) the whole CNI configuration, so the node goes NotReady.",
		Good:      `cni-conf.json: {"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`,
		Bad:       `cni-conf.json: {"name":"cbr0","type":"flannel",}`,
	})
}
