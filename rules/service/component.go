package service

import "github.com/netguard/netguard/rules"

// Component names the Service rules and their configuration sections.
const Component rules.Component = "service"

func init() {
	rules.RegisterComponent(rules.Descriptor{
		Name:       Component,
		Title:      "Services",
		Order:      40,
		Kind:       "Service",
		TargetsKey: "services",
		Targets:    func() rules.TargetSection { return &rules.NamespaceTargets{} },
		// The mutations section is "service" (singular), as it always was.
		MutationsKey: "service",
		Mutations:    func() rules.Section { return &Mutations{} },
		Checker:      New,
	})
}

// Mutations configures the Service fixes (mutations.service).
type Mutations struct {
	// PreferDualStack sets spec.ipFamilyPolicy: PreferDualStack on Services
	// created without a policy in a dual-stack cluster (default false).
	PreferDualStack bool `json:"preferDualStack,omitempty"`
}

// ApplyDefaults implements rules.Section.
func (m *Mutations) ApplyDefaults() {}

// Validate implements rules.Section.
func (m *Mutations) Validate() []string { return nil }

// MutationsOf returns the Service mutations configured in cfg.
func MutationsOf(cfg *rules.Config) Mutations {
	if m, ok := cfg.MutationsOf(Component).(*Mutations); ok && m != nil {
		return *m
	}
	return Mutations{}
}
