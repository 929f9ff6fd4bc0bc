package engine

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
)

func annotated(data, ann map[string]string) any {
	o := cm(data)
	o.Annotations = ann
	return o
}

func rulesOf(fs []rules.Finding) map[string]rules.Severity {
	m := map[string]rules.Severity{}
	for _, f := range fs {
		m[f.Rule] = f.Severity
	}
	return m
}

func TestIgnoreAnnotation(t *testing.T) {
	bad := map[string]string{"k": "bad"}
	for _, tc := range []struct {
		name        string
		cfg         *rules.Config
		ann         map[string]string
		wantDenied  bool
		wantWaived  int
		wantRules   []string // rules present in Findings
		wantMessage string   // in the NG004/NG005 finding
	}{
		{name: "no annotation: denied", ann: nil, wantDenied: true, wantRules: []string{"XX001"}},
		{name: "ignore with a reason waives the deny and says so",
			ann:        map[string]string{AnnotationIgnore: "xx001", AnnotationIgnoreReason: "legacy pool until OPS-1234"},
			wantWaived: 1, wantRules: []string{WaivedRule}, wantMessage: "waived XX001 (1 finding: deny); reason: legacy pool until OPS-1234"},
		{name: "ignore without a reason waives nothing",
			ann:        map[string]string{AnnotationIgnore: "XX001", AnnotationIgnoreReason: "  "},
			wantDenied: true, wantRules: []string{"XX001", IgnoreRefusedRule}, wantMessage: "nothing is waived"},
		{name: "unknown rule IDs are named",
			ann:        map[string]string{AnnotationIgnore: "XX001, XX999", AnnotationIgnoreReason: "r"},
			wantWaived: 1, wantRules: []string{WaivedRule, IgnoreRefusedRule}, wantMessage: "XX999, which is no rule"},
		{name: "a non-waivable rule stays enforced",
			cfg:        &rules.Config{Exceptions: rules.Exceptions{NonWaivable: []string{"XX001"}}},
			ann:        map[string]string{AnnotationIgnore: "XX001", AnnotationIgnoreReason: "please"},
			wantDenied: true, wantRules: []string{"XX001", IgnoreRefusedRule}, wantMessage: "non-waivable"},
		{name: "* makes every rule non-waivable",
			cfg:        &rules.Config{Exceptions: rules.Exceptions{NonWaivable: []string{"*"}}},
			ann:        map[string]string{AnnotationIgnore: "XX001", AnnotationIgnoreReason: "please"},
			wantDenied: true, wantRules: []string{"XX001", IgnoreRefusedRule}},
		{name: "NG005 can be made a deny by configuration",
			cfg:        &rules.Config{Rules: map[string]rules.Severity{IgnoreRefusedRule: rules.Deny}},
			ann:        map[string]string{AnnotationIgnore: "XX001"},
			wantDenied: true, wantRules: []string{"XX001", IgnoreRefusedRule}},
		{name: "the waiver annotation cannot waive itself",
			ann:        map[string]string{AnnotationIgnore: "XX001,NG004,NG005", AnnotationIgnoreReason: "r"},
			wantWaived: 1, wantRules: []string{WaivedRule, IgnoreRefusedRule}, wantMessage: "NG004, NG005"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg == nil {
				cfg = &rules.Config{}
			}
			full := rules.DefaultConfig()
			full.Rules, full.Exceptions = cfg.Rules, cfg.Exceptions
			res := New(full, fakeChecker{}).Judge(Input{Operation: rules.Create, Object: annotated(bad, tc.ann)})
			if res.Denied() != tc.wantDenied || len(res.Waived) != tc.wantWaived {
				t.Fatalf("denied %v waived %d, want %v %d: %+v", res.Denied(), len(res.Waived), tc.wantDenied, tc.wantWaived, res.Findings)
			}
			got := rulesOf(res.Findings)
			if len(got) != len(tc.wantRules) {
				t.Errorf("rules %v, want %v", got, tc.wantRules)
			}
			for _, id := range tc.wantRules {
				if _, ok := got[id]; !ok {
					t.Errorf("rules %v lack %s", got, id)
				}
			}
			if tc.wantMessage != "" {
				var msgs []string
				for _, f := range res.Findings {
					if f.Rule == WaivedRule || f.Rule == IgnoreRefusedRule {
						msgs = append(msgs, f.Message)
					}
				}
				if !strings.Contains(strings.Join(msgs, "\n"), tc.wantMessage) {
					t.Errorf("messages %q lack %q", msgs, tc.wantMessage)
				}
			}
		})
	}
}

func TestNonWaivableIDsAreValidated(t *testing.T) {
	c := rules.DefaultConfig()
	c.Exceptions.NonWaivable = []string{"XX001", "*", "XX404"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "XX404") || strings.Contains(err.Error(), "XX001") {
		t.Errorf("Validate: %v", err)
	}
}
