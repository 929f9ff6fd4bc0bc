package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/netguard/netguard/internal/scan"
	"github.com/netguard/netguard/rules"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const scanUsage = `Usage: netguard scan [--kubeconfig FILE] [--context NAME] [--config FILE] [-o text|json]

Lists the objects netguard targets that already exist in a cluster — the
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

Exit status: 0 nothing denied, 1 something denied, 2 error (no cluster,
bad flags, a list call refused).

Flags:
`

func runScan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, scanUsage)
		fs.PrintDefaults()
	}
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig `file` (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)")
	kubeContext := fs.String("context", "", "kubeconfig `context` to use (default: the current context)")
	configFile := fs.String("config", "", "netguard configuration `file` (targets, rule overrides, cluster facts)")
	output := fs.String("o", "text", "output `format`: text or json (lint's)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this `duration`")
	restart := fs.Bool("restart-advice", false, "also report the xx090 restart advice")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "netguard scan: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "netguard scan: -o %q: want text or json\n", *output)
		return 2
	}
	cfg := rules.DefaultConfig()
	if *configFile != "" {
		var err error
		if cfg, err = rules.LoadConfig(*configFile); err != nil {
			fmt.Fprintf(stderr, "netguard scan: %v\n", err)
			return 2
		}
	}
	loading := clientcmd.NewDefaultClientConfigLoadingRules()
	if *kubeconfig != "" {
		loading.ExplicitPath = *kubeconfig
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(loading, &clientcmd.ConfigOverrides{CurrentContext: *kubeContext}).ClientConfig()
	if err != nil {
		fmt.Fprintf(stderr, "netguard scan: no cluster to scan: %v\n", err)
		return 2
	}
	rc.UserAgent = "netguard-scan/" + versionString()
	rc.Timeout = 30 * time.Second
	c, err := kubernetes.NewForConfig(rc)
	if err != nil {
		fmt.Fprintf(stderr, "netguard scan: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	res, err := scan.Run(ctx, c, scan.Options{Config: cfg, KeepRestartAdvice: *restart})
	if err != nil {
		fmt.Fprintf(stderr, "netguard scan: %v\n", err)
		return 2
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "netguard scan: note: %s\n", n)
	}
	switch *output {
	case "json":
		writeJSONFindings(stdout, res.Findings)
	default:
		writeScanText(stdout, rc.Host, res)
	}
	return res.ExitCode()
}

// writeScanText prints findings like lint (one line per finding, the hint
// below), located as namespace/kind/name[key]:line:col, then a summary.
func writeScanText(w io.Writer, host string, res *scan.Result) {
	for _, f := range res.Findings {
		loc := f.File
		if f.Line > 0 {
			loc += fmt.Sprintf(":%d:%d", f.Line, f.Column)
		}
		fmt.Fprintf(w, "%s: %s %s %s %s", loc, f.Rule, f.Severity, f.Kind, f.Object)
		if f.Key != "" {
			fmt.Fprintf(w, " %s", f.Key)
		}
		if f.Path != "" && f.Path != f.Key {
			fmt.Fprintf(w, " (%s)", f.Path)
		}
		fmt.Fprintf(w, ": %s\n", f.Message)
		if f.Hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", f.Hint)
		}
	}
	verdict := "ok"
	if res.Count(rules.Deny) > 0 {
		verdict = "denied"
	}
	fmt.Fprintf(w, "netguard: scanned %s (Kubernetes %s, %d node(s)): %d object(s), %d judged: %d deny, %d warn, %d info: %s\n",
		host, res.Cluster.KubernetesVersion, len(res.Cluster.Nodes), res.Objects, res.Judged,
		res.Count(rules.Deny), res.Count(rules.Warn), res.Count(rules.Info), verdict)
}
