package main

import (
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/bench/loadgen"
)

func pair(c int, ngP99, baseP99 time.Duration, ngTput, baseTput float64, ngRSS int64) LoadPair {
	return LoadPair{Concurrency: c,
		Netguard: loadgen.Result{Latency: loadgen.Percentiles{P99: ngP99}, Throughput: ngTput, PeakRSSBytes: ngRSS},
		Baseline: loadgen.Result{Latency: loadgen.Percentiles{P99: baseP99}, Throughput: baseTput, PeakRSSBytes: 40 << 20}}
}

func targetNamed(t *testing.T, rows []TargetRow, prefix string) TargetRow {
	t.Helper()
	for _, r := range rows {
		if strings.HasPrefix(r.Target, prefix) {
			return r
		}
	}
	t.Fatalf("no target %q in %+v", prefix, rows)
	return TargetRow{}
}

func TestTargetsJudgeEachThresholdAndNameTheProfileOfAMiss(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name    string
		res     Results
		target  string
		met     bool
		profile string // "" = none
	}{
		{"load within 1.25x and 0.8x", Results{Load: []LoadPair{pair(1, 125*ms/100, ms, 80, 100, 0), pair(64, ms, ms, 100, 100, 0)}}, "mixed corpus", true, ""},
		{"load p99 over 1.25x at one level", Results{Load: []LoadPair{pair(1, ms, ms, 100, 100, 0), pair(64, 126*ms/100, ms, 100, 100, 0)}}, "mixed corpus", false, "load"},
		{"load throughput under 0.8x", Results{Load: []LoadPair{pair(8, ms, ms, 79, 100, 0)}}, "mixed corpus", false, "load"},
		{"updates within 1.10x and 0.9x", Results{Updates: &UpdatesResult{Levels: []LoadPair{pair(1, 110*ms/100, ms, 90, 100, 0)}}}, "kube-proxy UPDATEs", true, ""},
		{"updates p99 over 1.10x", Results{Updates: &UpdatesResult{Levels: []LoadPair{pair(1, 111*ms/100, ms, 90, 100, 0)}}}, "kube-proxy UPDATEs", false, "updates"},
		{"RSS at the highest level only", Results{Load: []LoadPair{pair(1, ms, ms, 1, 1, 90<<20), pair(64, ms, ms, 1, 1, 63<<20)}}, "RSS", true, ""},
		{"RSS of the updates phase counts", Results{Load: []LoadPair{pair(64, ms, ms, 1, 1, 63<<20)}, Updates: &UpdatesResult{Levels: []LoadPair{pair(64, ms, ms, 1, 1, 65<<20)}}}, "RSS", false, "rss"},
		{"kyverno 20x", Results{Kyverno: &KyvernoResult{Mix: &KyvernoMix{KyvernoPerResource: 2 * ms, LintPerResource: 100 * time.Microsecond}}}, "`netguard lint` ≥ 20×", true, ""},
		{"kyverno under 20x", Results{Kyverno: &KyvernoResult{Mix: &KyvernoMix{KyvernoPerResource: 2 * ms, LintPerResource: 101 * time.Microsecond}}}, "`netguard lint` ≥ 20×", false, "lint"},
		{"stream of 100 MB under 256 MiB", Results{Stream: &StreamResult{Bytes: 100e6, MaxRSSBytes: 255 << 20}}, "a 100 MB", true, ""},
		{"stream of 100 MB over 256 MiB", Results{Stream: &StreamResult{Bytes: 100e6, MaxRSSBytes: 257 << 20}}, "a 100 MB", false, "stream"},
		{"small stream already over the bound", Results{Stream: &StreamResult{Bytes: 10e6, MaxRSSBytes: 300 << 20}}, "a 100 MB", false, "stream"},
		{"judging cheaper than decoding", Results{Costs: []CostRow{{Family: "flannel", Size: "typical", Netguard: 60 * time.Microsecond, DecodeOnly: 30 * time.Microsecond}}}, "in-process", true, ""},
		{"judging dearer than decoding", Results{Costs: []CostRow{
			{Family: "flannel", Size: "typical", Netguard: 60 * time.Microsecond, DecodeOnly: 30 * time.Microsecond},
			{Family: "kube-proxy", Size: "typical", Netguard: 100 * time.Microsecond, DecodeOnly: 30 * time.Microsecond},
			{Family: "none", Size: "typical", Netguard: 10 * time.Microsecond, DecodeOnly: 30 * time.Microsecond},
		}}, "in-process", false, "judge-kube-proxy"},
		{"1 MiB within 3x", Results{Large: &LoadPair{
			Netguard: loadgen.Result{PerItem: map[string]loadgen.Percentiles{"flannel/CREATE/validate (1MiB)": {P99: 3 * ms}}},
			Baseline: loadgen.Result{PerItem: map[string]loadgen.Percentiles{"flannel/CREATE/validate (1MiB)": {P99: ms}}}}}, "1 MiB", true, ""},
		{"1 MiB over 3x", Results{Large: &LoadPair{
			Netguard: loadgen.Result{PerItem: map[string]loadgen.Percentiles{"kube-proxy/UPDATE/mutate (1MiB)": {P99: 4 * ms}}},
			Baseline: loadgen.Result{PerItem: map[string]loadgen.Percentiles{"kube-proxy/UPDATE/mutate (1MiB)": {P99: ms}}}}}, "1 MiB", false, "large-kube-proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := targetNamed(t, evalTargets(&tc.res), tc.target)
			if row.Met == nil || *row.Met != tc.met {
				t.Fatalf("met = %v, want %v (%s)", row.Met, tc.met, row.Measured)
			}
			got := ""
			if len(row.Profiles) > 0 {
				got = row.Profiles[0].Key
			}
			if got != tc.profile {
				t.Errorf("profile %q, want %q", got, tc.profile)
			}
		})
	}
}

func TestSmallStreamUnderTheBoundHasNoVerdict(t *testing.T) {
	row := targetNamed(t, evalTargets(&Results{Stream: &StreamResult{Bytes: 10e6, MaxRSSBytes: 100 << 20}}), "a 100 MB")
	if row.Met != nil {
		t.Errorf("met = %v on a 10 MB stream under the bound, want no verdict", *row.Met)
	}
}

func TestGrowthRule(t *testing.T) {
	us := time.Microsecond
	sizes := []int{1 << 10, 64 << 10, 1 << 20}
	for _, tc := range []struct {
		name       string
		bySize     []time.Duration // at 1 KiB, 64 KiB, 1 MiB
		byNodes    []time.Duration // at 10 and 5000 nodes
		met        bool
		profileKey string
	}{
		{"linear and flat", []time.Duration{10 * us, 640 * us, 10240 * us}, []time.Duration{50 * us, 60 * us}, true, ""},
		{"µs per KiB doubles and a bit", []time.Duration{10 * us, 640 * us, 20481 * us}, []time.Duration{50 * us, 60 * us}, false, "growth-kube-proxy"},
		{"nodes grow", []time.Duration{10 * us, 640 * us, 10240 * us}, []time.Duration{50 * us, 121 * us}, false, "nodes-flannel"},
		{"small absolute node growth is flat", []time.Duration{10 * us, 640 * us, 10240 * us}, []time.Duration{5 * us, 29 * us}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &Growth{Sizes: sizes, Families: []string{"kube-proxy"}, BySize: map[string][]Cost{}, Nodes: []int{10, 5000}, Objects: []string{"flannel"}, ByNodes: map[string][]Cost{}}
			for _, d := range tc.bySize {
				g.BySize["kube-proxy"] = append(g.BySize["kube-proxy"], Cost{CPU: d})
			}
			for _, d := range tc.byNodes {
				g.ByNodes["flannel"] = append(g.ByNodes["flannel"], Cost{CPU: d})
			}
			row := targetNamed(t, evalTargets(&Results{Growth: g}), "cost growth")
			if *row.Met != tc.met {
				t.Fatalf("met = %v, want %v (%s)", *row.Met, tc.met, row.Measured)
			}
			if got := keys(row.Profiles); got != tc.profileKey {
				t.Errorf("profiles %q, want %q", got, tc.profileKey)
			}
		})
	}
}

func keys(ps []ProfileSpec) string {
	var k []string
	for _, p := range ps {
		k = append(k, p.Key)
	}
	return strings.Join(k, ",")
}
