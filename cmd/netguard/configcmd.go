package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/netguard/netguard/rules"
	"github.com/spf13/cobra"
)

func newConfigCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with netguard configuration files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	validate := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check configuration files the way lint, scan and serve read them",
		Long: `Reads each configuration file exactly as "lint --config", "scan --config" and
"serve --config" do and reports every problem: unknown fields (with line,
column and the field probably meant), YAML 1.1 values that would be read as
numbers or booleans, unknown rule IDs, bad severities, versions and CIDRs.

Exit status: 0 every file is valid, 2 some file is not.`,
		Example: `  netguard config validate netguard.yaml
  netguard config validate examples/netguard-config.yaml charts/netguard/ci/*.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, files []string) error {
			code := 0
			for _, f := range files {
				if _, err := rules.LoadConfig(f); err != nil {
					var ce *rules.ConfigError
					if errors.As(err, &ce) {
						fmt.Fprintln(stderr, err) // one "file:line:col: problem" per line
					} else {
						fmt.Fprintf(stderr, "netguard config validate: %v\n", err)
					}
					code = 2
					continue
				}
				fmt.Fprintf(stdout, "%s: valid\n", f)
			}
			return exitCode(code)
		},
	}
	cmd.AddCommand(validate)
	return cmd
}
