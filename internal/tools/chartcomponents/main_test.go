package main

import (
	"os"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
)

func TestChartComponentsAreCurrent(t *testing.T) {
	want, err := render(rules.Components())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../charts/netguard/templates/_components.tpl")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("charts/netguard/templates/_components.tpl is stale: run make docs\nwant:\n%s", want)
	}
}

func TestRenderFollowsTheDescriptors(t *testing.T) {
	d := func(key, kind string, targets func() rules.TargetSection) rules.Descriptor {
		return rules.Descriptor{Name: rules.Component(key), Title: key, Kind: kind, TargetsKey: key, Targets: targets}
	}
	byName := func() rules.TargetSection { return rules.NewNameTargets([]string{"kube-system"}, []string{"x"}) }
	every := func() rules.TargetSection { return &rules.NamespaceTargets{} }
	out, err := render([]rules.Descriptor{d("zz", "ConfigMap", byName), d("yy", "Service", every)})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`[{"key":"zz","fields":["names"]}]`,
		`[{"key":"yy","resource":"services"}]`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("render lacks %s:\n%s", want, out)
		}
	}
	// A Service component selected by name has no hook in the chart: the
	// generator must say so rather than drop it.
	if _, err := render([]rules.Descriptor{d("xx", "Service", byName)}); err == nil {
		t.Error("a Service component selected by name was rendered")
	}
}
