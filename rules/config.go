package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// Config is netguard's configuration file, shared by `netguard lint --config`
// and `netguard serve --config`.
//
//	cluster:            # facts about the cluster (the webhook also discovers them)
//	  kubernetesVersion: "1.30"
//	  serviceCIDRs: ["192.168.0.0/16", "fd00::/112"]
//	rules:              # per-rule severity overrides
//	  KP020: "off"
//	targets: {...}      # which objects are judged
//	mutations: {...}    # which fixes are applied
//	exceptions:         # per-object waivers (the netguard.io/ignore annotation)
//	  nonWaivable: [KP020]
type Config struct {
	Cluster    ClusterContext      `json:"cluster,omitempty"`
	Rules      map[string]Severity `json:"rules,omitempty"`
	Targets    Targets             `json:"targets,omitempty"`
	Mutations  Mutations           `json:"mutations,omitempty"`
	Exceptions Exceptions          `json:"exceptions,omitempty"`
}

// Exceptions configures the per-object waivers: an object annotated
// netguard.io/ignore: "KP036,KP090" with a netguard.io/ignore-reason has
// the findings of those rules waived, except for the rules listed here.
type Exceptions struct {
	// NonWaivable rules are never waived by an annotation ("*": none is).
	NonWaivable []string `json:"nonWaivable,omitempty"`
}

// Waivable reports whether the annotation may waive a rule.
func (e Exceptions) Waivable(ruleID string) bool {
	return !slices.Contains(e.NonWaivable, ruleID) && !slices.Contains(e.NonWaivable, "*")
}

// NameSet selects ConfigMaps by namespace and name (names may be glob
// patterns as in path.Match, e.g. "eni-config-*").
type NameSet struct {
	Namespaces []string `json:"namespaces,omitempty"`
	Names      []string `json:"names,omitempty"`
}

// Matches reports whether namespace/name is selected.
func (s NameSet) Matches(namespace, name string) bool {
	if !slices.Contains(s.Namespaces, namespace) {
		return false
	}
	for _, p := range s.Names {
		if ok, err := path.Match(p, name); err == nil && ok {
			return true
		}
	}
	return false
}

// Targets says which objects netguard judges: one section per registered
// component, written under the component's TargetsKey (targets.kubeProxy).
// Every registered component has a section after parsing (its defaults when
// the file has none).
type Targets map[Component]TargetSection

// Mutations says which certain fixes netguard applies: one section per
// component that has fixes, under its MutationsKey (mutations.flannel).
type Mutations map[Component]Section

// UnmarshalJSON decodes each component's section into the component's own
// type, strictly: an unknown section or field is an error.
func (t *Targets) UnmarshalJSON(data []byte) error {
	m, err := decodeSections(data, "targets", targetsKey, func(d Descriptor) Section { return d.Targets() })
	if err != nil {
		return err
	}
	*t = Targets{}
	for k, v := range m {
		(*t)[k] = v.(TargetSection)
	}
	return nil
}

// UnmarshalJSON decodes each component's section into the component's own
// type, strictly.
func (m *Mutations) UnmarshalJSON(data []byte) error {
	out, err := decodeSections(data, "mutations", mutationsKey, func(d Descriptor) Section { return d.Mutations() })
	*m = out
	return err
}

func targetsKey(d Descriptor) string   { return d.TargetsKey }
func mutationsKey(d Descriptor) string { return d.MutationsKey }

// decodeSections decodes a map of configuration sections keyed by the
// components' configuration keys.
func decodeSections(data []byte, what string, key func(Descriptor) string, create func(Descriptor) Section) (map[Component]Section, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := map[Component]Section{}
	for k, v := range raw {
		d, ok := componentByKey(k, key)
		if !ok {
			return nil, fmt.Errorf("%s: unknown field %q", what, k)
		}
		s := create(d)
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(s); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", what, k, err)
		}
		out[d.Name] = s
	}
	return out, nil
}

// componentByKey finds the component whose configuration key (per key) is k.
func componentByKey(k string, key func(Descriptor) string) (Descriptor, bool) {
	for _, d := range sortedComponents() {
		if kk := key(d); kk != "" && kk == k {
			return d, true
		}
	}
	return Descriptor{}, false
}

// TargetsOf returns a component's target section (nil when it has none).
func (c *Config) TargetsOf(name Component) TargetSection {
	if c == nil {
		return nil
	}
	return c.Targets[name]
}

// MutationsOf returns a component's mutations section (nil when it has
// none); the component asserts its own type.
func (c *Config) MutationsOf(name Component) Section {
	if c == nil {
		return nil
	}
	return c.Mutations[name]
}

// DefaultConfig returns the configuration used when no file is given.
func DefaultConfig() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Targets == nil {
		c.Targets = Targets{}
	}
	if c.Mutations == nil {
		c.Mutations = Mutations{}
	}
	for _, d := range sortedComponents() {
		t, ok := c.Targets[d.Name]
		if !ok || t == nil {
			t = d.Targets()
			c.Targets[d.Name] = t
		}
		t.ApplyDefaults()
		if d.Mutations == nil {
			continue
		}
		m, ok := c.Mutations[d.Name]
		if !ok || m == nil {
			m = d.Mutations()
			c.Mutations[d.Name] = m
		}
		m.ApplyDefaults()
	}
}

// ParseConfig reads a configuration file. Unknown fields are errors: a typo
// in netguard's own configuration must not silently disable a rule. Mistakes
// found in the YAML itself (unknown fields, unknown rule IDs, unquoted
// versions and severities) are a *ConfigError with lines and columns.
func ParseConfig(data []byte) (*Config, error) {
	c := &Config{}
	if probs := checkConfigYAML(data); len(probs) > 0 {
		return nil, &ConfigError{Problems: probs}
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.UnmarshalStrict(data, c); err != nil {
			return nil, fmt.Errorf("netguard config: %w", err)
		}
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadConfig reads and parses a configuration file.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("netguard config: %w", err)
	}
	c, err := ParseConfig(data)
	if ce, ok := err.(*ConfigError); ok {
		ce.File = file
		return nil, ce
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

// Validate checks the configuration itself.
func (c *Config) Validate() error {
	var errs []string
	for id, sev := range c.Rules {
		if _, ok := Lookup(id); !ok && len(All()) > 0 {
			msg := fmt.Sprintf("rules.%s: unknown rule ID", id)
			ids := make([]string, 0)
			for _, r := range All() {
				ids = append(ids, r.ID)
			}
			if s := Suggest(id, ids); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			errs = append(errs, msg)
		}
		if sev != Deny && sev != Warn && sev != Info && sev != Off {
			errs = append(errs, fmt.Sprintf("rules.%s: severity %q must be deny, warn, info or off", id, sev))
		}
	}
	for _, id := range c.Exceptions.NonWaivable {
		if _, ok := Lookup(id); !ok && id != "*" && len(All()) > 0 {
			errs = append(errs, fmt.Sprintf("exceptions.nonWaivable: %s: unknown rule ID", id))
		}
	}
	if c.Cluster.KubernetesVersion != "" {
		if _, err := ParseVersion(c.Cluster.KubernetesVersion); err != nil {
			errs = append(errs, "cluster.kubernetesVersion: "+err.Error())
		}
	}
	for _, p := range append(slices.Clone(c.Cluster.ServiceCIDRs), c.Cluster.PodCIDRs...) {
		for _, part := range strings.Split(p, ",") {
			if len(parsePrefixes([]string{part})) == 0 {
				errs = append(errs, fmt.Sprintf("cluster: %q is not a CIDR", part))
			}
		}
	}
	for _, d := range sortedComponents() {
		if t := c.Targets[d.Name]; t != nil {
			for _, e := range t.Validate() {
				errs = append(errs, "targets: "+e)
			}
		}
		if m := c.Mutations[d.Name]; m != nil {
			for _, e := range m.Validate() {
				errs = append(errs, "mutations: "+e)
			}
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return fmt.Errorf("netguard config: %s", strings.Join(errs, "; "))
	}
	return nil
}

// SeverityOf returns the effective severity of a rule: the override when
// configured, else the registered default.
func (c *Config) SeverityOf(ruleID string, def Severity) Severity {
	if c != nil {
		if s, ok := c.Rules[ruleID]; ok {
			return s
		}
	}
	return def
}

// ApplySeverities rewrites findings with the configured overrides and drops
// findings of rules turned off.
func (c *Config) ApplySeverities(fs []Finding) []Finding {
	out := fs[:0]
	for _, f := range fs {
		f.Severity = c.SeverityOf(f.Rule, f.Severity)
		if f.Severity == Off {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Role is the part an object plays within its component.
type Role string

// RoleNone is the role of an object in a component with only one kind of
// object; components with several name their own roles.
const RoleNone Role = ""

// Target is the component (and role) that judges an object.
type Target struct {
	Component Component
	Role      Role
}

// Match decides which component judges an object of the given kind, if
// any: the first component (in registry order) whose target section
// selects it.
func (c *Config) Match(kind, namespace, name string) (Target, bool) {
	for _, d := range sortedComponents() {
		if d.Kind != kind {
			continue
		}
		if t := c.Targets[d.Name]; t != nil {
			if role, ok := t.Match(namespace, name); ok {
				return Target{d.Name, role}, true
			}
		}
	}
	return Target{}, false
}
