package rules

import (
	"fmt"
	"path"
	"slices"
)

// NameTargets is the target section of a component that judges objects of
// fixed names (patterns as in path.Match) in a few namespaces:
//
//	targets:
//	  flannel:
//	    namespaces: [kube-system, kube-flannel]
//	    names: [kube-flannel-cfg]
//
// An empty list means the component's default.
type NameTargets struct {
	NameSet `json:",inline"`

	defaults NameSet
}

// NewNameTargets returns an empty section whose defaults are the given
// namespaces and name patterns.
func NewNameTargets(namespaces, names []string) *NameTargets {
	return &NameTargets{defaults: NameSet{Namespaces: namespaces, Names: names}}
}

// ApplyDefaults implements Section.
func (t *NameTargets) ApplyDefaults() {
	if len(t.Namespaces) == 0 {
		t.Namespaces = slices.Clone(t.defaults.Namespaces)
	}
	if len(t.Names) == 0 {
		t.Names = slices.Clone(t.defaults.Names)
	}
}

// Validate implements Section.
func (t *NameTargets) Validate() []string { return ValidatePatterns(t.Names) }

// Match implements TargetSection.
func (t *NameTargets) Match(namespace, name string) (Role, bool) {
	return RoleNone, t.Matches(namespace, name)
}

// Scope implements TargetSection.
func (t *NameTargets) Scope() Scope {
	return Scope{Namespaces: t.Namespaces, Names: []RoleNames{{RoleNone, "names", t.Names}}}
}

// ValidatePatterns reports the name patterns path.Match refuses.
func ValidatePatterns(pats []string) []string {
	var errs []string
	for _, p := range pats {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Sprintf("bad name pattern %q: %v", p, err))
		}
	}
	return errs
}

// NamespaceTargets is the target section of a component that judges every
// object of its kind, in every namespace but the excluded ones:
//
//	targets:
//	  services:
//	    enabled: true
//	    excludeNamespaces: [sandbox]
type NamespaceTargets struct {
	// Enabled turns the component's rules on (default true).
	Enabled *bool `json:"enabled,omitempty"`
	// ExcludeNamespaces are never judged.
	ExcludeNamespaces []string `json:"excludeNamespaces,omitempty"`
}

// ApplyDefaults implements Section.
func (t *NamespaceTargets) ApplyDefaults() {
	if t.Enabled == nil {
		on := true
		t.Enabled = &on
	}
}

// Validate implements Section.
func (t *NamespaceTargets) Validate() []string { return nil }

// Match implements TargetSection.
func (t *NamespaceTargets) Match(namespace, _ string) (Role, bool) {
	return RoleNone, t.Enabled != nil && *t.Enabled && !slices.Contains(t.ExcludeNamespaces, namespace)
}

// Scope implements TargetSection.
func (t *NamespaceTargets) Scope() Scope {
	return Scope{Disabled: t.Enabled == nil || !*t.Enabled, AllNamespaces: true, ExcludeNamespaces: t.ExcludeNamespaces}
}

// ComponentScope is one component's selection.
type ComponentScope struct {
	Component Component
	Scope
}

// Scopes returns the selections of the components judging objects of kind,
// in registry order; disabled sections are left out.
func (c *Config) Scopes(kind string) []ComponentScope {
	var out []ComponentScope
	for _, d := range sortedComponents() {
		if d.Kind != kind {
			continue
		}
		t := c.TargetsOf(d.Name)
		if t == nil {
			continue
		}
		if s := t.Scope(); !s.Disabled {
			out = append(out, ComponentScope{d.Name, s})
		}
	}
	return out
}

// TargetNamespaces returns the namespaces holding targeted objects of kind,
// sorted and unique: the one list the webhook's informers and scan watch or
// list. all reports that some component selects the kind in every
// namespace (the list then holds only the other components' namespaces).
func (c *Config) TargetNamespaces(kind string) (namespaces []string, all bool) {
	for _, s := range c.Scopes(kind) {
		if s.AllNamespaces {
			all = true
			continue
		}
		namespaces = append(namespaces, s.Namespaces...)
	}
	slices.Sort(namespaces)
	return slices.Compact(namespaces), all
}
