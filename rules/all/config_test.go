package all

import (
	"maps"
	"slices"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/kubeproxy"
	"github.com/netguard/netguard/rules/service"
	"github.com/netguard/netguard/rules/terway"
)

// The components' descriptors keep the configuration file netguard always
// had: the same section keys, defaults and precedence.
func TestDefaultConfigKeepsEveryComponentsTargetsAndMutations(t *testing.T) {
	c, err := rules.ParseConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := flannel.MutationsOf(c); !*m.InjectCNIVersion || m.CNIVersion != "0.3.1" || m.HairpinMode {
		t.Errorf("flannel mutation defaults %+v", m)
	}
	if service.MutationsOf(c).PreferDualStack {
		t.Error("PreferDualStack must be off by default")
	}
	for _, tc := range []struct {
		kind, ns, name string
		want           rules.Target
		ok             bool
	}{
		{"ConfigMap", "kube-system", "eni-config", rules.Target{Component: terway.Component, Role: terway.RoleBase}, true},
		{"ConfigMap", "kube-system", "eni-config-fixed", rules.Target{Component: terway.Component, Role: terway.RoleOverride}, true},
		{"ConfigMap", "kube-system", "kube-flannel-cfg", rules.Target{Component: flannel.Component}, true},
		{"ConfigMap", "kube-flannel", "kube-flannel-cfg", rules.Target{Component: flannel.Component}, true},
		{"ConfigMap", "kube-system", "kube-proxy-worker", rules.Target{Component: kubeproxy.Component}, true},
		{"ConfigMap", "default", "kube-proxy", rules.Target{}, false},
		{"Service", "default", "web", rules.Target{Component: service.Component}, true},
		{"Secret", "kube-system", "eni-config", rules.Target{}, false},
	} {
		got, ok := c.Match(tc.kind, tc.ns, tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Match(%s %s/%s) = %v,%v want %v,%v", tc.kind, tc.ns, tc.name, got, ok, tc.want, tc.ok)
		}
	}
	if ns, all := c.TargetNamespaces("ConfigMap"); !slices.Equal(ns, []string{"kube-flannel", "kube-system"}) || all {
		t.Errorf("TargetNamespaces(ConfigMap) = %v, %v", ns, all)
	}
}

func TestConfigFileSectionsKeepTheirKeys(t *testing.T) {
	c, err := rules.ParseConfig([]byte(`
targets:
  terway:
    namespaces: [net]
    names: [my-eni]
    overrides: []
  flannel:
    names: [my-flannel]
  kubeProxy:
    namespaces: [proxy]
  services:
    enabled: true
    excludeNamespaces: [sandbox]
mutations:
  flannel:
    injectCNIVersion: false
    hairpinMode: true
  service:
    preferDualStack: true
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ns, name string
		want     rules.Component
	}{
		{"net", "my-eni", terway.Component},
		{"net", "my-eni-x", ""},
		{"kube-system", "eni-config", ""},
		{"kube-flannel", "my-flannel", flannel.Component},
		{"kube-flannel", "kube-flannel-cfg", ""},
		{"proxy", "kube-proxy-master", kubeproxy.Component},
		{"kube-system", "kube-proxy", ""},
	} {
		if got, _ := c.Match("ConfigMap", tc.ns, tc.name); got.Component != tc.want {
			t.Errorf("Match(%s/%s) = %q, want %q", tc.ns, tc.name, got.Component, tc.want)
		}
	}
	if _, ok := c.Match("Service", "sandbox", "x"); ok {
		t.Error("excluded namespace judged")
	}
	if m := flannel.MutationsOf(c); *m.InjectCNIVersion || !m.HairpinMode || m.CNIVersion != "0.3.1" {
		t.Errorf("flannel mutations %+v", m)
	}
	if !service.MutationsOf(c).PreferDualStack {
		t.Error("service mutations not read")
	}
	for _, bad := range []string{
		"targets: {flannel: {overrides: [x]}}",           // overrides are Terway's alone
		"targets: {kube-proxy: {names: [x]}}",            // the key is kubeProxy
		"mutations: {services: {preferDualStack: true}}", // the key is service
	} {
		if _, err := rules.ParseConfig([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestComponentFactsKeepTheirClusterKeys(t *testing.T) {
	c, err := rules.ParseConfig([]byte("cluster:\n  flannelVersion: v0.15.1.22-aliyun\n  terwayVersion: v1.17.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Cluster.Fact(flannel.VersionFact) != "v0.15.1.22-aliyun" || c.Cluster.Fact(terway.VersionFact) != "v1.17.5" {
		t.Errorf("facts %v", c.Cluster.Facts)
	}
	flags := map[string]string{}
	for _, d := range rules.Components() {
		for _, f := range d.Facts {
			flags[f.Key] = f.Flag
		}
	}
	if want := map[string]string{"corednsBuild": "coredns-build", "flannelVersion": "flannel-version", "terwayVersion": "terway-version"}; !maps.Equal(flags, want) {
		t.Errorf("fact flags %v, want %v", flags, want)
	}
}
