package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// GoBuild cross-compiles one static Go binary the way the Dockerfile's build
// stage and the release do: CGO_ENABLED=0, GOOS/GOARCH of Platform,
// -trimpath -buildvcs=false -ldflags "-s -w -X main.version=Version".
// Identical sources, Go version and flags give an identical binary, which is
// what makes the image digest reproducible.
type GoBuild struct {
	Go       string      // the go command; "go" when empty
	Dir      string      // the module directory the package is built in
	Package  string      // e.g. ./cmd/netguard
	Platform v1.Platform // linux/amd64, linux/arm64, linux/arm/v7 ...
	Version  string      // -X main.version; omitted when empty
	Out      string      // the binary written
	Env      []string    // extra environment (GOCACHE, GOFLAGS ...), after the process's own
}

// Args is the go command line (without the go command itself).
func (b GoBuild) Args() []string {
	ldflags := "-s -w"
	if b.Version != "" {
		ldflags += " -X main.version=" + b.Version
	}
	return []string{"build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", b.Out, b.Package}
}

// Environ is the environment of the build: the process's own with CGO off
// and the target platform set.
func (b GoBuild) Environ() []string {
	env := append(os.Environ(), b.Env...)
	env = append(env, "CGO_ENABLED=0", "GOOS="+b.Platform.OS, "GOARCH="+b.Platform.Architecture)
	if b.Platform.Architecture == "arm" && b.Platform.Variant != "" {
		env = append(env, "GOARM="+strings.TrimPrefix(b.Platform.Variant, "v"))
	}
	return env
}

// Run builds the binary.
func (b GoBuild) Run(ctx context.Context) error {
	if b.Package == "" || b.Out == "" {
		return errors.New("image: GoBuild needs Package and Out")
	}
	if b.Platform.OS == "" || b.Platform.Architecture == "" {
		return fmt.Errorf("image: GoBuild: platform %q lacks an OS or architecture", b.Platform.String())
	}
	gocmd := b.Go
	if gocmd == "" {
		gocmd = "go"
	}
	cmd := exec.CommandContext(ctx, gocmd, b.Args()...)
	cmd.Dir = b.Dir
	cmd.Env = b.Environ()
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("image: go build %s for %s: %w\n%s", b.Package, b.Platform.String(), err, stderr.String())
	}
	return nil
}
