package engine

import (
	"testing"

	"github.com/netguard/netguard/rules"
)

// NoValidate (the mutating webhook) applies the fixes and reports them, but
// never runs the checker's Validate: the validating webhook judges the
// mutated object.
func TestJudgeNoValidateOnlyMutates(t *testing.T) {
	calls := 0
	e := New(nil, fakeChecker{mutate: true, calls: &calls})
	res := e.Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad"}), NoValidate: true})
	if calls != 0 {
		t.Errorf("Validate ran %d time(s) with NoValidate", calls)
	}
	if res.Mutated == nil || len(res.Changes) != 1 {
		t.Fatalf("the fix was not applied: %+v", res)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "XX101" {
		t.Errorf("want only the mutation's info finding, got %+v", res.Findings)
	}
	full := e.Judge(Input{Operation: rules.Create, Object: cm(map[string]string{"k": "bad"})})
	if calls != 1 || len(full.Findings) != 2 {
		t.Errorf("without NoValidate: %d Validate call(s), findings %+v", calls, full.Findings)
	}
}
