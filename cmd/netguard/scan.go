package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/netguard/netguard/internal/scan"
	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const scanLong = `Lists the objects netguard targets that already exist in a cluster — the
ConfigMaps of the configured names and namespaces (eni-config and its
eni-config-* overrides, kube-flannel-cfg, kube-proxy[-worker|-master]) and,
when targets.services is enabled, Services in every namespace — and judges
them with the same rules as lint and the webhook. The cluster context comes
from the API server: the version (discovery), the nodes (labels, pod CIDRs,
CPUs), the base eni-config and sibling ConfigMaps, and the Service CIDRs (the
"kubernetes" ServiceCIDR); --config fills in what the API cannot say (pod
CIDRs, Flannel and Terway versions). Objects are judged as stored (without
the configured mutations), and the "restart the pods" advice (xx090) is
left out: a scan changes nothing.

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
  netguard scan --min-severity deny -o json`

type scanFlags struct {
	kubeconfig, configFile string
	contexts               []string
	output                 *enumValue
	timeout                time.Duration
	restart                bool
	filter                 *severityFilter
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	f := &scanFlags{output: newEnum("text", findingFormats...)}
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
	fl.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	_ = cmd.MarkFlagFilename("kubeconfig")
	fl.StringArrayVar(&f.contexts, "context", nil, "kubeconfig context to use (default: the current context)")
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
		loading := clientcmd.NewDefaultClientConfigLoadingRules()
		if *kubeconfig != "" {
			loading.ExplicitPath = *kubeconfig
		}
		raw, err := loading.Load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var names []cobra.Completion
		for n := range raw.Contexts {
			names = append(names, n)
		}
		sort.Strings(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

func runScan(f *scanFlags, stdout, stderr io.Writer) int {
	out := newFindingWriter("scan", f.output.String(), f.filter, stdout, stderr)
	if len(f.contexts) > 1 {
		return out.fail(errors.New("--context: give one context (several are not supported yet)"))
	}
	kubeContext := ""
	if len(f.contexts) == 1 {
		kubeContext = f.contexts[0]
	}
	cfg := rules.DefaultConfig()
	if f.configFile != "" {
		var err error
		if cfg, err = rules.LoadConfig(f.configFile); err != nil {
			return out.fail(err)
		}
	}
	loading := clientcmd.NewDefaultClientConfigLoadingRules()
	if f.kubeconfig != "" {
		loading.ExplicitPath = f.kubeconfig
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(loading, &clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return out.fail(fmt.Errorf("no cluster to scan: %w", err))
	}
	rc.UserAgent = "netguard-scan/" + versionString()
	rc.Timeout = 30 * time.Second
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return out.fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	res, err := scan.Run(ctx, c, scan.Options{Config: cfg, KeepRestartAdvice: f.restart})
	if err != nil {
		return out.fail(err)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "netguard scan: note: %s\n", n)
	}
	out.write(res.Findings, nil, func(w io.Writer) { writeScanText(w, rc.Host, res, out) })
	return res.ExitCode()
}

// writeScanText prints findings like lint (one line per finding, the hint
// below), located as namespace/kind/name[key]:line:col, then a summary.
func writeScanText(w io.Writer, host string, res *scan.Result, out *findingWriter) {
	for _, f := range res.Findings {
		if !out.keep(f.Severity) {
			continue
		}
		loc := f.File
		if f.Line > 0 {
			loc += fmt.Sprintf(":%d:%d", f.Line, f.Column)
		}
		writeFindingLine(w, loc, f, out.color)
	}
	verdict := "ok"
	if res.Count(rules.Deny) > 0 {
		verdict = "denied"
	}
	fmt.Fprintf(w, "netguard: scanned %s (Kubernetes %s, %d node(s)): %d object(s), %d judged: %d deny, %d warn, %d info: %s\n",
		host, res.Cluster.KubernetesVersion, len(res.Cluster.Nodes), res.Objects, res.Judged,
		res.Count(rules.Deny), res.Count(rules.Warn), res.Count(rules.Info), verdict)
}
