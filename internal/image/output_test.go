package image

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func TestLayoutNamesTheIndexForContainerdAndReadsBack(t *testing.T) {
	idx := mustIndex(t, fakeBins(), fakeCA, testMeta())
	dir := filepath.Join(t.TempDir(), "image")
	if err := WriteLayout(dir, "ghcr.io/netguard/netguard:v1.2.3", idx); err != nil {
		t.Fatal(err)
	}
	var top v1.IndexManifest
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if len(top.Manifests) != 1 {
		t.Fatalf("index.json has %d entries, want the one multi-platform index", len(top.Manifests))
	}
	e := top.Manifests[0]
	if e.Digest != digest(t, idx) {
		t.Errorf("index.json points at %s, want the index %s", e.Digest, digest(t, idx))
	}
	for _, k := range []string{AnnotationRefName, AnnotationContainerdRef} {
		if e.Annotations[k] != "ghcr.io/netguard/netguard:v1.2.3" {
			t.Errorf("annotation %s=%q, want the full image name", k, e.Annotations[k])
		}
	}
	read, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	im, err := read.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	inner, err := read.ImageIndex(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	if digest(t, inner) != digest(t, idx) {
		t.Error("the index read back from the layout differs from the one written")
	}
	// ggcr's own consistency check of what is on disk: every blob present,
	// digests, sizes, diff IDs and media types agreeing. (Validating the
	// in-memory index trips over nil vs empty annotation maps that do not
	// reach the JSON.)
	if err := validate.Index(inner); err != nil {
		t.Errorf("the layout's index is inconsistent: %v", err)
	}
	// Every blob is there: the layout validates as a whole.
	inm, err := inner.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range inm.Manifests {
		img, err := inner.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		if f := imageFiles(t, img); f["usr/local/bin/netguard"].h == nil {
			t.Errorf("%s: no binary in the image read back", m.Platform)
		}
	}

	// A rebuild replaces the layout instead of piling up blobs.
	m := testMeta()
	m.Version = "v2"
	if err := WriteLayout(dir, "ghcr.io/netguard/netguard:v2", mustIndex(t, fakeBins(), fakeCA, m)); err != nil {
		t.Fatal(err)
	}
	blobs, err := os.ReadDir(filepath.Join(dir, "blobs", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	// index + 2 x (manifest, config, binary layer) + the base layer both
	// platforms share (same files, same bytes) = 8
	if len(blobs) != 8 {
		t.Errorf("%d blobs after a rebuild, want 8 (old blobs kept?)", len(blobs))
	}
}

func TestLayoutRefusesToReplaceAnythingButALayoutAndShortNames(t *testing.T) {
	idx := mustIndex(t, fakeBins(), fakeCA, testMeta())
	dir := t.TempDir()
	keep := filepath.Join(dir, "precious.go")
	if err := os.WriteFile(keep, []byte("package x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteLayout(dir, "", idx); err == nil || !strings.Contains(err.Error(), "not an OCI image layout") {
		t.Errorf("writing over a source directory: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("the directory was touched: %v", err)
	}
	if err := WriteLayout(filepath.Join(dir, "out"), "netguard:dev", idx); err == nil {
		t.Error(`the short name "netguard:dev" was accepted; containerd would store it as docker.io/library/netguard:dev`)
	}
}

func TestArchiveIsTheSameBytesForTheSameLayout(t *testing.T) {
	t.Parallel() // slow (a daemon, a compile or a sleep); independent of the others
	archive := func() []byte {
		dir := filepath.Join(t.TempDir(), "image")
		if err := WriteLayout(dir, "ghcr.io/netguard/netguard:v1.2.3", mustIndex(t, fakeBins(), fakeCA, testMeta())); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteArchive(&buf, dir); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a := archive()
	time.Sleep(1100 * time.Millisecond) // file mtimes differ between the two layouts
	if b := archive(); !bytes.Equal(a, b) {
		t.Error("two archives of the same build differ")
	}
	var names []string
	for _, f := range readTar(t, bytes.NewReader(a)) {
		names = append(names, f.h.Name)
		if f.h.Name == "oci-layout" && !strings.Contains(string(f.data), `"imageLayoutVersion"`) {
			t.Errorf("oci-layout: %s", f.data)
		}
	}
	if len(names) < 3 || names[0] != "blobs/" || !strings.Contains(strings.Join(names, " "), "index.json oci-layout") {
		t.Errorf("archive entries %q, want blobs/..., index.json, oci-layout", names)
	}
	// SaveArchive: the same bytes, and nothing but the file left behind.
	out := t.TempDir()
	if err := SaveArchive(filepath.Join(out, "image.tar"), "ghcr.io/netguard/netguard:v1.2.3", mustIndex(t, fakeBins(), fakeCA, testMeta())); err != nil {
		t.Fatal(err)
	}
	if saved, err := os.ReadFile(filepath.Join(out, "image.tar")); err != nil || !bytes.Equal(saved, a) {
		t.Errorf("SaveArchive wrote other bytes than WriteLayout + WriteArchive (%v)", err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 1 {
		t.Errorf("SaveArchive left %d entries, want only the archive", len(ents))
	}
	if err := WriteArchive(&bytes.Buffer{}, t.TempDir()); err == nil {
		t.Error("an empty directory was archived as an OCI layout")
	}
}

// basicAuth lets requests with user:pass through to h and challenges the
// rest, as a registry with credentials does.
func basicAuth(h http.Handler, user, pass string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestPushUsesTheDockerConfigCredentials(t *testing.T) {
	srv := httptest.NewServer(basicAuth(registry.New(registry.Logger(log.New(io.Discard, "", 0))), "ci", "s3cret")) // 127.0.0.1 only
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/netguard/netguard:v1.2.3"
	idx := mustIndex(t, fakeBins(), fakeCA, testMeta())
	ctx := context.Background()

	// No credentials: the registry says no and Push says so.
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if err := Push(ctx, ref, idx); err == nil || !strings.Contains(err.Error(), "UNAUTHORIZED") && !strings.Contains(err.Error(), "401") {
		t.Fatalf("push without credentials: %v, want 401", err)
	}

	cfg := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"auths":{"`+host+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	if err := Push(ctx, ref, idx); err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := remote.Index(r, remote.WithAuth(basicAuthenticator("ci:s3cret")))
	if err != nil {
		t.Fatal(err)
	}
	if digest(t, got) != digest(t, idx) {
		t.Errorf("the registry holds %s, pushed %s", digest(t, got), digest(t, idx))
	}
	arm, err := remote.Image(r, remote.WithPlatform(arm64), remote.WithAuth(basicAuthenticator("ci:s3cret")))
	if err != nil {
		t.Fatal(err)
	}
	if cf, err := arm.ConfigFile(); err != nil || cf.Architecture != "arm64" {
		t.Errorf("pulling linux/arm64 gave %+v (%v)", cf, err)
	}
	if err := Push(ctx, "UPPER/case:tag", idx); err == nil {
		t.Error("an invalid reference was pushed")
	}
}

func TestSourceDateEpochComesFromTheEnvironmentElseTheCommit(t *testing.T) {
	ctx := context.Background()
	t.Setenv("SOURCE_DATE_EPOCH", "1764583200")
	if got, err := SourceDateEpoch(ctx, t.TempDir()); err != nil || !got.Equal(time.Unix(1764583200, 0)) {
		t.Errorf("SOURCE_DATE_EPOCH=1764583200: %v, %v", got, err)
	}
	for _, bad := range []string{"yesterday", "-5", ""} {
		t.Setenv("SOURCE_DATE_EPOCH", bad)
		if _, err := SourceDateEpoch(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %v", bad, err)
		}
	}
	os.Unsetenv("SOURCE_DATE_EPOCH") // t.Setenv restores it afterwards

	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE=2026-11-30T12:00:00Z", "GIT_AUTHOR_DATE=2020-01-01T00:00:00Z",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if _, err := SourceDateEpoch(ctx, dir); err == nil {
		t.Error("no SOURCE_DATE_EPOCH and no git repository gave a time")
	}
	git("init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("add", "f")
	git("commit", "-q", "-m", "one")
	want := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if got, err := SourceDateEpoch(ctx, dir); err != nil || !got.Equal(want) {
		t.Errorf("commit time: %v (%v), want the committer date %v", got, err, want)
	}
	rev, err := GitRevision(ctx, dir)
	if err != nil || len(rev) != 40 {
		t.Errorf("revision %q (%v)", rev, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if dirty, err := GitRevision(ctx, dir); err != nil || dirty != rev+"-dirty" {
		t.Errorf("revision of a modified work tree %q (%v), want %s-dirty", dirty, err, rev)
	}
}

type basicAuthenticator string

func (b basicAuthenticator) Authorization() (*authn.AuthConfig, error) {
	u, p, _ := strings.Cut(string(b), ":")
	return &authn.AuthConfig{Username: u, Password: p}, nil
}
