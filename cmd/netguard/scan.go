package main

import "io"

func runScan(args []string, stdout, stderr io.Writer) int {
	_ = args
	_ = stdout
	_, _ = io.WriteString(stderr, "netguard scan: not implemented yet\n")
	return 2
}
