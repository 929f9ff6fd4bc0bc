package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// KyvernoMix is the Kyverno target: `kubectl-kyverno apply` and
// `netguard lint` on the same N ConfigMaps (one third each kube-proxy,
// Flannel, Terway, the typical objects with distinct names) and on one, each
// the median CPU (user+system) of Reps runs interleaved tool by tool, so a
// change of the machine's load hits both. Per resource = (CPU(N) -
// CPU(1)) / (N - 1): start-up and policy loading cancel out.
type KyvernoMix struct {
	Resources, Reps                     int
	KyvernoCPU1, KyvernoCPUN            time.Duration // medians
	LintCPU1, LintCPUN                  time.Duration
	KyvernoPerResource, LintPerResource time.Duration
}

// mixRules is how many Kyverno rules of policies.yaml pass per object of
// each family (the order of mixObjects: kube-proxy, Flannel, Terway).
var mixRules = []int{1, 2, 1}

func (b *bench) kyvernoMix(ctx context.Context, bin, dir, policies, ngConfig string, n, reps int) (*KyvernoMix, error) {
	objs, err := b.mixObjects()
	if err != nil {
		return nil, err
	}
	files := map[int]string{}
	for _, k := range []int{1, n} {
		p := filepath.Join(dir, fmt.Sprintf("mix-%d.yaml", k))
		if _, _, err := writeMixFile(p, objs, k, 0); err != nil {
			return nil, err
		}
		files[k] = p
	}
	passes := func(k int) int {
		s := 0
		for i := range k {
			s += mixRules[i%len(mixRules)]
		}
		return s
	}
	ky := func(k int) (time.Duration, error) {
		cpu, _, err := runTool(ctx, 1, func(out string) error {
			want := fmt.Sprintf("pass: %d, fail: 0, warn: 0, error: 0", passes(k))
			if !strings.Contains(out, want) {
				return fmt.Errorf("kyverno apply on %d mixed ConfigMaps: want %q in\n%s", k, want, tailStr(out, 800))
			}
			return nil
		}, bin, "apply", policies, "--resource", files[k])
		return cpu, err
	}
	lint := func(k int) (time.Duration, error) {
		cpu, _, err := runTool(ctx, 1, func(out string) error {
			want := fmt.Sprintf("%d object(s), %d judged: 0 deny", k, k)
			if !strings.Contains(out, want) {
				return fmt.Errorf("netguard lint on %d mixed ConfigMaps: want %q in\n%s", k, want, tailStr(out, 800))
			}
			return nil
		}, b.netguardBin, "lint", "--config", ngConfig, files[k])
		return cpu, err
	}
	var k1, kn, l1, ln []time.Duration
	for r := range reps {
		logf("kyverno: %d mixed ConfigMaps vs 1, kubectl-kyverno apply and netguard lint, round %d of %d", n, r+1, reps)
		for _, s := range []struct {
			run func(int) (time.Duration, error)
			k   int
			out *[]time.Duration
		}{{ky, 1, &k1}, {ky, n, &kn}, {lint, 1, &l1}, {lint, n, &ln}} {
			cpu, err := s.run(s.k)
			if err != nil {
				return nil, err
			}
			*s.out = append(*s.out, cpu)
		}
	}
	m := &KyvernoMix{Resources: n, Reps: reps, KyvernoCPU1: median(k1), KyvernoCPUN: median(kn), LintCPU1: median(l1), LintCPUN: median(ln)}
	m.KyvernoPerResource = max(0, (m.KyvernoCPUN-m.KyvernoCPU1)/time.Duration(n-1))
	m.LintPerResource = max(0, (m.LintCPUN-m.LintCPU1)/time.Duration(n-1))
	logf("  per resource: kyverno %v, netguard lint %v (%.1f×)", m.KyvernoPerResource, m.LintPerResource, ratio(float64(m.KyvernoPerResource), float64(m.LintPerResource)))
	return m, nil
}
