package kubeproxy

import "github.com/netguard/netguard/rules"

// Component names kube-proxy's rules and its configuration sections.
const Component rules.Component = "kube-proxy"

// Defaults of kube-proxy's targets: kubeadm's ConfigMap and ACK's pair.
var (
	DefaultNamespaces = []string{"kube-system"}
	DefaultNames      = []string{"kube-proxy", "kube-proxy-worker", "kube-proxy-master"}
)

func init() {
	rules.RegisterComponent(rules.Descriptor{
		Name:       Component,
		Title:      "kube-proxy",
		Order:      30,
		Kind:       "ConfigMap",
		TargetsKey: "kubeProxy",
		Targets: func() rules.TargetSection {
			return rules.NewNameTargets(DefaultNamespaces, DefaultNames)
		},
		DataKeys: []rules.DataKey{
			{Key: ConfigKey, Format: rules.FormatYAML, Role: "the KubeProxyConfiguration kube-proxy loads with --config"},
		},
		RestartAdvice: "kube-proxy reads config.conf only at start-up: delete the kube-proxy pods",
		Checker:       New,
	})
}
