// Command reviewprof profiles netguard's request path in-process: the
// webhook HTTP handler (decode, judge, encode) over the benchmark corpus,
// without TLS. It prints the time per request of each item and writes a CPU
// profile, for `go tool pprof`.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
	admissionv1 "k8s.io/api/admission/v1"
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
	// Per item: CPU time per request of netguard's handler and of a
	// handler that only decodes the AdmissionReview and answers allowed
	// (what the no-op baseline does), in-process.
	noop := func(it corpus.Item) {
		rev, err := webhook.DecodeReview(it.Body)
		if err != nil {
			panic(err)
		}
		resp := admissionv1.AdmissionReview{TypeMeta: rev.TypeMeta, Response: &admissionv1.AdmissionResponse{UID: rev.Request.UID, Allowed: true}}
		if _, err := json.Marshal(resp); err != nil {
			panic(err)
		}
	}
	var total, totalNoop time.Duration
	fmt.Printf("%-45s %12s %12s %12s\n", "item", "netguard", "decode-only", "difference")
	for _, it := range items {
		if *noTimes {
			break
		}
		ng := cpuPer(func() { do(it) })
		nb := cpuPer(func() { noop(it) })
		total += ng
		totalNoop += nb
		fmt.Printf("%-45s %12v %12v %12v\n", it.Name, ng, nb, ng-nb)
	}
	if !*noTimes {
		n := time.Duration(len(items))
		fmt.Printf("%-45s %12v %12v %12v\n", "mean", total/n, totalNoop/n, (total-totalNoop)/n)
	}
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

// cpuPer returns the process CPU time per call of f (at least 200ms of CPU).
func cpuPer(f func()) time.Duration {
	f()
	runtime.GC()
	c0 := cpuTime()
	n := 0
	for n < 10 || cpuTime()-c0 < 200*time.Millisecond {
		f()
		n++
	}
	return ((cpuTime() - c0) / time.Duration(n)).Round(100 * time.Nanosecond)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
