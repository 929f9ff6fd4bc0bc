package main

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
)

func TestEnglishListJoinsWithCommasAndAnd(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	} {
		if got := englishList(tc.in); got != tc.want {
			t.Errorf("englishList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The root command's help names every registered component, so a new
// component shows up there without editing the command.
func TestHelpNamesEveryRegisteredComponent(t *testing.T) {
	got := judgedObjects()
	for _, d := range rules.Components() {
		if !strings.Contains(got, d.Title) {
			t.Errorf("judgedObjects() = %q lacks %q", got, d.Title)
		}
	}
	if !strings.Contains(got, "ConfigMaps") {
		t.Errorf("judgedObjects() = %q names no ConfigMaps", got)
	}
}

// scan's help lists the default ConfigMap names and the declared facts of
// every registered component (coredns was missing while the list was
// written by hand).
func TestScanHelpListsEveryComponentsTargetsAndFacts(t *testing.T) {
	help := scanTargets()
	for _, want := range []string{"eni-config-*", "kube-flannel-cfg", "kube-proxy-worker", "coredns", "node-local-dns"} {
		if !strings.Contains(help.names, want) {
			t.Errorf("scan help names %q, lacks %q", help.names, want)
		}
	}
	for _, d := range rules.Components() {
		for _, f := range d.Facts {
			if !strings.Contains(help.facts, "cluster."+f.Key) {
				t.Errorf("scan help facts %q lack cluster.%s (%s)", help.facts, f.Key, d.Name)
			}
		}
	}
	if !strings.Contains(scanLong, help.names) {
		t.Error("scanLong does not include the generated target names")
	}
}
