package kubeproxy

import "github.com/netguard/netguard/rules"

// Rule IDs.
const (
	// RuleMissingKey: the config.conf key is missing.
	RuleMissingKey = "KP001"
)

func init() {
	rules.Register(rules.Rule{
		ID:        RuleMissingKey,
		Title:     "config.conf key missing",
		Severity:  rules.Deny,
		Component: rules.KubeProxy,
		Rationale: "kube-proxy runs with --config=/var/lib/kube-proxy/config.conf from the mounted ConfigMap; without the key it exits with `failed complete: open /var/lib/kube-proxy/config.conf: no such file or directory`.",
		Good:      "data:\n  config.conf: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration",
		Bad:       "data:\n  config.yaml: |\n    ...",
	})
}
