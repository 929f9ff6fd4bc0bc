package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/netguard/netguard/bench/corpus"
)

func largeFor(r *Results) time.Duration {
	if r.LargeFor > 0 {
		return r.LargeFor
	}
	return r.RunFor
}

// writeTargets renders issue 15's targets, each measured or marked not
// measured, with a link to the profiles that explain a miss.
func writeTargets(w func(string, ...any), r *Results) {
	w("### Targets (issue 15)\n\n")
	w("Ratios are netguard / the baseline named in the target, from the same run. A target missed links to the profile of its workload (section \"Where the time goes\", after the measurements).\n\n")
	w("| Target | Measured | |\n|---|---|---|\n")
	for _, t := range evalTargets(r) {
		v := "not measured"
		if t.Met != nil {
			v = verdict(*t.Met)
		}
		var links []string
		for _, p := range t.Profiles {
			links = append(links, fmt.Sprintf("[%s](#profile-%s)", p.Key, p.Key))
		}
		if len(links) > 0 {
			v += " (" + strings.Join(links, ", ") + ")"
		}
		w("| %s | %s | %s |\n", t.Target, t.Measured, v)
	}
	w("\n")
}

// writeProfiles renders the profiles of the missed targets.
func writeProfiles(w func(string, ...any), r *Results) {
	if len(r.Profiles) == 0 {
		return
	}
	w("### Where the time goes\n\n")
	w("For each target missed, its workload run in-process (no TLS, no HTTP server; a child process of `webhookbench`, so nothing else is in the profile) ")
	w("and profiled, summarised from `go tool pprof -top` (the profiles are in `bin/bench/profiles/`; open one with `go tool pprof -http : FILE`). ")
	w("*cum* is the share of the samples in the function and what it calls, *flat* in the function itself; the benchmark's driver frames are left out.\n\n")
	for _, p := range r.Profiles {
		kind := "CPU"
		if p.Spec.Alloc {
			kind = "bytes allocated"
		}
		w("<a id=\"profile-%s\"></a>\n#### %s — %s\n\n", p.Spec.Key, p.Spec.Key, p.Spec.Title)
		w("Target: %s.\n\n", p.Target)
		if p.Err != "" {
			w("Not profiled: %s\n\n", p.Err)
			continue
		}
		w("%s in the profile: %s.\n\n", kind, p.Total)
		w("| Function (by cumulative share) | cum | cum%% | flat%% |\n|---|---:|---:|---:|\n")
		for _, l := range p.Cum {
			w("| `%s` | %s | %.1f%% | %.1f%% |\n", l.Func, l.Cum, l.CumPc, l.FlatPc)
		}
		var flat []string
		for _, l := range p.Flat {
			flat = append(flat, fmt.Sprintf("`%s` %.1f%%", l.Func, l.FlatPc))
		}
		w("\nMost %s in the function itself (flat): %s.\n\n", kind, strings.Join(flat, ", "))
		var pk []string
		for _, l := range p.ByPackage {
			pk = append(pk, fmt.Sprintf("%s %.0f%%", l.Func, l.FlatPc))
		}
		w("By package (flat, ≥ 0.5%%): %s.\n\n", strings.Join(pk, ", "))
	}
}

// writeUpdates renders the kube-proxy UPDATE phase.
func writeUpdates(w func(string, ...any), r *Results) {
	u := r.Updates
	if u == nil || len(u.Levels) == 0 {
		return
	}
	w("### kube-proxy UPDATEs that change `config.conf`\n\n")
	w("The heaviest real traffic: `kubectl edit`s of `kube-system/kube-proxy-worker` (the typical object) sent to `/validate`, each with a `config.conf` no earlier request carried ")
	w("(`conntrack.maxPerCore` takes a new value every request), and each old object the last one admitted before it, as successive edits produce them ")
	w("(so a cache may legitimately know the old object, never the new one). 1 in %d edits is denied (a type error, `maxPerCore: many…`); its old object is valid, ", u.DenyEvery)
	w("so netguard also judges the old object (ratcheting). The bodies are generated per request from a template (`corpus.Updates`); workers draw from one sequence, ")
	w("so no request is ever sent twice: %d requests to netguard and %d to the baseline in all. ", u.SentNetguard, u.SentBaseline)
	w("The baseline is a no-op **controller-runtime** webhook: `noop-webhook --handler controller-runtime`, controller-runtime's `admission.Webhook` with a Handler that returns `Allowed` ")
	w("(its own decoding and encoding), on the same server stack. Servers alternate at each level, %s each after a warm-up.\n\n", r.RunFor)
	w("| Concurrency | Server | p50 | p90 | p99 | p99.9 | Requests/s | Server CPU/request | Peak RSS | p99 ratio | Throughput ratio | Load avg |\n")
	w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, l := range u.Levels {
		for _, s := range []struct {
			name   string
			x      bool
			rp, rt string
		}{{"no-op controller-runtime", false, "", ""}, {"netguard", true,
			fmt.Sprintf("%.2f×", ratio(float64(l.Netguard.Latency.P99), float64(l.Baseline.Latency.P99))),
			fmt.Sprintf("%.2f×", ratio(l.Netguard.Throughput, l.Baseline.Throughput))}} {
			x := l.Baseline
			if s.x {
				x = l.Netguard
			}
			w("| %d | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n", l.Concurrency, s.name, dur(x.Latency.P50), dur(x.Latency.P90), dur(x.Latency.P99), dur(x.Latency.P999),
				x.Throughput, dur(x.CPUPerRequest), mib(x.PeakRSSBytes), s.rp, s.rt, l.LoadAvg)
		}
	}
	w("\nnetguard by outcome (p50 / p99):")
	for _, l := range u.Levels {
		a, d := l.Netguard.PerItem[corpus.UpdateAllowed], l.Netguard.PerItem[corpus.UpdateDenied]
		w(" c=%d allowed %s / %s, denied %s / %s;", l.Concurrency, dur(a.P50), dur(a.P99), dur(d.P50), dur(d.P99))
	}
	w(" errors (baseline/netguard):")
	for _, l := range u.Levels {
		w(" c=%d %d/%d", l.Concurrency, l.Baseline.Errors, l.Netguard.Errors)
	}
	w(".\n\n")
}

// writeKyvernoMix renders the Kyverno target's measurement.
func writeKyvernoMix(w func(string, ...any), k *KyvernoResult) {
	m := k.Mix
	if m == nil {
		return
	}
	w("**The target's measurement**: `kubectl-kyverno apply` and `netguard lint` on the same %d ConfigMaps (one third each kube-proxy, Flannel, Terway: the typical objects with distinct names) and on 1, ", m.Resources)
	w("CPU (user+system) of the process, median of %d runs interleaved tool by tool; per resource = (CPU(%d) − CPU(1)) / %d, so start-up cancels out.\n\n", m.Reps, m.Resources, m.Resources-1)
	w("| Tool | CPU, 1 resource | CPU, %d resources | CPU per resource |\n|---|---:|---:|---:|\n", m.Resources)
	w("| kubectl-kyverno apply | %s | %s | %s |\n", dur(m.KyvernoCPU1), dur(m.KyvernoCPUN), dur(m.KyvernoPerResource))
	w("| netguard lint | %s | %s | %s |\n", dur(m.LintCPU1), dur(m.LintCPUN), dur(m.LintPerResource))
	w("\nnetguard lint is %.1f× cheaper per resource.\n\n", ratio(float64(m.KyvernoPerResource), float64(m.LintPerResource)))
}

// writeStream renders the lint stream phase.
func writeStream(w func(string, ...any), r *Results) {
	s := r.Stream
	if s == nil {
		return
	}
	w("### A large `netguard lint` stream\n\n")
	w("`netguard lint -o json --config bench/kyverno/netguard-config.yaml FILE` on one generated file of %.1f MB: %d ConfigMaps, the typical kube-proxy, Flannel and Terway objects in turn with distinct names. ", float64(s.Bytes)/1e6, s.Objects)
	w("Peak memory is the kernel's maximum resident set of the child (getrusage `ru_maxrss`).\n\n")
	w("| Stream | Objects | Max RSS | CPU | Wall | JSON output |\n|---:|---:|---:|---:|---:|---:|\n")
	w("| %.1f MB | %d | %s | %s | %s | %.1f MB |\n\n", float64(s.Bytes)/1e6, s.Objects, mib(s.MaxRSSBytes), dur(s.CPU), dur(s.Wall), float64(s.OutputBytes)/1e6)
}
