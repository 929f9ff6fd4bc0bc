package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/netguard/netguard/internal/auditlog"
	"github.com/netguard/netguard/internal/output"
	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
)

const auditLogLong = `Summarizes a kube-apiserver audit log (--audit-log-format=json: one
audit.k8s.io/v1 Event per line; gzip-compressed files are read too) for the
objects netguard guards: who created, edited or deleted which network
ConfigMap or Service when, what netguard's webhooks decided (the API server
records them as audit annotations "<webhook-name>/decision", "rules",
"denied-rules", "ratcheted-rules", "waived-rules", "changes"), which rules fired, what the
mutation changed, and where a webhook failed open or was unreachable.

Kept: finished write requests (create, update, patch, delete) to ConfigMaps
the configuration targets (default targets, or --config) and to Services,
plus any request one of netguard's webhooks annotated. The objects' contents
(requestObject, responseObject) are never read or printed.

Table columns: TIME (end of the request, UTC), USER, VERB ("(dry-run)" for
server-side dry runs), OBJECT, CODE (HTTP status), DECISION (denied,
unreachable, failed-open, mutated, allowed, skipped, not-judged), RULES
(denied ones marked "!", ratcheted ones "~", waived by netguard.io/ignore "^"), CHANGES.

Exit status: 0 summarized, 2 unreadable input or bad flags.`

const auditLogExample = `  # What happened to the network ConfigMaps in the last two hours
  netguard audit-log --since 2h /var/log/kubernetes/audit.log

  # Rotated, compressed logs, as JSON
  netguard audit-log -o json audit.log audit-2026-11-25.log.gz`

// auditLogFormats are the -o values of audit-log.
var auditLogFormats = output.Formats[[]auditlog.Record]{
	{Name: "table", Write: auditlog.WriteTable},
	{Name: "json", Write: auditlog.WriteJSON},
}

type auditLogFlags struct {
	output                      *enumValue
	since, configFile, webhooks string
}

func newAuditLogCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	f := &auditLogFlags{output: newEnum("table", auditLogFormats.Names()...)}
	cmd := &cobra.Command{
		Use:     "audit-log [flags] FILE... | -",
		Short:   "Summarize netguard's decisions in a kube-apiserver audit log",
		Long:    auditLogLong,
		Example: auditLogExample,
		RunE: func(_ *cobra.Command, files []string) error {
			if len(files) == 0 {
				return errors.New("no input: give the audit log file(s), or - for stdin")
			}
			return exitCode(runAuditLog(f, files, stdin, stdout, stderr))
		},
	}
	fl := cmd.Flags()
	addOutputFlag(cmd, f.output)
	fl.StringVar(&f.since, "since", "", "only requests at or after T: an RFC 3339 time (2026-11-25T20:00:00Z), a date (2026-11-25), or a duration before now (2h, 30m)")
	addConfigFlag(cmd, &f.configFile, "netguard configuration file whose targets select the ConfigMaps (default: the built-in targets)")
	fl.StringVar(&f.webhooks, "webhook", "netguard", "a webhook whose annotations count as netguard's when its name contains this text")
	return cmd
}

func runAuditLog(f *auditLogFlags, files []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var err error
	opts := auditlog.Options{Config: rules.DefaultConfig()}
	if f.configFile != "" {
		if opts.Config, err = rules.LoadConfig(f.configFile); err != nil {
			fmt.Fprintf(stderr, "netguard audit-log: %v\n", err)
			return 2
		}
	}
	if f.since != "" {
		if opts.Since, err = parseSince(f.since, time.Now()); err != nil {
			fmt.Fprintf(stderr, "netguard audit-log: --since: %v\n", err)
			return 2
		}
	}
	if w := f.webhooks; w != "" {
		opts.IsNetguardWebhook = func(name string) bool { return strings.Contains(name, w) }
	}

	var recs []auditlog.Record
	var st auditlog.Stats
	for _, name := range files {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "netguard audit-log: %v\n", err)
				return 2
			}
			defer f.Close()
			r = f
		}
		if err := auditlog.ReadEach(r, name, opts, &st, func(rec auditlog.Record) { recs = append(recs, rec) }); err != nil {
			fmt.Fprintf(stderr, "netguard audit-log: %v\n", err)
			return 2
		}
	}
	if st.Lines > 0 && st.Malformed == st.Lines {
		fmt.Fprintf(stderr, "netguard audit-log: no line is a JSON audit event (first: %s); is the log written with --audit-log-format=json?\n", st.FirstMalformed)
		return 2
	}
	if st.Malformed > 0 {
		fmt.Fprintf(stderr, "netguard audit-log: skipped %d line(s) that are not audit events (first: %s)\n", st.Malformed, st.FirstMalformed)
	}
	// several files (rotated logs) are printed in time order
	if len(files) > 1 {
		sortByTime(recs)
	}
	if err := auditLogFormats.Write(f.output.String(), stdout, recs); err != nil {
		fmt.Fprintf(stderr, "netguard audit-log: %v\n", err)
		return 2
	}
	return 0
}

func sortByTime(recs []auditlog.Record) {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time.Before(recs[j].Time) })
}

// parseSince accepts an RFC 3339 time, a date, or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, fmt.Errorf("%q: a duration before now must be positive", s)
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-25T20:00:00Z), a date (2026-11-25) nor a duration (2h)", s)
}
