package rules

import (
	"fmt"
	"reflect"
	"testing"
)

// countingArg counts how often a finding's text was formatted.
type countingArg struct{ n *int }

func (c countingArg) String() string { *c.n++; return "arg" }

// signature is a finding without its texts.
func signature(f Finding) Finding {
	f.Message, f.Hint = "", ""
	return f
}

func TestNoTextsReportKeepsSignaturesWithoutBuildingTexts(t *testing.T) {
	cases := []struct {
		name string
		adds int // findings of one rule; past MaxFindingsPerRule one summarises the rest
	}{
		{"one finding", 1},
		{"exactly the bound", MaxFindingsPerRule},
		{"past the bound: one summary finding", MaxFindingsPerRule + 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			formatted := 0
			arg := countingArg{&formatted}
			full := NewReport("ConfigMap", "ns", "name")
			sigs := (&Request{NoTexts: true}).NewReport("ConfigMap", "ns", "name")
			for i := 0; i < tc.adds; i++ {
				at := Loc{Key: "k", Path: fmt.Sprintf("a[%d]", i), Line: i + 1, Column: 2}
				full.Add("ZZ001", at, "message", "hint")
				sigs.Addf("ZZ001", at, "hint", "message %v", arg)
				if s := sigs.Suggest("hairpinmode", []string{"hairpinMode"}); s != "" {
					t.Fatalf("Suggest searched for a text that is not built: %q", s)
				}
			}
			if formatted != 0 {
				t.Errorf("Addf formatted %d messages under NoTexts", formatted)
			}
			if len(sigs.Findings) != len(full.Findings) {
				t.Fatalf("%d findings without texts, %d with", len(sigs.Findings), len(full.Findings))
			}
			for i := range full.Findings {
				got, want := sigs.Findings[i], signature(full.Findings[i])
				if got.Message != "" || got.Hint != "" {
					t.Errorf("finding %d keeps texts: %+v", i, got)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("finding %d: got %+v, want %+v", i, got, want)
				}
			}
		})
	}
}
