package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/output"
	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
)

const lintLong = `Reads Kubernetes manifests (multi-document YAML, JSON, kind: List; directories
recursively: *.yaml, *.yml, *.json; "-" reads stdin) and judges every targeted
ConfigMap and Service the way the cluster would store it: configured mutations
are applied first and reported as info findings. The other ConfigMaps of the
same run are the cluster context (an eni-config-* override is judged over the
eni-config given in the same run).

Output formats: text (compiler-like, coloured on a terminal unless NO_COLOR is
set), json, sarif (SARIF 2.1.0 for GitHub code scanning) and junit (JUnit XML
for GitLab, Jenkins). With json, sarif and junit an unreadable input still
yields a valid document that carries the error.

Exit status: 0 nothing denied, 1 something denied, 2 unreadable input
(missing file, YAML syntax error, bad configuration) or bad flags.`

const lintExample = `  # Judge a directory with a configuration file
  netguard lint -c netguard.yaml manifests/

  # Judge a rendered Helm chart from stdin
  helm template my-release ./chart | netguard lint -

  # Judge for a given cluster version and Service CIDRs
  netguard lint --kubernetes-version 1.30 --service-cidr 192.168.0.0/16,fd00::/112 kube-proxy.yaml

  # Write the configured fixes back into the files
  netguard lint --fix examples/flannel/

  # SARIF for GitHub code scanning, only warnings and denials
  netguard lint -o sarif --quiet manifests/ > netguard.sarif`

// lintFlags are the flags of lint.
type lintFlags struct {
	configFile, k8sVersion, namespace string
	output                            *enumValue
	noMutate, fix                     bool
	serviceCIDRs, podCIDRs            []string
	dualStack                         string
	// facts are the components' declared facts (rules.Fact), by key.
	facts  map[string]*string
	filter *severityFilter
}

func newLintCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	f := &lintFlags{output: newEnum("text", output.FindingFormats.Names()...)}
	cmd := &cobra.Command{
		Use:     "lint [flags] PATH... | -",
		Short:   "Judge manifests (files, directories, stdin) offline",
		Long:    lintLong,
		Example: lintExample,
		RunE: func(cmd *cobra.Command, paths []string) error {
			if len(paths) == 0 {
				return errors.New("no input: give files, directories or - for stdin")
			}
			return exitCode(runLint(f, paths, stdin, stdout, stderr))
		},
	}
	fl := cmd.Flags()
	addConfigFlag(cmd, &f.configFile, "netguard configuration file (YAML: cluster, rules, targets, mutations)")
	fl.StringVar(&f.k8sVersion, "kubernetes-version", "", "Kubernetes version of the cluster, e.g. 1.34 (overrides cluster.kubernetesVersion)")
	addOutputFlag(cmd, f.output)
	fl.BoolVar(&f.noMutate, "no-mutate", false, "judge objects as written, without the configured mutations")
	fl.BoolVar(&f.fix, "fix", false, "write the configured mutations back into the files (not with stdin)")
	fl.StringVarP(&f.namespace, "namespace", "n", "default", "namespace of objects that have none (as kubectl -n)")
	fl.StringSliceVar(&f.serviceCIDRs, "service-cidr", nil, "service CIDRs of the cluster, comma-separated or repeated (two families = dual-stack)")
	fl.StringSliceVar(&f.podCIDRs, "pod-cidr", nil, "pod CIDRs of the cluster, comma-separated or repeated")
	fl.StringVar(&f.dualStack, "dual-stack", "", "true|false: whether Services are dual-stack (default: from the service CIDRs)")
	f.facts = addFactFlags(cmd)
	f.filter = addSeverityFlags(cmd)
	return cmd
}

func runLint(f *lintFlags, paths []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := newFindingWriter("lint", f.output.String(), f.filter, stdout, stderr)
	cfg := rules.DefaultConfig()
	if f.configFile != "" {
		var err error
		if cfg, err = rules.LoadConfig(f.configFile); err != nil {
			return out.Fail(err)
		}
	}
	c := &cfg.Cluster
	if f.k8sVersion != "" {
		c.KubernetesVersion = f.k8sVersion
	}
	if len(f.serviceCIDRs) > 0 {
		c.ServiceCIDRs = f.serviceCIDRs
	}
	if len(f.podCIDRs) > 0 {
		c.PodCIDRs = f.podCIDRs
	}
	switch f.dualStack {
	case "":
	case "true", "false":
		v := f.dualStack == "true"
		c.DualStack = &v
	default:
		return out.Fail(fmt.Errorf("--dual-stack %q: want true or false", f.dualStack))
	}
	for key, v := range f.facts {
		if *v != "" {
			c.SetFact(key, *v)
		}
	}
	if err := cfg.Validate(); err != nil {
		return out.Fail(fmt.Errorf("flags: %w", err))
	}

	tuneGC()
	opts := lint.Options{Config: cfg, NoMutate: f.noMutate, Fix: f.fix, DefaultNamespace: f.namespace, Stdin: stdin}
	if f.output.String() == "text" {
		// Text is printed as the run goes (a file's findings once it has
		// been read to the end): a long stream is never held in memory.
		// The summary line follows through out.Write.
		w := bufio.NewWriterSize(stdout, 64<<10)
		opts.Emit = func(fd lint.Finding) {
			if out.Kept(fd.Severity) {
				output.FindingLine(w, fmt.Sprintf("%s:%d:%d", fd.File, fd.Line, fd.Column), fd, out.Color)
			}
		}
		res := lint.Run(paths, opts)
		w.Flush()
		return reportLint(res, out, stderr)
	}
	if f.output.String() == "json" && !f.fix {
		// The same for json: one array element per finding, the errors
		// last, byte for byte what out.Write prints.
		js := out.JSONStream()
		opts.Emit = js.Add
		res := lint.Run(paths, opts)
		printDiagnostics(res, stderr)
		js.Finish(res.Errors)
		return res.ExitCode()
	}
	return reportLint(lint.Run(paths, opts), out, stderr)
}

// reportLint prints the errors and notices of a run on stderr, then the
// report (the findings not printed yet, and the summary line).
func reportLint(res *lint.Result, out *output.Findings, stderr io.Writer) int {
	printDiagnostics(res, stderr)
	out.Write(res.Findings, res.Errors, func(w io.Writer) { writeText(w, res, out) })
	for _, fx := range res.Fixed {
		fmt.Fprintf(stderr, "netguard lint: fixed %s (%d value(s) rewritten)\n", fx.File, fx.Changes)
	}
	return res.ExitCode()
}

// printDiagnostics prints the errors and notices of a run.
func printDiagnostics(res *lint.Result, stderr io.Writer) {
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "netguard lint: error: %v\n", e)
	}
	for _, n := range res.Notices {
		fmt.Fprintf(stderr, "netguard lint: notice: %s\n", n)
	}
}

// writeText prints findings like a compiler, then a summary line (whose
// counts include the findings --min-severity leaves out).
func writeText(w io.Writer, res *lint.Result, out *output.Findings) {
	for _, f := range res.Findings {
		if out.Kept(f.Severity) {
			output.FindingLine(w, fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column), f, out.Color)
		}
	}
	verdict := "ok"
	switch {
	case len(res.Errors) > 0:
		verdict = "unreadable input"
	case res.Count(rules.Deny) > 0:
		verdict = "denied"
	case len(res.Notices) > 0:
		verdict = fmt.Sprintf("ok, but %d object(s) with a targeted name were not judged (wrong namespace? see the notice)", len(res.Notices))
	}
	fmt.Fprintf(w, "netguard: %d file(s), %d object(s), %d judged: %d deny, %d warn, %d info: %s\n",
		res.Files, res.Objects, res.Judged, res.Count(rules.Deny), res.Count(rules.Warn), res.Count(rules.Info), verdict)
}

// addFactFlags adds one flag per fact the registered components declare
// (--flannel-version sets cluster.flannelVersion), overriding the
// configuration file's value when given.
func addFactFlags(cmd *cobra.Command) map[string]*string {
	out := map[string]*string{}
	for _, d := range rules.Components() {
		for _, fact := range d.Facts {
			if fact.Flag == "" {
				continue
			}
			out[fact.Key] = cmd.Flags().String(fact.Flag, "", fact.Usage)
		}
	}
	return out
}

// tuneGC lets the heap grow to five times what is live (GOGC=400) instead
// of twice: lint streams, so what is live is a few documents in flight
// (about 10 MiB whatever the size of the run), and with Go's default the
// collector ran every few MiB allocated, a fifth of lint's CPU. A soft
// limit of 192 MiB keeps a run that holds many findings (-o json on a huge
// stream) within the 256 MiB target: the collector works harder near it.
// GOGC and GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}
