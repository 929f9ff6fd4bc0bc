package rules

import (
	"bytes"
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

// TerwayTargets selects the base eni-config and the per-node-pool overrides
// (ConfigMaps that nodes reference through the terway-config label).
type TerwayTargets struct {
	NameSet   `json:",inline"`
	Overrides []string `json:"overrides,omitempty"`
}

// ServiceTargets selects Services.
type ServiceTargets struct {
	// Enabled turns Service rules on (default true).
	Enabled *bool `json:"enabled,omitempty"`
	// ExcludeNamespaces are never judged.
	ExcludeNamespaces []string `json:"excludeNamespaces,omitempty"`
}

// Targets says which objects netguard judges.
type Targets struct {
	Terway    TerwayTargets  `json:"terway,omitempty"`
	Flannel   NameSet        `json:"flannel,omitempty"`
	KubeProxy NameSet        `json:"kubeProxy,omitempty"`
	Services  ServiceTargets `json:"services,omitempty"`
}

// Mutations says which certain fixes netguard applies.
type Mutations struct {
	Flannel FlannelMutations `json:"flannel,omitempty"`
	Service ServiceMutations `json:"service,omitempty"`
}

// FlannelMutations configures the cni-conf.json fixes.
type FlannelMutations struct {
	// InjectCNIVersion adds cniVersion when it is missing (default true).
	InjectCNIVersion *bool `json:"injectCNIVersion,omitempty"`
	// CNIVersion is the value injected (default "0.3.1").
	CNIVersion string `json:"cniVersion,omitempty"`
	// HairpinMode adds delegate.hairpinMode: true when it is missing (default false).
	HairpinMode bool `json:"hairpinMode,omitempty"`
}

// ServiceMutations configures the Service fixes.
type ServiceMutations struct {
	// PreferDualStack sets spec.ipFamilyPolicy: PreferDualStack on Services
	// created without a policy in a dual-stack cluster (default false).
	PreferDualStack bool `json:"preferDualStack,omitempty"`
}

// Defaults for targets and mutations.
var (
	DefaultTerwayNamespaces    = []string{"kube-system"}
	DefaultTerwayNames         = []string{"eni-config"}
	DefaultTerwayOverrides     = []string{"eni-config-*"}
	DefaultFlannelNamespaces   = []string{"kube-system", "kube-flannel"}
	DefaultFlannelNames        = []string{"kube-flannel-cfg"}
	DefaultKubeProxyNamespaces = []string{"kube-system"}
	DefaultKubeProxyNames      = []string{"kube-proxy", "kube-proxy-worker", "kube-proxy-master"}
	DefaultCNIVersion          = "0.3.1"
)

// DefaultConfig returns the configuration used when no file is given.
func DefaultConfig() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	t := &c.Targets
	if len(t.Terway.Namespaces) == 0 {
		t.Terway.Namespaces = slices.Clone(DefaultTerwayNamespaces)
	}
	if len(t.Terway.Names) == 0 {
		t.Terway.Names = slices.Clone(DefaultTerwayNames)
	}
	if t.Terway.Overrides == nil {
		t.Terway.Overrides = slices.Clone(DefaultTerwayOverrides)
	}
	if len(t.Flannel.Namespaces) == 0 {
		t.Flannel.Namespaces = slices.Clone(DefaultFlannelNamespaces)
	}
	if len(t.Flannel.Names) == 0 {
		t.Flannel.Names = slices.Clone(DefaultFlannelNames)
	}
	if len(t.KubeProxy.Namespaces) == 0 {
		t.KubeProxy.Namespaces = slices.Clone(DefaultKubeProxyNamespaces)
	}
	if len(t.KubeProxy.Names) == 0 {
		t.KubeProxy.Names = slices.Clone(DefaultKubeProxyNames)
	}
	if t.Services.Enabled == nil {
		on := true
		t.Services.Enabled = &on
	}
	m := &c.Mutations.Flannel
	if m.InjectCNIVersion == nil {
		on := true
		m.InjectCNIVersion = &on
	}
	if m.CNIVersion == "" {
		m.CNIVersion = DefaultCNIVersion
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
	for _, pats := range [][]string{c.Targets.Terway.Names, c.Targets.Terway.Overrides, c.Targets.Flannel.Names, c.Targets.KubeProxy.Names} {
		for _, p := range pats {
			if _, err := path.Match(p, ""); err != nil {
				errs = append(errs, fmt.Sprintf("targets: bad name pattern %q: %v", p, err))
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

const (
	RoleNone           Role = ""
	RoleTerwayBase     Role = "base"     // kube-system/eni-config
	RoleTerwayOverride Role = "override" // per-node-pool eni-config-*
)

// Target is the component (and role) that judges an object.
type Target struct {
	Component Component
	Role      Role
}

// Match decides which component judges a ConfigMap or Service, if any.
func (c *Config) Match(kind, namespace, name string) (Target, bool) {
	t := &c.Targets
	switch kind {
	case "ConfigMap":
		switch {
		case t.Terway.NameSet.Matches(namespace, name):
			return Target{Terway, RoleTerwayBase}, true
		case (NameSet{Namespaces: t.Terway.Namespaces, Names: t.Terway.Overrides}).Matches(namespace, name):
			return Target{Terway, RoleTerwayOverride}, true
		case t.Flannel.Matches(namespace, name):
			return Target{Flannel, RoleNone}, true
		case t.KubeProxy.Matches(namespace, name):
			return Target{KubeProxy, RoleNone}, true
		}
	case "Service":
		if t.Services.Enabled != nil && *t.Services.Enabled && !slices.Contains(t.Services.ExcludeNamespaces, namespace) {
			return Target{Service, RoleNone}, true
		}
	}
	return Target{}, false
}
