package rules

import "fmt"

// Loc is where a finding points: the ConfigMap key (or annotation), the path
// inside the embedded document and the 1-based line/column in that document.
type Loc struct {
	Key    string
	Path   string
	Line   int
	Column int
}

// At returns a copy of l with another path.
func (l Loc) At(path string) Loc { l.Path = path; return l }

// Report collects the findings about one object. Components create findings
// only through a Report so every finding carries the rule's registered
// severity and the object's identity.
type Report struct {
	Kind     string
	Object   string // namespace/name
	Findings []Finding
	// NoTexts leaves every finding's Message and Hint empty: the caller
	// needs only signatures (rule, severity, key, path, position), as the
	// webhook does when it judges an UPDATE's old object for ratcheting.
	// Checkers may skip work done only for texts (did-you-mean) when
	// Texts() is false.
	NoTexts bool

	perRule map[string]int // findings added per rule
	summary map[string]int // index of the "N more" finding per rule
}

// MaxFindingsPerRule bounds the findings one rule reports about one object.
// A hostile or machine-generated document (200,000 repeated keys) must not
// turn into 200,000 findings, warnings and log lines: past the bound one
// summary finding counts the rest.
const MaxFindingsPerRule = 100

// NewReport starts a report about kind namespace/name.
func NewReport(kind, namespace, name string) *Report {
	obj := name
	if namespace != "" {
		obj = namespace + "/" + name
	}
	return &Report{Kind: kind, Object: obj}
}

// Add records a finding of a registered rule. It panics for an unregistered
// rule ID, which the per-component registry tests catch.
func (r *Report) Add(ruleID string, at Loc, message, hint string) {
	rule, ok := Lookup(ruleID)
	if !ok {
		panic("rules: finding for unregistered rule " + ruleID)
	}
	if r.perRule == nil {
		r.perRule = map[string]int{}
	}
	r.perRule[ruleID]++
	if r.NoTexts {
		message, hint = "", ""
	}
	if n := r.perRule[ruleID]; n > MaxFindingsPerRule {
		more := n - MaxFindingsPerRule
		if r.NoTexts {
			if _, ok := r.summary[ruleID]; !ok {
				r.addSummary(ruleID, rule.Severity, at.Key, "")
			}
			return
		}
		msg := fmt.Sprintf("…and %d more %s finding(s) in this object, not shown (netguard reports at most %d per rule); fix the ones above and run netguard again", more, ruleID, MaxFindingsPerRule)
		if i, ok := r.summary[ruleID]; ok {
			r.Findings[i].Message = msg
			return
		}
		r.addSummary(ruleID, rule.Severity, at.Key, msg)
		return
	}
	r.Findings = append(r.Findings, Finding{
		Rule:     ruleID,
		Severity: rule.Severity,
		Kind:     r.Kind,
		Object:   r.Object,
		Key:      at.Key,
		Path:     at.Path,
		Line:     at.Line,
		Column:   at.Column,
		Message:  message,
		Hint:     hint,
	})
}

// addSummary appends the one "N more" finding of a rule past
// MaxFindingsPerRule.
func (r *Report) addSummary(ruleID string, sev Severity, key, msg string) {
	if r.summary == nil {
		r.summary = map[string]int{}
	}
	r.summary[ruleID] = len(r.Findings)
	r.Findings = append(r.Findings, Finding{Rule: ruleID, Severity: sev, Kind: r.Kind, Object: r.Object, Key: key, Message: msg})
}

// Texts reports whether findings keep their texts (see NoTexts).
func (r *Report) Texts() bool { return !r.NoTexts }

// Suggest is Suggest for a finding's text only (a "did you mean" in a
// message or hint): under NoTexts it returns "" without searching. A
// suggestion that decides which rule fires must call Suggest itself.
func (r *Report) Suggest(name string, candidates []string) string {
	if r.NoTexts {
		return ""
	}
	return Suggest(name, candidates)
}

// Addf is Add with a formatted message (not formatted under NoTexts).
func (r *Report) Addf(ruleID string, at Loc, hint string, format string, args ...any) {
	if r.NoTexts {
		r.Add(ruleID, at, "", "")
		return
	}
	r.Add(ruleID, at, fmt.Sprintf(format, args...), hint)
}
