// Command netguard judges the network configuration of a Kubernetes cluster
// (Terway, Flannel and kube-proxy ConfigMaps, Services) exactly the way the
// components parse it.
//
//	netguard lint [flags] PATH... | -        judge manifests offline
//	netguard rules [ID...] [-o text|markdown|json]  print the rule catalog
//	netguard serve [flags]                  run the admission webhook
//	netguard scan [flags]                   judge the objects already in a cluster
//	netguard audit-log FILE...              summarize netguard's decisions from an audit log
//	netguard config validate FILE           check a configuration file
//	netguard version [-o text|json]
//	netguard completion bash|zsh|fish|powershell
//
// Every command judges with the same rule engine (rules/all), so lint, scan
// and the webhook can never disagree.
//
// The command line is built with cobra/pflag (like kubectl and helm): long and
// short flags, completion scripts, help with examples. run() stays the single
// testable entry point: arguments and streams in, exit code out.
package main

//go:generate sh -c "go run . rules -o markdown > ../../docs/rules.md"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitCode is returned by a command's RunE when the command has already said
// what went wrong (or nothing went wrong but the exit status is not 0, like
// lint's 1 for a denied object): run() only turns it into the exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run executes a command line and returns the exit code: 0 success, 1 a
// finding denies (lint, scan), 2 usage errors and unreadable input.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(goStyleFlags(root, args))
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	// A usage error (unknown flag or command, bad flag value): one line and
	// a pointer to --help, never the whole usage text.
	if cmd == nil {
		cmd = root
	}
	msg := strings.TrimRight(err.Error(), "\n")
	fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", cmd.CommandPath(), msg, cmd.CommandPath())
	return 2
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "netguard",
		Short: "Judge " + judgedObjects() + " the way the components parse them",
		Long: "netguard judges " + judgedObjects() + ` exactly
the way the components parse them: offline (lint), in a running cluster (scan)
and at admission (serve). Every command uses the same rule engine, so they can
never disagree.`,
		Example: `  # Judge manifests before applying them
  netguard lint -c netguard.yaml manifests/

  # Judge a rendered chart in CI and upload the findings to GitHub code scanning
  helm template my-release ./chart | netguard lint -o sarif - > netguard.sarif

  # Judge what is already in the cluster
  netguard scan --context prod

  # Explain a rule
  netguard rules KP003`,
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q", args[0])
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += fmt.Sprintf(" (did you mean %q?)", s[0])
				}
				return errors.New(msg)
			}
			fmt.Fprint(stderr, cmd.UsageString())
			return exitCode(2)
		},
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("netguard {{.Version}}\n")
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.AddCommand(
		newLintCmd(stdin, stdout, stderr),
		newScanCmd(stdout, stderr),
		newServeCmd(),
		newRulesCmd(stdout),
		newAuditLogCmd(stdin, stdout, stderr),
		newConfigCmd(stdout, stderr),
		newVersionCmd(stdout),
		newCleanupCmd(stdout),
	)
	return root
}

// goStyleFlags keeps the command lines of netguard's Go-flag days working:
// Go's flag package accepts "-config x" and "-version"; pflag reads a single
// dash as a run of one-letter flags. A single-dash word that is the long
// name of one of the command's flags is rewritten to "--name".
func goStyleFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		cmd = root
	}
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && (name == "help" || name == "version" || lookupFlag(cmd, name) != nil) {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().Lookup(name)
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	output := newEnum("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Example: `  netguard version
  netguard version -o json | jq -r .version`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			info := buildInfo()
			if output.String() == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			fmt.Fprintf(stdout, "netguard %s\n", versionString())
			return nil
		},
	}
	addOutputFlag(cmd, output)
	return cmd
}

// versionInfo is `netguard version -o json`.
type versionInfo struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion,omitempty"`
}

func buildInfo() versionInfo {
	v := versionInfo{Version: version}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if v.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	v.GoVersion = bi.GoVersion
	return v
}

func versionString() string {
	info := buildInfo()
	v := info.Version
	if rev := info.Revision; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if info.Modified {
			rev += "-dirty"
		}
		v += " (" + rev + ")"
	}
	if info.GoVersion != "" {
		v += " " + info.GoVersion
	}
	return v
}
