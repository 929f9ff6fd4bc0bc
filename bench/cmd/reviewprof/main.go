// Command reviewprof profiles netguard's request path in-process: the
// webhook HTTP handler (decode, judge, encode) over the benchmark corpus,
// without TLS. It prints the time per request of each item and writes a CPU
// profile, for `go tool pprof`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
)

func main() {
	size := flag.String("size", corpus.Typical, "typical or 1MiB")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the whole mix")
	memprof := flag.String("memprofile", "", "write an allocation profile")
	profFor := flag.Duration("profile-for", 20*time.Second, "how long to run the profiled mix")
	noTimes := flag.Bool("no-times", false, "skip the per-item timings")
	flag.Parse()
	root, err := framework.RepoRoot()
	if err != nil {
		panic(err)
	}
	cfg, err := rules.LoadConfig(root + "/examples/netguard-config.yaml")
	if err != nil {
		panic(err)
	}
	snap := webhook.Snapshot{Engine: engine.New(cfg, all.Checkers()...), Cluster: &cfg.Cluster}
	adm := &webhook.Admission{Snapshot: func() webhook.Snapshot { return snap }, Ratcheting: true, InfoWarnings: true}
	handlers := map[string]http.Handler{
		"/validate": &webhook.Handler{Hook: webhook.Validating, Admission: adm},
		"/mutate":   &webhook.Handler{Hook: webhook.Mutating, Admission: adm},
	}
	objs, err := corpus.Objects(root)
	if err != nil {
		panic(err)
	}
	items, err := corpus.Items(objs)
	if err != nil {
		panic(err)
	}
	items = corpus.Select(items, *size)
	do := func(it corpus.Item) {
		req := httptest.NewRequest(http.MethodPost, it.Path, bytes.NewReader(it.Body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		handlers[it.Path].ServeHTTP(w, req)
		if w.Code != 200 {
			panic(it.Name)
		}
	}
	var total float64
	for _, it := range items {
		if *noTimes {
			break
		}
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				do(it)
			}
		})
		total += float64(r.NsPerOp())
		fmt.Printf("%-45s %10.1f µs %8d B/op %6d allocs/op\n", it.Name, float64(r.NsPerOp())/1e3, r.AllocedBytesPerOp(), r.AllocsPerOp())
	}
	fmt.Printf("%-45s %10.1f µs\n", "mean", total/float64(len(items))/1e3)
	if *prof != "" {
		f, _ := os.Create(*prof)
		pprof.StartCPUProfile(f)
		for end := time.Now().Add(*profFor); time.Now().Before(end); {
			for _, it := range items {
				do(it)
			}
		}
		pprof.StopCPUProfile()
		f.Close()
	}
	if *memprof != "" {
		f, _ := os.Create(*memprof)
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
}
