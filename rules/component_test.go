package rules

import (
	"slices"
	"testing"
)

// registerForTest registers descriptors and removes them when t ends, so
// the package's global registry is left as the other tests expect it.
func registerForTest(t *testing.T, ds ...Descriptor) {
	t.Helper()
	for _, d := range ds {
		RegisterComponent(d)
	}
	t.Cleanup(func() {
		components.Lock()
		defer components.Unlock()
		for _, d := range ds {
			delete(components.byName, d.Name)
		}
		components.sorted = sortDescriptors(components.byName)
	})
}

func testDescriptor(name Component, order int, key string) Descriptor {
	return Descriptor{
		Name: name, Title: string(name), Order: order, Kind: "ConfigMap", TargetsKey: key,
		Targets: func() TargetSection { return NewNameTargets([]string{"kube-system"}, []string{string(name)}) },
		Checker: func() Checker { return nil },
	}
}

func TestComponentsAreListedByOrderThenName(t *testing.T) {
	registerForTest(t, testDescriptor("zeta", 10, "zeta"), testDescriptor("beta", 20, "beta"), testDescriptor("alpha", 20, "alpha"))
	var got []Component
	for _, d := range Components() {
		got = append(got, d.Name)
	}
	if want := []Component{"zeta", "alpha", "beta"}; !slices.Equal(got, want) {
		t.Fatalf("Components() = %v, want %v", got, want)
	}
	if r := ComponentRank("alpha"); r != 1 {
		t.Errorf("ComponentRank(alpha) = %d, want 1", r)
	}
	if r := ComponentRank("netguard"); r != 3 {
		t.Errorf("ComponentRank of an unregistered component = %d, want 3 (after every registered one)", r)
	}
	if d, ok := LookupComponent("beta"); !ok || d.TargetsKey != "beta" {
		t.Errorf("LookupComponent(beta) = %+v, %v", d, ok)
	}
	if _, ok := LookupComponent("missing"); ok {
		t.Error("LookupComponent found an unregistered component")
	}
}

func TestRegisterComponentRefusesClashesAndIncompleteDescriptors(t *testing.T) {
	registerForTest(t, testDescriptor("one", 1, "one"))
	withFact := testDescriptor("two", 2, "two")
	withFact.Facts = []Fact{{Key: "twoVersion", Flag: "two-version"}}
	registerForTest(t, withFact)
	noTargets := testDescriptor("three", 3, "three")
	noTargets.Targets = nil
	halfMutations := testDescriptor("four", 4, "four")
	halfMutations.MutationsKey = "four"
	sameFact := testDescriptor("five", 5, "five")
	sameFact.Facts = []Fact{{Key: "fiveVersion", Flag: "two-version"}}
	for name, d := range map[string]Descriptor{
		"duplicate name":            testDescriptor("one", 9, "other"),
		"duplicate targets key":     testDescriptor("other", 9, "one"),
		"no targets":                noTargets,
		"mutations key without use": halfMutations,
		"duplicate fact flag":       sameFact,
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterComponent accepted %+v", d)
				}
			}()
			RegisterComponent(d)
		})
	}
}

func TestNameTargetsDefaultsOnlyWhatIsLeftOut(t *testing.T) {
	s := NewNameTargets([]string{"kube-system"}, []string{"cfg", "cfg-*"})
	s.Names = []string{"mine"}
	s.ApplyDefaults()
	if !slices.Equal(s.Namespaces, []string{"kube-system"}) || !slices.Equal(s.Names, []string{"mine"}) {
		t.Fatalf("after defaults: %+v", s.NameSet)
	}
	if _, ok := s.Match("kube-system", "mine"); !ok {
		t.Error("configured name not matched")
	}
	if _, ok := s.Match("kube-system", "cfg"); ok {
		t.Error("a default name matched although the section configured its own")
	}
	bad := NewNameTargets(nil, nil)
	bad.Names = []string{"["}
	if errs := bad.Validate(); len(errs) != 1 {
		t.Errorf("Validate of a bad pattern = %v, want one error", errs)
	}
}

func TestNamespaceTargetsSelectEveryNamespaceButExcluded(t *testing.T) {
	s := &NamespaceTargets{ExcludeNamespaces: []string{"sandbox"}}
	s.ApplyDefaults()
	if _, ok := s.Match("default", "x"); !ok {
		t.Error("enabled by default, but default/x not matched")
	}
	if _, ok := s.Match("sandbox", "x"); ok {
		t.Error("excluded namespace matched")
	}
	if sc := s.Scope(); sc.Disabled || !sc.AllNamespaces {
		t.Errorf("Scope = %+v", sc)
	}
	off := false
	s.Enabled = &off
	if _, ok := s.Match("default", "x"); ok || !s.Scope().Disabled {
		t.Error("disabled section still selects")
	}
}
