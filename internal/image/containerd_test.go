package image

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// containerd is a containerd daemon of the test's own: its own root, state
// and socket under a fresh /tmp directory (the socket path must stay short),
// no CRI plugin (nothing listens on the network), stopped and removed by
// Cleanup.
type containerd struct {
	dir, sock string
	cmd       *exec.Cmd
	log       bytes.Buffer
}

func startContainerd(t *testing.T) *containerd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("containerd needs root (its content store and snapshotters chown and mount)")
	}
	for _, bin := range []string{"containerd", "ctr"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed (Debian: apt-get install containerd)", bin)
		}
	}
	dir, err := os.MkdirTemp("/tmp", "ng-ctrd-")
	if err != nil {
		t.Fatal(err)
	}
	c := &containerd{dir: dir, sock: filepath.Join(dir, "c.sock")}
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = %q
[ttrpc]
  address = %q
[plugins."io.containerd.internal.v1.opt"]
  path = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), c.sock, c.sock+".ttrpc", filepath.Join(dir, "opt"))
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command("containerd", "--config", filepath.Join(dir, "config.toml"), "--log-level", "warn")
	c.cmd.Stdout, c.cmd.Stderr = &c.log, &c.log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	t.Cleanup(func() {
		// Only the daemon this test started, by its PID.
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = c.cmd.Process.Kill()
			<-exited
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing containerd's directories: %v", err)
		}
	})
	// Up when it answers; a busy machine gets a minute.
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := c.ctr(context.Background(), "version"); err == nil {
			return c
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("containerd exited: %v\n%s", err, c.log.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("containerd did not answer on %s within a minute:\n%s", c.sock, c.log.String())
		}
	}
}

func (c *containerd) ctr(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ctr", append([]string{"--address", c.sock, "--namespace", "k8s.io"}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ctr %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// The OCI archive `make image` writes is what `ctr -n k8s.io images import`
// (containerd 1.6, the kubelet's image store) loads: under the full name of
// the layout's annotation, pointing at the multi-platform index, with the
// layers of this machine's platform unpacked into a snapshot.
func TestOCIArchiveImportsIntoContainerdUnderItsName(t *testing.T) {
	c := startContainerd(t)
	ctx := context.Background()
	idx := mustIndex(t, fakeBins(), fakeCA, testMeta())
	const ref = "ghcr.io/netguard/netguard:v1.2.3"
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := SaveArchive(archive, ref, idx); err != nil {
		t.Fatal(err)
	}
	// native: the snapshotter that needs no overlay mount, so the test runs
	// in containers too; unpacking still applies every layer.
	if _, err := c.ctr(ctx, "images", "import", "--snapshotter", "native", archive); err != nil {
		t.Fatal(err)
	}
	ls, err := c.ctr(ctx, "images", "ls")
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(ls, "\n") {
		if strings.HasPrefix(l, ref+" ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("ctr images ls has no %s:\n%s", ref, ls)
	}
	if d := digest(t, idx).String(); !strings.Contains(line, d) || !strings.Contains(line, "linux/amd64,linux/arm64") {
		t.Errorf("%s is stored as\n%s\nwant the index %s for linux/amd64,linux/arm64", ref, line, d)
	}
	t.Logf("ctr images ls:\n%s", ls)
	snaps, err := c.ctr(ctx, "snapshots", "--snapshotter", "native", "ls")
	if err != nil {
		t.Fatal(err)
	}
	// Two layers, two committed snapshots (plus the header line).
	if n := strings.Count(snaps, "Committed"); n != 2 {
		t.Errorf("%d committed snapshots after the import, want 2 (one per layer):\n%s", n, snaps)
	}
}
