package main

import (
	"context"
	"fmt"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/bench/loadgen"
	corev1 "k8s.io/api/core/v1"
)

// UpdatesResult is the kube-proxy UPDATE phase: generated edits of
// config.conf (corpus.Updates), every request distinct, against the no-op
// controller-runtime webhook (noop-webhook --handler controller-runtime).
type UpdatesResult struct {
	DenyEvery int
	// Levels: Baseline is the controller-runtime no-op webhook.
	Levels []LoadPair
	// Requests each server received in total (warm-ups included): every
	// one carried a config.conf no earlier request carried.
	SentBaseline, SentNetguard int
}

// checkFrom numbers the edits sent to check the answers: far beyond what a
// run sends, so the measured runs never repeat one.
const checkFrom = 10_000_000

func (b *bench) updates(ctx context.Context) (*UpdatesResult, error) {
	if err := b.corpus(); err != nil {
		return nil, err
	}
	var cm *corev1.ConfigMap
	for _, o := range b.objects {
		if o.Name == "kube-proxy" && o.Size == corpus.Typical {
			cm, _ = o.Obj.(*corev1.ConfigMap)
		}
	}
	if cm == nil {
		return nil, fmt.Errorf("no typical kube-proxy ConfigMap in the corpus")
	}
	const denyEvery = 4
	mk := func() (*corpus.Updates, error) { return corpus.KubeProxyUpdates(cm, denyEvery) }
	ung, err := mk()
	if err != nil {
		return nil, err
	}
	ubase, err := mk()
	if err != nil {
		return nil, err
	}
	ng, err := startServer(ctx, "netguard-updates", b.netguardBin, b.out, "--config", b.config, "--offline", "--zap-log-level", "error")
	if err != nil {
		return nil, err
	}
	defer ng.stop()
	base, err := startServer(ctx, "noop-controller-runtime", b.noopBin, b.out, "--handler", "controller-runtime")
	if err != nil {
		return nil, err
	}
	defer base.stop()
	if err := checkUpdates(ctx, ung, ng, base); err != nil {
		return nil, err
	}
	res := &UpdatesResult{DenyEvery: denyEvery}
	for _, c := range b.concs {
		p := LoadPair{Concurrency: c, LoadAvg: loadAvg()}
		logf("updates: kube-proxy config.conf edits (1 in %d denied), concurrency %d, %s per server (load average %s)", denyEvery, c, b.runFor, p.LoadAvg)
		if p.Baseline, err = loadgen.RunStream(ctx, base.target, ubase, c, b.warmup, b.runFor); err != nil {
			return nil, fmt.Errorf("controller-runtime no-op: %w", err)
		}
		if p.Netguard, err = loadgen.RunStream(ctx, ng.target, ung, c, b.warmup, b.runFor); err != nil {
			return nil, fmt.Errorf("netguard: %w", err)
		}
		logf("  no-op p50 %v p99 %v %.0f/s | netguard p50 %v p99 %v %.0f/s rss %.1f MiB",
			p.Baseline.Latency.P50, p.Baseline.Latency.P99, p.Baseline.Throughput,
			p.Netguard.Latency.P50, p.Netguard.Latency.P99, p.Netguard.Throughput, float64(p.Netguard.PeakRSSBytes)/(1<<20))
		res.Levels = append(res.Levels, p)
	}
	res.SentBaseline, res.SentNetguard = ubase.Sent(), ung.Sent()
	if res.SentBaseline >= checkFrom || res.SentNetguard >= checkFrom {
		return nil, fmt.Errorf("a run sent %d edits, reaching the checked ones (%d): raise checkFrom", max(res.SentBaseline, res.SentNetguard), checkFrom)
	}
	return res, nil
}

// checkUpdates sends a few edits (numbered from checkFrom) to both servers:
// netguard must deny exactly the denied ones, the baseline allow all.
func checkUpdates(ctx context.Context, u *corpus.Updates, ng, base *server) error {
	items := u.Items(checkFrom, 2*u.DenyEvery)
	na, err := loadgen.Check(ctx, ng.target, items)
	if err != nil {
		return fmt.Errorf("netguard: %w", err)
	}
	ba, err := loadgen.Check(ctx, base.target, items)
	if err != nil {
		return fmt.Errorf("controller-runtime no-op: %w", err)
	}
	for k, it := range items {
		if !ba[k].Allowed {
			return fmt.Errorf("the controller-runtime no-op did not allow %s", it.Name)
		}
		if want := !u.Denied(checkFrom + k); na[k].Allowed != want {
			return fmt.Errorf("netguard allowed=%v for %s (decision %q), want %v", na[k].Allowed, it.Name, na[k].Decision, want)
		}
	}
	return nil
}
