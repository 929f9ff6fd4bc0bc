package auditlog

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/netguard/netguard/internal/output"
)

// WriteTable prints one aligned row per record, then a summary:
//
//	TIME                  USER      VERB   OBJECT                            CODE  DECISION  RULES          CHANGES
//	2026-11-25T20:18:13Z  operator  patch  ConfigMap kube-system/kube-fla…   200   mutated   FL101,FL090    FL101 cni-conf.json:cniVersion="0.3.1"
//
// Denied rules are marked with "!", ratcheted ones (deny findings the
// old object already had, returned as warnings) with "~".
func WriteTable(w io.Writer, recs []Record) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tUSER\tVERB\tOBJECT\tCODE\tDECISION\tRULES\tCHANGES")
	for _, r := range recs {
		verb := r.Verb
		if r.DryRun {
			verb += " (dry-run)"
		}
		user := r.User
		if r.ImpersonatedBy != "" {
			user += " (as, by " + r.ImpersonatedBy + ")"
		}
		code := "-"
		if r.Code != 0 {
			code = strconv.Itoa(r.Code)
		}
		decision := DecisionText(r)
		for _, p := range r.Policies {
			decision += " [policy " + p.Policy + ": " + strings.Join(p.Actions, ",") + "]"
		}
		changes := strings.Join(r.Changes, "; ")
		if changes == "" {
			changes = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			r.Time.UTC().Format(time.RFC3339), clean(user), verb, clean(r.Object()), code, clean(decision), ruleCell(r), clean(changes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, Summary(recs))
	return err
}

// DecisionText is the decision with the webhooks that failed: e.g.
// "failed-open: configmaps.validate.netguard.io" or
// "unreachable: configmaps.validate.netguard.io (failed open: configmaps.mutate.netguard.io)".
func DecisionText(r Record) string {
	switch {
	case r.Decision == "unreachable":
		d := "unreachable: " + r.Unreachable
		if len(r.FailedOpen) > 0 {
			d += " (failed open: " + strings.Join(r.FailedOpen, ",") + ")"
		}
		return d
	case r.Decision == "failed-open":
		return "failed-open: " + strings.Join(r.FailedOpen, ",")
	case len(r.FailedOpen) > 0:
		return r.Decision + " (failed open: " + strings.Join(r.FailedOpen, ",") + ")"
	}
	return r.Decision
}

// ruleCell lists the rules, denied ones marked "!", ratcheted ones "~" and
// the ones waived by netguard.io/ignore "^".
func ruleCell(r Record) string {
	if len(r.Rules) == 0 && len(r.DeniedRules) == 0 && len(r.WaivedRules) == 0 {
		return "-"
	}
	all := union(union(append([]string(nil), r.DeniedRules...), r.Rules), r.WaivedRules)
	out := make([]string, 0, len(all))
	for _, id := range all {
		switch {
		case contains(r.DeniedRules, id):
			out = append(out, id+"!")
		case contains(r.RatchetedRules, id):
			out = append(out, id+"~")
		case contains(r.WaivedRules, id):
			out = append(out, id+"^")
		default:
			out = append(out, id)
		}
	}
	return clean(strings.Join(out, ","))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// clean keeps a cell on one line and free of tabs (it is a table).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Summary is one line: how many requests, per decision, per user.
func Summary(recs []Record) string {
	if len(recs) == 0 {
		return "netguard audit-log: no request to a targeted ConfigMap or Service (check --config and --since)"
	}
	byDecision := map[string]int{}
	users := map[string]int{}
	objects := map[string]bool{}
	for _, r := range recs {
		byDecision[r.Decision]++
		users[r.User]++
		objects[r.Object()] = true
	}
	var parts []string
	for _, d := range []string{"denied", "unreachable", "failed-open", "mutated", "allowed", "skipped", "not-judged"} {
		if n := byDecision[d]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, d))
		}
	}
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Slice(names, func(i, j int) bool {
		if users[names[i]] != users[names[j]] {
			return users[names[i]] > users[names[j]]
		}
		return names[i] < names[j]
	})
	var us []string
	for _, u := range names {
		us = append(us, fmt.Sprintf("%s (%d)", u, users[u]))
	}
	first, last := recs[0].Time, recs[0].Time
	for _, r := range recs {
		if r.Time.Before(first) {
			first = r.Time
		}
		if r.Time.After(last) {
			last = r.Time
		}
	}
	legend := "Rules: ! denied, ~ ratcheted (pre-existing, returned as a warning)"
	for _, r := range recs {
		if len(r.WaivedRules) > 0 {
			legend += ", ^ waived (netguard.io/ignore)"
			break
		}
	}
	return fmt.Sprintf("netguard audit-log: %d request(s) to %d object(s) from %s to %s: %s; by %s. %s.",
		len(recs), len(objects), first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339),
		strings.Join(parts, ", "), strings.Join(us, ", "), legend)
}

// WriteJSON prints the records as a JSON array.
func WriteJSON(w io.Writer, recs []Record) error {
	if recs == nil {
		recs = []Record{}
	}
	return output.JSON(w, recs)
}
