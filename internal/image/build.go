package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// File is one entry of a layer: a regular file (Data) or, with fs.ModeDir
// in Mode, a directory. Parent directories that are not listed are added as
// root-owned 0755 directories.
type File struct {
	Path     string      // absolute path inside the image, e.g. /usr/local/bin/netguard
	Mode     fs.FileMode // permission bits, plus fs.ModeDir / ModeSticky for directories
	UID, GID int
	Data     []byte
}

// Config is everything a single-platform image is made of. Nothing else
// (no clock, no host file metadata) reaches the image, so the same Config
// always yields the same digest.
type Config struct {
	Platform v1.Platform // OS and Architecture are required
	// Created is the image creation time and the mtime of every layer entry;
	// use SourceDateEpoch for reproducible builds.
	Created time.Time
	// Layers, bottom first. Each holds at least one file.
	Layers       [][]File
	Entrypoint   []string
	Cmd          []string
	User         string // "uid:gid"
	WorkingDir   string
	Env          []string
	Labels       map[string]string
	ExposedPorts []string // "9743/tcp"
}

// Build makes the OCI image described by c.
func Build(c Config) (v1.Image, error) {
	if c.Platform.OS == "" || c.Platform.Architecture == "" {
		return nil, fmt.Errorf("image: platform %q lacks an OS or architecture", c.Platform.String())
	}
	if c.Created.IsZero() {
		return nil, errors.New("image: Created is not set (use SourceDateEpoch)")
	}
	if len(c.Layers) == 0 {
		return nil, errors.New("image: no layers")
	}
	created := c.Created.UTC().Truncate(time.Second)
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for i, files := range c.Layers {
		data, err := layerTar(files, created)
		if err != nil {
			return nil, fmt.Errorf("image: layer %d: %w", i, err)
		}
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}, tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return nil, fmt.Errorf("image: layer %d: %w", i, err)
		}
		img, err = mutate.Append(img, mutate.Addendum{
			Layer: layer,
			History: v1.History{
				Created:   v1.Time{Time: created},
				CreatedBy: "netguard internal/image: " + layerSummary(files),
			},
		})
		if err != nil {
			return nil, fmt.Errorf("image: layer %d: %w", i, err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = v1.Time{Time: created}
	cf.OS = c.Platform.OS
	cf.Architecture = c.Platform.Architecture
	cf.Variant = c.Platform.Variant
	cf.OSVersion = c.Platform.OSVersion
	cf.Config = v1.Config{
		Entrypoint: c.Entrypoint,
		Cmd:        c.Cmd,
		User:       c.User,
		WorkingDir: c.WorkingDir,
		Env:        c.Env,
		Labels:     c.Labels,
	}
	if len(c.ExposedPorts) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range c.ExposedPorts {
			if !strings.Contains(p, "/") {
				p += "/tcp"
			}
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	return mutate.ConfigFile(img, cf)
}

// Index is the OCI image index of imgs, one entry per image, with the
// platform of each taken from its config. Two images of one platform are an
// error: a runtime would pick either.
func Index(imgs ...v1.Image) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	seen := map[string]bool{}
	for i, img := range imgs {
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("image: index entry %d: %w", i, err)
		}
		p := cf.Platform()
		if p == nil || p.OS == "" || p.Architecture == "" {
			return nil, fmt.Errorf("image: index entry %d has no platform in its config", i)
		}
		if seen[p.String()] {
			return nil, fmt.Errorf("image: two images for platform %s", p)
		}
		seen[p.String()] = true
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: p},
		})
	}
	if len(imgs) == 0 {
		return nil, errors.New("image: empty index")
	}
	return idx, nil
}

// layerTar is the uncompressed tar of files: sorted by path, parent
// directories first, every mtime t, no user or group names.
func layerTar(files []File, t time.Time) ([]byte, error) {
	if len(files) == 0 {
		return nil, errors.New("no files")
	}
	entries := map[string]File{}
	for _, f := range files {
		p := path.Clean("/" + f.Path)
		if p == "/" || !strings.HasPrefix(f.Path, "/") {
			return nil, fmt.Errorf("path %q: want an absolute file path", f.Path)
		}
		if _, dup := entries[p]; dup {
			return nil, fmt.Errorf("path %q listed twice", p)
		}
		if f.Mode.IsDir() && f.Data != nil {
			return nil, fmt.Errorf("directory %q has data", p)
		}
		if !f.Mode.IsDir() && !f.Mode.IsRegular() {
			return nil, fmt.Errorf("path %q: only regular files and directories are supported (mode %v)", p, f.Mode)
		}
		f.Path = p
		entries[p] = f
	}
	for p := range entries {
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if e, ok := entries[d]; ok {
				if !e.Mode.IsDir() {
					return nil, fmt.Errorf("%q is a file and the parent of %q", d, p)
				}
				continue
			}
			entries[d] = File{Path: d, Mode: fs.ModeDir | 0o755}
		}
	}
	names := make([]string, 0, len(entries))
	for p := range entries {
		names = append(names, p)
	}
	// Plain string order puts every directory before its contents ("/a" <
	// "/a/b") and is stable across machines.
	slices.Sort(names)

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range names {
		f := entries[p]
		h := &tar.Header{
			Name:    strings.TrimPrefix(p, "/"),
			Mode:    tarMode(f.Mode),
			Uid:     f.UID,
			Gid:     f.GID,
			ModTime: t,
			Format:  tar.FormatPAX,
		}
		if f.Mode.IsDir() {
			h.Typeflag = tar.TypeDir
			h.Name += "/"
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.Data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tarMode is the tar header mode of m: permission bits plus setuid, setgid
// and sticky, which fs.FileMode keeps outside the low 12 bits.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

// layerSummary names a layer in the image history: its files, shortened.
func layerSummary(files []File) string {
	var names []string
	for _, f := range files {
		if !f.Mode.IsDir() {
			names = append(names, f.Path)
		}
	}
	slices.Sort(names)
	if len(names) > 4 {
		names = append(names[:4], fmt.Sprintf("and %d more", len(names)-4))
	}
	if len(names) == 0 {
		return "directories"
	}
	return strings.Join(names, " ")
}
