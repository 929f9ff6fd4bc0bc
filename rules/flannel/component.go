package flannel

import "github.com/netguard/netguard/rules"

// Component names Flannel's rules and its configuration sections.
const Component rules.Component = "flannel"

// Defaults of Flannel's targets and mutations.
var (
	DefaultNamespaces = []string{"kube-system", "kube-flannel"}
	DefaultNames      = []string{"kube-flannel-cfg"}
	DefaultCNIVersion = "0.3.1"
)

// VersionFact is the flannel image version (e.g. "v0.15.1.22-aliyun",
// "v0.28.9"); it decides which backends exist. cluster.flannelVersion in
// the configuration file, --flannel-version in lint.
const VersionFact = "flannelVersion"

func init() {
	rules.RegisterComponent(rules.Descriptor{
		Name:       Component,
		Title:      "Flannel",
		Order:      20,
		Kind:       "ConfigMap",
		TargetsKey: "flannel",
		Targets: func() rules.TargetSection {
			return rules.NewNameTargets(DefaultNamespaces, DefaultNames)
		},
		MutationsKey: "flannel",
		Mutations:    func() rules.Section { return &Mutations{} },
		DataKeys: []rules.DataKey{
			{Key: CNIConfKey, Format: rules.FormatJSON, Role: "the CNI configuration install-cni copies to /etc/cni/net.d/10-flannel.conflist"},
			{Key: NetConfKey, Format: rules.FormatJSON, Role: "flanneld's network configuration (Network, Backend), read at start-up"},
		},
		Facts: []rules.Fact{{Key: VersionFact, Flag: "flannel-version",
			Usage: "flannel image version, e.g. v0.15.1.22-aliyun (decides the backends that exist)"}},
		RestartAdvice: "flanneld reads net-conf.json and install-cni copies cni-conf.json only when the pods start: restart every flannel pod",
		Checker:       New,
	})
}

// Mutations configures the cni-conf.json fixes (mutations.flannel).
type Mutations struct {
	// InjectCNIVersion adds cniVersion when it is missing (default true).
	InjectCNIVersion *bool `json:"injectCNIVersion,omitempty"`
	// CNIVersion is the value injected (default "0.3.1").
	CNIVersion string `json:"cniVersion,omitempty"`
	// HairpinMode adds delegate.hairpinMode: true when it is missing (default false).
	HairpinMode bool `json:"hairpinMode,omitempty"`
}

// ApplyDefaults implements rules.Section.
func (m *Mutations) ApplyDefaults() {
	if m.InjectCNIVersion == nil {
		on := true
		m.InjectCNIVersion = &on
	}
	if m.CNIVersion == "" {
		m.CNIVersion = DefaultCNIVersion
	}
}

// Validate implements rules.Section.
func (m *Mutations) Validate() []string { return nil }

// MutationsOf returns the Flannel mutations configured in cfg (the defaults
// when cfg is nil or has none).
func MutationsOf(cfg *rules.Config) Mutations {
	if m, ok := cfg.MutationsOf(Component).(*Mutations); ok && m != nil {
		return *m
	}
	m := Mutations{}
	m.ApplyDefaults()
	return m
}
