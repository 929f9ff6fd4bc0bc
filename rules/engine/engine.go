// Package engine runs the component checkers of package rules over one
// object: it decides whether the object is targeted, applies the configured
// mutations, validates the result, applies severity overrides and scrubs
// secrets. The webhook and `netguard lint` both call Engine.Judge, so they
// can never disagree.
package engine

import (
	"fmt"
	"reflect"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	corev1 "k8s.io/api/core/v1"
)

// Engine judges objects with a fixed set of checkers and one configuration.
type Engine struct {
	config   *rules.Config
	checkers map[rules.Component]rules.Checker
}

// New returns an engine over the given checkers. A nil config means
// rules.DefaultConfig().
func New(cfg *rules.Config, checkers ...rules.Checker) *Engine {
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	e := &Engine{config: cfg, checkers: map[rules.Component]rules.Checker{}}
	for _, c := range checkers {
		e.checkers[c.Component()] = c
	}
	return e
}

// Config returns the engine's configuration.
func (e *Engine) Config() *rules.Config { return e.config }

// Input is one object to judge.
type Input struct {
	Operation rules.Operation
	// Object is an object of a registered kind (rules.RegisterKind:
	// *corev1.ConfigMap, *corev1.Service); OldObject (UPDATE only) has the
	// same type.
	Object    any
	OldObject any
	// Cluster is the cluster context; nil means the configuration's.
	Cluster *rules.ClusterContext
	// NoMutate judges the object as written, without the configured fixes.
	NoMutate bool
	// NoValidate applies only the configured fixes: Findings then hold just
	// the mutation rules' info findings. The mutating webhook uses it; the
	// validating webhook judges the mutated object anyway.
	NoValidate bool
	// Signatures asks only for each finding's signature (rule, severity,
	// key, path, position), as ratcheting compares them: messages and
	// hints are left empty and not built, secrets are not collected (there
	// is no text to scrub) and Findings are not sorted. Everything else,
	// which findings there are included, is as without it.
	Signatures bool
}

// Result is the engine's decision about one object.
type Result struct {
	// Judged is false when the object is not netguard's business (not
	// targeted, being deleted, or an update that changed nothing judged).
	Judged bool
	// Skipped says why Judged is false.
	Skipped string
	Target  rules.Target
	// Findings after overrides, sorted, secrets scrubbed. Mutations appear
	// as info findings of their mutation rule.
	Findings []rules.Finding
	// Waived are the findings the object's netguard.io/ignore annotation
	// waived (not in Findings; reported by an NG004 finding there).
	Waived []rules.Finding
	// Changes made by mutation (secrets scrubbed).
	Changes []rules.Change
	// Mutated holds the mutated object (of the input's type), or nil.
	Mutated rules.Object
}

// Denied reports whether any finding denies the object.
func (r *Result) Denied() bool { return rules.HasDeny(r.Findings) }

// Judge decides about one object. It never panics: a checker panic becomes
// an NG001 finding so that one bad rule cannot take the webhook down.
func (e *Engine) Judge(in Input) (res Result) {
	kind, meta, ok := rules.KindOf(in.Object)
	if !ok {
		return Result{Skipped: fmt.Sprintf("object of type %T is not judged", in.Object)}
	}
	target, ok := e.config.Match(kind, meta.GetNamespace(), meta.GetName())
	if !ok {
		return Result{Skipped: "not targeted"}
	}
	res.Target = target
	if in.Operation == rules.Delete {
		res.Skipped = "deletions are never judged"
		return res
	}
	if meta.GetDeletionTimestamp() != nil {
		res.Skipped = "object is being deleted"
		return res
	}
	// The old object counts when it is of the object's type; absent, nil
	// or of another type, the update is judged as a whole.
	var old rules.Object
	if _, o, ok := rules.KindOf(in.OldObject); ok && reflect.TypeOf(o) == reflect.TypeOf(meta) {
		old = o
	}
	if in.Operation == rules.Update && in.OldObject != nil && !semanticChange(kind, meta, old) {
		res.Skipped = "update changes only metadata or status"
		return res
	}
	checker, ok := e.checkers[target.Component]
	if !ok {
		res.Skipped = "no checker for " + string(target.Component)
		return res
	}
	cluster := in.Cluster
	if cluster == nil {
		cluster = &e.config.Cluster
	}
	req := &rules.Request{Operation: in.Operation, Target: target, Object: meta, OldObject: old, Cluster: cluster, Config: e.config, NoTexts: in.Signatures}
	res.Judged = true

	defer func() {
		if p := recover(); p != nil {
			r := rules.NewReport(kind, meta.GetNamespace(), meta.GetName())
			r.Add(InternalErrorRule, rules.Loc{}, fmt.Sprintf("netguard could not judge this object (internal error in the %s rules: %v); the object was not checked", target.Component, p), "report this as a netguard bug; the object is allowed meanwhile")
			res.Findings = r.Findings
			res.Changes = nil
			res.Mutated = nil
		}
	}()

	var findings []rules.Finding
	if !in.NoMutate {
		m := checker.Mutate(req)
		if len(m.Changes) > 0 {
			res.Changes = m.Changes
			if m.Object != nil {
				res.Mutated = m.Object
				req.Object = m.Object
			}
			r := req.NewReport(kind, meta.GetNamespace(), meta.GetName())
			for _, c := range m.Changes {
				if r.NoTexts {
					r.Add(c.Rule, rules.Loc{Key: c.Key, Path: c.Path}, "", "")
					continue
				}
				r.Add(c.Rule, rules.Loc{Key: c.Key, Path: c.Path}, fmt.Sprintf("netguard set %s to %s (was %s): %s", c.Path, c.New, c.Old, c.Description), "")
			}
			findings = append(findings, r.Findings...)
		}
	}
	if !in.NoValidate {
		findings = append(findings, checker.Validate(req)...)
	}
	findings = e.config.ApplySeverities(findings)
	findings, res.Waived = applyExceptions(e.config, kind, meta.GetNamespace(), meta.GetName(), meta.GetAnnotations(), findings)
	if in.Signatures && len(res.Changes) == 0 {
		// No text to scrub; changes (their values) are scrubbed below.
		res.Findings = findings
		return res
	}

	secrets := secretValues(in.Object, in.OldObject, res.Mutated)
	for _, fs := range [][]rules.Finding{findings, res.Waived} {
		for i := range fs {
			fs[i].Message = rules.Scrub(fs[i].Message, secrets)
			fs[i].Hint = rules.Scrub(fs[i].Hint, secrets)
		}
	}
	for i := range res.Changes {
		res.Changes[i].Old = rules.Scrub(res.Changes[i].Old, secrets)
		res.Changes[i].New = rules.Scrub(res.Changes[i].New, secrets)
		res.Changes[i].Description = rules.Scrub(res.Changes[i].Description, secrets)
	}
	rules.SortFindings(findings)
	res.Findings = findings
	return res
}

// InternalErrorRule is reported when a checker panics.
const InternalErrorRule = "NG001"

func init() {
	rules.Register(rules.Rule{
		ID:        InternalErrorRule,
		Title:     "netguard could not judge the object",
		Severity:  rules.Warn,
		Component: "netguard",
		Rationale: "A rule failed unexpectedly. netguard never blocks an object because of its own bug: the object is allowed and this warning says it was not checked.",
		Good:      "(no finding)",
		Bad:       "(an internal error)",
	})
}

// semanticChange reports whether an update touches anything the rules
// judge, as the kind defines it (data for ConfigMaps; spec and annotations
// for Services). Old is of the same kind as obj.
func semanticChange(kind string, obj, old rules.Object) bool {
	k, ok := rules.LookupKind(kind)
	if !ok || old == nil {
		return true
	}
	return k.Changed(obj, old)
}

// secretValues collects credential values from every JSON document in the
// ConfigMaps involved, so that no message can echo them even by accident.
func secretValues(objs ...any) []string {
	var out []string
	// An UPDATE's old object (and a mutated copy) mostly repeats the
	// object's values: each distinct value is searched once, and its
	// secrets are listed for every occurrence as before.
	var done map[string][]string
	for _, obj := range objs {
		cm, ok := obj.(*corev1.ConfigMap)
		if !ok || cm == nil {
			continue
		}
		for _, v := range cm.Data {
			found, seen := done[v]
			if !seen {
				if gjson.Valid(v) {
					found = rules.SecretValues(gjson.Parse(v))
				} else {
					found = rules.SecretValuesInText(v)
				}
				if done == nil {
					done = map[string][]string{}
				}
				done[v] = found
			}
			out = append(out, found...)
		}
	}
	return out
}
