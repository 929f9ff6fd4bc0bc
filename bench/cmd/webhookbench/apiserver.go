package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/bench/loadgen"
	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// APIServerResult: kubectl-style ConfigMap UPDATEs of kube-system/
// kube-flannel-cfg through a real kube-apiserver (etcd + kube-apiserver
// v1.37.2 from hack/build-test-binaries.sh, started by e2e/framework), with
// netguard's webhooks registered (mutating + validating, as e2e/framework
// registers them) and without, in alternating rounds.
type APIServerResult struct {
	Rounds, UpdatesPerRound int
	Without, Noop, With     loadgen.Percentiles
	// Per round, to show the drift of the shared machine.
	RoundsWithout, RoundsNoop, RoundsWith []loadgen.Percentiles
	APIServerVersion                      string
	Skipped                               string // why the phase did not run
}

func (b *bench) apiserver(ctx context.Context) (*APIServerResult, error) {
	res := &APIServerResult{Rounds: 3, UpdatesPerRound: 300}
	if b.res.Quick {
		res.Rounds, res.UpdatesPerRound = 2, 100
	}
	assets, err := framework.FindAssets(b.root)
	if err != nil {
		res.Skipped = err.Error()
		logf("apiserver: skipped: %v", err)
		return res, nil
	}
	if b.netguardBin == "" {
		if err := b.build(ctx); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(b.out, "apiserver")
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	logf("apiserver: starting etcd + kube-apiserver from %s", assets)
	cp, err := framework.StartControlPlane(framework.ControlPlaneOptions{
		AssetsDir: assets, Dir: dir,
		// Audit nothing: the audit log would be the same cost in both
		// arms and only add noise.
		AuditPolicy: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n",
	})
	if err != nil {
		return nil, err
	}
	defer cp.Stop()
	cfg := rest.CopyConfig(cp.Config)
	cfg.QPS, cfg.Burst = -1, 0 // no client-side rate limit: measure the server
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	if v, err := c.Discovery().ServerVersion(); err == nil {
		res.APIServerVersion = v.GitVersion
	}
	ng, err := framework.StartNetguard(ctx, framework.NetguardOptions{Binary: b.netguardBin, Dir: filepath.Join(dir, "netguard"), ConfigFile: b.config,
		ExtraArgs: []string{"--zap-log-level", "error"}})
	if err != nil {
		return nil, err
	}
	defer ng.Stop()
	ncfg, err := rules.LoadConfig(b.config)
	if err != nil {
		return nil, err
	}

	objs, err := corpus.Objects(b.root)
	if err != nil {
		return nil, err
	}
	var cm *corev1.ConfigMap
	for _, o := range objs {
		if o.Name == "flannel" && o.Size == corpus.Typical {
			cm = o.Obj.(*corev1.ConfigMap).DeepCopy()
		}
	}
	cm.Namespace, cm.UID, cm.ResourceVersion = "kube-system", "", ""
	cur, err := c.CoreV1().ConfigMaps("kube-system").Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		return nil, err
	}
	key := "net-conf.json"
	base := strings.TrimRight(cur.Data[key], "\n ")
	update := func(n int) ([]time.Duration, error) {
		lat := make([]time.Duration, 0, n)
		for i := range n {
			next := cur.DeepCopy()
			// An edit the components would notice: the document changes
			// (whitespace), so it is not a no-op update.
			next.Data[key] = base + strings.Repeat(" ", i%2) + "\n"
			t0 := time.Now()
			got, err := c.CoreV1().ConfigMaps("kube-system").Update(ctx, next, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
			d := time.Since(t0)
			if err != nil {
				return nil, fmt.Errorf("update %d: %w", i, err)
			}
			cur = got
			lat = append(lat, d)
		}
		return lat, nil
	}
	var with, without, noopAll []time.Duration
	noop, err := framework.StartNetguard(ctx, framework.NetguardOptions{Binary: b.noopBin, Dir: filepath.Join(dir, "noop"), ExtraArgs: []string{"--zap-log-level", "error"}})
	if err != nil {
		return nil, err
	}
	defer noop.Stop()

	arms := []struct {
		name string
		set  func() error
		all  *[]time.Duration
		per  *[]loadgen.Percentiles
	}{
		{"without webhooks", func() error {
			if err := framework.UnregisterWebhooks(ctx, c); err != nil {
				return err
			}
			return waitProbe(ctx, c, "", false)
		}, &without, &res.RoundsWithout},
		{"no-op webhooks", func() error {
			if err := framework.RegisterWebhooks(ctx, c, framework.WebhookOptions{URL: noop.URL, CABundle: noop.Certs.CACert, Config: ncfg, WaitTimeout: -1}); err != nil {
				return err
			}
			return waitProbe(ctx, c, noop.HealthURL+"/calls", false)
		}, &noopAll, &res.RoundsNoop},
		{"netguard", func() error {
			return framework.RegisterWebhooks(ctx, c, framework.WebhookOptions{URL: ng.URL, CABundle: ng.Certs.CACert, Config: ncfg})
		}, &with, &res.RoundsWith},
	}
	for r := range res.Rounds {
		line := fmt.Sprintf("apiserver: round %d:", r+1)
		for i := range arms {
			// Rotate the order each round so that drift does not always
			// favour the same arm.
			a := arms[(i+r)%len(arms)]
			if err := a.set(); err != nil {
				return nil, fmt.Errorf("%s: %w", a.name, err)
			}
			if _, err := update(20); err != nil { // warm-up
				return nil, err
			}
			l, err := update(res.UpdatesPerRound)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.name, err)
			}
			p := loadgen.Summarize(append([]time.Duration(nil), l...))
			*a.per = append(*a.per, p)
			*a.all = append(*a.all, l...)
			line += fmt.Sprintf(" %s p50 %v p99 %v;", a.name, p.P50.Round(time.Microsecond), p.P99.Round(time.Microsecond))
		}
		logf("%s", line)
	}
	res.Noop = loadgen.Summarize(noopAll)
	res.Without, res.With = loadgen.Summarize(without), loadgen.Summarize(with)
	return res, nil
}

// waitProbe waits until the API server admits a dry-run create of a
// kube-flannel-cfg that netguard would deny (so netguard is not called any
// more); with callsURL (the no-op webhook's call counter), also until that
// webhook is being called.
func waitProbe(ctx context.Context, c kubernetes.Interface, callsURL string, _ bool) error {
	probe := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-flannel-cfg"},
		Data: map[string]string{"cni-conf.json": "{ not json"}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		before := counter(callsURL)
		_, err := c.CoreV1().ConfigMaps("kube-system").Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		// AlreadyExists: admission let the create through to storage.
		admitted := err == nil || apierrors.IsAlreadyExists(err)
		if admitted && (callsURL == "" || counter(callsURL) > before) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("webhook configuration not in effect after 30s (last: %v)", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func counter(url string) int64 {
	if url == "" {
		return 0
	}
	resp, err := http.Get(url)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}
