package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
)

const lintUsage = `Usage: netguard lint [flags] PATH... | -

Reads Kubernetes manifests (multi-document YAML, JSON, kind: List; directories
recursively: *.yaml, *.yml, *.json; "-" reads stdin, e.g.
"helm template ... | netguard lint -") and judges every targeted ConfigMap and
Service the way the cluster would store it: configured mutations are applied
first and reported as info findings. The other ConfigMaps of the same run are
the cluster context (an eni-config-* override is judged over the eni-config
given in the same run).

Exit status: 0 nothing denied, 1 something denied, 2 unreadable input
(missing file, YAML syntax error, bad configuration).

Flags:
`

// parseInterleaved parses flags that may follow positional arguments
// ("netguard lint examples/ -o json").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func runLint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, lintUsage)
		fs.PrintDefaults()
	}
	configFile := fs.String("config", "", "netguard configuration `file` (YAML: cluster, rules, targets, mutations)")
	k8sVersion := fs.String("kubernetes-version", "", "Kubernetes `version` of the cluster, e.g. 1.34 (overrides cluster.kubernetesVersion)")
	output := fs.String("o", "text", "output `format`: text or json")
	noMutate := fs.Bool("no-mutate", false, "judge objects as written, without the configured mutations")
	fix := fs.Bool("fix", false, "write the configured mutations back into the files (not with stdin)")
	namespace := fs.String("n", "default", "`namespace` of objects that have none (as kubectl -n)")
	var serviceCIDRs, podCIDRs listFlag
	fs.Var(&serviceCIDRs, "service-cidr", "service `CIDR`s of the cluster, comma-separated or repeated (two families = dual-stack)")
	fs.Var(&podCIDRs, "pod-cidr", "pod `CIDR`s of the cluster, comma-separated or repeated")
	dualStack := fs.String("dual-stack", "", "`true|false`: whether Services are dual-stack (default: from the service CIDRs)")
	flannelVersion := fs.String("flannel-version", "", "flannel image `version`, e.g. v0.15.1.22-aliyun (decides the backends that exist)")
	terwayVersion := fs.String("terway-version", "", "Terway image `version`, e.g. v1.17.5")
	paths, err := parseInterleaved(fs, args)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		return 2
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "netguard lint: -o %q: want text or json\n", *output)
		return 2
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "netguard lint: no input: give files, directories or - for stdin")
		fs.Usage()
		return 2
	}

	cfg := rules.DefaultConfig()
	if *configFile != "" {
		if cfg, err = rules.LoadConfig(*configFile); err != nil {
			fmt.Fprintf(stderr, "netguard lint: %v\n", err)
			return 2
		}
	}
	c := &cfg.Cluster
	if *k8sVersion != "" {
		c.KubernetesVersion = *k8sVersion
	}
	if len(serviceCIDRs) > 0 {
		c.ServiceCIDRs = serviceCIDRs
	}
	if len(podCIDRs) > 0 {
		c.PodCIDRs = podCIDRs
	}
	switch *dualStack {
	case "":
	case "true", "false":
		v := *dualStack == "true"
		c.DualStack = &v
	default:
		fmt.Fprintf(stderr, "netguard lint: --dual-stack %q: want true or false\n", *dualStack)
		return 2
	}
	if *flannelVersion != "" {
		c.FlannelVersion = *flannelVersion
	}
	if *terwayVersion != "" {
		c.TerwayVersion = *terwayVersion
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "netguard lint: flags: %v\n", err)
		return 2
	}

	res := lint.Run(paths, lint.Options{Config: cfg, NoMutate: *noMutate, Fix: *fix, DefaultNamespace: *namespace, Stdin: stdin})
	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "netguard lint: error: %v\n", e)
	}
	for _, n := range res.Notices {
		fmt.Fprintf(stderr, "netguard lint: notice: %s\n", n)
	}
	switch *output {
	case "json":
		writeJSONFindings(stdout, res.Findings)
	default:
		writeText(stdout, res)
	}
	for _, f := range res.Fixed {
		fmt.Fprintf(stderr, "netguard lint: fixed %s (%d value(s) rewritten)\n", f.File, f.Changes)
	}
	return res.ExitCode()
}

// writeText prints findings like a compiler, then a summary line.
func writeText(w io.Writer, res *lint.Result) {
	for _, f := range res.Findings {
		fmt.Fprintf(w, "%s:%d:%d: %s %s %s %s", f.File, f.Line, f.Column, f.Rule, f.Severity, f.Kind, f.Object)
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

// writeJSONFindings prints findings as an indented JSON array ([] when there
// are none), the -o json output of lint and scan.
func writeJSONFindings(w io.Writer, fs []lint.Finding) {
	if fs == nil {
		fs = []lint.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(fs)
}
