package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
	_ "github.com/netguard/netguard/rules/all" // registers every rule
	"github.com/spf13/cobra"
)

const rulesLong = `Prints the rule catalog: every rule's ID, severity, component, title, the
reason it exists, and a good and a bad example. With rule IDs, prints only
those rules (case does not matter). docs/rules.md is "netguard rules -o markdown".`

const rulesExample = `  # The whole catalog
  netguard rules

  # One rule's full entry
  netguard rules KP003

  # Several rules as JSON
  netguard rules kp003 FL010 -o json`

func newRulesCmd(stdout io.Writer) *cobra.Command {
	output := newEnum("text", "text", "markdown", "json").alias("md", "markdown")
	cmd := &cobra.Command{
		Use:     "rules [ID...]",
		Short:   "Print the rule catalog, or the full entry of the given rules",
		Long:    rulesLong,
		Example: rulesExample,
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var ids []cobra.Completion
			for _, r := range catalog() {
				if !slices.Contains(args, r.ID) {
					ids = append(ids, cobra.CompletionWithDesc(r.ID, r.Title))
				}
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, ids []string) error {
			rs, err := selectRules(catalog(), ids)
			if err != nil {
				return err
			}
			writeRules(stdout, output.String(), rs)
			return nil
		},
	}
	addOutputFlag(cmd, output)
	return cmd
}

// selectRules returns the rules named by ids (all of them without ids), in
// the order given; an unknown ID is an error with a did-you-mean.
func selectRules(all []rules.Rule, ids []string) ([]rules.Rule, error) {
	if len(ids) == 0 {
		return all, nil
	}
	known := make([]string, 0, len(all))
	for _, r := range all {
		known = append(known, r.ID)
	}
	var out []rules.Rule
	for _, id := range ids {
		r, ok := rules.Lookup(strings.ToUpper(id))
		if !ok {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := rules.Suggest(strings.ToUpper(id), known); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			return nil, errors.New(msg)
		}
		out = append(out, r)
	}
	return out, nil
}

func writeRules(w io.Writer, format string, rs []rules.Rule) {
	switch format {
	case "markdown":
		fmt.Fprint(w, RulesMarkdown(rs))
	case "json":
		type jrule struct {
			ID        string          `json:"id"`
			Title     string          `json:"title"`
			Severity  rules.Severity  `json:"severity"`
			Component rules.Component `json:"component"`
			Mutation  bool            `json:"mutation"`
			Rationale string          `json:"rationale"`
			Good      string          `json:"good"`
			Bad       string          `json:"bad"`
		}
		out := []jrule{}
		for _, r := range rs {
			out = append(out, jrule{r.ID, r.Title, r.Severity, r.Component, r.Mutation, r.Rationale, r.Good, r.Bad})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(out)
	default:
		writeRulesText(w, rs)
	}
}

func writeRulesText(w io.Writer, rs []rules.Rule) {
	for i, r := range rs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		kind := ""
		if r.Mutation {
			kind = ", mutation"
		}
		fmt.Fprintf(w, "%s %s [%s%s] %s\n", r.ID, r.Severity, r.Component, kind, r.Title)
		if r.Rationale != "" {
			fmt.Fprintf(w, "  %s\n", r.Rationale)
		}
		if r.Good != "" {
			fmt.Fprintf(w, "  good: %s\n", indentMore(r.Good, "        "))
		}
		if r.Bad != "" {
			fmt.Fprintf(w, "  bad:  %s\n", indentMore(r.Bad, "        "))
		}
	}
}

func indentMore(s, ind string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+ind)
}

// catalog returns every registered rule in catalog order: the components
// in registry order (rules.Components), rules of no registered component
// (netguard's own) last.
func catalog() []rules.Rule {
	rs := rules.All()
	sort.SliceStable(rs, func(i, j int) bool {
		return rules.ComponentRank(rs[i].Component) < rules.ComponentRank(rs[j].Component)
	})
	return rs
}

// componentTitle heads a component's section of docs/rules.md: its title
// and the object names it judges by default.
func componentTitle(c rules.Component) string {
	d, ok := rules.LookupComponent(c)
	if !ok {
		if c == "netguard" {
			return "netguard itself (manifests and internal errors)"
		}
		return string(c)
	}
	t := d.Targets()
	t.ApplyDefaults()
	var names []string
	for _, role := range t.Scope().Names {
		for _, n := range role.Names {
			names = append(names, "`"+n+"`")
		}
	}
	if len(names) == 0 {
		return d.Title
	}
	return d.Title + " (" + strings.Join(names, ", ") + ")"
}

// judgedObjects names what netguard judges, from the registered components
// in registry order: "Terway, Flannel and kube-proxy ConfigMaps and
// Services" (components selecting objects by name are listed before the
// kind; those judging every object of a kind are named by their title).
func judgedObjects() string {
	var kinds, whole []string
	byKind := map[string][]string{}
	for _, d := range rules.Components() {
		t := d.Targets()
		t.ApplyDefaults()
		if t.Scope().AllNamespaces {
			whole = append(whole, d.Title)
			continue
		}
		if _, seen := byKind[d.Kind]; !seen {
			kinds = append(kinds, d.Kind)
		}
		byKind[d.Kind] = append(byKind[d.Kind], d.Title)
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, englishList(byKind[k])+" "+k+"s")
	}
	return englishList(append(parts, whole...))
}

// englishList joins "a", "b", "c" as "a, b and c".
func englishList(ss []string) string {
	if len(ss) < 2 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// duplicateKeyPolicy is the one policy every component's duplicate-key
// rules follow, derived from what each decoder does.
const duplicateKeyPolicy = "**Duplicate keys, one policy for every component.** Every decoder involved keeps the *last* copy of a\n" +
	"repeated key and the component starts: kube-proxy's strict decode fails on the duplicate and its lenient\n" +
	"fallback (sigs.k8s.io/yaml, `cmd/kube-proxy/app/options.go` `loadConfig`, unchanged 1.26–1.37) keeps the last\n" +
	"value and logs one Info line; libcni, the flannel plugin and flanneld (`encoding/json`) and Terway\n" +
	"(`sigs.k8s.io/json`) keep the last value silently. The last copy is usually the intended edit (appended\n" +
	"overrides; flannel's own kube-flannel.yml shipped `cniVersion` 0.2.0 then 0.3.1 in 2019 and ran on 0.3.1), so a\n" +
	"duplicate key is never denied: it is warned, naming the value that wins when the copies differ (KP012, FL025,\n" +
	"TW003) and as a latent trap when they are identical (KP015, FL025, TW004). Values are compared as the decoder\n" +
	"sees them (YAML 1.1 scalars for kube-proxy, so `yes` equals `true`).\n\n"

// RulesMarkdown renders the catalog as docs/rules.md.
func RulesMarkdown(rs []rules.Rule) string {
	var b strings.Builder
	b.WriteString("# netguard rules\n\n")
	b.WriteString("<!-- Generated by `make docs` (go run ./cmd/netguard rules -o markdown). DO NOT EDIT. -->\n\n")
	b.WriteString("Every finding names one of these rules. IDs are stable; severities can be overridden per rule in the\n")
	b.WriteString("configuration file (`rules: {KP020: warn}` or `off`). `deny` rejects the object (the component would crash,\n")
	b.WriteString("refuse or silently misread it), `warn` is returned as a warning (risky, ignored or ineffective settings), `info`\n")
	b.WriteString("is advice (what to restart, what netguard changed).\n\n")
	b.WriteString(duplicateKeyPolicy)
	var comps []rules.Component
	byComp := map[rules.Component][]rules.Rule{}
	for _, r := range rs {
		if _, ok := byComp[r.Component]; !ok {
			comps = append(comps, r.Component)
		}
		byComp[r.Component] = append(byComp[r.Component], r)
	}
	b.WriteString("| Rule | Severity | Title |\n|---|---|---|\n")
	for _, c := range comps {
		for _, r := range byComp[c] {
			title := r.Title
			if r.Mutation {
				title += " (mutation)"
			}
			fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Severity, mdCell(title))
		}
	}
	for _, c := range comps {
		fmt.Fprintf(&b, "\n## %s\n", componentTitle(c))
		for _, r := range byComp[c] {
			fmt.Fprintf(&b, "\n### %s\n\n", r.ID)
			fmt.Fprintf(&b, "**%s**  \n", r.Title)
			kind := ""
			if r.Mutation {
				kind = " · mutation"
			}
			fmt.Fprintf(&b, "Severity: `%s` · Component: %s%s\n", r.Severity, c, kind)
			if r.Rationale != "" {
				fmt.Fprintf(&b, "\n%s\n", r.Rationale)
			}
			if r.Good != "" {
				fmt.Fprintf(&b, "\nGood:\n\n%s\n", fence(r.Good))
			}
			if r.Bad != "" {
				fmt.Fprintf(&b, "\nBad:\n\n%s\n", fence(r.Bad))
			}
		}
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

func fence(s string) string {
	f := "```"
	for strings.Contains(s, f) {
		f += "`"
	}
	return f + "\n" + strings.TrimRight(s, "\n") + "\n" + f
}
