package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/netguard/netguard/internal/image"
)

// Image references the test imports into containerd. The netguard image
// carries the chart's default repository, so the only value the install
// overrides is image.tag.
const (
	PauseImage       = "registry.local/netguard-e2e/pause:test"
	NetguardRepo     = "ghcr.io/netguard/netguard"
	NetguardImageTag = "e2e-node"
)

// Images are the tarballs BuildImages wrote (ctr images import reads them).
type Images struct {
	Pause, Netguard string
}

// BuildImages builds the netguard image exactly as the README's "Install in
// a cluster" does (`make image`: internal/tools/imagebuild, here for this
// machine's platform only) and the pause image (e2e/node/pause, with the same
// library), and writes each as an OCI archive into dir.
func BuildImages(ctx context.Context, root, dir string, logf func(string, ...any)) (*Images, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	imgs := &Images{Pause: filepath.Join(dir, "pause.tar"), Netguard: filepath.Join(dir, "netguard.tar")}
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "go", "run", "./internal/tools/imagebuild",
		"-name", NetguardRepo+":"+NetguardImageTag, "-platforms", "linux/"+runtime.GOARCH,
		"-out", filepath.Join(dir, "netguard-layout"), "-archive", imgs.Netguard, "-work", filepath.Join(dir, "build"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v: %w\n%s", cmd.Args, err, out)
	}
	logf("built the netguard image (internal/tools/imagebuild) in %s", time.Since(t0).Round(time.Millisecond))
	return imgs, buildPause(ctx, root, dir, imgs.Pause)
}

func buildPause(ctx context.Context, root, dir, out string) error {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	bin := filepath.Join(dir, "pause")
	if err := (image.GoBuild{Dir: root, Package: "./e2e/node/pause", Platform: p, Out: bin}).Run(ctx); err != nil {
		return err
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	pause, err := image.Build(image.Config{
		Platform:   p,
		Created:    time.Unix(0, 0).UTC(),
		Layers:     [][]image.File{{{Path: "/pause", Mode: 0o755, Data: data}}},
		Entrypoint: []string{"/pause"},
		User:       "65535:65535",
	})
	if err != nil {
		return err
	}
	idx, err := image.Index(pause)
	if err != nil {
		return err
	}
	layoutDir := filepath.Join(dir, "pause-layout")
	if err := image.WriteLayout(layoutDir, PauseImage, idx); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := image.WriteArchive(f, layoutDir); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
