// Command webhookbench measures `netguard serve` against a no-op webhook
// (the same server stack allowing everything, bench/cmd/noop-webhook) and
// against Kyverno, and writes the results as Markdown, JSON and a PNG plot.
// `make bench` runs it; see bench/README.md.
//
// Phases:
//
//	load      the corpus over HTTPS keep-alive at concurrency 1, 8, 64:
//	          latency percentiles, throughput, server RSS and CPU, both servers
//	large     the ~1 MiB ConfigMaps at concurrency 1, both servers
//	updates   kube-proxy UPDATEs, each with a different config.conf (1 in 4
//	          denied), vs a no-op controller-runtime webhook, c=1, 8, 64
//	cost      in-process CPU per review: netguard's handler vs decode only
//	growth    in-process time per review vs object size and vs cluster nodes
//	kyverno   kubectl-kyverno apply vs netguard lint on the same 3,000
//	          ConfigMaps (and per family)
//	stream    netguard lint -o json on a ~100 MB stream: max RSS
//	apiserver ConfigMap UPDATE through a real kube-apiserver, with and
//	          without netguard registered
//	profile   for every issue-15 target missed, a CPU (or allocation)
//	          profile of its workload in-process, summarised
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/bench/loadgen"
	"github.com/netguard/netguard/e2e/framework"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// Results is everything one run measured (written as JSON too).
type Results struct {
	Date       string
	GoVersion  string
	CPU        string
	CPUs       int
	LoadBefore string
	LoadAfter  string
	Quick      bool
	RunFor     time.Duration // per measured run
	LargeFor   time.Duration // per server in the 1 MiB phase
	Config     string        // netguard --config used

	Checks    []CheckRow
	Load      []LoadPair
	Large     *LoadPair
	Growth    *Growth
	Costs     []CostRow
	Kyverno   *KyvernoResult
	APIServer *APIServerResult
	Updates   *UpdatesResult
	Stream    *StreamResult
	Profiles  []ProfileSummary
	Notes     []string
}

// CheckRow records what each server answered to one item before the load.
type CheckRow struct {
	Item               string
	Netguard, Baseline loadgen.Answer
}

// LoadPair is one concurrency level on both servers.
type LoadPair struct {
	Concurrency        int
	Baseline, Netguard loadgen.Result
	// Load average just before the pair ran.
	LoadAvg string
}

func main() {
	var (
		root       = flag.String("root", "", "repository root (default: found from the working directory)")
		out        = flag.String("out", "bin/bench", "directory for binaries, logs, results.json and webhook.md (relative to root)")
		png        = flag.String("png", "docs/benchmarks-latency.png", "latency-vs-load plot (relative to root)")
		quick      = flag.Bool("quick", false, "short runs (2s per level) for a quick look")
		runFor     = flag.Duration("duration", 10*time.Second, "measured time per concurrency level and server")
		warmup     = flag.Duration("warmup", time.Second, "unmeasured warm-up before each run")
		concs      = flag.String("concurrency", "1,8,64", "concurrency levels")
		phases     = flag.String("phases", "load,large,updates,cost,growth,kyverno,stream,apiserver,profile", "phases to run")
		largeFor   = flag.Duration("large-duration", 30*time.Second, "measured time per server of the 1 MiB phase (enough requests for a per-review p99)")
		streamMB   = flag.Int("stream-mb", 100, "size of the lint stream in MB (quick: 10)")
		profileFor = flag.Duration("profile-for", 5*time.Second, "profiled time per missed target (quick: 1s)")
		profWorker = flag.String("profile-worker", "", "internal: profile this workload (JSON ProfileSpec) and exit")
		profOut    = flag.String("profile-out", "", "internal: where -profile-worker writes the profile")
		kyvernoBin = flag.String("kyverno", "bin/kyverno", "kubectl-kyverno binary (relative to root); the kyverno phase is skipped with a note when missing")
		config     = flag.String("config", "examples/netguard-config.yaml", "netguard configuration served (relative to root)")
		render     = flag.String("render", "", "only re-render webhook.md and the plot from this results.json (no measurement)")
	)
	flag.Parse()
	// envtest and controller-runtime log through this; the benchmark's own
	// output is its progress lines.
	ctrllog.SetLogger(logr.Discard())
	if *quick {
		*runFor = 2 * time.Second
		*warmup = 500 * time.Millisecond
		*largeFor = 4 * time.Second
		*streamMB = 10
		*profileFor = time.Second
	}
	r := *root
	if r == "" {
		var err error
		if r, err = framework.RepoRoot(); err != nil {
			fatal(err)
		}
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(r, p)
	}
	if *profWorker != "" {
		b := &bench{root: r, out: abs(*out), res: &Results{}, config: abs(*config)}
		if err := profileWorker(b, *profWorker, *profOut, *runFor); err != nil {
			fatal(err)
		}
		return
	}
	outDir := abs(*out)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		fatal(err)
	}
	res := &Results{
		Date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), GoVersion: goVersion(), CPU: cpuModel(), CPUs: runtime.NumCPU(),
		LoadBefore: loadAvg(), Quick: *quick, RunFor: *runFor, LargeFor: *largeFor, Config: *config,
	}
	if *render != "" {
		b, err := os.ReadFile(*render)
		if err != nil {
			fatal(err)
		}
		var saved Results
		if err := json.Unmarshal(b, &saved); err != nil {
			fatal(err)
		}
		if len(saved.Load) > 0 {
			if err := plotLatency(&saved, abs(*png)); err != nil {
				fatal(err)
			}
		}
		md := markdown(&saved, relTo(r, abs(*png), filepath.Join(r, "docs")))
		if err := os.WriteFile(filepath.Join(outDir, "webhook.md"), []byte(md), 0o644); err != nil {
			fatal(err)
		}
		logf("re-rendered %s from %s", filepath.Join(outDir, "webhook.md"), *render)
		return
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		want[strings.TrimSpace(p)] = true
	}
	ctx := context.Background()
	b := &bench{root: r, out: outDir, res: res, runFor: *runFor, warmup: *warmup, largeFor: *largeFor, config: abs(*config)}
	for _, c := range strings.Split(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fatal(fmt.Errorf("bad concurrency %q", c))
		}
		b.concs = append(b.concs, n)
	}

	if want["load"] || want["large"] || want["kyverno"] || want["updates"] || want["stream"] {
		logf("building netguard and the no-op baseline")
		if err := b.build(ctx); err != nil {
			fatal(err)
		}
	}
	if want["load"] || want["large"] {
		if err := b.loadPhases(ctx, want["load"], want["large"]); err != nil {
			fatal(err)
		}
	}
	if want["updates"] {
		u, err := b.updates(ctx)
		if err != nil {
			fatal(err)
		}
		res.Updates = u
	}
	if want["cost"] {
		logf("cost: CPU per review in-process, netguard's handler vs a decode-only handler")
		c, err := b.costs()
		if err != nil {
			fatal(err)
		}
		res.Costs = c
	}
	if want["growth"] {
		logf("growth: time per review vs object size and cluster nodes (in-process)")
		g, err := b.growth()
		if err != nil {
			fatal(err)
		}
		res.Growth = g
	}
	if want["kyverno"] {
		k, err := b.kyverno(ctx, abs(*kyvernoBin))
		if err != nil {
			fatal(err)
		}
		res.Kyverno = k
	}
	if want["stream"] {
		s, err := b.lintStream(ctx, int64(*streamMB)*1e6)
		if err != nil {
			fatal(err)
		}
		res.Stream = s
	}
	if want["apiserver"] {
		a, err := b.apiserver(ctx)
		if err != nil {
			fatal(err)
		}
		res.APIServer = a
	}
	res.LoadAfter = loadAvg()
	if want["profile"] {
		res.Profiles = b.profiles(ctx, evalTargets(res), *profileFor)
	}

	js, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(outDir, "results.json"), js, 0o644); err != nil {
		fatal(err)
	}
	if len(res.Load) > 0 {
		if err := plotLatency(res, abs(*png)); err != nil {
			fatal(err)
		}
	}
	md := markdown(res, relTo(r, abs(*png), filepath.Join(r, "docs")))
	if err := os.WriteFile(filepath.Join(outDir, "webhook.md"), []byte(md), 0o644); err != nil {
		fatal(err)
	}
	logf("wrote %s, %s and %s", filepath.Join(outDir, "webhook.md"), filepath.Join(outDir, "results.json"), abs(*png))
}

type bench struct {
	root, out      string
	res            *Results
	runFor, warmup time.Duration
	largeFor       time.Duration
	concs          []int
	config         string
	netguardBin    string
	noopBin        string
	objects        []corpus.Object
	items          []corpus.Item
}

func (b *bench) build(ctx context.Context) error {
	b.netguardBin = filepath.Join(b.out, "netguard")
	b.noopBin = filepath.Join(b.out, "noop-webhook")
	if err := goBuild(ctx, b.root, b.netguardBin, "./cmd/netguard"); err != nil {
		return err
	}
	return goBuild(ctx, filepath.Join(b.root, "bench"), b.noopBin, "./cmd/noop-webhook")
}

func goBuild(ctx context.Context, dir, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

func (b *bench) corpus() error {
	if b.items != nil {
		return nil
	}
	objs, err := corpus.Objects(b.root)
	if err != nil {
		return err
	}
	items, err := corpus.Items(objs)
	if err != nil {
		return err
	}
	b.objects, b.items = objs, items
	return nil
}

// loadPhases starts both servers once and measures them alternately at each
// concurrency level (baseline, then netguard), so that drift of the shared
// machine hits both alike.
func (b *bench) loadPhases(ctx context.Context, load, large bool) error {
	if err := b.corpus(); err != nil {
		return err
	}
	ng, err := startServer(ctx, "netguard", b.netguardBin, b.out, "--config", b.config, "--offline", "--zap-log-level", "error")
	if err != nil {
		return err
	}
	defer ng.stop()
	base, err := startServer(ctx, "baseline", b.noopBin, b.out)
	if err != nil {
		return err
	}
	defer base.stop()

	if err := b.check(ctx, ng, base); err != nil {
		return err
	}
	typical := corpus.Select(b.items, corpus.Typical)
	if load {
		for _, c := range b.concs {
			p := LoadPair{Concurrency: c, LoadAvg: loadAvg()}
			logf("load: concurrency %d, %s per server (%d typical items; load average %s)", c, b.runFor, len(typical), p.LoadAvg)
			if p.Baseline, err = loadgen.Run(ctx, base.target, typical, c, b.warmup, b.runFor); err != nil {
				return fmt.Errorf("baseline: %w", err)
			}
			if p.Netguard, err = loadgen.Run(ctx, ng.target, typical, c, b.warmup, b.runFor); err != nil {
				return fmt.Errorf("netguard: %w", err)
			}
			logf("  baseline p50 %v p99 %v %.0f/s | netguard p50 %v p99 %v %.0f/s rss %.1f MiB",
				p.Baseline.Latency.P50, p.Baseline.Latency.P99, p.Baseline.Throughput,
				p.Netguard.Latency.P50, p.Netguard.Latency.P99, p.Netguard.Throughput, float64(p.Netguard.PeakRSSBytes)/(1<<20))
			b.res.Load = append(b.res.Load, p)
		}
	}
	if large {
		items := corpus.Select(b.items, corpus.Large)
		p := LoadPair{Concurrency: 1, LoadAvg: loadAvg()}
		logf("large: %d items of ~1 MiB at concurrency 1, %s per server", len(items), b.largeFor)
		if p.Baseline, err = loadgen.Run(ctx, base.target, items, 1, b.warmup, b.largeFor); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		if p.Netguard, err = loadgen.Run(ctx, ng.target, items, 1, b.warmup, b.largeFor); err != nil {
			return fmt.Errorf("netguard: %w", err)
		}
		b.res.Large = &p
	}
	return nil
}

// check sends every item once to both servers and verifies that netguard
// judged the targeted objects (and denied the broken one) while the
// baseline allowed everything: otherwise the comparison would be hollow.
func (b *bench) check(ctx context.Context, ng, base *server) error {
	na, err := loadgen.Check(ctx, ng.target, b.items)
	if err != nil {
		return fmt.Errorf("netguard: %w", err)
	}
	ba, err := loadgen.Check(ctx, base.target, b.items)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	denied := map[string]bool{}
	for _, o := range b.objects {
		denied[o.Name] = o.Denied
	}
	for i, it := range b.items {
		b.res.Checks = append(b.res.Checks, CheckRow{Item: it.Name, Netguard: na[i], Baseline: ba[i]})
		if !ba[i].Allowed {
			return fmt.Errorf("baseline did not allow %s", it.Name)
		}
		targeted := it.Family != "none"
		if targeted && na[i].Decision == "skipped" {
			return fmt.Errorf("netguard skipped %s, which it targets", it.Name)
		}
		if !targeted && na[i].Decision != "skipped" {
			return fmt.Errorf("netguard judged %s (%s), which it does not target", it.Name, na[i].Decision)
		}
		// A broken object is denied on CREATE; its UPDATE is an edit of an
		// object that was already broken, which ratcheting lets through
		// with the problems as warnings.
		if it.Path == "/validate" && it.Operation == "CREATE" && na[i].Allowed == denied[it.Object] {
			return fmt.Errorf("netguard allowed=%v for %s", na[i].Allowed, it.Name)
		}
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s webhookbench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "webhookbench:", err)
	os.Exit(1)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func goVersion() string {
	if out, err := exec.Command("go", "version").Output(); err == nil {
		return strings.TrimSpace(strings.TrimPrefix(string(out), "go version "))
	}
	return runtime.Version()
}

func relTo(root, path, base string) string {
	if r, err := filepath.Rel(base, path); err == nil {
		return r
	}
	return path
}
