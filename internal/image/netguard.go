package image

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The runtime contract of the netguard image. The Dockerfile states the same
// (internal/packaging checks that the two agree).
const (
	NetguardBinary = "/usr/local/bin/netguard"
	NonRootUID     = 65532 // distroless "nonroot"
	CACertsPath    = "/etc/ssl/certs/ca-certificates.crt"
	// Static labels; version, revision and created come from Metadata.
	NetguardTitle       = "netguard"
	NetguardDescription = "Admission webhook and linter for Kubernetes network ConfigMaps and Services"
	NetguardSource      = "https://github.com/netguard/netguard"
)

// NetguardPorts are the chart's default ports: webhook, metrics, health
// probes.
var NetguardPorts = []string{"9743/tcp", "9744/tcp", "9745/tcp"}

// Platforms the release builds.
var Platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}

// Metadata is what differs between two builds of the netguard image.
type Metadata struct {
	Version  string    // org.opencontainers.image.version, -X main.version
	Revision string    // org.opencontainers.image.revision: the git commit
	Created  time.Time // org.opencontainers.image.created and every mtime
}

// NetguardConfig is the netguard image for platform p without its files:
// user, entrypoint, cmd, environment, ports and OCI labels.
func NetguardConfig(p v1.Platform, m Metadata) Config {
	labels := map[string]string{
		"org.opencontainers.image.title":       NetguardTitle,
		"org.opencontainers.image.description": NetguardDescription,
		"org.opencontainers.image.source":      NetguardSource,
		"org.opencontainers.image.version":     m.Version,
		"org.opencontainers.image.revision":    m.Revision,
		"org.opencontainers.image.created":     m.Created.UTC().Format(time.RFC3339),
	}
	return Config{
		Platform:   p,
		Created:    m.Created,
		Entrypoint: []string{NetguardBinary},
		Cmd:        []string{"serve"},
		User:       fmt.Sprintf("%d:%d", NonRootUID, NonRootUID),
		// What distroless/static sets; SSL_CERT_FILE spares Go the search.
		Env: []string{
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"SSL_CERT_FILE=" + CACertsPath,
		},
		Labels:       labels,
		ExposedPorts: NetguardPorts,
	}
}

// BaseFiles are the distroless-like files every netguard image carries:
// /etc/passwd and /etc/group with root, nobody and nonroot (65532), the CA
// bundle, a sticky /tmp and nonroot's home.
func BaseFiles(caCerts []byte) []File {
	return []File{
		{Path: "/etc/passwd", Mode: 0o644, Data: []byte(
			"root:x:0:0:root:/root:/sbin/nologin\n" +
				"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
				"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{Path: "/etc/group", Mode: 0o644, Data: []byte(
			"root:x:0:\n" +
				"nobody:x:65534:\n" +
				"tty:x:5:\n" +
				"staff:x:50:\n" +
				"nonroot:x:65532:\n")},
		{Path: CACertsPath, Mode: 0o644, Data: caCerts},
		{Path: "/tmp", Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		{Path: "/root", Mode: fs.ModeDir | 0o700},
		{Path: "/home/nonroot", Mode: fs.ModeDir | 0o700, UID: NonRootUID, GID: NonRootUID},
	}
}

// NetguardImage is the netguard image for platform p: the base files in one
// layer (shared between versions, so a node pulls it once) and the binary in
// a second.
func NetguardImage(p v1.Platform, binary, caCerts []byte, m Metadata) (v1.Image, error) {
	if len(binary) == 0 {
		return nil, fmt.Errorf("image: no netguard binary for %s", p.String())
	}
	if len(caCerts) == 0 {
		return nil, errors.New("image: no CA certificates")
	}
	c := NetguardConfig(p, m)
	c.Layers = [][]File{
		BaseFiles(caCerts),
		{{Path: NetguardBinary, Mode: 0o755, Data: binary}},
	}
	return Build(c)
}

// Binary is a netguard binary built for one platform.
type Binary struct {
	Platform v1.Platform
	Data     []byte
}

// NetguardIndex is the multi-platform netguard image, one entry per binary.
func NetguardIndex(bins []Binary, caCerts []byte, m Metadata) (v1.ImageIndex, error) {
	var imgs []v1.Image
	for _, b := range bins {
		img, err := NetguardImage(b.Platform, b.Data, caCerts, m)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	return Index(imgs...)
}
