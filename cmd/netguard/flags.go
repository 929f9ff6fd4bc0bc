package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
)

// enumValue is a pflag.Value that accepts one of a fixed set of words, so a
// bad -o is refused while the flags are parsed, with the valid values named.
type enumValue struct {
	value   string
	allowed []string
	aliases map[string]string
}

func newEnum(def string, allowed ...string) *enumValue {
	return &enumValue{value: def, allowed: allowed}
}

// alias makes from mean to ("md" for "markdown").
func (e *enumValue) alias(from, to string) *enumValue {
	if e.aliases == nil {
		e.aliases = map[string]string{}
	}
	e.aliases[from] = to
	return e
}

func (e *enumValue) String() string { return e.value }
func (e *enumValue) Type() string   { return "string" }
func (e *enumValue) Set(v string) error {
	if to, ok := e.aliases[v]; ok {
		v = to
	}
	if !slices.Contains(e.allowed, v) {
		return fmt.Errorf("want %s", orList(e.allowed))
	}
	e.value = v
	return nil
}

func orList(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " or " + ws[len(ws)-1]
}

// addOutputFlag adds -o/--output with the same name, short form and
// completion on every command that has one.
func addOutputFlag(cmd *cobra.Command, v *enumValue) {
	cmd.Flags().VarP(v, "output", "o", "output format: "+strings.Join(v.allowed, "|"))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(v.allowed, cobra.ShellCompDirectiveNoFileComp))
}

// addConfigFlag adds -c/--config.
func addConfigFlag(cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVarP(p, "config", "c", "", usage)
	_ = cmd.MarkFlagFilename("config", "yaml", "yml", "json")
}

// severityFilter is --min-severity and --quiet of lint and scan: they decide
// what is printed, never the exit status (a deny still exits 1).
type severityFilter struct {
	min   *enumValue
	quiet bool
}

func addSeverityFlags(cmd *cobra.Command) *severityFilter {
	f := &severityFilter{min: newEnum("info", "info", "warn", "deny")}
	cmd.Flags().Var(f.min, "min-severity", "print only findings of this severity or worse: info|warn|deny (the exit status is unchanged)")
	_ = cmd.RegisterFlagCompletionFunc("min-severity", cobra.FixedCompletions(f.min.allowed, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "leave out info findings (same as --min-severity=warn unless that is stricter)")
	return f
}

// keep reports whether a finding of severity s is printed.
func (f *severityFilter) keep(s rules.Severity) bool {
	if f == nil {
		return true
	}
	min := rules.Severity(f.min.String())
	if f.quiet && min == rules.Info {
		min = rules.Warn
	}
	return severityRank(s) <= severityRank(min)
}

func severityRank(s rules.Severity) int {
	switch s {
	case rules.Deny:
		return 0
	case rules.Warn:
		return 1
	case rules.Info:
		return 2
	}
	return 3
}
