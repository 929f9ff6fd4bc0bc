package rules

import (
	"fmt"
	"slices"
	"sort"
	"sync"
)

// A Descriptor is everything netguard knows about a component besides its
// rules: which objects it judges, how they are configured, what it reads
// from the cluster and which flags set those facts. Matching, the target
// namespaces of scan and the webhook's informers, the configuration file's
// targets/mutations sections, the `rules` order and docs/rules.md all follow
// from the registered descriptors, so adding a component is one package
// plus one import line in rules/all.
//
// A component registers its descriptor from an init function next to its
// rules, e.g. rules/coredns/component.go:
//
//	// Component is the name of CoreDNS's rules and configuration sections.
//	const Component rules.Component = "coredns"
//
//	func init() {
//		rules.RegisterComponent(rules.Descriptor{
//			Name:       Component,
//			Title:      "CoreDNS",
//			Order:      50,
//			Kind:       "ConfigMap",
//			TargetsKey: "coredns", // targets.coredns in the configuration file
//			Targets: func() rules.TargetSection {
//				return rules.NewNameTargets([]string{"kube-system"}, []string{"coredns", "node-local-dns"})
//			},
//			DataKeys: []rules.DataKey{{Key: "Corefile", Format: rules.FormatText,
//				Role: "the Corefile CoreDNS (and NodeLocal DNSCache's node-cache) loads"}},
//			RestartAdvice: "with the reload plugin CoreDNS re-reads the Corefile within its reload interval; without it, restart the coredns pods",
//			Checker:       New, // func New() rules.Checker
//		})
//	}
//
// and registers its rules with Register as before (Rule.Component = Component).
type Descriptor struct {
	// Name is the component's stable name: Rule.Component of its rules and
	// Checker.Component() of its checker.
	Name Component
	// Title is the human name ("Terway", "kube-proxy", "Services").
	Title string
	// Order places the component wherever components are listed (`netguard
	// rules`, docs/rules.md, informers, scan); ascending, ties by Name.
	Order int
	// Kind is the API kind of the objects the component judges (core/v1,
	// e.g. "ConfigMap" or "Service"; see LookupKind).
	Kind string
	// TargetsKey is the key of the component's section under targets: in the
	// configuration file ("kubeProxy" for targets.kubeProxy).
	TargetsKey string
	// Targets returns a new, empty target section; the configuration file's
	// section is decoded into it (unknown fields are errors), then its
	// defaults are applied. Required.
	Targets func() TargetSection
	// MutationsKey and Mutations are the same for the component's section
	// under mutations: (optional: components without fixes leave them empty).
	MutationsKey string
	Mutations    func() Section
	// DataKeys are the keys of the object's data the component reads.
	DataKeys []DataKey
	// RestartAdvice says what makes a stored change take effect (restart
	// the pods, wait for a reload); docs show it with the component.
	RestartAdvice string
	// Facts are the cluster facts only this component's rules read (beyond
	// the shared ones in ClusterContext: Kubernetes version, CIDRs, nodes).
	Facts []Fact
	// Checker returns the component's checker (rules/all builds the engine
	// from the registered descriptors). Required.
	Checker func() Checker
}

// Format is how a data key's value is written.
type Format string

const (
	FormatJSON Format = "json"
	FormatYAML Format = "yaml"
	FormatText Format = "text"
)

// DataKey is one key of a ConfigMap's data that a component reads.
type DataKey struct {
	Key    string
	Format Format
	// Role says what the component does with the value.
	Role string
}

// Fact is a cluster fact a component declares: a value in the cluster:
// section of the configuration file (Key) that `netguard lint` also takes
// as a flag (Flag, without dashes). Rules read it with ClusterContext.Fact.
type Fact struct {
	Key   string // e.g. "flannelVersion": cluster.flannelVersion
	Flag  string // e.g. "flannel-version": --flannel-version
	Usage string // flag help
}

// Section is one component's section of the configuration file (under
// targets: or mutations:). Implementations are pointers to structs with
// json tags: the configuration is decoded into them strictly and the
// strict YAML check walks their fields.
type Section interface {
	// ApplyDefaults fills in what the file left out.
	ApplyDefaults()
	// Validate returns the section's mistakes ("bad name pattern ...").
	Validate() []string
}

// TargetSection is a component's targets: section: which objects it judges.
type TargetSection interface {
	Section
	// Match returns the role of the object namespace/name (of the
	// descriptor's Kind) when the section selects it.
	Match(namespace, name string) (Role, bool)
	// Scope summarises the selection for those that list or watch objects
	// or build webhook configurations.
	Scope() Scope
}

// Scope is a target section's selection in terms of namespaces and names.
type Scope struct {
	// Disabled sections select nothing.
	Disabled bool
	// AllNamespaces selects objects in every namespace except
	// ExcludeNamespaces; otherwise only those in Namespaces.
	AllNamespaces     bool
	Namespaces        []string
	ExcludeNamespaces []string
	// Names are path.Match patterns by role; nil means every name.
	Names []RoleNames
}

// RoleNames are the name patterns selecting objects of one role, and the
// field of the target section that holds them (the chart's generated
// matchConditions read that field of its values).
type RoleNames struct {
	Role  Role
	Field string // e.g. "names", "overrides"
	Names []string
}

var components = struct {
	sync.RWMutex
	byName map[Component]Descriptor
	// sorted is byName in Components() order, rebuilt on registration:
	// matching walks it for every object.
	sorted []Descriptor
}{byName: map[Component]Descriptor{}}

// RegisterComponent adds a component's descriptor. It panics on a duplicate
// or incomplete descriptor: descriptors are registered at init time and a
// broken one is a programming error.
func RegisterComponent(d Descriptor) {
	if d.Name == "" || d.Title == "" || d.Kind == "" || d.TargetsKey == "" || d.Targets == nil || d.Checker == nil ||
		(d.MutationsKey == "") != (d.Mutations == nil) {
		panic(fmt.Sprintf("rules: incomplete component descriptor %+v", d))
	}
	if _, ok := LookupKind(d.Kind); !ok {
		panic(fmt.Sprintf("rules: component %q judges the unregistered kind %q (see RegisterKind)", d.Name, d.Kind))
	}
	components.Lock()
	defer components.Unlock()
	for _, o := range components.byName {
		if o.Name == d.Name || o.TargetsKey == d.TargetsKey || (d.MutationsKey != "" && o.MutationsKey == d.MutationsKey) {
			panic(fmt.Sprintf("rules: component %q clashes with %q (name or configuration key)", d.Name, o.Name))
		}
		for _, f := range d.Facts {
			for _, g := range o.Facts {
				if f.Key == g.Key || f.Flag == g.Flag {
					panic(fmt.Sprintf("rules: fact %q of %q clashes with %q", f.Key, d.Name, o.Name))
				}
			}
		}
	}
	components.byName[d.Name] = d
	components.sorted = sortDescriptors(components.byName)
}

// Components returns every registered descriptor ordered by Order, then Name.
func Components() []Descriptor { return slices.Clone(sortedComponents()) }

// sortedComponents is Components() without the copy, for callers that only
// read it.
func sortedComponents() []Descriptor {
	components.RLock()
	defer components.RUnlock()
	return components.sorted
}

func sortDescriptors(byName map[Component]Descriptor) []Descriptor {
	out := make([]Descriptor, 0, len(byName))
	for _, d := range byName {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// LookupComponent returns the descriptor of the named component.
func LookupComponent(name Component) (Descriptor, bool) {
	components.RLock()
	defer components.RUnlock()
	d, ok := components.byName[name]
	return d, ok
}

// factKeys are the registered components' fact keys.
func factKeys() map[string]bool {
	out := map[string]bool{}
	for _, d := range sortedComponents() {
		for _, f := range d.Facts {
			out[f.Key] = true
		}
	}
	return out
}

// ComponentRank is the position of a component in Components() (rules of
// an unregistered component such as "netguard" itself sort after all).
func ComponentRank(name Component) int {
	ds := sortedComponents()
	for i, d := range ds {
		if d.Name == name {
			return i
		}
	}
	return len(ds)
}
