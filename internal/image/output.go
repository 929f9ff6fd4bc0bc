package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Annotations of an index.json entry that name the image. containerd's
// importer (`ctr images import`, 1.6+) takes io.containerd.image.name as the
// full name; the OCI annotation is set to the same full name, as podman and
// skopeo do, so that tools reading only that one get the name too.
const (
	AnnotationRefName       = "org.opencontainers.image.ref.name"
	AnnotationContainerdRef = "io.containerd.image.name"
)

// WriteLayout writes idx as an OCI image layout to dir, the only entry of
// its index.json, named ref (a full reference, e.g.
// ghcr.io/netguard/netguard:v1.2.3; "" leaves it unnamed). dir must not exist, be
// empty or already be an OCI layout (it is replaced, so blobs of an earlier
// build do not pile up).
func WriteLayout(dir, ref string, idx v1.ImageIndex) error {
	anns := map[string]string{}
	if ref != "" {
		r, err := name.ParseReference(ref, name.StrictValidation)
		if err != nil {
			// Strict parsing rejects short names ("netguard:dev") that
			// containerd would expand differently than docker.
			return fmt.Errorf("image: name %q: want a full reference like registry.example/repo:tag: %w", ref, err)
		}
		anns[AnnotationRefName] = r.Name()
		anns[AnnotationContainerdRef] = r.Name()
	}
	if err := clearLayout(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(anns)); err != nil {
		return fmt.Errorf("image: writing %s: %w", dir, err)
	}
	return nil
}

// clearLayout removes dir if it is an OCI layout (has an oci-layout file) or
// empty, and refuses anything else: a typo in -out must not delete a tree.
func clearLayout(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if len(ents) > 0 {
		if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
			return fmt.Errorf("image: %s exists and is not an OCI image layout; not replacing it", dir)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	return nil
}

// WriteArchive writes the OCI layout directory dir (see WriteLayout) to w as
// a tar archive (an "OCI archive"): entries sorted, mtime zero, owner root,
// so that the same layout always gives the same bytes.
func WriteArchive(w io.Writer, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
		return fmt.Errorf("image: %s is not an OCI image layout: %w", dir, err)
	}
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	slices.Sort(names)
	tw := tar.NewWriter(w)
	for _, n := range names {
		fi, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return fmt.Errorf("image: %w", err)
		}
		h := &tar.Header{Name: n, Mode: 0o644, ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Size: fi.Size(), Format: tar.FormatPAX}
		if fi.IsDir() {
			h.Name, h.Mode, h.Typeflag, h.Size = n+"/", 0o755, tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("image: %w", err)
		}
		if fi.IsDir() {
			continue
		}
		if err := copyFile(tw, filepath.Join(dir, n)); err != nil {
			return fmt.Errorf("image: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	return nil
}

// SaveArchive writes idx, named ref, as an OCI archive file at path (through
// a temporary layout directory next to it), replacing path only once the
// archive is complete. It is WriteLayout + WriteArchive for callers that
// want only the file, e.g. to `ctr images import` it.
func SaveArchive(path, ref string, idx v1.ImageIndex) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".layout-")
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer os.RemoveAll(tmp)
	layoutDir := filepath.Join(tmp, "layout")
	if err := WriteLayout(layoutDir, ref, idx); err != nil {
		return err
	}
	return WriteArchiveFile(path, layoutDir)
}

// WriteArchiveFile is WriteArchive into the file path, replaced only once
// the archive is complete (an interrupted build leaves no truncated file).
func WriteArchiveFile(path, layoutDir string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".archive-*.tar")
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	defer os.Remove(f.Name())
	if err := WriteArchive(f, layoutDir); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("image: %w", err)
	}
	return nil
}

func copyFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Push writes idx to the registry as ref (repo:tag or repo@digest), with
// the credentials authn.DefaultKeychain finds for that registry ($DOCKER_CONFIG
// or ~/.docker/config.json, credential helpers) unless opts say otherwise.
// Registries on localhost / 127.0.0.1 are spoken to over plain HTTP (ggcr's
// rule); everything else over HTTPS.
func Push(ctx context.Context, ref string, idx v1.ImageIndex, opts ...remote.Option) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return fmt.Errorf("image: %q: %w", ref, err)
	}
	all := append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}, opts...)
	if err := remote.WriteIndex(r, idx, all...); err != nil {
		return fmt.Errorf("image: pushing %s: %w", r, err)
	}
	return nil
}

// SourceDateEpoch is the creation time of a reproducible build:
// $SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
// when set, else the committer time of HEAD in the git work tree dir.
func SourceDateEpoch(ctx context.Context, dir string) (time.Time, error) {
	if s, ok := os.LookupEnv("SOURCE_DATE_EPOCH"); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fmt.Errorf("image: SOURCE_DATE_EPOCH=%q: want seconds since 1970", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	out, err := gitOutput(ctx, dir, "log", "-1", "--format=%ct")
	if err != nil {
		return time.Time{}, fmt.Errorf("image: no SOURCE_DATE_EPOCH and no commit time: %w", err)
	}
	n, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("image: commit time %q: %w", out, err)
	}
	return time.Unix(n, 0).UTC(), nil
}

// GitRevision is the commit of HEAD in dir, with "-dirty" when the work tree
// has uncommitted changes to tracked files.
func GitRevision(ctx context.Context, dir string) (string, error) {
	rev, err := gitOutput(ctx, dir, "rev-parse", "HEAD")
	if err != nil {
		return "", fmt.Errorf("image: %w", err)
	}
	status, err := gitOutput(ctx, dir, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return "", fmt.Errorf("image: %w", err)
	}
	if status != "" {
		rev += "-dirty"
	}
	return rev, nil
}

func gitOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
