package image

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
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

// runDir is where containerd 1.6's runc shims keep their sockets and FIFOs
// whatever the configured state directory; the tests remove it after the
// last daemon stops when it did not exist before the first one started.
const runDir = "/run/containerd"

var runDirUse struct {
	sync.Mutex
	daemons int
	created bool
}

// holdRunDir notes one more daemon; release undoes it and removes runDir
// after the last one if the tests created it.
func holdRunDir() (release func() error) {
	runDirUse.Lock()
	defer runDirUse.Unlock()
	if runDirUse.daemons == 0 {
		_, err := os.Stat(runDir)
		runDirUse.created = os.IsNotExist(err)
	}
	runDirUse.daemons++
	return func() error {
		runDirUse.Lock()
		defer runDirUse.Unlock()
		runDirUse.daemons--
		if runDirUse.daemons == 0 && runDirUse.created {
			return os.RemoveAll(runDir)
		}
		return nil
	}
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
	release := holdRunDir()
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		_ = release()
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
		if err := release(); err != nil {
			t.Errorf("removing %s: %v", runDir, err)
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
	t.Parallel() // slow (a daemon, a compile or a sleep); independent of the others
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

// probe is a static program standing in for netguard inside the image: it
// prints what the runtime gave it, so the test sees the image's contract
// from inside a real container.
const probe = `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	passwd, _ := os.ReadFile("/etc/passwd")
	ca, err := os.Stat("/etc/ssl/certs/ca-certificates.crt")
	tmp, _ := os.Stat("/tmp")
	nonroot := ""
	for _, l := range strings.Split(string(passwd), "\n") {
		if strings.HasPrefix(l, fmt.Sprintf("nonroot:x:%d:", os.Getuid())) {
			nonroot = l
		}
	}
	fmt.Printf("args=%q uid=%d gid=%d user=%q ca=%v tmp=%v ssl=%s\n",
		os.Args, os.Getuid(), os.Getgid(), nonroot, err == nil && ca.Size() > 0, tmp.Mode(), os.Getenv("SSL_CERT_FILE"))
}
`

// The netguard image, with a probe in place of the netguard binary, runs in
// containerd (runc): entrypoint and cmd, user 65532:65532 with its passwd
// entry, the CA bundle, a sticky /tmp and SSL_CERT_FILE as the Dockerfile's
// distroless base has them.
func TestNetguardImageRunsInContainerdAsNonroot(t *testing.T) {
	t.Parallel() // slow (a daemon, a compile or a sleep); independent of the others
	if _, err := exec.LookPath("runc"); err != nil {
		t.Skip("runc is not installed (Debian: apt-get install runc)")
	}
	c := startContainerd(t)
	ctx := context.Background()
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module probe\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	bin := filepath.Join(t.TempDir(), "probe")
	if err := (GoBuild{Dir: src, Package: ".", Platform: p, Out: bin, Env: []string{"GOFLAGS=-mod=mod", "GOWORK=off"}}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	img, err := NetguardImage(p, data, fakeCA, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Index(img)
	if err != nil {
		t.Fatal(err)
	}
	const ref = "ghcr.io/netguard/netguard:probe"
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := SaveArchive(archive, ref, idx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ctr(ctx, "images", "import", "--snapshotter", "native", archive); err != nil {
		t.Fatal(err)
	}
	// ctr run gives the container its own network namespace with only a
	// loopback interface: nothing leaves the machine.
	out, err := c.ctr(ctx, "run", "--rm", "--snapshotter", "native", ref, "probe")
	if err != nil && (strings.Contains(out, "operation not permitted") || strings.Contains(out, "permission denied")) {
		t.Skipf("runc cannot start containers here (an unprivileged container?): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := `args=["/usr/local/bin/netguard" "serve"] uid=65532 gid=65532 user="nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" ca=true tmp=dtrwxrwxrwx ssl=/etc/ssl/certs/ca-certificates.crt`
	if got := strings.TrimSpace(out); got != want {
		t.Errorf("inside the container:\n%s\nwant\n%s", got, want)
	}
}
