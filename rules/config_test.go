package rules

import (
	"strings"
	"testing"
)

func init() {
	Register(Rule{ID: "ZZ001", Title: "test rule", Severity: Deny, Component: "test", Rationale: "r", Good: "g", Bad: "b"})
}

func TestParseConfigAppliesDefaults(t *testing.T) {
	c, err := ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !*c.Mutations.Flannel.InjectCNIVersion || c.Mutations.Flannel.CNIVersion != "0.3.1" || c.Mutations.Flannel.HairpinMode {
		t.Errorf("flannel mutation defaults %+v", c.Mutations.Flannel)
	}
	if c.Mutations.Service.PreferDualStack {
		t.Error("PreferDualStack must be off by default")
	}
	for _, tc := range []struct {
		kind, ns, name string
		want           Target
		ok             bool
	}{
		{"ConfigMap", "kube-system", "eni-config", Target{Terway, RoleTerwayBase}, true},
		{"ConfigMap", "kube-system", "eni-config-fixed", Target{Terway, RoleTerwayOverride}, true},
		{"ConfigMap", "kube-system", "kube-flannel-cfg", Target{Flannel, RoleNone}, true},
		{"ConfigMap", "kube-flannel", "kube-flannel-cfg", Target{Flannel, RoleNone}, true},
		{"ConfigMap", "kube-system", "kube-proxy-worker", Target{KubeProxy, RoleNone}, true},
		{"ConfigMap", "default", "kube-proxy", Target{}, false},
		{"ConfigMap", "kube-system", "coredns", Target{}, false},
		{"Service", "default", "web", Target{Service, RoleNone}, true},
		{"Secret", "kube-system", "eni-config", Target{}, false},
	} {
		got, ok := c.Match(tc.kind, tc.ns, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Match(%s %s/%s) = %v,%v want %v,%v", tc.kind, tc.ns, tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseConfigHonoursTargetsAndOverrides(t *testing.T) {
	c, err := ParseConfig([]byte(`
cluster:
  kubernetesVersion: v1.30.4
  serviceCIDRs: ["192.168.0.0/16", "fd00::/112"]
rules:
  ZZ001: "off"
targets:
  terway:
    namespaces: [net]
    names: [my-eni]
    overrides: []
  services:
    enabled: false
mutations:
  flannel:
    injectCNIVersion: false
    hairpinMode: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Match("ConfigMap", "net", "my-eni"); !ok {
		t.Error("configured terway name not matched")
	}
	if _, ok := c.Match("ConfigMap", "kube-system", "eni-config"); ok {
		t.Error("default terway name must be replaced by the configured one")
	}
	if _, ok := c.Match("ConfigMap", "net", "my-eni-fixed"); ok {
		t.Error("overrides: [] must disable override matching")
	}
	if _, ok := c.Match("Service", "default", "x"); ok {
		t.Error("services disabled")
	}
	if *c.Mutations.Flannel.InjectCNIVersion || !c.Mutations.Flannel.HairpinMode {
		t.Error("mutation switches not read")
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
	cases := map[string]string{
		"unknown field":     "mutation: {}",
		"bad severity":      "rules: {ZZ001: error}",
		"unknown rule":      "rules: {ZZ002: warn}",
		"bad version":       "cluster: {kubernetesVersion: latest}",
		"bad cidr":          "cluster: {serviceCIDRs: [10.0.0/8]}",
		"bad name pattern":  "targets: {flannel: {names: ['[']}}",
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
