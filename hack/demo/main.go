// Command demo is netguard's playground (`make demo`): a real control plane
// (etcd + kube-apiserver v1.37.2 built by hack/build-test-binaries.sh) with
// `netguard serve` wired in as its admission webhooks (online mode), loaded
// with ACK-style eni-config, kube-flannel-cfg, kube-proxy-worker and
// Services. It shows a few edits from the ACK FAQ being rejected, warned and
// mutated, runs `netguard scan` and `netguard audit-log`, then prints a
// KUBECONFIG and waits until Ctrl-C, cleaning everything up on exit.
//
// It is a separate main package (not a netguard subcommand) so that the
// netguard binary does not link envtest and the test framework; it reuses
// e2e/framework, exactly what the e2e tests run.
//
// Environment:
//
//	DEMO_EXIT_AFTER_SETUP=1   exit after the demonstration (non-interactive; for tests)
//	DEMO_KEEP=1               keep the work directory on exit
//	KUBEBUILDER_ASSETS        directory with kube-apiserver, etcd, kubectl (default bin/k8s)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func main() {
	os.Exit(run(os.Stdout, os.Stderr))
}

// step is one kubectl command of the demonstration and what it must show.
type step struct {
	title string
	args  []string
	// deny: the command must fail with netguard's denial; otherwise it
	// must succeed.
	deny bool
	// want are texts kubectl's output must contain.
	want []string
}

func run(stdout, stderr io.Writer) int {
	exitAfterSetup := flag.Bool("exit-after-setup", os.Getenv("DEMO_EXIT_AFTER_SETUP") != "", "exit after the demonstration instead of waiting for Ctrl-C (also DEMO_EXIT_AFTER_SETUP=1)")
	keep := flag.Bool("keep", os.Getenv("DEMO_KEEP") != "", "keep the work directory on exit (also DEMO_KEEP=1)")
	flag.Parse()
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "demo: "+format+"\n", args...) }

	root, err := framework.RepoRoot()
	if err != nil {
		logf("%v", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "netguard-demo-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	cleanupDir := func() {
		if *keep {
			logf("work directory kept: %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	setupCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	env, err := framework.StartEnvironment(setupCtx, framework.EnvironmentOptions{
		Root: root, Dir: dir, ConfigFile: filepath.Join(root, "e2e", "testdata", "netguard-config.yaml"), Logf: logf,
	})
	if err != nil {
		logf("%v", err)
		cleanupDir()
		return 1
	}
	code := 0
	defer func() {
		logf("stopping netguard, kube-apiserver and etcd")
		if err := env.Stop(); err != nil {
			logf("stopping: %v", err)
			code = 1
		}
		cleanupDir()
	}()

	failures := demonstrate(setupCtx, env, root, stdout)
	if failures > 0 {
		logf("%d step(s) did not show what they should (see above)", failures)
		code = 1
	}

	bin := filepath.Join(root, "bin", "k8s")
	if a := env.Opts.AssetsDir; a != "" {
		bin = a
	}
	fmt.Fprintf(stdout, `
================================================================================
The playground is running: kube-apiserver %s on %s, netguard serve (online
mode) as its admission webhooks. Try it in another terminal:

  export KUBECONFIG=%s
  export PATH=%s:$PATH
  kubectl edit cm kube-proxy-worker -n kube-system      # e.g. scheduler: lc // comment
  kubectl edit cm eni-config -n kube-system             # e.g. disable_network_policy: |
  kubectl apply -f examples/faq/                        # every FAQ snippet as printed
  %s scan --config %s
  %s audit-log %s

Logs: %s/{kube-apiserver.log,netguard/netguard.log,audit.log}
`, "v1.37.2", env.CP.Config.Host, env.CP.KubeconfigPath, bin,
		env.NetguardBinary, env.Opts.ConfigFile, env.NetguardBinary, env.CP.AuditLogPath, dir)
	if *exitAfterSetup {
		fmt.Fprintln(stdout, "DEMO_EXIT_AFTER_SETUP is set: stopping now.")
		return code
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop and clean up.")
	<-ctx.Done()
	fmt.Fprintln(stdout)
	return code
}

// demonstrate loads the objects and runs the steps; it returns how many
// did not behave as expected.
func demonstrate(ctx context.Context, env *framework.Environment, root string, w io.Writer) int {
	failures := 0
	for _, ns := range []string{"shop"} {
		_, err := env.Seeder.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			fmt.Fprintf(w, "creating namespace %s: %v\n", ns, err)
			failures++
		}
	}
	ex := func(p string) string { return filepath.Join("examples", p) }
	section := func(s string) { fmt.Fprintf(w, "\n==> %s\n", s) }

	section("Loading an ACK-style cluster through netguard")
	steps := []step{
		{title: "Terway eni-config (static AccessKey: pointed out, values never printed)",
			args: []string{"apply", "-f", ex("terway/eni-config.yaml")}, want: []string{"configmap/eni-config created", "TW060"}},
		{title: "Flannel kube-flannel-cfg without cniVersion: netguard injects it (FL101)",
			args: []string{"apply", "-f", ex("flannel/missing-cniversion.yaml")}, want: []string{"configmap/kube-flannel-cfg created", "FL101"}},
		{title: "kube-proxy-worker in IPVS mode, written correctly",
			args: []string{"apply", "-f", ex("kube-proxy/kube-proxy-worker-ipvs.yaml")}, want: []string{"configmap/kube-proxy-worker created", "KP090"}},
		{title: "Services: a dual-stack one and an intranet CLB",
			args: []string{"apply", "-f", ex("service/web-prefer-dualstack.yaml"), "-f", ex("service/slb-good.yaml")}, want: []string{"service/web created", "service/nginx-ingress-lb created"}},
		{title: "the stored cni-conf.json carries the injected cniVersion",
			args: []string{"get", "cm", "kube-flannel-cfg", "-n", "kube-system", "-o", `jsonpath={.data.cni-conf\.json}`}, want: []string{`"cniVersion": "0.3.1"`}},
	}
	for _, s := range steps {
		failures += runStep(ctx, env, root, w, s)
	}

	section("The ACK FAQ's edits, as printed")
	steps = []step{
		{title: "FAQ conntrack: `maxPerCore: 65536 // Set maxPerCore ...` is not YAML",
			args: []string{"apply", "-f", ex("faq/kube-proxy-maxpercore.yaml")}, deny: true,
			want: []string{"[KP002] line 9, col 21", "Fix: `//` is not a YAML comment"}},
		{title: "FAQ IPVS scheduler: `scheduler: lc // ...` and the removed IPv6DualStack gate",
			args: []string{"apply", "--dry-run=server", "-f", ex("faq/kube-proxy-ipvs-scheduler.yaml")}, deny: true,
			want: []string{"[KP005]", "[KP020]"}},
		{title: "FAQ eni-config-fixed with the documentation's masked IDs",
			args: []string{"apply", "-f", ex("faq/terway-eni-config-fixed.yaml")}, deny: true,
			want: []string{"[TW023]", `"vsw-2zem796p76viir02c****"`}},
		{title: "FAQ IPv6: a SingleStack Service on this dual-stack cluster",
			args: []string{"apply", "-f", ex("service/web-singlestack.yaml")}, want: []string{"service/api created", "Warning: SV001"}},
		{title: "a block scalar that silently disables NetworkPolicy",
			args: []string{"apply", "--dry-run=server", "-f", ex("terway/policy-block-scalar.yaml")}, deny: true,
			want: []string{"[TW030]", "disable_network_policy"}},
	}
	for _, s := range steps {
		failures += runStep(ctx, env, root, w, s)
	}

	section("netguard scan: the objects already in the cluster, judged like lint")
	failures += runNetguard(ctx, env, root, w, []string{"shop/service/api: SV001 warn"}, "scan", "--kubeconfig", env.CP.KubeconfigPath, "--config", env.Opts.ConfigFile)

	section("netguard audit-log: who changed what, and what netguard decided")
	failures += runNetguard(ctx, env, root, w, []string{"denied", "mutated"}, "audit-log", "--config", env.Opts.ConfigFile, "--since", "10m", env.CP.AuditLogPath)
	return failures
}

func runStep(ctx context.Context, env *framework.Environment, root string, w io.Writer, s step) int {
	fmt.Fprintf(w, "\n# %s\n$ kubectl %s\n", s.title, strings.Join(s.args, " "))
	cmd := env.CP.KubectlCmd(ctx, s.args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	fmt.Fprintf(w, "%s", indent(string(out)))
	bad := 0
	switch {
	case s.deny && err == nil:
		fmt.Fprintln(w, "  !! expected netguard to reject this")
		bad = 1
	case !s.deny && err != nil:
		fmt.Fprintf(w, "  !! expected this to succeed: %v\n", err)
		bad = 1
	}
	for _, want := range s.want {
		if !strings.Contains(string(out), want) {
			fmt.Fprintf(w, "  !! expected the output to contain %q\n", want)
			bad = 1
		}
	}
	return bad
}

// runNetguard runs the netguard binary (scan, audit-log); exit 1 (something
// denied) is a normal scan result.
func runNetguard(ctx context.Context, env *framework.Environment, root string, w io.Writer, want []string, args ...string) int {
	fmt.Fprintf(w, "\n$ netguard %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, env.NetguardBinary, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	fmt.Fprintf(w, "%s", indent(string(out)))
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 1) {
		fmt.Fprintf(w, "  !! netguard %s failed: %v\n", args[0], err)
		return 1
	}
	for _, x := range want {
		if !strings.Contains(string(out), x) {
			fmt.Fprintf(w, "  !! expected the output to contain %q\n", x)
			return 1
		}
	}
	return 0
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return "  " + strings.Join(lines, "\n  ") + "\n"
}
