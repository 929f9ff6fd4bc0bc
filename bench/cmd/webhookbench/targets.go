package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Issue 15's targets, as thresholds (the report prints them from here).
const (
	kyvernoFactor  = 20.0 // kyverno apply CPU per resource / netguard lint's
	largeP99Factor = 3.0  // 1 MiB review p99 / the no-op baseline's, same review
	loadP99Max     = 1.25 // mixed corpus vs the strict no-op baseline
	loadTputMin    = 0.8
	updP99Max      = 1.10 // kube-proxy config.conf UPDATEs vs controller-runtime's no-op
	updTputMin     = 0.9
	rssMax         = 64 << 20
	growthFactor   = 2.0 // µs/KiB at the largest size within 2× of that at 64 KiB
	nodesFactor    = 2.0 // cost at the most nodes within 2× (+20 µs) of the fewest
	streamTarget   = 100e6
)

// TargetRow is one target of the report: what was measured and whether it
// is met (Met nil: not measured). Profiles name the in-process workloads
// whose CPU (or allocation) profile explains a miss.
type TargetRow struct {
	Target, Measured string
	Met              *bool
	Profiles         []ProfileSpec
}

// ProfileSpec is a workload to profile in-process for a missed target.
type ProfileSpec struct {
	Key   string // file name and anchor: "large-kube-proxy"
	Title string
	// Kind: review (netguard's handler over corpus items of Family/Size;
	// Family "" = every targeted family), nodes (the review of Object with
	// 5000 nodes), updates (generated kube-proxy UPDATEs), lint (lint.Run
	// on mixed ConfigMaps).
	Kind, Family, Size, Object string
	// Alloc: an allocation profile (bytes allocated) instead of CPU.
	Alloc bool
}

func met(ok bool) *bool { return &ok }

// evalTargets judges every target the results hold.
func evalTargets(r *Results) []TargetRow {
	var out []TargetRow
	for _, f := range []func(*Results) *TargetRow{targetKyverno, targetJudge, targetLarge, targetLoad, targetUpdates, targetRSS, targetGrowth, targetStream} {
		if t := f(r); t != nil {
			out = append(out, *t)
		}
	}
	return out
}

func targetKyverno(r *Results) *TargetRow {
	k := r.Kyverno
	t := &TargetRow{Target: fmt.Sprintf("`netguard lint` ≥ %.0f× cheaper per resource than `kyverno apply` (same 3,000 ConfigMaps)", kyvernoFactor)}
	switch {
	case k == nil:
		return nil
	case k.Skipped != "":
		t.Measured = "not measured: " + k.Skipped
		return t
	case k.Mix == nil:
		t.Measured = "not measured"
		return t
	}
	m := k.Mix
	x := ratio(float64(m.KyvernoPerResource), float64(m.LintPerResource))
	t.Measured = fmt.Sprintf("%s vs %s CPU per ConfigMap: %.1f× (%d vs 1 resource, median of %d)", dur(m.KyvernoPerResource), dur(m.LintPerResource), x, m.Resources, m.Reps)
	t.Met = met(x >= kyvernoFactor)
	if !*t.Met {
		t.Profiles = []ProfileSpec{{Key: "lint", Title: "`netguard lint` on the mixed ConfigMaps (in-process `lint.Run`)", Kind: "lint"}}
	}
	return t
}

// judgeCosts is, per family of the typical corpus (targeted objects),
// the mean CPU of decoding the review and what judging adds to it.
func judgeCosts(rows []CostRow) (fams []string, judge, decode map[string]time.Duration) {
	judge, decode = map[string]time.Duration{}, map[string]time.Duration{}
	n := map[string]int{}
	for _, c := range rows {
		if c.Size != "typical" || c.Family == "none" || c.Family == "" {
			continue
		}
		for _, f := range []string{c.Family, ""} { // "" = the average over all
			if n[f] == 0 && f != "" {
				fams = append(fams, f)
			}
			judge[f] += c.Netguard - c.DecodeOnly
			decode[f] += c.DecodeOnly
			n[f]++
		}
	}
	for f := range n {
		judge[f] /= time.Duration(n[f])
		decode[f] /= time.Duration(n[f])
	}
	return fams, judge, decode
}

func targetJudge(r *Results) *TargetRow {
	fams, judge, decode := judgeCosts(r.Costs)
	if len(fams) == 0 {
		return nil
	}
	t := &TargetRow{Target: "in-process, judging a typical object costs ≤ decoding its AdmissionReview (per family and on average)", Met: met(true)}
	var parts []string
	for _, f := range append(fams, "") {
		name := f
		if f == "" {
			name = "average"
		}
		ok := judge[f] <= decode[f]
		mark := ""
		if !ok {
			mark = " ✗"
			*t.Met = false
			if f != "" {
				t.Profiles = append(t.Profiles, ProfileSpec{Key: "judge-" + f, Title: fmt.Sprintf("judging typical %s objects (netguard's handler, in-process)", f), Kind: "review", Family: f, Size: "typical"})
			}
		}
		parts = append(parts, fmt.Sprintf("%s %s vs %s%s", name, dur(judge[f]), dur(decode[f]), mark))
	}
	if !*t.Met && len(t.Profiles) == 0 {
		t.Profiles = []ProfileSpec{{Key: "judge-all", Title: "judging the typical corpus (netguard's handler, in-process)", Kind: "review", Size: "typical"}}
	}
	t.Measured = "judging vs decoding, mean CPU over CREATE/UPDATE × both hooks of the targeted objects: " + strings.Join(parts, ", ")
	return t
}

func targetLarge(r *Results) *TargetRow {
	if r.Large == nil {
		return nil
	}
	worst := map[string]float64{}
	var fams []string
	for item, p := range r.Large.Netguard.PerItem {
		fam := item[:strings.IndexByte(item, '/')]
		x := ratio(float64(p.P99), float64(r.Large.Baseline.PerItem[item].P99))
		if _, ok := worst[fam]; !ok {
			fams = append(fams, fam)
		}
		worst[fam] = max(worst[fam], x)
	}
	sort.Strings(fams)
	t := &TargetRow{Target: fmt.Sprintf("1 MiB valid ConfigMap review, every family: p99 ≤ %.0f× the no-op baseline's for the same review", largeP99Factor), Met: met(true)}
	var parts []string
	for _, f := range fams {
		mark := ""
		if worst[f] > largeP99Factor {
			mark = " ✗"
			*t.Met = false
			t.Profiles = append(t.Profiles, ProfileSpec{Key: "large-" + f, Title: fmt.Sprintf("the ~1 MiB %s reviews (netguard's handler, in-process)", f), Kind: "review", Family: familyOf(f), Size: "1MiB"})
		}
		parts = append(parts, fmt.Sprintf("%s %.2f×%s", f, worst[f], mark))
	}
	t.Measured = "worst review per family: " + strings.Join(parts, ", ")
	return t
}

// familyOf maps a corpus object name of the 1 MiB set to its family.
func familyOf(object string) string {
	if object == "untargeted-cm" {
		return "none"
	}
	return object
}

// ratioTarget judges p99 and throughput ratios of load pairs.
func ratioTarget(levels []LoadPair, p99Max, tputMin float64) (measured string, ok bool) {
	var p99s, tps []string
	ok = true
	for _, l := range levels {
		rp := ratio(float64(l.Netguard.Latency.P99), float64(l.Baseline.Latency.P99))
		rt := ratio(l.Netguard.Throughput, l.Baseline.Throughput)
		ok = ok && rp <= p99Max && rt >= tputMin
		p99s = append(p99s, fmt.Sprintf("c=%d %.2f×", l.Concurrency, rp))
		tps = append(tps, fmt.Sprintf("c=%d %.2f×", l.Concurrency, rt))
	}
	return "p99 " + strings.Join(p99s, ", ") + "; throughput " + strings.Join(tps, ", "), ok
}

func targetLoad(r *Results) *TargetRow {
	if len(r.Load) == 0 {
		return nil
	}
	m, ok := ratioTarget(r.Load, loadP99Max, loadTputMin)
	t := &TargetRow{Target: fmt.Sprintf("mixed corpus vs the strict no-op baseline: p99 ≤ %.2f×, throughput ≥ %.1f× at every concurrency", loadP99Max, loadTputMin), Measured: m, Met: met(ok)}
	if !ok {
		t.Profiles = []ProfileSpec{{Key: "load", Title: "the mixed typical corpus (netguard's handler, in-process, both hooks)", Kind: "review", Size: "typical"}}
	}
	return t
}

func targetUpdates(r *Results) *TargetRow {
	if r.Updates == nil || len(r.Updates.Levels) == 0 {
		return nil
	}
	m, ok := ratioTarget(r.Updates.Levels, updP99Max, updTputMin)
	t := &TargetRow{Target: fmt.Sprintf("kube-proxy UPDATEs changing config.conf (allowed and denied) vs a no-op controller-runtime webhook: p99 ≤ %.2f×, throughput ≥ %.1f×", updP99Max, updTputMin), Measured: m, Met: met(ok)}
	if !ok {
		t.Profiles = []ProfileSpec{{Key: "updates", Title: "the kube-proxy config.conf UPDATEs, each distinct (netguard's handler, in-process)", Kind: "updates"}}
	}
	return t
}

func targetRSS(r *Results) *TargetRow {
	var peak, base int64
	hi := 0
	for _, set := range [][]LoadPair{r.Load, updLevels(r.Updates)} {
		for _, l := range set {
			if l.Concurrency > hi {
				hi, peak, base = l.Concurrency, 0, 0
			}
			if l.Concurrency == hi {
				peak, base = max(peak, l.Netguard.PeakRSSBytes), max(base, l.Baseline.PeakRSSBytes)
			}
		}
	}
	if hi == 0 {
		return nil
	}
	t := &TargetRow{Target: "RSS < 64 MiB (peak at the highest load)", Measured: fmt.Sprintf("%s peak at c=%d (no-op baselines %s)", mib(peak), hi, mib(base)), Met: met(peak < rssMax)}
	if !*t.Met {
		t.Profiles = []ProfileSpec{{Key: "rss", Title: "bytes allocated judging the mixed typical corpus (netguard's handler, in-process)", Kind: "review", Size: "typical", Alloc: true}}
	}
	return t
}

func updLevels(u *UpdatesResult) []LoadPair {
	if u == nil {
		return nil
	}
	return u.Levels
}

// growthRule: per family, µs per KiB at the largest size within
// growthFactor of that at 64 KiB; per object, the cost at the most nodes
// within nodesFactor (+20 µs) of the cost at the fewest.
func growthRule(g *Growth) (size, nodes []string, sizeOK, nodesOK map[string]bool) {
	sizeOK, nodesOK = map[string]bool{}, map[string]bool{}
	ref := -1
	for i, s := range g.Sizes {
		if s == 64<<10 {
			ref = i
		}
	}
	last := len(g.Sizes) - 1
	for _, f := range g.Families {
		c := g.BySize[f]
		if ref < 0 || len(c) != len(g.Sizes) {
			continue
		}
		perRef := float64(c[ref].CPU) / float64(g.Sizes[ref]>>10)
		perLast := float64(c[last].CPU) / float64(g.Sizes[last]>>10)
		x := ratio(perLast, perRef)
		sizeOK[f] = x <= growthFactor
		size = append(size, fmt.Sprintf("%s %.2f×", f, x))
	}
	for _, o := range g.Objects {
		c := g.ByNodes[o]
		if len(c) < 2 {
			continue
		}
		first, lastC := c[0].CPU, c[len(c)-1].CPU
		nodesOK[o] = float64(lastC) <= nodesFactor*float64(first)+float64(20*time.Microsecond)
		nodes = append(nodes, fmt.Sprintf("%s %.2f×", o, ratio(float64(lastC), float64(first))))
	}
	return size, nodes, sizeOK, nodesOK
}

func targetGrowth(r *Results) *TargetRow {
	g := r.Growth
	if g == nil {
		return nil
	}
	size, nodes, sizeOK, nodesOK := growthRule(g)
	t := &TargetRow{Target: fmt.Sprintf("cost growth linear: µs/KiB at %s within %.0f× of that at 64 KiB; cost at %d nodes within %.0f× (+20 µs) of %d nodes",
		kib(g.Sizes[len(g.Sizes)-1]), growthFactor, g.Nodes[len(g.Nodes)-1], nodesFactor, g.Nodes[0]), Met: met(true)}
	for _, f := range g.Families {
		if ok, seen := sizeOK[f]; seen && !ok {
			*t.Met = false
			t.Profiles = append(t.Profiles, ProfileSpec{Key: "growth-" + f, Title: fmt.Sprintf("a %s %s object (in-process review)", kib(g.Sizes[len(g.Sizes)-1]), f), Kind: "review", Family: f, Size: "1MiB"})
		}
	}
	for _, o := range g.Objects {
		if ok, seen := nodesOK[o]; seen && !ok {
			*t.Met = false
			t.Profiles = append(t.Profiles, ProfileSpec{Key: "nodes-" + o, Title: fmt.Sprintf("typical %s with %d nodes in the cluster-context cache (in-process review)", o, g.Nodes[len(g.Nodes)-1]), Kind: "nodes", Object: o})
		}
	}
	t.Measured = "size (µs/KiB ratio): " + strings.Join(size, ", ") + "; nodes (cost ratio): " + strings.Join(nodes, ", ")
	return t
}

func targetStream(r *Results) *TargetRow {
	s := r.Stream
	if s == nil {
		return nil
	}
	t := &TargetRow{Target: "a 100 MB `netguard lint` stream stays under 256 MiB RSS"}
	t.Measured = fmt.Sprintf("%s max RSS on %.1f MB (%d ConfigMaps; %s CPU, %s wall)", mib(s.MaxRSSBytes), float64(s.Bytes)/1e6, s.Objects, dur(s.CPU), dur(s.Wall))
	if s.Stopped {
		t.Measured += fmt.Sprintf("; stopped when it passed %s", mib(streamKill))
	}
	if float64(s.Bytes) < streamTarget*0.95 {
		if s.MaxRSSBytes < streamLimit {
			t.Measured += "; a smaller stream than the target's (quick mode), so no verdict"
			return t
		}
		t.Measured += "; already over the bound on this smaller stream (quick mode)"
	}
	t.Met = met(s.MaxRSSBytes < streamLimit)
	if !*t.Met {
		t.Profiles = []ProfileSpec{{Key: "stream", Title: "bytes allocated by `netguard lint` on mixed ConfigMaps (in-process `lint.Run`)", Kind: "lint", Alloc: true}}
	}
	return t
}
