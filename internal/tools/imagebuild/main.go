// Command imagebuild builds the netguard container image without a Docker
// engine (internal/image, go-containerregistry): it cross-compiles
// cmd/netguard for each platform, puts each binary with the distroless-like
// base files into an image, and writes the multi-platform index as
//
//   - an OCI image layout directory (-out, default bin/image), and
//   - an OCI archive of that directory (-archive, default bin/image.tar)
//     for `ctr -n k8s.io images import` or `skopeo copy oci-archive:`;
//
// with -push REF it also pushes the index to a registry, with the docker
// config's credentials. `make image` and `make image-push` run it.
//
// Same sources, Go version, -version, CA bundle and creation time
// (SOURCE_DATE_EPOCH, else the commit time of HEAD) give the same digest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/netguard/netguard/internal/image"
)

type options struct {
	dir, name, version, platforms string
	out, archive, work, caCerts   string
	push, goCmd                   string
}

func main() {
	var o options
	fs := flag.NewFlagSet("imagebuild", flag.ExitOnError)
	fs.StringVar(&o.dir, "dir", ".", "the netguard module (repository root)")
	fs.StringVar(&o.name, "name", "", "full image name written into the layout, e.g. ghcr.io/netguard/netguard:v1.2.3 (required)")
	fs.StringVar(&o.version, "version", "", "the version stamped into the binary and the version label (default: the tag of -name)")
	fs.StringVar(&o.platforms, "platforms", "linux/amd64,linux/arm64", "comma-separated platforms")
	fs.StringVar(&o.out, "out", "bin/image", "the OCI image layout directory to write")
	fs.StringVar(&o.archive, "archive", "bin/image.tar", `the OCI archive to write ("" for none)`)
	fs.StringVar(&o.work, "work", "bin/image-build", "where the per-platform binaries are built")
	fs.StringVar(&o.caCerts, "ca-certs", image.CACertsPath, "the CA bundle put into the image")
	fs.StringVar(&o.push, "push", "", "also push the index to this reference (credentials: docker config / credential helpers)")
	fs.StringVar(&o.goCmd, "go", "go", "the go command")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "imagebuild: unexpected arguments %q\n", fs.Args())
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, stdout io.Writer) error {
	if o.name == "" {
		return errors.New("-name is required (e.g. ghcr.io/netguard/netguard:v1.2.3)")
	}
	ref, err := name.ParseReference(o.name, name.StrictValidation)
	if err != nil {
		return fmt.Errorf("-name %q: want a full reference registry/repo:tag: %w", o.name, err)
	}
	if o.version == "" {
		tag, ok := ref.(name.Tag)
		if !ok {
			return fmt.Errorf("-name %q has no tag: set -version", o.name)
		}
		o.version = tag.TagStr()
	}
	plats, err := parsePlatforms(o.platforms)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(o.caCerts)
	if err != nil {
		return fmt.Errorf("CA certificates: %w (Debian: apt-get install ca-certificates)", err)
	}
	created, err := image.SourceDateEpoch(ctx, o.dir)
	if err != nil {
		return err
	}
	rev, err := image.GitRevision(ctx, o.dir)
	if err != nil {
		return err
	}
	m := image.Metadata{Version: o.version, Revision: rev, Created: created}

	var bins []image.Binary
	for _, p := range plats {
		out, err := filepath.Abs(filepath.Join(o.work, strings.ReplaceAll(p.String(), "/", "-"), "netguard"))
		if err != nil {
			return err
		}
		b := image.GoBuild{Go: o.goCmd, Dir: o.dir, Package: "./cmd/netguard", Platform: p, Version: o.version, Out: out}
		fmt.Fprintf(stdout, "go %s  (%s)\n", strings.Join(b.Args(), " "), p)
		if err := b.Run(ctx); err != nil {
			return err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		bins = append(bins, image.Binary{Platform: p, Data: data})
	}
	idx, err := image.NetguardIndex(bins, ca, m)
	if err != nil {
		return err
	}
	if err := report(stdout, idx, ref.Name(), m); err != nil {
		return err
	}
	if err := image.WriteLayout(o.out, ref.Name(), idx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote OCI layout %s\n", o.out)
	if o.archive != "" {
		if err := os.MkdirAll(filepath.Dir(o.archive), 0o755); err != nil {
			return err
		}
		if err := image.WriteArchiveFile(o.archive, o.out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote OCI archive %s (ctr -n k8s.io images import %s)\n", o.archive, o.archive)
	}
	if o.push != "" {
		if err := image.Push(ctx, o.push, idx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "pushed %s\n", o.push)
	}
	return nil
}

func report(w io.Writer, idx v1.ImageIndex, ref string, m image.Metadata) error {
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s@%s  (version %s, revision %s, created %s)\n", ref, d, m.Version, m.Revision, m.Created.Format("2006-01-02T15:04:05Z"))
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, e := range im.Manifests {
		fmt.Fprintf(w, "  %-12s %s\n", e.Platform, e.Digest)
	}
	return nil
}

// parsePlatforms reads "linux/amd64,linux/arm64".
func parsePlatforms(s string) ([]v1.Platform, error) {
	var out []v1.Platform
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := v1.ParsePlatform(f)
		if err != nil || p.OS == "" || p.Architecture == "" || strings.Count(f, "/") < 1 {
			return nil, fmt.Errorf("-platforms: %q: want os/arch[/variant], e.g. linux/arm64", f)
		}
		if seen[p.String()] {
			return nil, fmt.Errorf("-platforms: %s twice", p)
		}
		seen[p.String()] = true
		out = append(out, *p)
	}
	if len(out) == 0 {
		return nil, errors.New("-platforms: none given")
	}
	return out, nil
}
