// Package image builds OCI container images without a Docker engine, with
// github.com/google/go-containerregistry (ggcr), and writes them where the
// rest of the tool chain picks them up.
//
// Generic part (any static binary, e.g. netguard or a tiny "pause" image):
//
//   - [GoBuild] cross-compiles a static Go binary with the flags of the
//     Dockerfile and `make build` (CGO_ENABLED=0, -trimpath,
//     -buildvcs=false, -ldflags "-s -w -X main.version=...").
//   - [Build] turns a [Config] (platform, files per layer, entrypoint, cmd,
//     user, env, labels, exposed ports, creation time) into a single-platform
//     v1.Image. Layers are written by this package, not copied from the
//     disk: entries sorted, parents created, uid/gid/modes as given,
//     every mtime = Config.Created. Same Config -> same digest.
//   - [Index] puts single-platform images into a multi-platform OCI index,
//     the platform of each entry read from its config.
//   - [WriteLayout] writes an OCI image layout directory (index.json at its
//     root, the artifact inside, annotated with the image name under both
//     org.opencontainers.image.ref.name and io.containerd.image.name so that
//     `ctr -n k8s.io images import` names it); [WriteArchive] tars such a
//     directory into the OCI archive that `ctr images import` (containerd
//     1.6+) and `skopeo copy oci-archive:` read; [WriteArchiveFile] does so
//     into a file atomically, [SaveArchive] goes straight from an index to
//     such a file.
//   - [Push] writes an image or index to a registry with the credentials of
//     authn.DefaultKeychain (the docker config file and credential helpers).
//   - [SourceDateEpoch] is the reproducible creation time: $SOURCE_DATE_EPOCH,
//     else the commit time of HEAD.
//
// netguard part: [NetguardConfig] is the runtime contract the Dockerfile also
// states (user 65532:65532, entrypoint /usr/local/bin/netguard, cmd serve,
// ports 9743-9745, OCI labels; internal/packaging keeps the two consistent);
// [NetguardImage] / [NetguardIndex] add the distroless-like base files
// (/etc/passwd, /etc/group with the nonroot user, CA certificates, /tmp,
// /home/nonroot) and the binary. internal/tools/imagebuild (`make image`,
// `make image-push`) drives it.
//
// A pause image, for example, is:
//
//	_ = image.GoBuild{Dir: dir, Package: "./pause", Platform: p, Out: bin}.Run(ctx)
//	data, _ := os.ReadFile(bin)
//	img, _ := image.Build(image.Config{
//		Platform:   p,
//		Created:    time.Unix(0, 0).UTC(),
//		Layers:     [][]image.File{{{Path: "/pause", Mode: 0o755, Data: data}}},
//		Entrypoint: []string{"/pause"},
//		User:       "65535:65535",
//	})
//	idx, _ := image.Index(img)
//	_ = image.SaveArchive("/tmp/pause.tar", "registry.k8s.io/pause:test", idx)
//	// ctr -n k8s.io images import /tmp/pause.tar
package image
