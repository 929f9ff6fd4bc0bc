package rules

import (
	"fmt"
	"sort"
	"sync"
)

// Component names the system whose configuration a rule judges. Each
// component declares its name next to its rules and registers a Descriptor
// (see RegisterComponent).
type Component string

// Rule describes one rule in the catalog. The catalog is the single source of
// truth for `netguard rules` and docs/rules.md.
type Rule struct {
	// ID is stable forever: configuration overrides and audit logs refer to it.
	ID        string
	Title     string
	Severity  Severity // default severity
	Component Component
	// Rationale: what the component does with such a config and why it matters.
	Rationale string
	// Good and Bad are short examples (a config snippet or a field setting).
	Good string
	Bad  string
	// Mutation marks rules that change objects rather than judge them.
	Mutation bool
	// RestartAdvice marks info rules that tell the operator to restart the
	// component so that a stored change takes effect. The advice is wrong
	// for a change that is denied (nothing was stored), so the webhook
	// drops these findings from a denial's warnings.
	RestartAdvice bool
}

// WithRestartAdvice returns r marked as restart advice.
func (r Rule) WithRestartAdvice() Rule {
	r.RestartAdvice = true
	return r
}

// IsRestartAdvice reports whether the rule with the given ID is restart
// advice (false for an unknown ID).
func IsRestartAdvice(id string) bool {
	r, ok := Lookup(id)
	return ok && r.RestartAdvice
}

var registry = struct {
	sync.RWMutex
	byID map[string]Rule
}{byID: map[string]Rule{}}

// Register adds rules to the catalog. It panics on a duplicate or incomplete
// rule: the catalog is built at init time and a broken one is a programming error.
func Register(rs ...Rule) {
	registry.Lock()
	defer registry.Unlock()
	for _, r := range rs {
		if r.ID == "" || r.Title == "" || r.Component == "" || !r.Severity.Valid() || r.Severity == Off {
			panic(fmt.Sprintf("rules: incomplete rule %+v", r))
		}
		if _, dup := registry.byID[r.ID]; dup {
			panic("rules: duplicate rule ID " + r.ID)
		}
		registry.byID[r.ID] = r
	}
}

// Lookup returns the rule with the given ID.
func Lookup(id string) (Rule, bool) {
	registry.RLock()
	defer registry.RUnlock()
	r, ok := registry.byID[id]
	return r, ok
}

// All returns every registered rule, ordered by component then ID.
func All() []Rule {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Rule, 0, len(registry.byID))
	for _, r := range registry.byID {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Component != out[j].Component {
			return out[i].Component < out[j].Component
		}
		return out[i].ID < out[j].ID
	})
	return out
}
