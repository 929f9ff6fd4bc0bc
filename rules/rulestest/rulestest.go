// Package rulestest runs table-driven rule tests through the real engine and
// checks that every registered rule of a component has at least one case
// that fires and one that must not.
package rulestest

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Case is one rule test.
type Case struct {
	// Name says the behaviour the case proves ("trailing newline disables policy").
	Name string
	// Rule is the rule under test; Fire says whether it must fire.
	Rule string
	Fire bool
	// Op defaults to CREATE (UPDATE when Old is set).
	Op rules.Operation
	// Object and Old are *corev1.ConfigMap or *corev1.Service.
	Object any
	Old    any
	// Cluster context (nil: the config's) and configuration (nil: defaults).
	Cluster *rules.ClusterContext
	Config  *rules.Config
	// NoMutate judges the object as written.
	NoMutate bool
	// Contains are substrings that the firing finding's message or hint
	// must contain (checked only when Fire).
	Contains []string
	// Check runs extra assertions on the engine result.
	Check func(t *testing.T, res engine.Result)
}

// Run executes the cases against checker through engine.Judge, then fails if
// some registered rule of the checker's component lacks a firing or a
// non-firing case.
func Run(t *testing.T, checker rules.Checker, cases []Case) {
	t.Helper()
	fired := map[string]bool{}
	quiet := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if _, ok := rules.Lookup(c.Rule); !ok {
				t.Fatalf("case names unregistered rule %q", c.Rule)
			}
			res := Judge(checker, c)
			var hits []rules.Finding
			for _, f := range res.Findings {
				if f.Rule == c.Rule {
					hits = append(hits, f)
				}
			}
			if c.Fire && len(hits) == 0 {
				t.Fatalf("rule %s did not fire; findings: %s", c.Rule, Describe(res.Findings))
			}
			if !c.Fire && len(hits) > 0 {
				t.Fatalf("rule %s fired but must not: %s", c.Rule, Describe(hits))
			}
			for _, want := range c.Contains {
				ok := false
				for _, h := range hits {
					if strings.Contains(h.Message, want) || strings.Contains(h.Hint, want) {
						ok = true
					}
				}
				if !ok {
					t.Errorf("no %s finding mentions %q: %s", c.Rule, want, Describe(hits))
				}
			}
			if c.Check != nil {
				c.Check(t, res)
			}
		})
		if c.Fire {
			fired[c.Rule] = true
		} else {
			quiet[c.Rule] = true
		}
	}
	for _, r := range rules.All() {
		if r.Component != checker.Component() {
			continue
		}
		if !fired[r.ID] {
			t.Errorf("rule %s (%s) has no test case that fires", r.ID, r.Title)
		}
		if !quiet[r.ID] {
			t.Errorf("rule %s (%s) has no test case where it must not fire", r.ID, r.Title)
		}
	}
}

// Judge runs one case through the engine.
func Judge(checker rules.Checker, c Case) engine.Result {
	op := c.Op
	if op == "" {
		op = rules.Create
		if c.Old != nil {
			op = rules.Update
		}
	}
	e := engine.New(c.Config, checker)
	return e.Judge(engine.Input{Operation: op, Object: c.Object, OldObject: c.Old, Cluster: c.Cluster, NoMutate: c.NoMutate})
}

// Describe renders findings for failure messages.
func Describe(fs []rules.Finding) string {
	if len(fs) == 0 {
		return "(none)"
	}
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  ")
		b.WriteString(f.String())
	}
	return b.String()
}

// ConfigMap builds a ConfigMap.
func ConfigMap(namespace, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Data:       data,
	}
}
