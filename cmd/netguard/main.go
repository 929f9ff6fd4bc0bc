// Command netguard judges the network configuration of a Kubernetes cluster
// (Terway, Flannel and kube-proxy ConfigMaps, Services) exactly the way the
// components parse it.
//
//	netguard lint [flags] PATH... | -        judge manifests offline
//	netguard rules [-o text|markdown|json]  print the rule catalog
//	netguard serve [flags]                  run the admission webhook
//	netguard scan [flags]                   judge the objects already in a cluster
//	netguard audit-log FILE...              summarize netguard's decisions from an audit log
//	netguard version
//
// Every command judges with the same rule engine (rules/all), so lint, scan
// and the webhook can never disagree.
package main

//go:generate sh -c "go run . rules -o markdown > ../../docs/rules.md"

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

const usage = `netguard judges Terway, Flannel and kube-proxy ConfigMaps and Services exactly
the way the components parse them.

Usage:
  netguard lint [flags] PATH... | -     judge manifests (files, directories, stdin)
  netguard rules [-o text|markdown|json] print the rule catalog
  netguard serve [flags]                 run the admission webhook (HTTPS /validate, /mutate)
  netguard scan [flags]                  judge the targeted objects already in a cluster (like lint)
  netguard audit-log [flags] FILE... | - summarize netguard's decisions in a kube-apiserver audit log
  netguard version                       print the version

Run "netguard <command> -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes a command line and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "lint":
		return runLint(args[1:], stdin, stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:])
	case "scan":
		return runScan(args[1:], stdout, stderr)
	case "audit-log":
		return runAuditLog(args[1:], stdin, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "netguard %s\n", versionString())
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "netguard: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			v += " (" + rev + dirty + ")"
		}
		v += " " + bi.GoVersion
	}
	return v
}
