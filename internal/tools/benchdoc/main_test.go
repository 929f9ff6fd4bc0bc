package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/netguard/netguard/rules/flannel
cpu: AMD EPYC 7B13
BenchmarkValidateTypical-8   	  120000	      9876 ns/op	    4096 B/op	      55 allocs/op
BenchmarkValidate1MiB-8      	      20	  51234567 ns/op	  20.47 MB/s	 3145728 B/op	   1200 allocs/op
PASS
ok  	github.com/netguard/netguard/rules/flannel	3.2s
pkg: github.com/netguard/netguard/rules/terway
--- FAIL: BenchmarkValidateTypical
FAIL	github.com/netguard/netguard/rules/terway	0.1s
`

func TestParseAndRender(t *testing.T) {
	run := Parse(strings.NewReader(sample))
	if run.GOOS != "linux" || run.CPU != "AMD EPYC 7B13" || len(run.Results) != 2 || len(run.Failed) != 2 {
		t.Fatalf("run = %+v", run)
	}
	r := run.Results[1]
	if r.Name != "BenchmarkValidate1MiB" || r.NsPerOp != 51234567 || r.MBPerSec != 20.47 || r.BytesPerOp != 3145728 || r.Allocs != 1200 {
		t.Errorf("result = %+v", r)
	}
	md := Markdown(run, "go1.26.0 linux/amd64", "2026-01-01 00:00 UTC", "make bench", 8, "1.00 0.50 0.25")
	for _, want := range []string{
		"| `rules/flannel` | BenchmarkValidateTypical | 9.9 µs | 9876 | 4.0 KiB | 55 |",
		"| `rules/flannel` | BenchmarkValidate1MiB | 51.23 ms | 51234567 | 3.0 MiB | 1200 | 20.5 MB/s |",
		"linux/amd64, AMD EPYC 7B13, 8 CPUs", "go1.26.0", "Load average when the table was written: 1.00 0.50 0.25", "Some benchmark packages failed",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestComposePutsWebhookBeforeRules(t *testing.T) {
	rules := Markdown(Parse(strings.NewReader(sample)), "go", "date", "cmd", 2, "")
	got := Compose(rules, "## The webhook\n\ntable\n")
	w, r := strings.Index(got, "## The webhook"), strings.Index(got, rulesHeading)
	if w < 0 || r < 0 || w > r || !strings.HasPrefix(got, "# netguard benchmarks") {
		t.Fatalf("webhook at %d, rules at %d:\n%s", w, r, got)
	}
	if Compose(rules, "  \n") != rules {
		t.Error("empty webhook sections changed the document")
	}
}
