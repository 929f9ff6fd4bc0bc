// Package webhook serves netguard's rule engine as a Kubernetes admission
// webhook: a validating hook (/validate) that denies what a component would
// not survive and warns about the rest, and a mutating hook (/mutate) that
// applies the configured certain fixes as a JSON patch.
//
// admission.go is the pure adapter between admission.k8s.io/v1
// AdmissionReview and rules/engine; server.go runs it behind
// controller-runtime's webhook server with TLS, metrics and health probes.
package webhook

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Hook names the two admission endpoints.
type Hook string

const (
	Validating Hook = "validate"
	Mutating   Hook = "mutate"
)

// Decisions reported in audit annotations, logs and metrics.
const (
	DecisionAllowed = "allowed"
	DecisionDenied  = "denied"
	DecisionMutated = "mutated"
	DecisionSkipped = "skipped"
)

// Audit annotation keys. The API server prefixes them with the webhook
// configuration's name ("netguard.example.com/decision"), so they must be
// the name part of a qualified name.
const (
	AnnotationDecision  = "decision"
	AnnotationRules     = "rules"
	AnnotationDenied    = "denied-rules"
	AnnotationRatcheted = "ratcheted-rules"
	AnnotationWaived    = "waived-rules" // waived by the object's netguard.io/ignore
	AnnotationChanges   = "changes"
	AnnotationSkip      = "skip-reason"
)

// Limits that keep our output within what the API server passes on.
// k8s.io/apiserver/pkg/endpoints/filters/warning.go truncates every warning
// to 256 runes once the warnings of a request exceed 4096 runes in total,
// and drops warnings containing control characters
// (k8s.io/apimachinery/pkg/util/net.NewWarningHeader).
const (
	MaxWarningRunes      = 256
	MaxTotalWarningRunes = 4096
	// MaxAnnotationValue bounds each audit annotation value (bytes).
	MaxAnnotationValue = 1024
	// PreExistingMarker tags ratcheted deny findings returned as warnings.
	PreExistingMarker = "(pre-existing, not introduced by this edit)"
	// DeniedMarker tags deny findings repeated as warnings for `kubectl
	// edit` (see warningTexts).
	DeniedMarker = "(denied, not saved)"
)

// Snapshot is what one review is judged with: the engine built from the
// current configuration and the current cluster context.
type Snapshot struct {
	Engine *engine.Engine
	// Cluster is the cluster context; nil means the engine configuration's.
	Cluster *rules.ClusterContext
	// Warnings say which parts of the cluster context are stale or
	// unavailable; the validating hook returns them with every judged
	// object so a user knows which checks ran on the file's facts only.
	Warnings []string
}

// Admission turns AdmissionRequests into engine judgements and back. It is
// safe for concurrent use. All fields are read-only after construction.
type Admission struct {
	// Snapshot returns the engine and cluster context to judge with; it must
	// not block (it is called on the request path).
	Snapshot func() Snapshot
	// Ratcheting turns deny findings that the old object of an UPDATE
	// already had into warnings.
	Ratcheting bool
	// RatchetCache is how many judgements (deny signatures) to remember
	// for ratcheting (see ratchetcache.go); 0 remembers none, and every
	// denied UPDATE judges its old object again.
	RatchetCache int
	// InfoWarnings also returns info findings (restart advice) as warnings,
	// after the warn findings.
	InfoWarnings bool
	// Reporter receives metrics; nil means none.
	Reporter Reporter
	// Log receives one line per decision.
	Log logr.Logger

	cacheOnce sync.Once
	cache     *judgementCache // nil when RatchetCache is 0
}

// Outcome is a review's response plus what the logs and metrics need.
type Outcome struct {
	Response *admissionv1.AdmissionResponse
	Decision string
	// Rules are the IDs of every finding returned (sorted, unique).
	Rules []string
	// Findings are the findings after ratcheting (for metrics).
	Findings  []rules.Finding
	Component rules.Component
	Object    string
	Kind      string
}

// Review judges one AdmissionRequest for the given hook. It never panics
// and never returns nil; a request that is not netguard's business is
// allowed untouched.
func (a *Admission) Review(hook Hook, req *admissionv1.AdmissionRequest) (out Outcome) {
	out = Outcome{Response: &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}, Decision: DecisionSkipped}
	defer func() {
		if p := recover(); p != nil {
			// Never block because of our own bug.
			out = Outcome{Response: &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}, Decision: DecisionSkipped}
			out.Response.AuditAnnotations = map[string]string{AnnotationDecision: DecisionSkipped, AnnotationSkip: limit(fmt.Sprintf("internal error: %v", p), MaxAnnotationValue)}
			out.Response.Warnings = []string{"netguard could not judge this object (internal error); it was allowed unchecked"}
		}
	}()
	skip := func(reason string) Outcome {
		out.Response.AuditAnnotations = map[string]string{AnnotationDecision: DecisionSkipped, AnnotationSkip: limit(reason, MaxAnnotationValue)}
		return out
	}
	out.Kind = req.Kind.Kind
	out.Object = objectName(req.Namespace, req.Name)

	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return skip(fmt.Sprintf("operation %s is not judged", req.Operation))
	}
	if req.SubResource != "" {
		return skip(fmt.Sprintf("subresource %s is not judged", req.SubResource))
	}
	if k, ok := rules.LookupKind(req.Kind.Kind); !ok || req.Kind.Group != k.Group || req.Kind.Version != k.Version {
		return skip(fmt.Sprintf("kind %s is not judged", gvkString(req.Kind)))
	}
	snap := a.Snapshot()
	if snap.Engine == nil {
		return skip("no engine configured")
	}
	// An object netguard does not target is answered before it is decoded
	// (most ConfigMap writes, when the webhook is registered without
	// matchConditions). The request names the object except on a CREATE
	// with generateName, which is decoded and matched below.
	if req.Name != "" {
		if _, ok := snap.Engine.Config().Match(req.Kind.Kind, req.Namespace, req.Name); !ok {
			return skip("not targeted")
		}
	}
	obj, err := decodeObject(req.Kind.Kind, req.Object.Raw)
	if err != nil {
		return skip(fmt.Sprintf("object could not be decoded: %v", err))
	}
	// The name of a created object may be generated; the object knows it.
	if m, ok := obj.(metav1.Object); ok && out.Object == "" {
		out.Object = objectName(m.GetNamespace(), m.GetName())
	}
	var old any
	if req.Operation == admissionv1.Update && len(req.OldObject.Raw) > 0 {
		if o, err := decodeObject(req.Kind.Kind, req.OldObject.Raw); err == nil {
			old = o
		}
	}

	in := engine.Input{
		Operation: rules.Operation(req.Operation),
		Object:    obj,
		OldObject: old,
		Cluster:   snap.Cluster,
		NoMutate:  hook == Validating,
		// The mutating hook returns only the fixes (and their info
		// findings); validation is the validating hook's job, which the
		// API server calls with the mutated object.
		NoValidate: hook == Mutating,
	}
	res := snap.Engine.Judge(in)
	if !res.Judged {
		return skip(res.Skipped)
	}
	out.Component = res.Target.Component

	if hook == Mutating {
		return a.mutateResponse(out, obj, res)
	}
	// Who edits matters only for a denial: the options are read then.
	return a.validateResponse(out, snap, in, old, res, func() bool { return fromEditor(req) })
}

// EditorFieldManager is the field manager `kubectl edit` writes with (its
// --field-manager default, k8s.io/kubectl/pkg/cmd/edit/edit.go:104 at
// v0.37.2).
const EditorFieldManager = "kubectl-edit"

// fromEditor reports whether the request comes from `kubectl edit`: the
// request's options (PatchOptions, UpdateOptions or CreateOptions) name its
// field manager.
func fromEditor(req *admissionv1.AdmissionRequest) bool {
	if len(req.Options.Raw) == 0 {
		return false
	}
	var opts struct {
		FieldManager string `json:"fieldManager"`
	}
	return json.Unmarshal(req.Options.Raw, &opts) == nil && opts.FieldManager == EditorFieldManager
}

func (a *Admission) validateResponse(out Outcome, snap Snapshot, in engine.Input, old any, res engine.Result, editor func() bool) Outcome {
	findings := res.Findings
	var ratcheted []rules.Finding
	cache := a.ratchetCache()
	if cache != nil && in.Operation == rules.Create {
		// This judgement is the one ratcheting would make of this object
		// as the old object of a later UPDATE.
		if key, ok := digestObject(out.Kind, in.Object); ok {
			cache.put(snap, key, res.Findings)
		}
	}
	if a.Ratcheting && old != nil && res.Denied() {
		findings, ratcheted = Ratchet(findings, a.oldDenies(cache, snap, out.Kind, old))
	}
	out.Findings = findings

	var denies, warns, infos []rules.Finding
	for _, f := range findings {
		switch f.Severity {
		case rules.Deny:
			denies = append(denies, f)
		case rules.Warn:
			warns = append(warns, f)
		case rules.Info:
			infos = append(infos, f)
		}
	}
	// Stale or unavailable cluster context first: it tells how far the
	// findings below can be trusted.
	out.Response.Warnings = LimitWarnings(append(slices.Clone(snap.Warnings), warningTexts(denies, ratcheted, warns, infos, a.InfoWarnings, len(denies) > 0 && editor())...))
	out.Rules = ruleIDs(findings)
	ann := map[string]string{AnnotationRules: joinIDs(out.Rules)}
	if len(ratcheted) > 0 {
		ann[AnnotationRatcheted] = joinIDs(ruleIDs(ratcheted))
	}
	if len(res.Waived) > 0 {
		ann[AnnotationWaived] = joinIDs(ruleIDs(res.Waived))
	}
	if len(denies) > 0 {
		out.Decision = DecisionDenied
		out.Response.Allowed = false
		out.Response.Result = DenyStatus(out.Kind, in.Object, denies, len(ratcheted))
		ann[AnnotationDenied] = joinIDs(ruleIDs(denies))
	} else {
		out.Decision = DecisionAllowed
	}
	ann[AnnotationDecision] = out.Decision
	out.Response.AuditAnnotations = limitAnnotations(ann)
	return out
}

func (a *Admission) mutateResponse(out Outcome, obj any, res engine.Result) Outcome {
	out.Decision = DecisionAllowed
	ann := map[string]string{}
	var mutated any
	if res.Mutated != nil {
		mutated = res.Mutated
	}
	if mutated != nil && len(res.Changes) > 0 {
		ops, err := Patch(obj, mutated)
		if err != nil {
			// Fail open: a fix we cannot express is not applied.
			out.Response.Warnings = []string{limitRunes(sanitize("netguard could not build its patch ("+err.Error()+"); the object was not changed"), MaxWarningRunes)}
			ann[AnnotationDecision] = DecisionAllowed
			ann[AnnotationRules] = "none"
			out.Response.AuditAnnotations = ann
			return out
		}
		if len(ops) > 0 {
			patch, err := json.Marshal(ops)
			if err == nil {
				pt := admissionv1.PatchTypeJSONPatch
				out.Response.Patch = patch
				out.Response.PatchType = &pt
				out.Decision = DecisionMutated
				var texts, changes []string
				for _, c := range res.Changes {
					texts = append(texts, ChangeText(out.Kind, out.Object, c))
					changes = append(changes, changeAnnotation(c))
					out.Rules = append(out.Rules, c.Rule)
				}
				out.Response.Warnings = LimitWarnings(texts)
				ann[AnnotationChanges] = strings.Join(changes, "; ")
				for _, f := range res.Findings {
					if slices.Contains(out.Rules, f.Rule) {
						out.Findings = append(out.Findings, f)
					}
				}
			}
		}
	}
	out.Rules = uniqueSorted(out.Rules)
	ann[AnnotationDecision] = out.Decision
	ann[AnnotationRules] = joinIDs(out.Rules)
	out.Response.AuditAnnotations = limitAnnotations(ann)
	return out
}

// warningTexts orders a validating response's warnings: the reasons of a
// denial (only for `kubectl edit`, see below) first, then the ratcheted
// pre-existing problems, the warn findings and, when enabled, the info
// findings. When the edit is denied, restart advice is left out: nothing
// was stored, so there is nothing to restart for.
//
// Why the deny findings are repeated as warnings for `kubectl edit`: for a
// 422 Invalid, kubectl edit prints only `error: configmaps "NAME" is
// invalid` and puts the causes into the header of the buffer it reopens
// (editResults.addError, k8s.io/kubectl/pkg/cmd/util/editor/editoptions.go:839-851
// at v0.37.2). With -o json it writes no header at all
// (editPrinterOptions.Complete sets addHeader=false for json, lines 136-142;
// the header is written only `if o.editPrinterOptions.addHeader`, line 275),
// so the operator never sees why. Warnings are printed on stderr for every
// response, denied ones included (the API server adds them before it checks
// Allowed, k8s.io/apiserver/pkg/admission/plugin/webhook/validating/dispatcher.go:326-332),
// so they are the one channel that reaches the operator in both modes.
// Returning 422 Invalid keeps the YAML mode's reopened buffer and the
// causes that kubectl apply/create print; other clients already show the
// causes or the message, so they do not get the same text twice.
func warningTexts(denies, ratcheted, warns, infos []rules.Finding, withInfos, editor bool) []string {
	var texts []string
	if editor {
		for _, f := range denies {
			// kubectl names the object on the next line (`error:
			// configmaps "NAME" is invalid`); leaving it out here keeps
			// more of the message within MaxWarningRunes.
			f.Kind, f.Object = "", ""
			texts = append(texts, WarningText(f, DeniedMarker))
		}
	}
	for _, f := range ratcheted {
		texts = append(texts, WarningText(f, PreExistingMarker))
	}
	for _, f := range warns {
		texts = append(texts, WarningText(f, ""))
	}
	if withInfos {
		for _, f := range infos {
			if len(denies) > 0 && rules.IsRestartAdvice(f.Rule) {
				continue
			}
			texts = append(texts, WarningText(f, ""))
		}
	}
	return texts
}

// Ratchet splits the deny findings of an update: those the old object
// already had (same rule, key and path; counted, so a second occurrence is
// still new) are returned separately as pre-existing warnings; everything
// else is kept as is.
func Ratchet(findings, old []rules.Finding) (kept, preExisting []rules.Finding) {
	type sig struct{ rule, key, path string }
	had := map[sig]int{}
	for _, f := range old {
		if f.Severity == rules.Deny {
			had[sig{f.Rule, f.Key, f.Path}]++
		}
	}
	for _, f := range findings {
		s := sig{f.Rule, f.Key, f.Path}
		if f.Severity == rules.Deny && had[s] > 0 {
			had[s]--
			preExisting = append(preExisting, f)
			continue
		}
		kept = append(kept, f)
	}
	return kept, preExisting
}

// DenyStatus builds the Status of a denial: a message listing every deny
// finding (readable at the top of a `kubectl edit` buffer) and one field
// cause per finding.
func DenyStatus(kind string, obj any, denies []rules.Finding, preExisting int) *metav1.Status {
	name, object := "", ""
	if m, ok := obj.(metav1.Object); ok {
		name = m.GetName()
		object = objectName(m.GetNamespace(), m.GetName())
	}
	var b strings.Builder
	noun := "problem"
	if len(denies) > 1 {
		noun = "problems"
	}
	fmt.Fprintf(&b, "netguard denied %s %s: %d %s the component would not survive:", kind, object, len(denies), noun)
	causes := make([]metav1.StatusCause, 0, len(denies))
	for i, f := range denies {
		fmt.Fprintf(&b, "\n%d. [%s]", i+1, f.Rule)
		if w := f.Where(); w != "" {
			b.WriteString(" " + w)
		}
		b.WriteString(": " + f.Message)
		if f.Hint != "" {
			b.WriteString("\n   Fix: " + f.Hint)
		}
		causes = append(causes, metav1.StatusCause{
			Type:    metav1.CauseTypeFieldValueInvalid,
			Message: causeMessage(f),
			Field:   f.FieldPath(),
		})
	}
	if preExisting > 0 {
		fmt.Fprintf(&b, "\n(%d pre-existing problem(s) not introduced by this edit are returned as warnings.)", preExisting)
	}
	return &metav1.Status{
		Status:  metav1.StatusFailure,
		Code:    http.StatusUnprocessableEntity,
		Reason:  metav1.StatusReasonInvalid,
		Message: b.String(),
		Details: &metav1.StatusDetails{Name: name, Kind: kind, Causes: causes},
	}
}

// causeMessage renders one deny finding for its StatusCause. For an Invalid
// status kubectl prints only the causes (`<field>: <message>`), never the
// status message, so each cause must carry the position inside the embedded
// document and the fix on its own.
func causeMessage(f rules.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]", f.Rule)
	loc := f
	loc.Key = "" // the cause's Field already names the data key
	if w := loc.Where(); w != "" {
		b.WriteString(" " + w)
	}
	b.WriteString(": " + f.Message)
	if f.Hint != "" {
		b.WriteString(" Fix: " + f.Hint)
	}
	return b.String()
}

// ChangeText renders a mutation as one warning so that the user learns that
// netguard changed the object.
func ChangeText(kind, object string, c rules.Change) string {
	return limitRunes(sanitize(fmt.Sprintf("%s %s %s: netguard %s", c.Rule, kind, object, strings.TrimPrefix(c.String(), c.Rule+" "))), MaxWarningRunes)
}

// LimitWarnings keeps the warnings within MaxTotalWarningRunes: when they do
// not fit, the last one kept says how many were left out.
func LimitWarnings(ws []string) []string {
	if len(ws) == 0 {
		return nil
	}
	total := 0
	for _, w := range ws {
		total += utf8.RuneCountInString(w)
	}
	if total <= MaxTotalWarningRunes {
		return ws
	}
	const reserve = 100
	var out []string
	used := 0
	for i, w := range ws {
		n := utf8.RuneCountInString(w)
		if used+n > MaxTotalWarningRunes-reserve {
			out = append(out, fmt.Sprintf("netguard: %d more finding(s) not shown (warning size limit); run `netguard lint` on this object to see all", len(ws)-i))
			return out
		}
		used += n
		out = append(out, w)
	}
	return out
}

// Patch computes the JSON patch that turns obj into mutated. Both are
// rendered through the same typed encoding so that only real changes appear;
// the patch is restricted to data, binaryData, spec and metadata
// annotations/labels, and ordered by path.
func Patch(obj, mutated any) ([]jsonpatch.Operation, error) {
	a, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(mutated)
	if err != nil {
		return nil, err
	}
	ops, err := jsonpatch.CreatePatch(a, b)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if !patchable(op.Path) {
			return nil, fmt.Errorf("mutation touches %s, which netguard never patches", op.Path)
		}
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Path < ops[j].Path })
	return ops, nil
}

func patchable(p string) bool {
	for _, prefix := range []string{"/data", "/binaryData", "/spec", "/metadata/annotations", "/metadata/labels"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

func decodeObject(kind string, raw []byte) (any, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("empty object")
	}
	k, ok := rules.LookupKind(kind)
	if !ok {
		return nil, fmt.Errorf("kind %s is not judged", kind)
	}
	if kind == "ConfigMap" {
		if cm, ok := readConfigMap(raw); ok {
			return cm, nil
		}
	}
	obj := k.New()
	if err := json.Unmarshal(raw, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func changeAnnotation(c rules.Change) string {
	loc := c.Path
	if c.Key != "" {
		loc = c.Key + ":" + c.Path
	}
	v := c.New
	if rules.IsSecretKey(lastSegment(c.Path)) {
		v = rules.Redacted
	}
	return fmt.Sprintf("%s %s=%s", c.Rule, loc, v)
}

func lastSegment(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return strings.Trim(p[i+1:], "]\"'")
	}
	return p
}

func ruleIDs(fs []rules.Finding) []string {
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	return uniqueSorted(ids)
}

func uniqueSorted(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

func joinIDs(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ",")
}

func limitAnnotations(m map[string]string) map[string]string {
	for k, v := range m {
		m[k] = limit(sanitize(v), MaxAnnotationValue)
	}
	return m
}

// limit cuts s to at most n bytes on a rune boundary, marking the cut.
func limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// limitRunes cuts s to at most n runes, marking the cut.
func limitRunes(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	// Cut before the n-th rune, without converting the whole string.
	i, count := 0, 0
	for count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	if !utf8.ValidString(s[:i]) {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s[:i] + "…"
}

// sanitize replaces control characters (which would make the API server
// drop a warning) and invalid UTF-8 by spaces, collapsing runs.
func sanitize(s string) string {
	if sanitized(s) {
		return s
	}
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// sanitized reports whether sanitize would return s unchanged (the common
// case: valid UTF-8 with single inner ASCII spaces and no control or other
// space characters), so that it need not be rebuilt.
func sanitized(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	space := false
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
			continue
		case r == utf8.RuneError, unicode.IsControl(r), unicode.IsSpace(r):
			return false
		}
		space = false
	}
	return true
}

func objectName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

func gvkString(k metav1.GroupVersionKind) string {
	if k.Group == "" {
		return k.Version + "/" + k.Kind
	}
	return k.Group + "/" + k.Version + "/" + k.Kind
}

// Handle reviews req, then logs the decision (one line: object, user,
// operation, dryRun, decision, rule IDs; never the object's contents) and
// reports metrics. A dry-run review has no other side effect.
func (a *Admission) Handle(hook Hook, req *admissionv1.AdmissionRequest) Outcome {
	out := a.Review(hook, req)
	rep := a.Reporter
	if rep == nil {
		rep = nopReporter{}
	}
	rep.Decision(hook, out.Decision)
	if sr, ok := rep.(SkipReporter); ok && out.Decision == DecisionSkipped {
		sr.Skip(hook, SkipCategory(out.Response.AuditAnnotations[AnnotationSkip]))
	}
	for _, f := range out.Findings {
		rep.Finding(f.Rule, f.Severity, out.Component)
	}
	skipped := out.Decision == DecisionSkipped
	log := a.Log
	if skipped {
		log = log.V(1)
	}
	// Most reviews are skipped (untargeted) and logged only at -v=1: do
	// not build the line when it would be dropped.
	if !log.Enabled() {
		return out
	}
	dryRun := req.DryRun != nil && *req.DryRun
	kv := []any{
		"webhook", string(hook),
		"uid", string(req.UID),
		"kind", out.Kind,
		"object", out.Object,
		"operation", string(req.Operation),
		"user", req.UserInfo.Username,
		"dryRun", dryRun,
		"decision", out.Decision,
		"rules", out.Rules,
	}
	if skipped {
		log.Info("admission decision", append(kv, "reason", out.Response.AuditAnnotations[AnnotationSkip])...)
		return out
	}
	if r := out.Response.AuditAnnotations[AnnotationRatcheted]; r != "" {
		kv = append(kv, "ratcheted", r)
	}
	log.Info("admission decision", kv...)
	return out
}
