package main

import "testing"

const pprofTop = `File: webhookbench
Type: cpu
Duration: 1.20s, Total samples = 1.72s (143.33%)
Showing nodes accounting for 1.72s, 100% of 1.72s total
      flat  flat%   sum%        cum   cum%
     0.01s  0.58%  0.58%      1.05s 61.05%  github.com/netguard/netguard/internal/lint.Run
         0     0%  0.58%      1.05s 61.05%  main.main
     0.09s  5.23%  5.81%      0.09s  5.23%  runtime.scanObjectsSmall
     0.04s  2.33%  8.14%      0.04s  2.33%  gcWriteBarrier
     0.06s  3.49% 11.63%      0.51s 29.65%  go.yaml.in/yaml/v3.(*parser).parse
     0.02s  1.16% 12.79%      0.02s  1.16%  go.yaml.in/yaml/v3.read
`

func TestParseTopKeepsTotalsAndTheWorkloadsFrames(t *testing.T) {
	total, lines := parseTop([]byte(pprofTop))
	if total != "1.72s" {
		t.Errorf("total %q, want 1.72s", total)
	}
	if len(lines) != 6 || lines[0].Func != "github.com/netguard/netguard/internal/lint.Run" || lines[0].CumPc != 61.05 || lines[4].FlatPc != 3.49 {
		t.Fatalf("lines = %+v", lines)
	}
	kept := keep(lines, 10)
	for _, l := range kept {
		if l.Func == "main.main" {
			t.Error("the driver's main.main was kept")
		}
	}
	if len(kept) != 5 {
		t.Errorf("kept %d lines, want 5", len(kept))
	}
}

func TestByPackageSumsFlatSharesPerPackage(t *testing.T) {
	_, lines := parseTop([]byte(pprofTop))
	got := map[string]float64{}
	for _, p := range byPackage(lines) {
		got[p.Func] = p.FlatPc
	}
	for pkg, want := range map[string]float64{"go.yaml.in/yaml/v3": 4.65, "runtime": 7.56, "github.com/netguard/netguard/internal/lint": 0.58} {
		if d := got[pkg] - want; d > 0.001 || d < -0.001 {
			t.Errorf("%s: %.2f%%, want %.2f%% (all: %v)", pkg, got[pkg], want, got)
		}
	}
}

func TestPkgOfIgnoresPathsInTypeParametersAndReceivers(t *testing.T) {
	for fn, want := range map[string]string{
		"go.yaml.in/yaml/v3.(*parser).parse":                                             "go.yaml.in/yaml/v3",
		"slices.insertionSortCmpFunc[go.shape.struct { encoding/json.v reflect.Value }]": "slices",
		"gcWriteBarrier": "runtime",
		"github.com/netguard/netguard/rules/kubeproxy.decode": "github.com/netguard/netguard/rules/kubeproxy",
	} {
		if got := pkgOf(fn); got != want {
			t.Errorf("pkgOf(%q) = %q, want %q", fn, got, want)
		}
	}
}
