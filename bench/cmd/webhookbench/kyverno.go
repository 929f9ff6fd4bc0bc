package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// KyvernoResult compares the cost per resource of Kyverno (kubectl-kyverno
// apply with bench/kyverno/policies.yaml) and netguard (netguard lint with
// bench/kyverno/netguard-config.yaml) on the same objects, and netguard's
// in-process review. Per-resource cost is the marginal cost: (cost of N
// copies - cost of 1 copy) / (N - 1), so process start-up and policy loading
// cancel out.
type KyvernoResult struct {
	Version  string
	Copies   int
	Reps     int
	Families []KyvernoRow
	// Mix is the target's measurement: both tools on the same mixed
	// ConfigMaps.
	Mix     *KyvernoMix
	Skipped string
	// EngineNote explains why the in-process engine was not measured.
	EngineNote string
}

// KyvernoRow is one object family.
type KyvernoRow struct {
	Object string
	// Marginal CPU (user+system) and wall time per resource.
	KyvernoCPU, KyvernoWall time.Duration
	LintCPU, LintWall       time.Duration
	// In-process: netguard's admission review of one object (decode,
	// judge, response), CPU time; Kyverno's engine (enginebench), CPU time.
	InProcessCPU     time.Duration
	KyvernoEngineCPU time.Duration
	// Start-up: the whole 1-copy run.
	KyvernoStartup, LintStartup time.Duration
}

func (b *bench) kyverno(ctx context.Context, bin string) (*KyvernoResult, error) {
	res := &KyvernoResult{Copies: 200, Reps: 3}
	if b.res.Quick {
		res.Copies, res.Reps = 50, 1
	}
	if _, err := os.Stat(bin); err != nil {
		res.Skipped = fmt.Sprintf("%s not found (build it with `make bin/kyverno`, about 4-15 minutes cold)", bin)
		logf("kyverno: skipped: %s", res.Skipped)
		return res, nil
	}
	if b.netguardBin == "" {
		if err := b.build(ctx); err != nil {
			return nil, err
		}
	}
	if out, err := exec.CommandContext(ctx, bin, "version").CombinedOutput(); err == nil {
		if m := regexp.MustCompile(`Version: (\S+)`).FindSubmatch(out); m != nil {
			res.Version = string(m[1])
		}
	}
	if err := b.corpus(); err != nil {
		return nil, err
	}
	dir := filepath.Join(b.out, "kyverno")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	policies := filepath.Join(b.root, "bench", "kyverno", "policies.yaml")
	ngConfig := filepath.Join(b.root, "bench", "kyverno", "netguard-config.yaml")
	cfg, err := rules.LoadConfig(ngConfig)
	if err != nil {
		return nil, err
	}
	eng := engine.New(cfg, all.Checkers()...)
	snap := webhook.Snapshot{Engine: eng, Cluster: &cfg.Cluster}
	adm := &webhook.Admission{Snapshot: func() webhook.Snapshot { return snap }, Ratcheting: true, InfoWarnings: true}

	mixN, mixReps := 3000, 3
	if b.res.Quick {
		mixN, mixReps = 300, 1
	}
	if res.Mix, err = b.kyvernoMix(ctx, bin, dir, policies, ngConfig, mixN, mixReps); err != nil {
		return nil, err
	}

	engineBin := filepath.Join(filepath.Dir(bin), "kyverno-enginebench")
	if _, err := os.Stat(engineBin); err != nil {
		res.EngineNote = fmt.Sprintf("Kyverno's engine in-process was not measured: %s is missing (`make bin/kyverno`).", engineBin)
		engineBin = ""
	}
	rulesPer := map[string]int{"flannel": 2, "kube-proxy": 1, "terway": 1, "service": 1}
	for _, o := range b.objects {
		if o.Size != corpus.Typical || o.Denied || rulesPer[o.Name] == 0 {
			continue
		}
		logf("kyverno: %s, 1 and %d copies, %d repetition(s)", o.Name, res.Copies, res.Reps)
		row := KyvernoRow{Object: o.Name}
		files := map[int]string{}
		for _, n := range []int{1, res.Copies} {
			p := filepath.Join(dir, fmt.Sprintf("%s-%d.yaml", o.Name, n))
			if err := writeCopies(p, o.Obj, n); err != nil {
				return nil, err
			}
			files[n] = p
		}
		ky := func(n int) (cpu, wall time.Duration, err error) {
			return runTool(ctx, res.Reps, func(out string) error {
				want := fmt.Sprintf("pass: %d, fail: 0, warn: 0, error: 0", n*rulesPer[o.Name])
				if !strings.Contains(out, want) {
					return fmt.Errorf("kyverno apply on %d copies of %s: want %q in\n%s", n, o.Name, want, tailStr(out, 800))
				}
				return nil
			}, bin, "apply", policies, "--resource", files[n])
		}
		lint := func(n int) (cpu, wall time.Duration, err error) {
			return runTool(ctx, res.Reps, func(out string) error {
				want := fmt.Sprintf("%d object(s), %d judged: 0 deny", n, n)
				if !strings.Contains(out, want) {
					return fmt.Errorf("netguard lint on %d copies of %s: want %q in\n%s", n, o.Name, want, tailStr(out, 800))
				}
				return nil
			}, b.netguardBin, "lint", "--config", ngConfig, files[n])
		}
		for _, t := range []struct {
			run       func(int) (time.Duration, time.Duration, error)
			cpu, wall *time.Duration
			start     *time.Duration
		}{{ky, &row.KyvernoCPU, &row.KyvernoWall, &row.KyvernoStartup}, {lint, &row.LintCPU, &row.LintWall, &row.LintStartup}} {
			c1, w1, err := t.run(1)
			if err != nil {
				return nil, err
			}
			cn, wn, err := t.run(res.Copies)
			if err != nil {
				return nil, err
			}
			*t.cpu = max(0, (cn-c1)/time.Duration(res.Copies-1))
			*t.wall = max(0, (wn-w1)/time.Duration(res.Copies-1))
			*t.start = w1
		}
		if engineBin != "" {
			cpu, err := kyvernoEngine(ctx, engineBin, policies, files[1], rulesPer[o.Name], b.res.Quick)
			if err != nil {
				return nil, err
			}
			row.KyvernoEngineCPU = cpu
		}
		req, err := request(o)
		if err != nil {
			return nil, err
		}
		if out := adm.Review(webhook.Validating, req); out.Decision == webhook.DecisionSkipped {
			return nil, fmt.Errorf("in-process review skipped %s", o.Name)
		}
		budget := 300 * time.Millisecond
		if b.res.Quick {
			budget = 60 * time.Millisecond
		}
		row.InProcessCPU = measure(budget, func() { adm.Review(webhook.Validating, req) }).CPU
		logf("  kyverno engine %v/resource, kyverno CLI %v/resource, netguard lint %v/resource, netguard in-process %v/review (CPU)", row.KyvernoEngineCPU, row.KyvernoCPU, row.LintCPU, row.InProcessCPU)
		res.Families = append(res.Families, row)
	}
	return res, nil
}

// writeCopies writes n copies of obj, named NAME-i, as one multi-document
// YAML file.
func writeCopies(path string, obj runtime.Object, n int) error {
	var buf bytes.Buffer
	for i := range n {
		var c runtime.Object
		switch o := obj.(type) {
		case *corev1.ConfigMap:
			x := o.DeepCopy()
			x.Name = fmt.Sprintf("%s-%d", x.Name, i)
			x.UID, x.ResourceVersion = "", ""
			c = x
		case *corev1.Service:
			x := o.DeepCopy()
			x.Name = fmt.Sprintf("%s-%d", x.Name, i)
			c = x
		}
		y, err := yaml.Marshal(c)
		if err != nil {
			return err
		}
		buf.WriteString("---\n")
		buf.Write(y)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// runTool runs a command reps times and returns the median CPU (user +
// system of the process) and wall time; check validates the output.
func runTool(ctx context.Context, reps int, check func(string) error, bin string, args ...string) (cpu, wall time.Duration, err error) {
	var cpus, walls []time.Duration
	for range reps {
		cmd := exec.CommandContext(ctx, bin, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t0 := time.Now()
		err := cmd.Run()
		w := time.Since(t0)
		if err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				return 0, 0, err
			}
		}
		if err := check(out.String()); err != nil {
			return 0, 0, err
		}
		cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		walls = append(walls, w)
	}
	return median(cpus), median(walls), nil
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

func tailStr(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// kyvernoEngine runs hack/tools/kyverno/enginebench on one resource file
// and returns Kyverno's engine CPU time per resource.
func kyvernoEngine(ctx context.Context, bin, policies, resources string, rules int, quick bool) (time.Duration, error) {
	minCPU := "500ms"
	if quick {
		minCPU = "100ms"
	}
	out, err := exec.CommandContext(ctx, bin, "-policies", policies, "-resources", resources, "-min-cpu", minCPU).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return 0, fmt.Errorf("%s: %w: %s", bin, err, ee.Stderr)
		}
		return 0, err
	}
	var r struct {
		Resources, Pass, Fail, Error int
		CPUNsPerResource             float64
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return 0, fmt.Errorf("%s: %w: %s", bin, err, out)
	}
	if r.Pass != r.Resources*rules || r.Fail+r.Error > 0 {
		return 0, fmt.Errorf("%s on %s: pass %d fail %d error %d, want pass %d", bin, resources, r.Pass, r.Fail, r.Error, r.Resources*rules)
	}
	return time.Duration(r.CPUNsPerResource), nil
}
