package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
)

// Per-object exceptions. An object annotated
//
//	netguard.io/ignore: "KP036,KP090"
//	netguard.io/ignore-reason: "ipvs until the nftables migration in Q3 (OPS-1234)"
//
// has the findings of those rules waived. The engine applies the waiver, so
// lint, scan and the webhook agree. A waiver is never silent: it is a warn
// finding (a kubectl warning at admission, a line in lint and scan) and the
// webhook records the waived rules in the "waived-rules" audit annotation.
// The reason is required: without one nothing is waived. Rules the operator
// lists in exceptions.nonWaivable are never waived.
const (
	AnnotationIgnore       = "netguard.io/ignore"
	AnnotationIgnoreReason = "netguard.io/ignore-reason"

	// WaivedRule reports the findings an annotation waived.
	WaivedRule = "NG004"
	// IgnoreRefusedRule reports an ignore annotation that waived nothing or
	// not everything it asked for.
	IgnoreRefusedRule = "NG005"
)

// MaxIgnoreReason bounds the reason quoted back in findings (bytes).
const MaxIgnoreReason = 200

func init() {
	rules.Register(
		rules.Rule{
			ID:        WaivedRule,
			Title:     "findings waived by the netguard.io/ignore annotation",
			Severity:  rules.Warn,
			Component: "netguard",
			Rationale: "The object carries `netguard.io/ignore` with a `netguard.io/ignore-reason`: the findings of the listed rules are not enforced for this object. The waiver is reported every time (a kubectl warning, a lint and scan line, the `waived-rules` audit annotation) so that it stays visible and reviewable. Rules the operator lists in `exceptions.nonWaivable` are never waived.",
			Good:      "metadata:\n  annotations:\n    netguard.io/ignore: \"KP036\"\n    netguard.io/ignore-reason: \"ipvs until the nftables migration (OPS-1234)\"",
			Bad:       "metadata:\n  annotations:\n    netguard.io/ignore: \"KP036\"   # no netguard.io/ignore-reason: nothing is waived",
		},
		rules.Rule{
			ID:        IgnoreRefusedRule,
			Title:     "the netguard.io/ignore annotation is not honoured",
			Severity:  rules.Warn,
			Component: "netguard",
			Rationale: "An exception must say why: `netguard.io/ignore` without a non-empty `netguard.io/ignore-reason` waives nothing. Unknown rule IDs are named (a typo would otherwise waive nothing silently), and a rule the operator made non-waivable (`exceptions.nonWaivable` in the configuration) stays enforced whatever the annotation says.",
			Good:      "netguard.io/ignore: \"KP036,KP090\"\nnetguard.io/ignore-reason: \"legacy ipvs pool, see OPS-1234\"",
			Bad:       "netguard.io/ignore: \"KP36\"",
		},
	)
}

// applyExceptions removes the findings the object's ignore annotation waives
// and adds the findings that report the waiver (or its refusal). It returns
// the remaining findings and the waived ones.
func applyExceptions(cfg *rules.Config, kind, namespace, name string, annotations map[string]string, findings []rules.Finding) (kept, waived []rules.Finding) {
	list, ok := annotations[AnnotationIgnore]
	if !ok {
		return findings, nil
	}
	loc := rules.Loc{Path: "metadata.annotations[" + AnnotationIgnore + "]"}
	r := rules.NewReport(kind, namespace, name)
	var ids, unknown []string
	for _, id := range strings.Split(list, ",") {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" || slices.Contains(ids, id) {
			continue
		}
		if _, known := rules.Lookup(id); !known || id == WaivedRule || id == IgnoreRefusedRule {
			unknown = append(unknown, id)
			continue
		}
		ids = append(ids, id)
	}
	if len(unknown) > 0 {
		r.Addf(IgnoreRefusedRule, loc, "list rule IDs of `netguard rules`, comma-separated", "%s lists %s, which %s no rule netguard can waive", AnnotationIgnore, strings.Join(unknown, ", "), plural(len(unknown), "is", "are"))
	}
	reason := strings.TrimSpace(annotations[AnnotationIgnoreReason])
	if reason == "" {
		if len(ids) > 0 {
			r.Addf(IgnoreRefusedRule, loc, fmt.Sprintf("add the annotation %s: \"<why, and until when>\"", AnnotationIgnoreReason), "%s asks to waive %s but the object has no %s: nothing is waived", AnnotationIgnore, strings.Join(ids, ", "), AnnotationIgnoreReason)
		}
		return append(findings, cfg.ApplySeverities(r.Findings)...), nil
	}
	if len(reason) > MaxIgnoreReason {
		reason = reason[:MaxIgnoreReason] + "…"
	}
	var enforced []string
	for _, f := range findings {
		switch {
		case !slices.Contains(ids, f.Rule):
			kept = append(kept, f)
		case !cfg.Exceptions.Waivable(f.Rule):
			kept = append(kept, f)
			if !slices.Contains(enforced, f.Rule) {
				enforced = append(enforced, f.Rule)
			}
		default:
			waived = append(waived, f)
		}
	}
	if len(enforced) > 0 {
		r.Addf(IgnoreRefusedRule, loc, "fix the object; the operator decided these rules admit no exception", "%s cannot waive %s: the configuration makes %s non-waivable (exceptions.nonWaivable)", AnnotationIgnore, strings.Join(enforced, ", "), plural(len(enforced), "it", "them"))
	}
	if len(waived) > 0 {
		var parts []string
		for _, id := range ids {
			n := 0
			for _, f := range waived {
				if f.Rule == id {
					n++
				}
			}
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s (%d %s: %s)", id, n, plural(n, "finding", "findings"), worst(waived, id)))
			}
		}
		r.Addf(WaivedRule, loc, "remove the annotation once the reason no longer holds", "%s waived %s; reason: %s", AnnotationIgnore, strings.Join(parts, ", "), reason)
	}
	// NG004 and NG005 follow the configured severities like any rule:
	// "NG005: deny" rejects an ignore annotation without a reason.
	return append(kept, cfg.ApplySeverities(r.Findings)...), waived
}

// worst is the most severe severity among the waived findings of a rule.
func worst(fs []rules.Finding, id string) rules.Severity {
	best := rules.Info
	for _, f := range fs {
		if f.Rule == id && (f.Severity == rules.Deny || (f.Severity == rules.Warn && best == rules.Info)) {
			best = f.Severity
		}
	}
	return best
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
