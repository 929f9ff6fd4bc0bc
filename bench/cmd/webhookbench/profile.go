package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
)

// ProfileSummary is a profile of a missed target's workload, summarised
// from `go tool pprof -top` (generated, never hand-written).
type ProfileSummary struct {
	Spec   ProfileSpec
	Target string
	Total  string // "3.01s" (CPU) or "1.2GB" (allocated)
	Cum    []ProfLine
	Flat   []ProfLine
	// ByPackage: the flat share of every package, largest first.
	ByPackage []ProfLine
	Err       string
}

// ProfLine is one function of `go tool pprof -top`.
type ProfLine struct {
	Func          string
	Flat, Cum     string
	FlatPc, CumPc float64
}

// profiles profiles the workload of every missed target, each in a child
// process of this binary (`-profile-worker`), so that neither the earlier
// phases' allocations nor their garbage-collector state enter the
// profile.
func (b *bench) profiles(ctx context.Context, targets []TargetRow, runFor time.Duration) []ProfileSummary {
	var out []ProfileSummary
	seen := map[string]bool{}
	dir := filepath.Join(b.out, "profiles")
	_ = os.MkdirAll(dir, 0o755)
	self, err := os.Executable()
	for _, t := range targets {
		for _, s := range t.Profiles {
			if seen[s.Key] {
				continue
			}
			seen[s.Key] = true
			ps := ProfileSummary{Spec: s, Target: t.Target}
			path := filepath.Join(dir, s.Key+".pprof")
			logf("profile: %s (%s)", s.Key, s.Title)
			if err != nil {
				ps.Err = err.Error()
			} else if ps.Err = b.runWorker(ctx, self, s, path, runFor); ps.Err == "" {
				ps.Total, ps.Cum, ps.Flat, ps.ByPackage, err = summarize(ctx, path, s.Alloc)
				if err != nil {
					ps.Err = err.Error()
				}
			}
			if ps.Err != "" {
				logf("  %s", ps.Err)
			}
			out = append(out, ps)
		}
	}
	return out
}

func (b *bench) runWorker(ctx context.Context, self string, s ProfileSpec, path string, runFor time.Duration) string {
	spec, _ := json.Marshal(s)
	cmd := exec.CommandContext(ctx, self, "-root", b.root, "-out", b.out, "-config", b.config,
		"-profile-worker", string(spec), "-profile-out", path, "-duration", runFor.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Sprintf("profiling %s: %v: %s", s.Key, err, tailStr(string(out), 600))
	}
	return ""
}

// profileWorker is the child: it builds the workload, then profiles it
// for runFor of wall time.
func profileWorker(b *bench, specJSON, path string, runFor time.Duration) error {
	runtime.MemProfileRate = 0 // no samples of the set-up
	var s ProfileSpec
	if err := json.Unmarshal([]byte(specJSON), &s); err != nil {
		return err
	}
	work, err := b.workload(s)
	if err != nil {
		return err
	}
	work() // warm up
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if s.Alloc {
		runtime.MemProfileRate = 64 << 10
	} else if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	for end := time.Now().Add(runFor); time.Now().Before(end); {
		work()
	}
	if s.Alloc {
		return pprof.Lookup("allocs").WriteTo(f, 0)
	}
	pprof.StopCPUProfile()
	return nil
}

// workload returns one round of the profiled work.
func (b *bench) workload(s ProfileSpec) (func(), error) {
	if err := b.corpus(); err != nil {
		return nil, err
	}
	cfg, err := rules.LoadConfig(b.config)
	if err != nil {
		return nil, err
	}
	eng := engine.New(cfg, all.Checkers()...)
	admFor := func(cl *rules.ClusterContext) *webhook.Admission {
		snap := webhook.Snapshot{Engine: eng, Cluster: cl}
		return &webhook.Admission{Snapshot: func() webhook.Snapshot { return snap }, Ratcheting: true, InfoWarnings: true}
	}
	adm := admFor(&cfg.Cluster)
	handlers := map[string]http.Handler{
		webhook.ValidatePath: &webhook.Handler{Hook: webhook.Validating, Admission: adm},
		webhook.MutatePath:   &webhook.Handler{Hook: webhook.Mutating, Admission: adm},
	}
	// http.NewRequest and a discarding writer, not httptest's (which
	// parses the request from bytes through a bufio.Reader): the profile
	// should hold the handler's work, not the driver's.
	serve := func(path string, body []byte) {
		req, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		handlers[path].ServeHTTP(discard{}, req)
	}
	switch s.Kind {
	case "review":
		var items []corpus.Item
		for _, it := range b.items {
			if it.Size == s.Size && (s.Family == "" || it.Family == s.Family) {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			return nil, fmt.Errorf("no %s items of family %q", s.Size, s.Family)
		}
		return func() {
			for _, it := range items {
				serve(it.Path, it.Body)
			}
		}, nil
	case "nodes":
		cl := cfg.Cluster
		cl.Nodes = nodes(5000)
		a := admFor(&cl)
		for _, o := range b.objects {
			if o.Name == s.Object && o.Size == corpus.Typical {
				req, err := request(o)
				if err != nil {
					return nil, err
				}
				return func() { a.Review(webhook.Validating, req) }, nil
			}
		}
		return nil, fmt.Errorf("no typical object %q", s.Object)
	case "updates":
		objs, err := b.mixObjects()
		if err != nil {
			return nil, err
		}
		u, err := corpus.KubeProxyUpdates(objs[0], 4)
		if err != nil {
			return nil, err
		}
		return func() {
			for range 16 {
				_, path, body := u.Next(0, 0)
				serve(path, body)
			}
		}, nil
	case "lint":
		return b.lintWorkload()
	}
	return nil, fmt.Errorf("unknown profile kind %q", s.Kind)
}

// lintWorkload is lint.Run on 3,000 mixed ConfigMaps with the Kyverno
// comparison's configuration, what `netguard lint` does after start-up.
func (b *bench) lintWorkload() (func(), error) {
	objs, err := b.mixObjects()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, _, err := writeMix(&buf, objs, 3000, 0); err != nil {
		return nil, err
	}
	path := filepath.Join(b.out, "profiles", "lint-mix.yaml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	cfg, err := rules.LoadConfig(filepath.Join(b.root, "bench", "kyverno", "netguard-config.yaml"))
	if err != nil {
		return nil, err
	}
	return func() {
		res := lint.Run([]string{path}, lint.Options{Config: cfg})
		if res.ExitCode() != 0 {
			panic(fmt.Sprintf("lint.Run on %s: exit %d", path, res.ExitCode()))
		}
	}, nil
}

// discard is a ResponseWriter that drops the response.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

var totalRE = regexp.MustCompile(`of ([0-9.]+\w*) total`)

// summarize runs `go tool pprof -top` sorted by cumulative and by flat
// share and keeps the functions that are not the driver's own.
func summarize(ctx context.Context, path string, alloc bool) (total string, cum, flat, pkgs []ProfLine, err error) {
	top := func(sortCum bool) (string, []ProfLine, error) {
		args := []string{"tool", "pprof", "-top", "-nodecount=100000"}
		if sortCum {
			args = append(args, "-cum")
		}
		if alloc {
			args = append(args, "-sample_index=alloc_space")
		}
		out, err := exec.CommandContext(ctx, "go", append(args, path)...).Output()
		if err != nil {
			return "", nil, fmt.Errorf("go tool pprof %s: %w", path, err)
		}
		t, lines := parseTop(out)
		return t, lines, nil
	}
	total, cum, err = top(true)
	if err != nil {
		return "", nil, nil, nil, err
	}
	_, flat, err = top(false)
	return total, keep(cum, 15), keep(flat, 10), byPackage(flat), err
}

// byPackage sums the flat shares per package ("go.yaml.in/yaml/v3",
// "runtime"; frames without a package are the runtime's assembly).
func byPackage(lines []ProfLine) []ProfLine {
	sum := map[string]float64{}
	for _, l := range lines {
		sum[pkgOf(l.Func)] += l.FlatPc
	}
	var out []ProfLine
	for p, pc := range sum {
		if pc >= 0.5 {
			out = append(out, ProfLine{Func: p, FlatPc: pc})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FlatPc != out[j].FlatPc {
			return out[i].FlatPc > out[j].FlatPc
		}
		return out[i].Func < out[j].Func
	})
	return out
}

func pkgOf(fn string) string {
	// Type parameters and receivers may hold other packages' paths.
	if i := strings.IndexAny(fn, "[("); i > 0 {
		fn = fn[:i]
	}
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "runtime"
	}
	return fn[:slash+1+dot]
}

// parseTop reads `go tool pprof -top` output.
func parseTop(out []byte) (string, []ProfLine) {
	total := ""
	if m := totalRE.FindSubmatch(out); m != nil {
		total = string(m[1])
	}
	var lines []ProfLine
	body := false
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) >= 5 && f[0] == "flat" && f[1] == "flat%" {
			body = true
			continue
		}
		if !body || len(f) < 6 {
			continue
		}
		fp, err1 := strconv.ParseFloat(strings.TrimSuffix(f[1], "%"), 64)
		cp, err2 := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
		if err1 != nil || err2 != nil {
			continue
		}
		lines = append(lines, ProfLine{Func: strings.Join(f[5:], " "), Flat: f[0], FlatPc: fp, Cum: f[3], CumPc: cp})
	}
	return total, lines
}

// keep drops the benchmark driver's and the runtime's entry frames and
// returns the first n of the rest.
func keep(lines []ProfLine, n int) []ProfLine {
	var out []ProfLine
	for _, l := range lines {
		if strings.HasPrefix(l.Func, "main.") || strings.HasPrefix(l.Func, "net/http/httptest.") ||
			l.Func == "runtime.main" || l.Func == "runtime.goexit" {
			continue
		}
		out = append(out, l)
		if len(out) == n {
			break
		}
	}
	return out
}
