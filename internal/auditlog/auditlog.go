// Package auditlog reads kube-apiserver audit logs (JSON lines of
// audit.k8s.io/v1 Event, optionally gzip-compressed) and summarizes the
// requests that touched netguard's targets: who wrote which network
// ConfigMap or Service when, what netguard's webhooks decided (from the audit
// annotations the API server records for them), which rules fired, what the
// mutation changed, and where the API server failed open.
//
// It never looks at the request or response objects: at RequestResponse
// level they hold the ConfigMaps' contents, possibly credentials. Those
// fields are not even decoded.
package auditlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
)

// Event is the part of an audit.k8s.io/v1 Event the summary uses.
// requestObject and responseObject are deliberately absent.
type Event struct {
	Kind       string `json:"kind"`
	Level      string `json:"level"`
	AuditID    string `json:"auditID"`
	Stage      string `json:"stage"`
	RequestURI string `json:"requestURI"`
	Verb       string `json:"verb"`
	User       struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups"`
	} `json:"user"`
	ImpersonatedUser *struct {
		Username string `json:"username"`
	} `json:"impersonatedUser"`
	UserAgent string `json:"userAgent"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
		APIGroup    string `json:"apiGroup"`
		APIVersion  string `json:"apiVersion"`
		Subresource string `json:"subresource"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code    int    `json:"code"`
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Message string `json:"message"` // only searched for a failed webhook call, never printed
	} `json:"responseStatus"`
	RequestReceivedTimestamp time.Time         `json:"requestReceivedTimestamp"`
	StageTimestamp           time.Time         `json:"stageTimestamp"`
	Annotations              map[string]string `json:"annotations"`
}

// Annotation keys (after "<webhook-name>/") that netguard writes; see the
// README, "What the API server and the audit log get".
const (
	keyDecision   = "decision"
	keyRules      = "rules"
	keyDenied     = "denied-rules"
	keyRatcheted  = "ratcheted-rules"
	keyWaived     = "waived-rules" // waived by the object's netguard.io/ignore
	keyChanges    = "changes"
	keySkipReason = "skip-reason"
)

var netguardKeys = []string{keyDecision, keyRules, keyDenied, keyRatcheted, keyWaived, keyChanges, keySkipReason}

// API server annotations about admission (k8s.io/apiserver).
const (
	failedOpenValidating = "failed-open.validating.webhook.admission.k8s.io/"
	failedOpenMutating   = "failed-open.mutation.webhook.admission.k8s.io/"
	mutationAnnotation   = "mutation.webhook.admission.k8s.io/"
	policyFailure        = "validation.policy.admission.k8s.io/validation_failure"
)

// WebhookDecision is what one of netguard's webhooks recorded.
type WebhookDecision struct {
	Webhook        string   `json:"webhook"`
	Decision       string   `json:"decision,omitempty"`
	Rules          []string `json:"rules,omitempty"`
	DeniedRules    []string `json:"deniedRules,omitempty"`
	RatchetedRules []string `json:"ratchetedRules,omitempty"`
	WaivedRules    []string `json:"waivedRules,omitempty"`
	Changes        string   `json:"changes,omitempty"`
	SkipReason     string   `json:"skipReason,omitempty"`
}

// PolicyFailure is a ValidatingAdmissionPolicy's audit annotation (names and
// actions only: its message may quote the object).
type PolicyFailure struct {
	Policy  string   `json:"policy"`
	Binding string   `json:"binding,omitempty"`
	Actions []string `json:"actions,omitempty"`
}

// Record summarizes one request.
type Record struct {
	Time    time.Time `json:"time"`
	AuditID string    `json:"auditID"`
	User    string    `json:"user"`
	// ImpersonatedBy is set when User was impersonated by this user.
	ImpersonatedBy string `json:"impersonatedBy,omitempty"`
	UserAgent      string `json:"userAgent,omitempty"`
	Verb           string `json:"verb"`
	DryRun         bool   `json:"dryRun,omitempty"`
	Kind           string `json:"kind"`
	Namespace      string `json:"namespace"`
	Name           string `json:"name"`
	// Code is the HTTP status the API server answered (0: unknown).
	Code   int    `json:"code"`
	Reason string `json:"reason,omitempty"`
	// Decision is the overall outcome for netguard: denied, unreachable
	// (the call failed and failurePolicy Fail refused the request),
	// failed-open (the call failed and failurePolicy Ignore let it through
	// unchecked), mutated, allowed, skipped, or not-judged (no netguard
	// annotation: netguard was not called, e.g. a DELETE or a bypassed
	// user).
	Decision       string   `json:"decision"`
	Rules          []string `json:"rules,omitempty"`
	DeniedRules    []string `json:"deniedRules,omitempty"`
	RatchetedRules []string `json:"ratchetedRules,omitempty"`
	// WaivedRules were waived by the object's netguard.io/ignore annotation.
	WaivedRules []string `json:"waivedRules,omitempty"`
	// Changes are the mutating hooks' `changes` annotations.
	Changes []string `json:"changes,omitempty"`
	// Webhooks are netguard's per-webhook annotations.
	Webhooks []WebhookDecision `json:"webhooks,omitempty"`
	// MutatedBy are the mutating webhooks the API server says changed the
	// object (mutation.webhook.admission.k8s.io annotations).
	MutatedBy []string `json:"mutatedBy,omitempty"`
	// FailedOpen are webhooks whose call failed and whose failurePolicy
	// Ignore let the request through unchecked.
	FailedOpen []string `json:"failedOpen,omitempty"`
	// Unreachable is the webhook whose failed call refused the request.
	Unreachable string          `json:"unreachable,omitempty"`
	Policies    []PolicyFailure `json:"policyFailures,omitempty"`
}

// Object is "Kind namespace/name".
func (r Record) Object() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// Options select the records.
type Options struct {
	// Config supplies the targets; nil means rules.DefaultConfig(). An
	// object is kept when the configuration targets it or when one of
	// netguard's webhooks annotated its request.
	Config *rules.Config
	// IsNetguardWebhook says whether a webhook name is netguard's (default:
	// the name contains "netguard").
	IsNetguardWebhook func(name string) bool
	// Since drops requests before this time (zero: keep all).
	Since time.Time
	// Until drops requests after this time (zero: keep all).
	Until time.Time
}

// Stats count what ReadEach saw.
type Stats struct {
	Lines, Events, Kept int
	// Malformed are lines that are not JSON audit events (skipped).
	Malformed int
	// FirstMalformed is the first such line number (1-based, per input).
	FirstMalformed string
}

// ReadEach parses an audit log (plain or gzip) and calls fn for each kept
// record in log order; st accumulates counts over several inputs (the
// rotated files of one run).
func ReadEach(r io.Reader, name string, opts Options, st *Stats, fn func(Record)) error {
	if opts.Config == nil {
		opts.Config = rules.DefaultConfig()
	}
	if opts.IsNetguardWebhook == nil {
		opts.IsNetguardWebhook = func(n string) bool { return strings.Contains(n, "netguard") }
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			st.Lines++
			events, perr := decodeLine(b)
			if perr != nil {
				st.Malformed++
				if st.FirstMalformed == "" {
					st.FirstMalformed = fmt.Sprintf("%s:%d: %v", name, line, perr)
				}
			}
			for i := range events {
				st.Events++
				if rec, ok := summarize(&events[i], opts); ok {
					st.Kept++
					fn(rec)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}

// decodeLine decodes one Event, or an EventList (the webhook backend's
// batches).
func decodeLine(b []byte) ([]Event, error) {
	var probe struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, errors.New("not JSON")
	}
	if probe.Kind == "EventList" {
		out := make([]Event, 0, len(probe.Items))
		for _, it := range probe.Items {
			var e Event
			if err := json.Unmarshal(it, &e); err != nil {
				return out, errors.New("an EventList item is not an audit event")
			}
			out = append(out, e)
		}
		return out, nil
	}
	if probe.Kind != "" && probe.Kind != "Event" {
		return nil, fmt.Errorf("kind %q is not an audit Event", probe.Kind)
	}
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, errors.New("not an audit event")
	}
	if e.AuditID == "" && e.Stage == "" {
		return nil, errors.New("no auditID and no stage: not an audit event")
	}
	return []Event{e}, nil
}

// summarize turns an event into a record when it is a finished write of a
// targeted object or carries netguard's annotations.
func summarize(e *Event, opts Options) (Record, bool) {
	if e.Stage != "ResponseComplete" && e.Stage != "Panic" {
		return Record{}, false
	}
	ref := e.ObjectRef
	// Subresources (services/status, written by controllers) are not
	// edits of the configuration, and netguard never judges them.
	if ref == nil || ref.APIGroup != "" || ref.Subresource != "" {
		return Record{}, false
	}
	var kind string
	switch ref.Resource {
	case "configmaps":
		kind = "ConfigMap"
	case "services":
		kind = "Service"
	default:
		return Record{}, false
	}
	switch e.Verb {
	case "create", "update", "patch", "delete":
	default:
		return Record{}, false
	}
	t := e.StageTimestamp
	if t.IsZero() {
		t = e.RequestReceivedTimestamp
	}
	if !opts.Since.IsZero() && t.Before(opts.Since) {
		return Record{}, false
	}
	if !opts.Until.IsZero() && t.After(opts.Until) {
		return Record{}, false
	}
	rec := Record{
		Time: t, AuditID: e.AuditID, User: e.User.Username, UserAgent: e.UserAgent, Verb: e.Verb,
		Kind: kind, Namespace: ref.Namespace, Name: ref.Name,
	}
	if e.ImpersonatedUser != nil && e.ImpersonatedUser.Username != "" {
		rec.ImpersonatedBy, rec.User = e.User.Username, e.ImpersonatedUser.Username
	}
	if e.ResponseStatus != nil {
		rec.Code, rec.Reason = e.ResponseStatus.Code, e.ResponseStatus.Reason
		if m := failedCallRe.FindStringSubmatch(e.ResponseStatus.Message); m != nil && opts.IsNetguardWebhook(m[1]) {
			rec.Unreachable = m[1]
		}
	}
	if u, err := url.Parse(e.RequestURI); err == nil {
		rec.DryRun = u.Query().Get("dryRun") != ""
	}

	hooks := map[string]*WebhookDecision{}
	keys := make([]string, 0, len(e.Annotations))
	for k := range e.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := e.Annotations[k]
		switch {
		case strings.HasPrefix(k, failedOpenValidating), strings.HasPrefix(k, failedOpenMutating):
			if !slices.Contains(rec.FailedOpen, v) {
				rec.FailedOpen = append(rec.FailedOpen, v)
			}
			continue
		case strings.HasPrefix(k, mutationAnnotation):
			var m struct {
				Webhook string `json:"webhook"`
				Mutated bool   `json:"mutated"`
			}
			if json.Unmarshal([]byte(v), &m) == nil && m.Mutated && !slices.Contains(rec.MutatedBy, m.Webhook) {
				rec.MutatedBy = append(rec.MutatedBy, m.Webhook)
			}
			continue
		case k == policyFailure:
			var fs []struct {
				Policy            string   `json:"policy"`
				Binding           string   `json:"binding"`
				ValidationActions []string `json:"validationActions"`
			}
			if json.Unmarshal([]byte(v), &fs) == nil {
				for _, f := range fs {
					rec.Policies = append(rec.Policies, PolicyFailure{Policy: f.Policy, Binding: f.Binding, Actions: f.ValidationActions})
				}
			}
			continue
		}
		hook, sub, ok := cutLast(k, "/")
		if !ok || !slices.Contains(netguardKeys, sub) || !opts.IsNetguardWebhook(hook) {
			continue
		}
		d := hooks[hook]
		if d == nil {
			d = &WebhookDecision{Webhook: hook}
			hooks[hook] = d
		}
		switch sub {
		case keyDecision:
			d.Decision = v
		case keyRules:
			d.Rules = ruleList(v)
		case keyDenied:
			d.DeniedRules = ruleList(v)
		case keyRatcheted:
			d.RatchetedRules = ruleList(v)
		case keyWaived:
			d.WaivedRules = ruleList(v)
		case keyChanges:
			d.Changes = v
		case keySkipReason:
			d.SkipReason = v
		}
	}
	names := make([]string, 0, len(hooks))
	for n := range hooks {
		names = append(names, n)
	}
	// mutating hooks first (they run first), then by name
	sort.Slice(names, func(i, j int) bool {
		mi, mj := strings.Contains(names[i], "mutat"), strings.Contains(names[j], "mutat")
		if mi != mj {
			return mi
		}
		return names[i] < names[j]
	})
	decisions := map[string]bool{}
	for _, n := range names {
		d := *hooks[n]
		rec.Webhooks = append(rec.Webhooks, d)
		decisions[d.Decision] = true
		rec.Rules = union(rec.Rules, d.Rules)
		rec.DeniedRules = union(rec.DeniedRules, d.DeniedRules)
		rec.RatchetedRules = union(rec.RatchetedRules, d.RatchetedRules)
		rec.WaivedRules = union(rec.WaivedRules, d.WaivedRules)
		if d.Changes != "" {
			rec.Changes = append(rec.Changes, d.Changes)
		}
	}
	_, targeted := opts.Config.Match(kind, ref.Namespace, ref.Name)
	if !targeted && len(rec.Webhooks) == 0 && rec.Unreachable == "" && !anyNetguard(rec.FailedOpen, opts) {
		return Record{}, false
	}
	switch {
	case decisions["denied"]:
		rec.Decision = "denied"
	case rec.Unreachable != "":
		rec.Decision = "unreachable"
	case len(rec.FailedOpen) > 0 && anyNetguard(rec.FailedOpen, opts):
		rec.Decision = "failed-open"
	case decisions["mutated"]:
		rec.Decision = "mutated"
	case decisions["allowed"]:
		rec.Decision = "allowed"
	case decisions["skipped"]:
		rec.Decision = "skipped"
	default:
		rec.Decision = "not-judged"
	}
	return rec, true
}

// failedCallRe finds the webhook of k8s.io/apiserver's "failed calling
// webhook" error (failurePolicy Fail).
var failedCallRe = regexp.MustCompile(`failed calling webhook "([^"]+)"`)

func anyNetguard(hooks []string, opts Options) bool {
	for _, h := range hooks {
		if opts.IsNetguardWebhook(h) {
			return true
		}
	}
	return false
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// ruleList splits "FL101,FL090" (or "none").
func ruleList(v string) []string {
	var out []string
	for _, r := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' }) {
		if r != "none" && r != "" {
			out = append(out, r)
		}
	}
	return out
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}
