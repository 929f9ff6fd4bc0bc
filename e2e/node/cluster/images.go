package cluster

import (
	"context"
	"fmt"
	"os"
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

// BuildImages builds the netguard image (./cmd/netguard, with
// internal/image: the same files and runtime contract as the release) and
// the pause image (e2e/node/pause) for this machine's platform, and writes
// each as an OCI archive into dir.
func BuildImages(ctx context.Context, root, dir string, logf func(string, ...any)) (*Images, error) {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	created := time.Unix(0, 0).UTC()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	bins := map[string]string{"netguard": "./cmd/netguard", "pause": "./e2e/node/pause"}
	data := map[string][]byte{}
	for name, pkg := range bins {
		t0 := time.Now()
		out := filepath.Join(dir, name)
		b := image.GoBuild{Dir: root, Package: pkg, Platform: p, Version: "e2e-node", Out: out}
		if err := b.Run(ctx); err != nil {
			return nil, err
		}
		var err error
		if data[name], err = os.ReadFile(out); err != nil {
			return nil, err
		}
		logf("built %s in %s", pkg, time.Since(t0).Round(time.Millisecond))
	}
	caCerts, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		return nil, fmt.Errorf("CA certificates for the image: %w", err)
	}
	ng, err := image.NetguardImage(p, data["netguard"], caCerts, image.Metadata{Version: "e2e-node", Revision: "e2e-node", Created: created})
	if err != nil {
		return nil, err
	}
	pause, err := image.Build(image.Config{
		Platform:   p,
		Created:    created,
		Layers:     [][]image.File{{{Path: "/pause", Mode: 0o755, Data: data["pause"]}}},
		Entrypoint: []string{"/pause"},
		User:       "65535:65535",
	})
	if err != nil {
		return nil, err
	}
	imgs := &Images{Pause: filepath.Join(dir, "pause.tar"), Netguard: filepath.Join(dir, "netguard.tar")}
	if err := writeArchive(dir, "pause", PauseImage, pause, imgs.Pause); err != nil {
		return nil, err
	}
	return imgs, writeArchive(dir, "netguard", NetguardRepo+":"+NetguardImageTag, ng, imgs.Netguard)
}

func writeArchive(dir, name, ref string, img v1.Image, out string) error {
	idx, err := image.Index(img)
	if err != nil {
		return err
	}
	layoutDir := filepath.Join(dir, name+"-layout")
	if err := image.WriteLayout(layoutDir, ref, idx); err != nil {
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
