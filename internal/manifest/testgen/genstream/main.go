// Command genstream writes a realistic manifest stream of a given size to
// stdout (kube-proxy, Flannel and Terway ConfigMaps, one third each), to
// measure `netguard lint` on it:
//
//	go run ./internal/manifest/testgen/genstream -mb 100 > /tmp/stream.yaml
//	/usr/bin/time -v netguard lint /tmp/stream.yaml   # "Maximum resident set size"
//
// -docs N writes exactly N documents instead (e.g. 3000 for the
// per-resource cost).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/netguard/netguard/internal/manifest/testgen"
)

func main() {
	mb := flag.Float64("mb", 100, "size of the stream in MB (10^6 bytes)")
	docs := flag.Int("docs", 0, "write exactly this many documents instead of -mb")
	flag.Parse()
	n, err := testgen.Write(os.Stdout, int64(*mb*1e6), *docs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genstream:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genstream: %d documents\n", n)
}
