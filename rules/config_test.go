package rules

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func init() {
	Register(Rule{ID: "ZZ001", Title: "test rule", Severity: Deny, Component: "test", Rationale: "r", Good: "g", Bad: "b"})
}

// zzTargets is a test component's target section with two roles, like
// Terway's base names and overrides.
type zzTargets struct {
	NameSet   `json:",inline"`
	Overrides []string `json:"overrides,omitempty"`
}

func (t *zzTargets) ApplyDefaults() {
	if len(t.Namespaces) == 0 {
		t.Namespaces = []string{"kube-system"}
	}
	if len(t.Names) == 0 {
		t.Names = []string{"zz"}
	}
	if t.Overrides == nil {
		t.Overrides = []string{"zz-*"}
	}
}

func (t *zzTargets) Validate() []string {
	return append(ValidatePatterns(t.Names), ValidatePatterns(t.Overrides)...)
}

func (t *zzTargets) Match(namespace, name string) (Role, bool) {
	switch {
	case t.Matches(namespace, name):
		return "base", true
	case NameSet{Namespaces: t.Namespaces, Names: t.Overrides}.Matches(namespace, name):
		return "override", true
	}
	return RoleNone, false
}

func (t *zzTargets) Scope() Scope {
	return Scope{Namespaces: t.Namespaces, Names: []RoleNames{{"base", "names", t.Names}, {"override", "overrides", t.Overrides}}}
}

type zzMutations struct {
	Inject *bool `json:"inject,omitempty"`
}

func (m *zzMutations) ApplyDefaults() {
	if m.Inject == nil {
		on := true
		m.Inject = &on
	}
}

func (m *zzMutations) Validate() []string { return nil }

// registerTestComponents registers three components for the configuration
// tests: "zz" (two roles, a mutations section), "zz-plain" (NameTargets
// that also selects "zz", to prove the registry order decides) and
// "zz-svc" (every Service).
func registerTestComponents(t *testing.T) {
	t.Helper()
	registerForTest(t,
		Descriptor{Name: "zz", Title: "ZZ", Order: 1, Kind: "ConfigMap", TargetsKey: "zz",
			Targets:      func() TargetSection { return &zzTargets{} },
			MutationsKey: "zz", Mutations: func() Section { return &zzMutations{} },
			Facts:   []Fact{{Key: "zzVersion", Flag: "zz-version", Usage: "zz version"}},
			Checker: func() Checker { return nil }},
		Descriptor{Name: "zz-plain", Title: "ZZ plain", Order: 2, Kind: "ConfigMap", TargetsKey: "zzPlain",
			Targets: func() TargetSection { return NewNameTargets([]string{"kube-system", "other"}, []string{"plain", "zz"}) },
			Checker: func() Checker { return nil }},
		Descriptor{Name: "zz-svc", Title: "ZZ Services", Order: 3, Kind: "Service", TargetsKey: "zzServices",
			Targets: func() TargetSection { return &NamespaceTargets{} },
			Checker: func() Checker { return nil }},
	)
}

func TestParseConfigAppliesEachComponentsDefaults(t *testing.T) {
	registerTestComponents(t)
	c, err := ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := c.MutationsOf("zz").(*zzMutations); !ok || m.Inject == nil || !*m.Inject {
		t.Errorf("zz mutation defaults %#v", c.MutationsOf("zz"))
	}
	if c.MutationsOf("zz-plain") != nil {
		t.Error("a component without a mutations section got one")
	}
	for _, tc := range []struct {
		kind, ns, name string
		want           Target
		ok             bool
	}{
		{"ConfigMap", "kube-system", "zz", Target{"zz", "base"}, true},
		{"ConfigMap", "kube-system", "zz-fixed", Target{"zz", "override"}, true},
		{"ConfigMap", "other", "zz", Target{"zz-plain", RoleNone}, true},
		{"ConfigMap", "kube-system", "plain", Target{"zz-plain", RoleNone}, true},
		{"ConfigMap", "default", "plain", Target{}, false},
		{"Service", "default", "web", Target{"zz-svc", RoleNone}, true},
		{"Secret", "kube-system", "zz", Target{}, false},
	} {
		got, ok := c.Match(tc.kind, tc.ns, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Match(%s %s/%s) = %v,%v want %v,%v", tc.kind, tc.ns, tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if ns, all := c.TargetNamespaces("ConfigMap"); !slices.Equal(ns, []string{"kube-system", "other"}) || all {
		t.Errorf("TargetNamespaces(ConfigMap) = %v, %v", ns, all)
	}
	if ns, all := c.TargetNamespaces("Service"); len(ns) != 0 || !all {
		t.Errorf("TargetNamespaces(Service) = %v, %v", ns, all)
	}
}

func TestParseConfigHonoursTargetsAndOverrides(t *testing.T) {
	registerTestComponents(t)
	c, err := ParseConfig([]byte(`
cluster:
  kubernetesVersion: v1.30.4
  serviceCIDRs: ["192.168.0.0/16", "fd00::/112"]
rules:
  ZZ001: "off"
targets:
  zz:
    namespaces: [net]
    names: [my-zz]
    overrides: []
  zzServices:
    enabled: false
mutations:
  zz:
    inject: false
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Match("ConfigMap", "net", "my-zz"); !ok {
		t.Error("configured name not matched")
	}
	if got, _ := c.Match("ConfigMap", "kube-system", "zz"); got.Component == "zz" {
		t.Error("default name must be replaced by the configured one")
	}
	if _, ok := c.Match("ConfigMap", "net", "my-zz-fixed"); ok {
		t.Error("overrides: [] must disable override matching")
	}
	if _, ok := c.Match("Service", "default", "x"); ok {
		t.Error("services disabled")
	}
	if _, all := c.TargetNamespaces("Service"); all {
		t.Error("a disabled section still selects every namespace")
	}
	if m := c.MutationsOf("zz").(*zzMutations); *m.Inject {
		t.Error("mutation switch not read")
	}
	fs := c.ApplySeverities([]Finding{{Rule: "ZZ001", Severity: Deny}, {Rule: "ZZ999", Severity: Warn}})
	if len(fs) != 1 || fs[0].Rule != "ZZ999" {
		t.Errorf("off must drop the finding: %+v", fs)
	}
	if dual, ok := c.Cluster.IsDualStack(); !dual || !ok {
		t.Error("dual-stack context not read")
	}
}

func TestParseConfigRejectsMistakes(t *testing.T) {
	registerTestComponents(t)
	cases := map[string]string{
		"unknown field":     "mutation: {}",
		"bad severity":      "rules: {ZZ001: error}",
		"unknown rule":      "rules: {ZZ002: warn}",
		"bad version":       "cluster: {kubernetesVersion: latest}",
		"bad cidr":          "cluster: {serviceCIDRs: [10.0.0/8]}",
		"bad name pattern":  "targets: {zzPlain: {names: ['[']}}",
		"bad override":      "targets: {zz: {overrides: ['[']}}",
		"unknown section":   "targets: {yy: {}}",
		"not yaml":          "rules: [",
		"severity override": "rules: {ZZ001: warning}",
	}
	for name, in := range cases {
		if _, err := ParseConfig([]byte(in)); err == nil {
			t.Errorf("%s: %q must be rejected", name, in)
		} else if !strings.Contains(err.Error(), "netguard config") {
			t.Errorf("%s: error %q does not say it is about the netguard config", name, err)
		}
	}
	_, err := ParseConfig([]byte("rules: {ZZ002: warn}"))
	if err == nil || !strings.Contains(err.Error(), "did you mean ZZ001") {
		t.Errorf("unknown rule should suggest the close one: %v", err)
	}
}

func TestReportUsesRegisteredSeverity(t *testing.T) {
	r := NewReport("ConfigMap", "kube-system", "x")
	r.Addf("ZZ001", Loc{Key: "k", Path: "p", Line: 2}, "hint", "value %d", 5)
	if len(r.Findings) != 1 || r.Findings[0].Severity != Deny || r.Findings[0].Object != "kube-system/x" || r.Findings[0].Message != "value 5" {
		t.Errorf("%+v", r.Findings)
	}
	defer func() {
		if recover() == nil {
			t.Error("unregistered rule must panic")
		}
	}()
	r.Add("NOPE", Loc{}, "", "")
}

func TestReportBoundsFindingsPerRule(t *testing.T) {
	r := NewReport("ConfigMap", "kube-system", "x")
	for i := 0; i < MaxFindingsPerRule+250; i++ {
		r.Add("ZZ001", Loc{Key: "k", Path: "p", Line: i + 1}, "dup", "")
	}
	if len(r.Findings) != MaxFindingsPerRule+1 {
		t.Fatalf("%d findings, want %d + 1 summary", len(r.Findings), MaxFindingsPerRule)
	}
	last := r.Findings[len(r.Findings)-1]
	if last.Severity != Deny || !strings.Contains(last.Message, "250 more ZZ001") || last.Line != 0 {
		t.Errorf("summary finding %+v", last)
	}
}

func TestClusterFactsOfComponentsSitBesideTheSharedFields(t *testing.T) {
	registerTestComponents(t)
	c, err := ParseConfig([]byte("cluster:\n  kubernetesVersion: \"1.30\"\n  zzVersion: v1.2.3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Cluster.Fact("zzVersion"); got != "v1.2.3" {
		t.Errorf("Fact(zzVersion) = %q", got)
	}
	if c.Cluster.KubernetesVersion != "1.30" {
		t.Errorf("shared field lost: %+v", c.Cluster)
	}
	var nilCluster *ClusterContext
	if nilCluster.Fact("zzVersion") != "" {
		t.Error("a nil context knows a fact")
	}
	b, err := json.Marshal(c.Cluster)
	if err != nil || !strings.Contains(string(b), `"zzVersion":"v1.2.3"`) || !strings.Contains(string(b), `"kubernetesVersion":"1.30"`) {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
	var back ClusterContext
	if err := json.Unmarshal(b, &back); err != nil || back.Fact("zzVersion") != "v1.2.3" || back.KubernetesVersion != "1.30" {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	for in, want := range map[string]string{
		"cluster:\n  yyVersion: v1\n":   `unknown field "cluster.yyVersion" (did you mean "zzVersion"?)`,
		"cluster:\n  zzVersion: 1.30\n": `zzVersion: 1.30 is the number 1.3 in YAML`,
	} {
		if _, err := ParseConfig([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	if err := json.Unmarshal([]byte(`{"yyVersion":"v1"}`), &back); err == nil {
		t.Error("an undeclared fact was decoded")
	}
}
