package terway

import (
	"slices"

	"github.com/netguard/netguard/rules"
)

// Component names Terway's rules and its configuration sections.
const Component rules.Component = "terway"

// VersionFact is the Terway image version (e.g. "v1.17.5"):
// cluster.terwayVersion in the configuration file, --terway-version in lint.
const VersionFact = "terwayVersion"

// Roles of Terway's ConfigMaps.
const (
	RoleBase     rules.Role = "base"     // kube-system/eni-config
	RoleOverride rules.Role = "override" // per-node-pool eni-config-*
)

func init() {
	rules.RegisterComponent(rules.Descriptor{
		Name:       Component,
		Title:      "Terway",
		Order:      10,
		Kind:       "ConfigMap",
		TargetsKey: "terway",
		Targets:    func() rules.TargetSection { return &Targets{} },
		DataKeys: []rules.DataKey{
			{Key: "eni_conf", Format: rules.FormatJSON, Role: "terwayd's and terway-init's configuration (/etc/eni/eni_conf); an override's eni_conf is merged over the base one"},
			{Key: "10-terway.conf", Format: rules.FormatJSON, Role: "the CNI configuration terway-init installs"},
			{Key: "10-terway.conflist", Format: rules.FormatJSON, Role: "the CNI configuration list terway-init installs when present"},
		},
		Facts:         []rules.Fact{{Key: VersionFact, Flag: "terway-version", Usage: "Terway image version, e.g. v1.17.5"}},
		RestartAdvice: "Terway reads eni-config only when its pods start: restart the Terway pods (for an override, those on the nodes labelled terway-config=<name>)",
		Checker:       New,
	})
}

// Targets selects the base eni-config and the per-node-pool overrides
// (ConfigMaps that nodes reference through the terway-config label):
//
//	targets:
//	  terway:
//	    namespaces: [kube-system]
//	    names: [eni-config]
//	    overrides: ["eni-config-*"]   # [] turns overrides off
type Targets struct {
	rules.NameSet `json:",inline"`
	Overrides     []string `json:"overrides,omitempty"`
}

// Defaults of Terway's targets.
var (
	DefaultNamespaces = []string{"kube-system"}
	DefaultNames      = []string{"eni-config"}
	DefaultOverrides  = []string{"eni-config-*"}
)

// ApplyDefaults implements rules.Section. An empty overrides list is kept:
// it turns override matching off.
func (t *Targets) ApplyDefaults() {
	if len(t.Namespaces) == 0 {
		t.Namespaces = slices.Clone(DefaultNamespaces)
	}
	if len(t.Names) == 0 {
		t.Names = slices.Clone(DefaultNames)
	}
	if t.Overrides == nil {
		t.Overrides = slices.Clone(DefaultOverrides)
	}
}

// Validate implements rules.Section.
func (t *Targets) Validate() []string {
	return append(rules.ValidatePatterns(t.Names), rules.ValidatePatterns(t.Overrides)...)
}

// Match implements rules.TargetSection: the base names first.
func (t *Targets) Match(namespace, name string) (rules.Role, bool) {
	switch {
	case t.Matches(namespace, name):
		return RoleBase, true
	case rules.NameSet{Namespaces: t.Namespaces, Names: t.Overrides}.Matches(namespace, name):
		return RoleOverride, true
	}
	return rules.RoleNone, false
}

// Scope implements rules.TargetSection.
func (t *Targets) Scope() rules.Scope {
	return rules.Scope{Namespaces: t.Namespaces, Names: []rules.RoleNames{{Role: RoleBase, Field: "names", Names: t.Names}, {Role: RoleOverride, Field: "overrides", Names: t.Overrides}}}
}
