package image

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestGoBuildUsesTheDockerfileFlags(t *testing.T) {
	b := GoBuild{Package: "./cmd/netguard", Platform: arm64, Version: "v1.2.3", Out: "/o/netguard"}
	want := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -X main.version=v1.2.3", "-o", "/o/netguard", "./cmd/netguard"}
	if got := b.Args(); !slices.Equal(got, want) {
		t.Errorf("args %q, want %q", got, want)
	}
	env := b.Environ()
	for _, kv := range []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64"} {
		// The last assignment wins in exec; the build's own come last.
		k, _, _ := strings.Cut(kv, "=")
		last := ""
		for _, e := range env {
			if strings.HasPrefix(e, k+"=") {
				last = e
			}
		}
		if last != kv {
			t.Errorf("environment sets %s last as %q, want %q", k, last, kv)
		}
	}
	if err := (GoBuild{Package: "./x", Out: "o"}).Run(context.Background()); err == nil {
		t.Error("a build without a platform ran")
	}
}

// realBuildBudget bounds each compile of cmd/netguard in
// TestRealNetguardBuildAndImageAreReproducible. With a warm build cache
// (`make image` or an earlier run: the flags are the same) a build is a
// link, seconds on an idle machine; a cold -trimpath build of the Kubernetes
// dependencies takes many minutes on a busy 2-core machine, and a unit test
// must neither fail nor stall `make test` for that: it skips, saying so.
// NETGUARD_IMAGE_REAL_BUILD=1 (`make image-test`) waits for the builds as
// long as the test's -timeout allows.
const realBuildBudget = 30 * time.Second

// The real netguard binary, built twice for this machine's platform, is the
// same bytes and so the same image digest; the image's binary runs and
// reports the stamped version. One platform keeps it to one compile (the
// second is a cache hit); -short skips it.
func TestRealNetguardBuildAndImageAreReproducible(t *testing.T) {
	t.Parallel() // slow (a daemon, a compile or a sleep); independent of the others
	if testing.Short() {
		t.Skip("-short: compiles cmd/netguard")
	}
	budget := realBuildBudget
	if os.Getenv("NETGUARD_IMAGE_REAL_BUILD") == "1" {
		budget = 0
		if d, ok := t.Deadline(); ok {
			// Two builds must fit before the test binary's own timeout.
			budget = time.Until(d)/2 - 10*time.Second
		}
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image is for linux; this test runs the binary it puts in")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	p := v1.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
	ctx := context.Background()
	build := func() []byte {
		out := filepath.Join(t.TempDir(), "netguard")
		start := time.Now()
		bctx, cancel := ctx, context.CancelFunc(func() {})
		if budget > 0 {
			bctx, cancel = context.WithTimeout(ctx, budget)
		}
		err := (GoBuild{Dir: root, Package: "./cmd/netguard", Platform: p, Version: "v0.0.0-test", Out: out}).Run(bctx)
		cancel()
		if err != nil && bctx.Err() != nil {
			t.Skipf("go build ./cmd/netguard did not finish within %v (cold build cache or a busy machine); "+
				"`make image` warms the cache, `make image-test` (NETGUARD_IMAGE_REAL_BUILD=1) waits", budget.Round(time.Second))
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("go build %s: %v", p, time.Since(start).Round(time.Millisecond))
		cmd := exec.Command(out, "version")
		v, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(v), "v0.0.0-test") {
			t.Errorf("netguard version: %q (%v), want v0.0.0-test", v, err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := build(), build()
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same sources differ")
	}
	if bytes.Contains(a, []byte(root)) {
		t.Errorf("the binary contains the build directory %s: -trimpath is not in effect", root)
	}
	ia, err := NetguardImage(p, a, fakeCA, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	ib, err := NetguardImage(p, b, fakeCA, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	if digest(t, ia) != digest(t, ib) {
		t.Errorf("image digests %s and %s", digest(t, ia), digest(t, ib))
	}
}
