package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64"}
	epoch = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
)

// fakeBins stand in for the netguard binaries: the image code only copies
// bytes, so a compile would only cost time.
func fakeBins() []Binary {
	return []Binary{
		{Platform: amd64, Data: []byte("\x7fELF fake netguard amd64")},
		{Platform: arm64, Data: []byte("\x7fELF fake netguard arm64")},
	}
}

var fakeCA = []byte("-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n")

func testMeta() Metadata {
	return Metadata{Version: "v1.2.3", Revision: "0123456789abcdef0123456789abcdef01234567", Created: epoch}
}

func mustIndex(t *testing.T, bins []Binary, ca []byte, m Metadata) v1.ImageIndex {
	t.Helper()
	idx, err := NetguardIndex(bins, ca, m)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func digest(t *testing.T, d interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSameInputsGiveTheSameIndexDigestAndAnyChangeAnother(t *testing.T) {
	base := digest(t, mustIndex(t, fakeBins(), fakeCA, testMeta()))
	if again := digest(t, mustIndex(t, fakeBins(), fakeCA, testMeta())); again != base {
		t.Fatalf("two builds of the same inputs: %s and %s", base, again)
	}
	changed := map[string]func() v1.ImageIndex{
		"binary": func() v1.ImageIndex {
			b := fakeBins()
			b[1].Data = append(b[1].Data, '!')
			return mustIndex(t, b, fakeCA, testMeta())
		},
		"created": func() v1.ImageIndex {
			m := testMeta()
			m.Created = m.Created.Add(time.Second)
			return mustIndex(t, fakeBins(), fakeCA, m)
		},
		"version": func() v1.ImageIndex {
			m := testMeta()
			m.Version = "v1.2.4"
			return mustIndex(t, fakeBins(), fakeCA, m)
		},
		"CA bundle": func() v1.ImageIndex {
			return mustIndex(t, fakeBins(), append(slices.Clone(fakeCA), '\n'), testMeta())
		},
	}
	for what, build := range changed {
		if d := digest(t, build()); d == base {
			t.Errorf("changing the %s kept digest %s", what, d)
		}
	}
}

// The creation time reaches the image only as the given instant: a
// sub-second or non-UTC clock reading does not make two builds differ.
func TestCreatedIsNormalizedToUTCSeconds(t *testing.T) {
	m := testMeta()
	a := digest(t, mustIndex(t, fakeBins(), fakeCA, m))
	m.Created = epoch.Add(300 * time.Millisecond).In(time.FixedZone("CET", 3600))
	if b := digest(t, mustIndex(t, fakeBins(), fakeCA, m)); a != b {
		t.Errorf("the same second in another zone with milliseconds: %s, want %s", b, a)
	}
}

func TestNetguardIndexHoldsBothPlatformsWithTheRuntimeContract(t *testing.T) {
	idx := mustIndex(t, fakeBins(), fakeCA, testMeta())
	mt, err := idx.MediaType()
	if err != nil || mt != types.OCIImageIndex {
		t.Errorf("index media type %q (%v), want %q", mt, err, types.OCIImageIndex)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range im.Manifests {
		if d.Platform == nil {
			t.Fatalf("index entry %s has no platform", d.Digest)
		}
		got = append(got, d.Platform.String())
		if d.MediaType != types.OCIManifestSchema1 {
			t.Errorf("%s: media type %q, want an OCI manifest", d.Platform, d.MediaType)
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if cf.OS != d.Platform.OS || cf.Architecture != d.Platform.Architecture {
			t.Errorf("index says %s, config says %s/%s", d.Platform, cf.OS, cf.Architecture)
		}
		c := cf.Config
		if c.User != "65532:65532" {
			t.Errorf("%s: user %q", d.Platform, c.User)
		}
		if !slices.Equal(c.Entrypoint, []string{"/usr/local/bin/netguard"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
			t.Errorf("%s: entrypoint %q cmd %q", d.Platform, c.Entrypoint, c.Cmd)
		}
		for _, p := range []string{"9743/tcp", "9744/tcp", "9745/tcp"} {
			if _, ok := c.ExposedPorts[p]; !ok {
				t.Errorf("%s: port %s not exposed (%v)", d.Platform, p, c.ExposedPorts)
			}
		}
		wantLabels := map[string]string{
			"org.opencontainers.image.version":     "v1.2.3",
			"org.opencontainers.image.revision":    testMeta().Revision,
			"org.opencontainers.image.created":     "2026-12-01T10:00:00Z",
			"org.opencontainers.image.source":      "https://github.com/netguard/netguard",
			"org.opencontainers.image.title":       "netguard",
			"org.opencontainers.image.description": NetguardDescription,
		}
		for k, v := range wantLabels {
			if c.Labels[k] != v {
				t.Errorf("%s: label %s=%q, want %q", d.Platform, k, c.Labels[k], v)
			}
		}
		if !cf.Created.Time.Equal(epoch) {
			t.Errorf("%s: created %v, want %v", d.Platform, cf.Created.Time, epoch)
		}
		for _, h := range cf.History {
			if !h.Created.Time.Equal(epoch) {
				t.Errorf("%s: history entry created %v, want %v", d.Platform, h.Created.Time, epoch)
			}
		}
		files := imageFiles(t, img)
		bin := files["usr/local/bin/netguard"]
		if bin.h == nil || bin.h.Mode != 0o755 || bin.h.Uid != 0 || !bytes.Contains(bin.data, []byte(d.Platform.Architecture)) {
			t.Errorf("%s: netguard binary %+v, want the %s binary, mode 0755, root", d.Platform, bin.h, d.Platform.Architecture)
		}
		if ca := files["etc/ssl/certs/ca-certificates.crt"]; !bytes.Equal(ca.data, fakeCA) {
			t.Errorf("%s: CA bundle %q", d.Platform, ca.data)
		}
		if pw := files["etc/passwd"]; !strings.Contains(string(pw.data), "nonroot:x:65532:65532:") {
			t.Errorf("%s: /etc/passwd lacks nonroot 65532:\n%s", d.Platform, pw.data)
		}
		if gr := files["etc/group"]; !strings.Contains(string(gr.data), "nonroot:x:65532:") {
			t.Errorf("%s: /etc/group lacks nonroot 65532:\n%s", d.Platform, gr.data)
		}
		if home := files["home/nonroot/"]; home.h == nil || home.h.Uid != 65532 || home.h.Gid != 65532 {
			t.Errorf("%s: /home/nonroot %+v, want owned by 65532", d.Platform, home.h)
		}
		if tmp := files["tmp/"]; tmp.h == nil || tmp.h.Mode != 0o1777 {
			t.Errorf("%s: /tmp %+v, want mode 1777", d.Platform, tmp.h)
		}
		for n, f := range files {
			if !f.h.ModTime.Equal(epoch) {
				t.Errorf("%s: %s mtime %v, want %v", d.Platform, n, f.h.ModTime, epoch)
			}
			if f.h.Uname != "" || f.h.Gname != "" {
				t.Errorf("%s: %s carries owner names %q/%q", d.Platform, n, f.h.Uname, f.h.Gname)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("index platforms %v, want linux/amd64 and linux/arm64", got)
	}
}

type tarFile struct {
	h    *tar.Header
	data []byte
}

// imageFiles reads every layer of img, in order, into path -> entry (later
// layers win, as in a container's root file system).
func imageFiles(t *testing.T, img v1.Image) map[string]tarFile {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]tarFile{}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range readTar(t, rc) {
			files[f.h.Name] = f
		}
		rc.Close()
	}
	return files
}

func readTar(t *testing.T, r io.Reader) []tarFile {
	t.Helper()
	var out []tarFile
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tarFile{h, data})
	}
}

func TestLayerListsParentsFirstInSortedOrder(t *testing.T) {
	data, err := layerTar([]File{
		{Path: "/usr/local/bin/b", Mode: 0o755, Data: []byte("b")},
		{Path: "/etc/a", Mode: 0o644, Data: []byte("a")},
		{Path: "/usr/local", Mode: fs.ModeDir | 0o700, UID: 7},
	}, epoch)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	modes := map[string]int64{}
	for _, f := range readTar(t, bytes.NewReader(data)) {
		names = append(names, f.h.Name)
		modes[f.h.Name] = f.h.Mode
	}
	want := []string{"etc/", "etc/a", "usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/b"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %q, want %q", names, want)
	}
	if modes["usr/local/"] != 0o700 || modes["usr/"] != 0o755 {
		t.Errorf("a listed directory keeps its mode, an added parent gets 0755: usr/ %o, usr/local/ %o", modes["usr/"], modes["usr/local/"])
	}
}

func TestBadLayersAndConfigsAreClearErrors(t *testing.T) {
	file := func(p string) File { return File{Path: p, Mode: 0o644, Data: []byte("x")} }
	ok := Config{Platform: amd64, Created: epoch, Layers: [][]File{{file("/a")}}}
	for name, tc := range map[string]struct {
		mutate func(*Config)
		want   string
	}{
		"relative path":       {func(c *Config) { c.Layers[0] = []File{file("a")} }, "absolute"},
		"root":                {func(c *Config) { c.Layers[0] = []File{file("/")} }, "absolute"},
		"listed twice":        {func(c *Config) { c.Layers[0] = []File{file("/a"), file("/./a")} }, "twice"},
		"file as a parent":    {func(c *Config) { c.Layers[0] = []File{file("/a"), file("/a/b")} }, "parent"},
		"symlink":             {func(c *Config) { c.Layers[0] = []File{{Path: "/l", Mode: fs.ModeSymlink}} }, "regular files and directories"},
		"directory with data": {func(c *Config) { c.Layers[0] = []File{{Path: "/d", Mode: fs.ModeDir, Data: []byte{1}}} }, "has data"},
		"empty layer":         {func(c *Config) { c.Layers = append(c.Layers, nil) }, "no files"},
		"no layers":           {func(c *Config) { c.Layers = nil }, "no layers"},
		"no creation time":    {func(c *Config) { c.Created = time.Time{} }, "SourceDateEpoch"},
		"no architecture":     {func(c *Config) { c.Platform.Architecture = "" }, "architecture"},
	} {
		t.Run(name, func(t *testing.T) {
			c := ok
			c.Layers = [][]File{slices.Clone(ok.Layers[0])}
			tc.mutate(&c)
			_, err := Build(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := Build(ok); err != nil {
		t.Errorf("the valid config: %v", err)
	}
}

func TestIndexRejectsTwoImagesOfOnePlatformAndNone(t *testing.T) {
	img, err := NetguardImage(amd64, []byte("bin"), fakeCA, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Index(img, img); err == nil || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("two linux/amd64 images: %v", err)
	}
	if _, err := Index(); err == nil {
		t.Error("an empty index was accepted")
	}
	if _, err := NetguardImage(amd64, nil, fakeCA, testMeta()); err == nil {
		t.Error("an image without a binary was built")
	}
	if _, err := NetguardImage(amd64, []byte("bin"), nil, testMeta()); err == nil {
		t.Error("an image without CA certificates was built")
	}
}
