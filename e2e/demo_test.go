//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The playground (`make demo` = hack/demo): its own control plane with
// netguard wired in, the demonstration steps all behaving as announced (the
// demo exits 1 otherwise), a usable KUBECONFIG, and everything cleaned up on
// exit: after the demonstration with DEMO_EXIT_AFTER_SETUP=1, and on Ctrl-C.
func TestDemo(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "demo")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "./hack/demo")
	build.Dir = s.root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./hack/demo: %v\n%s", err, out)
	}
	kubeconfigRe := regexp.MustCompile(`export KUBECONFIG=(\S+)`)

	t.Run("non-interactive: DEMO_EXIT_AFTER_SETUP=1 shows the edits and cleans up", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Dir = s.root
		cmd.Env = append(os.Environ(), "DEMO_EXIT_AFTER_SETUP=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("demo: %v\n%s", err, out)
		}
		text := string(out)
		for _, want := range []string{
			"$ kubectl apply -f examples/flannel/missing-cniversion.yaml",
			`Warning: FL101 ConfigMap kube-system/kube-flannel-cfg: netguard set cni-conf.json: cniVersion to "0.3.1"`,
			"$ kubectl apply -f examples/faq/kube-proxy-maxpercore.yaml",
			`The ConfigMap "kube-proxy-worker" is invalid: data[config.conf]: [KP002] line 9, col 21`,
			"[TW023] line 2, col 34 (vswitches.cn-beijing-h[0])",
			"Warning: SV001 Service shop/api",
			"$ netguard scan --kubeconfig ",
			"$ netguard audit-log --config ",
			"The playground is running: kube-apiserver v1.37.2 on https://127.0.0.1:",
			"DEMO_EXIT_AFTER_SETUP is set: stopping now.",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the demo's output lacks %q", want)
			}
		}
		if strings.Contains(text, "!! expected") {
			t.Errorf("a demonstration step misbehaved:\n%s", text)
		}
		m := kubeconfigRe.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no KUBECONFIG in the output:\n%s", text)
		}
		if _, err := os.Stat(filepath.Dir(m[1])); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the work directory %s was not removed (%v)", filepath.Dir(m[1]), err)
		}
	})

	t.Run("interactive: the kubeconfig works until Ctrl-C, then everything stops", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Dir = s.root
		cmd.Env = os.Environ()
		pr, pw := io.Pipe()
		cmd.Stdout, cmd.Stderr = pw, pw
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait(); pw.Close() }()
		var all strings.Builder
		kubeconfig := ""
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if m := kubeconfigRe.FindStringSubmatch(sc.Text()); m != nil {
				kubeconfig = m[1]
			}
			if strings.Contains(sc.Text(), "Press Ctrl-C to stop and clean up.") {
				break
			}
		}
		go io.Copy(io.Discard, pr)
		if kubeconfig == "" {
			t.Fatalf("the demo did not get ready:\n%s", all.String())
		}
		// the user's kubectl edit, through the printed kubeconfig
		kc := exec.CommandContext(ctx, s.cp.KubectlPath, "--kubeconfig", kubeconfig, "apply", "--dry-run=server", "-f", "examples/faq/kube-proxy-udptimeout.yaml")
		kc.Dir = s.root
		kout, err := kc.CombinedOutput()
		if err == nil || !strings.Contains(string(kout), "[KP002]") {
			t.Errorf("kubectl against the playground: %v\n%s", err, kout)
		}
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo exited with %v after Ctrl-C", err)
			}
		case <-time.After(90 * time.Second):
			t.Fatal("the demo did not stop within 90s of Ctrl-C")
		}
		if _, err := os.Stat(filepath.Dir(kubeconfig)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the work directory was not removed (%v)", err)
		}
		// the API server is gone
		addr := strings.TrimPrefix(serverOf(t, all.String()), "https://")
		if c, err := net.DialTimeout("tcp", addr, 3*time.Second); err == nil {
			c.Close()
			t.Errorf("the playground's API server at %s still accepts connections after Ctrl-C", addr)
		}
	})
}

func serverOf(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`kube-apiserver v1\.37\.2 on (https://127\.0\.0\.1:\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no API server URL in the demo's output:\n%s", out)
	}
	return m[1]
}
