package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/output"
	"github.com/netguard/netguard/internal/scan"
	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"
)

// scanLong is the help text; the targeted ConfigMaps and the facts only
// --config can give come from the registered components (scanTargets),
// so a new component shows up here without an edit.
var scanLong = `Lists the objects netguard targets that already exist in a cluster and judges
them with the same rules as lint and the webhook:
  ConfigMaps of the configured names and namespaces, by default
    ` + scanTargets().names + `
  and, when targets.services is enabled, Services in every namespace.
The cluster context comes from the API server: the version (discovery), the
nodes (labels, pod CIDRs, CPUs), the related ConfigMaps (the base of an
override, siblings) and the Service CIDRs (the "kubernetes" ServiceCIDR);
--config fills in what the API cannot say: pod CIDRs and
    ` + scanTargets().facts + `.
Objects are judged as stored (without the configured mutations), and the
"restart the pods" advice (xx090) is left out: a scan changes nothing.

Run it before turning enforcement on: every deny is an object the webhook
would reject on its next edit (ratcheting lets unrelated edits through with a
warning). Positions are "namespace/kind/name[key]:line:col" inside the data
value.

Needs list on configmaps (targeted namespaces), services, nodes, and get on
servicecidrs; a missing permission for nodes or servicecidrs falls back to
--config.

Output formats as lint: text, json, sarif, junit.

Exit status: 0 nothing denied, 1 something denied, 2 error (no cluster,
bad flags, a list call refused).`

const scanExample = `  # Judge the objects in the current kubeconfig context
  netguard scan

  # Another context, with a configuration file (targets, cluster facts)
  netguard scan --context prod -c netguard.yaml

  # Only what would be denied, as JSON
  netguard scan --min-severity deny -o json

  # A fleet: several clusters at once, one report (findings located as context/namespace/kind/name[key])
  netguard scan --context prod-hz --context prod-sh -o sarif > fleet.sarif
  netguard scan --all-contexts --quiet`

type scanFlags struct {
	kubeconfig, configFile string
	contexts               []string
	allContexts            bool
	output                 *enumValue
	timeout                time.Duration
	restart                bool
	filter                 *severityFilter
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	f := &scanFlags{output: newEnum("text", output.FindingFormats.Names()...)}
	cmd := &cobra.Command{
		Use:     "scan [flags]",
		Short:   "Judge the targeted objects already in a cluster (like lint)",
		Long:    scanLong,
		Example: scanExample,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return exitCode(runScan(f, stdout, stderr))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, in-cluster, then ~/.kube/config)")
	_ = cmd.MarkFlagFilename("kubeconfig")
	fl.StringArrayVar(&f.contexts, "context", nil, "kubeconfig context to use (default: the current context); repeat it to scan several clusters concurrently into one report")
	fl.BoolVar(&f.allContexts, "all-contexts", false, "scan every context of the kubeconfig concurrently, into one report")
	_ = cmd.RegisterFlagCompletionFunc("context", completeContexts(&f.kubeconfig))
	addConfigFlag(cmd, &f.configFile, "netguard configuration file (targets, rule overrides, cluster facts)")
	addOutputFlag(cmd, f.output)
	fl.DurationVar(&f.timeout, "timeout", 2*time.Minute, "give up after this duration")
	fl.BoolVar(&f.restart, "restart-advice", false, "also report the xx090 restart advice")
	f.filter = addSeverityFlags(cmd)
	return cmd
}

// completeContexts completes --context with the contexts of the kubeconfig.
func completeContexts(kubeconfig *string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		names, err := kubeconfigContexts(*kubeconfig)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

func runScan(f *scanFlags, stdout, stderr io.Writer) int {
	out := newFindingWriter("scan", f.output.String(), f.filter, stdout, stderr)
	cfg := rules.DefaultConfig()
	if f.configFile != "" {
		var err error
		if cfg, err = rules.LoadConfig(f.configFile); err != nil {
			return out.Fail(err)
		}
	}
	contexts := f.contexts
	if f.allContexts {
		if len(contexts) > 0 {
			return out.Fail(errors.New("--all-contexts and --context exclude each other"))
		}
		var err error
		if contexts, err = kubeconfigContexts(f.kubeconfig); err != nil {
			return out.Fail(fmt.Errorf("--all-contexts: %w", err))
		}
		if len(contexts) == 0 {
			return out.Fail(errors.New("--all-contexts: the kubeconfig has no contexts"))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	opts := scan.Options{Config: cfg, KeepRestartAdvice: f.restart}
	if len(contexts) > 1 {
		return runFleetScan(ctx, out, f.kubeconfig, contexts, opts, stderr)
	}
	kubeContext := ""
	if len(contexts) == 1 {
		kubeContext = contexts[0]
	}
	cl := clusterFor(f.kubeconfig, kubeContext)
	if cl.Err != nil {
		return out.Fail(cl.Err)
	}
	res, err := scan.Run(ctx, cl.Client, opts)
	if err != nil {
		return out.Fail(err)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "netguard scan: note: %s\n", n)
	}
	out.Write(res.Findings, nil, func(w io.Writer) {
		writeScanFindings(w, res.Findings, out)
		writeScanSummary(w, "netguard: ", cl.Host, res)
	})
	return res.ExitCode()
}

// clusterFor makes the client of one kubeconfig context ("" the current one).
func clusterFor(kubeconfig, kubeContext string) scan.Cluster {
	cl := scan.Cluster{Context: kubeContext}
	rc, err := restConfig(kubeconfig, kubeContext)
	if err != nil {
		cl.Err = fmt.Errorf("no cluster to scan: %w", err)
		return cl
	}
	rc.UserAgent = "netguard-scan/" + versionString()
	rc.Timeout = 30 * time.Second
	cl.Host = rc.Host
	if cl.Client, err = kubernetes.NewForConfig(rc); err != nil {
		cl.Err = err
	}
	return cl
}

// runFleetScan scans several contexts concurrently into one report; a
// cluster that fails is reported and the others are still scanned.
func runFleetScan(ctx context.Context, out *output.Findings, kubeconfig string, contexts []string, opts scan.Options, stderr io.Writer) int {
	clusters := make([]scan.Cluster, 0, len(contexts))
	for _, c := range contexts {
		clusters = append(clusters, clusterFor(kubeconfig, c))
	}
	fleet := scan.RunFleet(ctx, clusters, opts, 4)
	for _, c := range fleet.Clusters {
		if c.Err != nil {
			fmt.Fprintf(stderr, "netguard scan: context %s: %v\n", c.Context, c.Err)
			continue
		}
		for _, n := range c.Result.Notes {
			fmt.Fprintf(stderr, "netguard scan: context %s: note: %s\n", c.Context, n)
		}
	}
	findings := fleet.Findings()
	out.Write(findings, fleet.Errors(), func(w io.Writer) {
		writeScanFindings(w, findings, out)
		var deny, warn, info, failed int
		for _, c := range fleet.Clusters {
			if c.Err != nil {
				failed++
				fmt.Fprintf(w, "netguard: context %s: error: %v\n", c.Context, c.Err)
				continue
			}
			writeScanSummary(w, "netguard: context "+c.Context+": ", c.Host, c.Result)
			deny, warn, info = deny+c.Result.Count(rules.Deny), warn+c.Result.Count(rules.Warn), info+c.Result.Count(rules.Info)
		}
		verdict := "ok"
		switch {
		case failed > 0:
			verdict = "incomplete"
		case deny > 0:
			verdict = "denied"
		}
		fmt.Fprintf(w, "netguard: %d context(s), %d failed: %d deny, %d warn, %d info: %s\n", len(fleet.Clusters), failed, deny, warn, info, verdict)
	})
	return fleet.ExitCode()
}

// writeScanFindings prints findings like lint (one line per finding, the
// hint below), located as [context/]namespace/kind/name[key]:line:col.
func writeScanFindings(w io.Writer, findings []lint.Finding, out *output.Findings) {
	for _, f := range findings {
		if !out.Kept(f.Severity) {
			continue
		}
		loc := f.File
		if f.Line > 0 {
			loc += fmt.Sprintf(":%d:%d", f.Line, f.Column)
		}
		output.FindingLine(w, loc, f, out.Color)
	}
}

// writeScanSummary prints the summary line of one cluster.
func writeScanSummary(w io.Writer, prefix, host string, res *scan.Result) {
	verdict := "ok"
	if res.Count(rules.Deny) > 0 {
		verdict = "denied"
	}
	fmt.Fprintf(w, "%sscanned %s (Kubernetes %s, %d node(s)): %d object(s), %d judged: %d deny, %d warn, %d info: %s\n",
		prefix, host, res.Cluster.KubernetesVersion, len(res.Cluster.Nodes), res.Objects, res.Judged,
		res.Count(rules.Deny), res.Count(rules.Warn), res.Count(rules.Info), verdict)
}

// scanHelp is what the help text lists from the registry.
type scanHelp struct{ names, facts string }

// scanTargets lists the default ConfigMap name patterns of every registered
// component, in registry order, and the cluster facts components declare.
func scanTargets() scanHelp {
	var names, facts []string
	for _, s := range rules.DefaultConfig().Scopes("ConfigMap") {
		for _, rn := range s.Names {
			names = append(names, rn.Names...)
		}
	}
	for _, d := range rules.Components() {
		for _, f := range d.Facts {
			facts = append(facts, "cluster."+f.Key)
		}
	}
	return scanHelp{names: strings.Join(names, ", "), facts: strings.Join(facts, ", ")}
}
