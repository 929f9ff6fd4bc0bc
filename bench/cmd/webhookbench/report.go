package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/netguard/netguard/bench/loadgen"
)

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// dur renders a duration with 3 significant digits in a fitting unit.
func dur(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", ms(d))
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", ms(d))
	case d >= 10*time.Microsecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	}
	return fmt.Sprintf("%.1f µs", float64(d)/1e3)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// markdown renders the results as the webhook sections of
// docs/benchmarks.md; png is the plot's path relative to docs/.
func markdown(r *Results, png string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## The webhook: latency, throughput and memory against a no-op webhook and Kyverno\n\n")
	w("Measured by `bench/cmd/webhookbench` (`make bench`; see `bench/README.md`). netguard is `netguard serve --offline --config %s`; ", r.Config)
	w("the **baseline** is `bench/cmd/noop-webhook`, the same server stack (controller-runtime webhook server, netguard's TLS settings, ")
	w("AdmissionReview decoding with `webhook.DecodeReview` and response encoding) answering *allowed* without judging. ")
	w("Both serve on 127.0.0.1 with a fresh ECDSA certificate; the load generator (`bench/loadgen`) keeps one HTTPS/1.1 connection ")
	w("per concurrent request alive and runs on the same machine. ")
	w("The kube-proxy UPDATE phase has a baseline of its own, the plainest controller-runtime webhook (`noop-webhook --handler controller-runtime`: `admission.Webhook` with a Handler that returns `Allowed`).\n\n")
	w("- Date: %s\n", r.Date)
	w("- Machine: %s, %d CPUs, shared with other work (load average %s before the run, %s after)\n", r.CPU, r.CPUs, r.LoadBefore, r.LoadAfter)
	w("- Go: %s\n", r.GoVersion)
	mode := "full"
	if r.Quick {
		mode = "quick (`make bench-quick`): short runs, noisier"
	}
	w("- Mode: %s; %s measured per server and concurrency level after a warm-up, levels and servers alternating\n\n", mode, r.RunFor)

	writeTargets(w, r)

	if len(r.Costs) > 0 {
		writeCosts(w, r)
	}

	if len(r.Load) > 0 {
		items := 0
		for _, c := range r.Checks {
			if !strings.Contains(c.Item, "(1MiB)") {
				items++
			}
		}
		w("### Latency and throughput vs load\n\n")
		w("The typical corpus (`bench/corpus`): %d AdmissionReviews, sent round robin: each object family (Terway `eni-config` and a per-pool override, ", items)
		w("Flannel `kube-flannel-cfg` valid and broken, kube-proxy `kube-proxy-worker`, an SLB Service and an application Service) plus a ConfigMap netguard does not target, ")
		w("each as CREATE and UPDATE, each to `/mutate` and `/validate` (the API server calls both hooks). Before the load, every review is sent once and the answers are checked: ")
		w("netguard judges the targeted objects, denies the broken one, skips the untargeted one; the baseline allows everything.\n\n")
		w("![latency vs load](%s)\n\n", png)
		w("| Concurrency | Server | p50 | p90 | p99 | p99.9 | Requests/s | Server CPU/request | Peak RSS | p99 ratio | Throughput ratio | Load avg |\n")
		w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, l := range r.Load {
			row := func(name string, x loadgen.Result, rp, rt string) {
				w("| %d | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s |\n", l.Concurrency, name, dur(x.Latency.P50), dur(x.Latency.P90), dur(x.Latency.P99), dur(x.Latency.P999),
					x.Throughput, dur(x.CPUPerRequest), mib(x.PeakRSSBytes), rp, rt, l.LoadAvg)
			}
			row("no-op baseline", l.Baseline, "", "")
			row("netguard", l.Netguard, fmt.Sprintf("%.2f×", ratio(float64(l.Netguard.Latency.P99), float64(l.Baseline.Latency.P99))),
				fmt.Sprintf("%.2f×", ratio(l.Netguard.Throughput, l.Baseline.Throughput)))
		}
		w("\nErrors: ")
		var errs []string
		for _, l := range r.Load {
			errs = append(errs, fmt.Sprintf("c=%d %d/%d", l.Concurrency, l.Baseline.Errors, l.Netguard.Errors))
		}
		w("%s (baseline/netguard).\n\n", strings.Join(errs, ", "))

		first := r.Load[0]
		w("Per review at concurrency %d (`/validate`; p50 / p99):\n\n", first.Concurrency)
		w("| Review | netguard | no-op baseline | p50 difference |\n|---|---:|---:|---:|\n")
		names := make([]string, 0, len(first.Netguard.PerItem))
		for n := range first.Netguard.PerItem {
			if strings.Contains(n, "/validate") {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			ng, bl := first.Netguard.PerItem[n], first.Baseline.PerItem[n]
			w("| %s | %s / %s | %s / %s | %s |\n", strings.TrimSuffix(n, "/validate"), dur(ng.P50), dur(ng.P99), dur(bl.P50), dur(bl.P99), dur(ng.P50-bl.P50))
		}
		w("\n")
	}

	if r.Large != nil {
		w("### ~1 MiB ConfigMaps\n\nThe largest objects a ConfigMap can hold (valid documents grown as in the rule benchmarks), concurrency 1, %s per server ", largeFor(r))
		w("(%d and %d requests in all, round robin over the reviews; with few requests per review its p99 is close to its maximum).\n\n", r.Large.Netguard.Requests, r.Large.Baseline.Requests)
		w("| Review | netguard p50 | netguard p99 | baseline p50 | baseline p99 | p99 ratio |\n|---|---:|---:|---:|---:|---:|\n")
		var names []string
		for n := range r.Large.Netguard.PerItem {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			ng, bl := r.Large.Netguard.PerItem[n], r.Large.Baseline.PerItem[n]
			w("| %s | %s | %s | %s | %s | %.2f× |\n", n, dur(ng.P50), dur(ng.P99), dur(bl.P50), dur(bl.P99), ratio(float64(ng.P99), float64(bl.P99)))
		}
		w("\nServer peak RSS during this run: netguard %s, baseline %s.\n\n", mib(r.Large.Netguard.PeakRSSBytes), mib(r.Large.Baseline.PeakRSSBytes))
	}

	writeUpdates(w, r)

	if g := r.Growth; g != nil {
		w("### Cost growth\n\nIn-process `webhook.Admission.Review` of a CREATE on `/validate` (decode the object, judge, build the response; no HTTP), CPU time per review.\n\n")
		w("Against the size of the embedded document (valid documents of each family):\n\n| Family |")
		for _, s := range g.Sizes {
			w(" %s |", kib(s))
		}
		w(" µs per KiB at %s |\n|---|", kib(g.Sizes[len(g.Sizes)-1]))
		for range g.Sizes {
			w("---:|")
		}
		w("---:|\n")
		for _, f := range g.Families {
			w("| %s |", f)
			for _, c := range g.BySize[f] {
				w(" %s |", dur(c.CPU))
			}
			lastC := g.BySize[f][len(g.BySize[f])-1]
			w(" %.1f |\n", float64(lastC.CPU)/1e3/float64(g.Sizes[len(g.Sizes)-1]>>10))
		}
		w("\nAgainst the number of nodes in the cluster-context cache (typical objects):\n\n| Object |")
		for _, n := range g.Nodes {
			w(" %d nodes |", n)
		}
		w("\n|---|")
		for range g.Nodes {
			w("---:|")
		}
		w("\n")
		for _, o := range g.Objects {
			w("| %s |", o)
			for _, c := range g.ByNodes[o] {
				w(" %s |", dur(c.CPU))
			}
			w("\n")
		}
		w("\n")
		var grow []string
		for _, o := range g.Objects {
			c := g.ByNodes[o]
			first, last := c[0].CPU, c[len(c)-1].CPU
			if last > 2*first && last-first > 20*time.Microsecond {
				perNode := float64(last-first) / float64(g.Nodes[len(g.Nodes)-1]-g.Nodes[0])
				grow = append(grow, fmt.Sprintf("%s (%.0f ns per node)", o, perNode))
			}
		}
		if len(grow) > 0 {
			w("Not flat: %s (the growth target's profiles, under \"Where the time goes\", show which rules' work grows with the nodes). The others are flat.\n\n", strings.Join(grow, ", "))
		}
	}

	if k := r.Kyverno; k != nil {
		w("### Kyverno\n\n")
		if k.Skipped != "" {
			w("Not measured: %s.\n\n", k.Skipped)
		} else {
			w("Kyverno %s with `bench/kyverno/policies.yaml`: ClusterPolicies that read the embedded documents with `parse_json` / `parse_yaml` ", k.Version)
			w("and check a representative subset of netguard's rules (a fraction of what netguard checks, so the comparison flatters Kyverno). ")
			w("netguard runs with `bench/kyverno/netguard-config.yaml` (the same cluster, target names as globs). CPU time per resource:\n\n")
			w("- **Kyverno engine**: `hack/tools/kyverno/enginebench`, Kyverno's engine driven in-process as its admission controller drives it (one engine, a policy context per resource and policy, `Validate`); the resource is decoded before the clock starts, which favours Kyverno.\n")
			w("- **Kyverno CLI** / **netguard lint**: marginal cost per resource of one `kubectl-kyverno apply` / `netguard lint` invocation over %d copies vs 1 copy (median of %d), so start-up cancels out.\n", k.Copies, k.Reps)
			w("- **netguard in-process**: `webhook.Admission.Review` (decode, judge, response).\n\n")
			w("Kyverno 1.19 marks `kyverno.io/v1` ClusterPolicy deprecated in favour of CEL `ValidatingPolicy` (with Kyverno's own JSON/YAML CEL libraries); the issue asks for `parse_json`/`parse_yaml`, so the ClusterPolicy form is what is measured.\n\n")
			writeKyvernoMix(w, k)
			w("Per object family (%d copies of one object vs 1, the Kyverno engine in-process, and netguard's in-process review):\n\n", k.Copies)
			w("| Object | Kyverno engine | Kyverno CLI | netguard lint | netguard in-process | Kyverno engine / netguard | Kyverno CLI / netguard lint |\n|---|---:|---:|---:|---:|---:|---:|\n")
			for _, f := range k.Families {
				w("| %s | %s | %s | %s | %s | %.0f× | %.1f× |\n", f.Object, dur(f.KyvernoEngineCPU), dur(f.KyvernoCPU), dur(f.LintCPU), dur(f.InProcessCPU),
					ratio(float64(f.KyvernoEngineCPU), float64(f.InProcessCPU)), ratio(float64(f.KyvernoCPU), float64(f.LintCPU)))
			}
			if len(k.Families) > 0 {
				w("\nStart-up (one resource, wall time): Kyverno CLI %s, netguard lint %s.\n", dur(k.Families[0].KyvernoStartup), dur(k.Families[0].LintStartup))
			}
			if k.EngineNote != "" {
				w("\n%s\n", k.EngineNote)
			}
			w("\n")
		}
	}

	writeStream(w, r)

	if a := r.APIServer; a != nil {
		w("### Through the real API server\n\n")
		if a.Skipped != "" {
			w("Not measured: %s.\n\n", a.Skipped)
		} else {
			w("`kubectl edit`-like UPDATEs of `kube-system/kube-flannel-cfg` (the document changes each time) through etcd + kube-apiserver %s ", a.APIServerVersion)
			w("(`hack/build-test-binaries.sh`, started by `e2e/framework`), one at a time, %d rounds × %d updates per arm, arms rotating each round: ", a.Rounds, a.UpdatesPerRound)
			w("no webhooks; the no-op webhook registered exactly as netguard is (mutating + validating, `matchConditions`, `e2e/framework.RegisterWebhooks`); netguard.\n\n")
			w("| Arm | p50 | p90 | p99 | p50 vs none | p99 vs none |\n|---|---:|---:|---:|---:|---:|\n")
			for _, x := range []struct {
				name string
				p    loadgen.Percentiles
			}{{"no webhooks", a.Without}, {"no-op webhooks", a.Noop}, {"netguard", a.With}} {
				w("| %s | %s | %s | %s | %.2f× | %.2f× |\n", x.name, dur(x.p.P50), dur(x.p.P90), dur(x.p.P99),
					ratio(float64(x.p.P50), float64(a.Without.P50)), ratio(float64(x.p.P99), float64(a.Without.P99)))
			}
			w("\nnetguard vs the no-op webhook through the API server: p50 %.2f×, p99 %.2f×.\n\n",
				ratio(float64(a.With.P50), float64(a.Noop.P50)), ratio(float64(a.With.P99), float64(a.Noop.P99)))
		}
	}
	writeProfiles(w, r)
	for _, n := range r.Notes {
		w("%s\n\n", n)
	}
	return b.String()
}

func kib(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// costSummary aggregates the in-process costs of the typical corpus.
type costSummary struct {
	netguard, decode time.Duration // mean per review
	objects          []string
	validate, mutate map[string]time.Duration // mean netguard cost per object
	decodeBy         map[string]time.Duration
}

func summarizeCosts(rows []CostRow) costSummary {
	cs := costSummary{validate: map[string]time.Duration{}, mutate: map[string]time.Duration{}, decodeBy: map[string]time.Duration{}}
	nv, nm, nd := map[string]int{}, map[string]int{}, map[string]int{}
	n := 0
	for _, c := range rows {
		if strings.Contains(c.Item, "(1MiB)") {
			continue
		}
		obj := c.Item[:strings.IndexByte(c.Item, '/')]
		if nd[obj] == 0 {
			cs.objects = append(cs.objects, obj)
		}
		cs.netguard += c.Netguard
		cs.decode += c.DecodeOnly
		n++
		cs.decodeBy[obj] += c.DecodeOnly
		nd[obj]++
		if strings.HasSuffix(c.Item, "/validate") {
			cs.validate[obj] += c.Netguard
			nv[obj]++
		} else {
			cs.mutate[obj] += c.Netguard
			nm[obj]++
		}
	}
	if n > 0 {
		cs.netguard /= time.Duration(n)
		cs.decode /= time.Duration(n)
	}
	for _, o := range cs.objects {
		cs.validate[o] /= time.Duration(max(1, nv[o]))
		cs.mutate[o] /= time.Duration(max(1, nm[o]))
		cs.decodeBy[o] /= time.Duration(max(1, nd[o]))
	}
	return cs
}

func writeCosts(w func(string, ...any), r *Results) {
	cs := summarizeCosts(r.Costs)
	w("### Where the server's CPU goes\n\n")
	w("In-process, no TLS and no HTTP server: netguard's `webhook.Handler` (read, decode the review, decode the object, judge, build the response, log, count) ")
	w("against a handler that only reads and decodes the review and answers *allowed* (the baseline's work). CPU time per review, mean of CREATE and UPDATE:\n\n")
	w("| Object | `/validate` | `/mutate` | decode only | judging adds (validate) |\n|---|---:|---:|---:|---:|\n")
	for _, o := range cs.objects {
		w("| %s | %s | %s | %s | %s |\n", o, dur(cs.validate[o]), dur(cs.mutate[o]), dur(cs.decodeBy[o]), dur(cs.validate[o]-cs.decodeBy[o]))
	}
	w("| **mean over the corpus** | %s (both hooks) | | %s | %s |\n\n", dur(cs.netguard), dur(cs.decode), dur(cs.netguard-cs.decode))
}
