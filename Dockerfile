# syntax=docker/dockerfile:1
# netguard: admission webhook + offline linter for Kubernetes network config.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t netguard .
#
# Without Docker, `make image` builds the same image (internal/image; README
# "Container image"); internal/packaging keeps the two in step.
#
# Stage 1 builds a static, reproducible binary; stage 2 is distroless static
# (no shell, no package manager) running as the nonroot user (65532).

ARG GO_VERSION=1.26

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
# Dependencies first, so that a source change does not re-download them.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS=linux
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} GOFLAGS=-buildvcs=false \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/netguard ./cmd/netguard

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
# The git commit and the commit time (make docker-build passes both), as `make image` sets them.
ARG REVISION=unknown
ARG CREATED
LABEL org.opencontainers.image.title="netguard" \
      org.opencontainers.image.description="Admission webhook and linter for Kubernetes network ConfigMaps and Services" \
      org.opencontainers.image.source="https://github.com/netguard/netguard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build /out/netguard /usr/local/bin/netguard
USER 65532:65532
# Default ports of the Helm chart (webhook, metrics, health probes).
EXPOSE 9743 9744 9745
ENTRYPOINT ["/usr/local/bin/netguard"]
CMD ["serve"]
