// Package rules is the heart of netguard: pure functions that judge the
// network configuration objects of a cluster (Terway, Flannel and kube-proxy
// ConfigMaps, Services) exactly the way the components themselves parse them.
//
// This package holds the small shared core: findings, the rule registry, the
// cluster context, the configuration and helpers for locating a problem inside
// an embedded JSON or YAML document. One sub-package per component
// (rules/terway, rules/flannel, rules/kubeproxy, rules/service) registers its
// rules and implements Checker; rules/engine ties them together.
//
// Nothing here talks to the network or depends on controller-runtime, so the
// same judgement runs in the admission webhook, in `netguard lint` and in tests.
package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Severity is how strongly a finding is enforced.
type Severity string

const (
	// Deny findings reject the object: the component would crash on it or misread it.
	Deny Severity = "deny"
	// Warn findings are returned as kubectl warnings: risky or ineffective settings.
	Warn Severity = "warn"
	// Info findings are advice (what to restart, what netguard changed).
	Info Severity = "info"
	// Off disables a rule (only valid in configuration overrides).
	Off Severity = "off"
)

// Valid reports whether s is one of the known severities.
func (s Severity) Valid() bool {
	switch s {
	case Deny, Warn, Info, Off:
		return true
	}
	return false
}

// rank orders severities from most to least severe.
func (s Severity) rank() int {
	switch s {
	case Deny:
		return 0
	case Warn:
		return 1
	case Info:
		return 2
	}
	return 3
}

// Finding is one judgement about one place in one object.
type Finding struct {
	// Rule is the stable rule ID, e.g. "KP003".
	Rule string `json:"rule"`
	// Severity after configuration overrides were applied.
	Severity Severity `json:"severity"`
	// Kind of the judged object ("ConfigMap", "Service").
	Kind string `json:"kind"`
	// Object is "namespace/name".
	Object string `json:"object"`
	// Key is the ConfigMap data key (e.g. "net-conf.json"); for Services the
	// annotation key or empty.
	Key string `json:"key,omitempty"`
	// Path is the location inside the embedded document ("delegate.hairpinMode",
	// "plugins[0].type", "ipvs.scheduler"), or the Kubernetes field path for
	// Services ("spec.ipFamilyPolicy").
	Path string `json:"path,omitempty"`
	// Line and Column are 1-based and relative to the embedded document (the
	// value of Key), 0 when unknown.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Message says what is wrong and what the component would do.
	Message string `json:"message"`
	// Hint says how to fix it.
	Hint string `json:"hint,omitempty"`
}

// FieldPath is the Kubernetes field path of the finding, as used in
// metav1.StatusCause.Field: "data[net-conf.json]" for ConfigMap keys,
// the path itself for Services.
func (f Finding) FieldPath() string {
	if f.Key != "" && f.Kind == "ConfigMap" {
		return "data[" + f.Key + "]"
	}
	if f.Key != "" {
		return "metadata.annotations[" + f.Key + "]"
	}
	return f.Path
}

// Where renders the location of the finding for humans:
// `key net-conf.json, line 3, col 5 (Backend.Type)`.
func (f Finding) Where() string {
	var parts []string
	if f.Key != "" {
		parts = append(parts, "key "+f.Key)
	}
	if f.Line > 0 {
		if f.Column > 0 {
			parts = append(parts, fmt.Sprintf("line %d, col %d", f.Line, f.Column))
		} else {
			parts = append(parts, fmt.Sprintf("line %d", f.Line))
		}
	}
	w := strings.Join(parts, ", ")
	if f.Path != "" {
		if w != "" {
			w += " "
		}
		w += "(" + f.Path + ")"
	}
	return w
}

// String renders the finding on one line, including the object, for logs,
// warnings and denial messages.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s %s] %s %s", f.Rule, f.Severity, f.Kind, f.Object)
	if w := f.Where(); w != "" {
		b.WriteString(", ")
		b.WriteString(w)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	if f.Hint != "" {
		b.WriteString(" Fix: ")
		b.WriteString(f.Hint)
	}
	return b.String()
}

// SortFindings orders findings deterministically: by severity, then key,
// position, rule and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() < b.Severity.rank()
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
}

// HasDeny reports whether any finding denies the object.
func HasDeny(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Deny {
			return true
		}
	}
	return false
}

// Change is one modification made by a mutation.
type Change struct {
	// Rule is the mutation rule that made the change (e.g. "FL101").
	Rule string `json:"rule"`
	// Key is the ConfigMap data key changed; empty for Service fields.
	Key string `json:"key,omitempty"`
	// Path inside the embedded document, or the Kubernetes field path.
	Path string `json:"path"`
	// Old and New are the rendered values ("" / "(absent)" when missing).
	Old string `json:"old"`
	New string `json:"new"`
	// Description explains the change for humans.
	Description string `json:"description"`
}

// String renders the change on one line.
func (c Change) String() string {
	loc := c.Path
	if c.Key != "" {
		loc = c.Key + ": " + c.Path
	}
	return fmt.Sprintf("%s set %s to %s (was %s): %s", c.Rule, loc, c.New, c.Old, c.Description)
}
