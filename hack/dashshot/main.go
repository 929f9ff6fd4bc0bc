// Command dashshot makes docs/grafana-dashboard.png from a real scrape
// (`make dashboard-screenshot`): it starts the e2e control plane (etcd +
// kube-apiserver built from source) with `netguard serve` wired in as its
// admission webhooks, a Prometheus server built from source scraping both on
// 127.0.0.1, and sends a few minutes of ACK-style changes through the API
// server: good and bad edits of the shipped examples, label-only edits, a
// deny spike, configuration reloads (one broken) and a netguard outage the
// API server fails open through. Then it runs the renderer
// (hack/tools/prometheus/dashshot), which draws every dashboard panel from
// that Prometheus.
//
// Everything listens on 127.0.0.1 and lives in a temporary directory that
// is removed on exit (DASHSHOT_KEEP=1 keeps it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dashshot:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "dashshot: %s "+format+"\n", append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
}

var (
	// The good changes: the examples the playground applies, plus a
	// Flannel ConfigMap netguard mutates (missing cniVersion) and a
	// Service it warns about.
	goodFiles = []string{"terway/eni-config.yaml", "terway/eni-config-pool-a.yaml", "flannel/missing-cniversion.yaml",
		"kube-proxy/kube-proxy-worker-ipvs.yaml", "service/web-prefer-dualstack.yaml", "service/slb-good.yaml", "service/web-singlestack.yaml"}
	// The bad ones: the ACK FAQ's edits as printed and the broken examples.
	badFiles = []string{"faq/kube-proxy-maxpercore.yaml", "faq/kube-proxy-ipvs-scheduler.yaml", "faq/terway-eni-config-fixed.yaml",
		"terway/policy-block-scalar.yaml", "terway/type-errors.yaml", "kube-proxy/validation-errors.yaml", "flannel/broken-net-conf.yaml"}
)

func run() error {
	promBin := flag.String("prometheus", "bin/prometheus", "Prometheus server binary")
	render := flag.String("render", "bin/dashshot-render", "renderer binary (hack/tools/prometheus/dashshot)")
	out := flag.String("out", "docs/grafana-dashboard.png", "PNG to write")
	scale := flag.Float64("scale", 1, "multiplies every phase's duration (0.3 for a quick look)")
	flag.Parse()
	for _, p := range []*string{promBin, render, out} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	root, err := framework.RepoRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "netguard-dashshot-")
	if err != nil {
		return err
	}
	if os.Getenv("DASHSHOT_KEEP") == "" {
		defer os.RemoveAll(dir)
	} else {
		defer logf("work directory kept: %s", dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg := filepath.Join(dir, "netguard-config.yaml")
	orig, err := os.ReadFile(filepath.Join(root, "e2e", "testdata", "netguard-config.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(cfg, orig, 0o600); err != nil {
		return err
	}
	env, err := framework.StartEnvironment(ctx, framework.EnvironmentOptions{Root: root, Dir: dir, ConfigFile: cfg, Logf: logf})
	if err != nil {
		return err
	}
	defer func() {
		if err := env.Stop(); err != nil {
			logf("stopping the environment: %v", err)
		}
	}()

	prom, err := startPrometheus(ctx, *promBin, dir, env)
	if err != nil {
		return err
	}
	defer prom.stop()
	if err := prom.target(env, 0); err != nil {
		return err
	}

	good, err := loadObjects(root, goodFiles...)
	if err != nil {
		return err
	}
	bad, err := loadObjects(root, badFiles...)
	if err != nil {
		return err
	}
	if err := seed(ctx, env, append(good, bad...), good[:1]); err != nil {
		return err
	}
	_, userCfg, err := env.CP.AddUser("dashshot-operator", "system:masters")
	if err != nil {
		return err
	}
	userCfg.WarningHandler = rest.NoWarnings{} // the warnings are in netguard's metrics; not worth a log line each
	userCfg.QPS, userCfg.Burst = 200, 200      // the phases set the rate, not client-go's default 5/s
	client, err := kubernetes.NewForConfig(userCfg)
	if err != nil {
		return err
	}

	d := func(s float64) time.Duration { return time.Duration(s * *scale * float64(time.Second)) }
	from := time.Now().Add(-10 * time.Second)
	var t tally
	if err := schedule(ctx, env, prom, client, good, bad, cfg, orig, d, &t); err != nil {
		return err
	}
	logf("load done: %s", &t)
	time.Sleep(12 * time.Second) // two more scrapes
	to := time.Now()

	note := fmt.Sprintf("Load (hack/dashshot, `make dashboard-screenshot`): %s of dry-run creates and edits of examples/ through kube-apiserver v1.37.2 at 20/s: a deny spike, 4 config rewrites (2 broken), netguard down %s (the API server fails open).|API server answers: %s. One netguard pod at a time (restarted as netguard-1); its test certificate is valid for 24 h.",
		to.Sub(from).Round(time.Second), d(30), &t)
	cmd := exec.CommandContext(ctx, *render, "-dashboard", filepath.Join(root, "docs", "grafana-dashboard.json"),
		"-prometheus", prom.url, "-from", from.UTC().Format(time.RFC3339), "-to", to.UTC().Format(time.RFC3339),
		"-out", *out, "-note", note)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("rendering: %w", err)
	}
	logf("wrote %s", *out)
	return nil
}

// schedule is the load: steady traffic, a deny spike, configuration
// rewrites (two broken) and a netguard outage, each phase's length scaled
// by d.
func schedule(ctx context.Context, env *framework.Environment, prom *prometheus, client kubernetes.Interface, good, bad []object,
	cfg string, orig []byte, d func(float64) time.Duration, t *tally) error {
	phase := func(m mix) {
		logf("load: %s (%s at %d/s, %.0f%% bad changes)", m.name, m.duration, m.rps, m.badShare*100)
		runPhase(ctx, client, m, good, bad, good[:1], t)
	}
	phase(mix{"steady", d(80), 20, 0.1})
	phase(mix{"a bad change rolling out: deny spike", d(40), 20, 0.7})
	phase(mix{"steady", d(20), 20, 0.1})
	// Configuration reloads: an edit, two broken files, the fix.
	rewrites := [][]byte{append(orig, "\n# edited by dashshot\n"...), []byte("cluster: [not a mapping\n"), []byte("targets: 42\n"), orig}
	for i, content := range rewrites {
		if err := os.WriteFile(cfg, content, 0o600); err != nil {
			return err
		}
		phase(mix{fmt.Sprintf("steady, configuration rewrite %d of %d", i+1, len(rewrites)), d(10), 20, 0.1})
	}
	// An outage: netguard stops; the API server fails open (failurePolicy
	// Ignore) until a new netguard registers.
	logf("stopping netguard: the API server fails open")
	if err := env.Netguard.Stop(); err != nil {
		return err
	}
	phase(mix{"netguard down", d(30), 20, 0.1})
	if err := env.StartNetguard(ctx); err != nil {
		return err
	}
	if err := prom.target(env, 1); err != nil {
		return err
	}
	logf("netguard restarted")
	phase(mix{"steady", d(70), 20, 0.1})
	return nil
}

// seed creates the namespaces of all objects and the base objects (through
// the bypass user: the cluster as it was before the load). The base eni-config
// is what the overrides in the load are judged against; re-applying it
// unchanged is an update netguard skips (nothing but metadata changes), the
// other objects are created (dry run) and judged in full.
func seed(ctx context.Context, env *framework.Environment, all, base []object) error {
	for _, o := range all {
		_, err := env.Seeder.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: o.ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	for _, o := range base {
		if err := apply(ctx, env.Seeder, o, false); err != nil {
			return fmt.Errorf("seeding %s: %w", o.file, err)
		}
	}
	return nil
}

// prometheus is the running Prometheus server.
type prometheus struct {
	url, sdFile string
	cmd         *exec.Cmd
	done        chan struct{}
}

// startPrometheus writes a configuration that scrapes netguard's metrics
// (targets in a file_sd file, rewritten when netguard moves to new ports)
// and the API server's /metrics (as the admin user, client certificate),
// every 5 s, and starts Prometheus on a free loopback port.
func startPrometheus(ctx context.Context, bin, dir string, env *framework.Environment) (*prometheus, error) {
	pdir := filepath.Join(dir, "prometheus")
	if err := os.MkdirAll(pdir, 0o700); err != nil {
		return nil, err
	}
	rc := env.CP.Config
	files := map[string][]byte{"ca.crt": rc.CAData, "admin.crt": rc.CertData, "admin.key": rc.KeyData}
	for name, b := range files {
		if len(b) == 0 {
			return nil, fmt.Errorf("the control plane's admin config has no %s", name)
		}
		if err := os.WriteFile(filepath.Join(pdir, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	apiHost := strings.TrimSuffix(strings.TrimPrefix(rc.Host, "https://"), "/")
	conf := fmt.Sprintf(`global:
  scrape_interval: 5s
  scrape_timeout: 4s
scrape_configs:
- job_name: netguard
  file_sd_configs:
  - files: [%q]
    refresh_interval: 5s
- job_name: apiserver
  scheme: https
  tls_config: {ca_file: %q, cert_file: %q, key_file: %q}
  static_configs:
  - targets: [%q]
`, filepath.Join(pdir, "netguard.json"), filepath.Join(pdir, "ca.crt"), filepath.Join(pdir, "admin.crt"), filepath.Join(pdir, "admin.key"), apiHost)
	if err := os.WriteFile(filepath.Join(pdir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	ports, err := framework.FreePorts(1)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	p := &prometheus{url: "http://" + addr, sdFile: filepath.Join(pdir, "netguard.json"), done: make(chan struct{})}
	if err := p.writeTargets(nil); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(pdir, "prometheus.log"))
	if err != nil {
		return nil, err
	}
	p.cmd = exec.Command(bin, "--config.file="+filepath.Join(pdir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(pdir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = p.cmd.Wait(); log.Close(); close(p.done) }()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(p.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				logf("Prometheus up on %s", addr)
				return p, nil
			}
		}
		select {
		case <-p.done:
			b, _ := os.ReadFile(filepath.Join(pdir, "prometheus.log"))
			return nil, fmt.Errorf("prometheus exited: %s", b)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, errors.New("prometheus not ready after a minute")
		}
	}
}

// target points the netguard job at the running netguard's metrics port,
// labelled like a pod of the chart's Deployment (the restart is pod n).
func (p *prometheus) target(env *framework.Environment, n int) error {
	return p.writeTargets([]string{strings.TrimPrefix(env.Netguard.MetricsURL, "http://"), fmt.Sprintf("netguard-%d", n)})
}

func (p *prometheus) writeTargets(t []string) error {
	content := "[]"
	if t != nil {
		content = fmt.Sprintf(`[{"targets": [%q], "labels": {"namespace": "netguard-system", "pod": %q}}]`, t[0], t[1])
	}
	tmp := p.sdFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p.sdFile)
}

func (p *prometheus) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
