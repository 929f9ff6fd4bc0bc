# netguard — see README.md. `make test` is what CI (.ci/run) runs.
GO      ?= go
BIN     ?= bin/netguard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BENCH_CMD = $(GO) test -run '^$$' -bench . -benchmem ./rules/... ./internal/yaml11/ ./internal/manifest/

.PHONY: all build test vet fmt-check unit parity lint-examples docs bench generate clean docker-build chart-lint chart-test

all: build test

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/netguard

## test: go vet + gofmt check + unit tests of the main module + parity tests (test/parity) + the chart's
## alerts and dashboard (test-alerts) + e2e tests + the real-node test (skips with the reason when the machine
## cannot run a node)
test: node-deps vet fmt-check unit parity test-alerts e2e test-node

vet:
	$(GO) vet ./...

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*' -not -path './bin/*')); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi; \
	echo "gofmt: ok"

unit:
	$(GO) test ./...

parity:
	@if [ -f test/parity/go.mod ]; then \
		echo "cd test/parity && $(GO) test ./..."; \
		cd test/parity && $(GO) vet ./... && $(GO) test ./...; \
	else echo "test/parity: not present, skipped"; fi

## test-binaries: kube-apiserver, etcd, kubectl (bin/k8s) and helm (bin/helm) built from source, cached;
## KUBEBUILDER_ASSETS / HELM override (hack/build-test-binaries.sh, e2e/README.md)
test-binaries:
	hack/build-test-binaries.sh

## e2e: the end-to-end tests on a real kube-apiserver with netguard wired in (e2e/README.md)
E2E_TIMEOUT ?= 20m
e2e: test-binaries
	$(GO) vet -tags e2e ./e2e/... ./hack/demo/
	$(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) ./e2e/...

## demo: the playground: a real control plane with netguard, ACK-style objects, FAQ edits; Ctrl-C stops it
demo: test-binaries
	$(GO) build -o bin/netguard-demo ./hack/demo
	bin/netguard-demo

## test-node: the real-node test (e2e/node): a cluster (kubelet on containerd + runc, kube-proxy, bridge CNI)
## in network namespaces of its own, `helm install` of charts/netguard, the FAQ, restarts under load, a broken
## pod network, upgrade, uninstall. Root only: otherwise the Debian packages and the node binaries are not
## installed/built and the test skips with the reason.
NODE_TIMEOUT ?= 30m
test-node: node-deps
	@if [ "$$(id -u)" = 0 ]; then hack/build-test-binaries.sh && hack/build-test-binaries.sh node; \
	else echo "test-node: not root, node binaries not built (the test skips)"; fi
	$(GO) vet -tags node ./e2e/node/...
	$(GO) test -tags node -count=1 -v -timeout $(NODE_TIMEOUT) ./e2e/node/

## node-deps: the Debian packages of the real-node test (containerd, runc, CNI plugins, iptables), first in
## `make test` so that the containerd tests of internal/image run too (root only; skipped otherwise)
node-deps:
	hack/node-deps.sh

.PHONY: test-binaries e2e demo test-node node-deps

## lint-examples: the main job on the shipped examples (exit 1 is expected: some examples are broken on purpose)
lint-examples:
	@$(GO) run ./cmd/netguard lint --config examples/netguard-config.yaml examples/; \
	code=$$?; if [ $$code -gt 1 ]; then exit $$code; fi; \
	echo "(exit status $$code: the examples include broken objects on purpose; see examples/README.md)"

## docs: regenerate docs/rules.md, the chart schema's rule IDs and the chart's component list from the registry
docs:
	$(GO) run ./cmd/netguard rules -o markdown > docs/rules.md
	$(GO) run ./internal/tools/chartschema charts/netguard/values.schema.json
	$(GO) run ./internal/tools/chartcomponents charts/netguard/templates/_components.tpl

## bench: the rule benchmarks, then the webhook benchmark (bench/: netguard serve vs a no-op webhook at
## concurrency 1/8/64, 1 MiB objects, kube-proxy config.conf UPDATEs vs a no-op controller-runtime webhook,
## cost growth, Kyverno on 3,000 ConfigMaps, a 100 MB lint stream, the real API server, and a profile of
## every issue-15 target missed); writes docs/benchmarks.md and docs/benchmarks-latency.png. About 10
## minutes (bench-quick: 4), plus once the cold builds of kubectl-kyverno and kube-apiserver (5-15 minutes
## each on 2 busy cores). BENCH_FLAGS passes flags to webhookbench.
BENCH_FLAGS ?=
bench: bench-tools
	@mkdir -p bin
	$(BENCH_CMD) | tee bin/bench.out
	cd bench && GOWORK=off $(GO) run ./cmd/webhookbench $(BENCH_FLAGS)
	$(GO) run ./internal/tools/benchdoc -webhook bin/bench/webhook.md "$(BENCH_CMD)" < bin/bench.out > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md and docs/benchmarks-latency.png"

## bench-quick: the same with 2 s runs (a few minutes; noisier)
bench-quick:
	$(MAKE) bench BENCH_FLAGS="-quick $(BENCH_FLAGS)"

## bench-tools: kubectl-kyverno and Kyverno's in-process engine driver (hack/tools/kyverno), etcd + kube-apiserver (bin/k8s)
bench-tools: bin/kyverno bin/kyverno-enginebench
	hack/build-test-binaries.sh k8s

KYVERNO_TOOLS = hack/tools/kyverno/go.mod hack/tools/kyverno/go.sum
bin/kyverno: $(KYVERNO_TOOLS)
	cd hack/tools/kyverno && CGO_ENABLED=0 GOWORK=off $(GO) build -ldflags "-s -w" -o $(CURDIR)/bin/kyverno github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno
bin/kyverno-enginebench: $(KYVERNO_TOOLS) hack/tools/kyverno/enginebench/main.go
	cd hack/tools/kyverno && CGO_ENABLED=0 GOWORK=off $(GO) build -o $(CURDIR)/bin/kyverno-enginebench ./enginebench

.PHONY: bench-quick bench-tools

## test-alerts: the chart's PrometheusRule, rendered by helm, checked and unit-tested with promtool
## (hack/tools/prometheus/testdata/alerts-test.yaml); every PromQL expression of the Grafana dashboard and
## the alerts parsed with Prometheus's parser and checked against the metrics that exist
PROMETHEUS_TOOLS = hack/tools/prometheus/go.mod hack/tools/prometheus/go.sum
test-alerts: bin/promtool
	@[ -x "$(HELM)" ] || hack/build-test-binaries.sh helm
	cd hack/tools/prometheus && GOWORK=off HELM=$(abspath $(HELM)) PROMTOOL=$(CURDIR)/bin/promtool $(GO) vet ./...
	cd hack/tools/prometheus && GOWORK=off HELM=$(abspath $(HELM)) PROMTOOL=$(CURDIR)/bin/promtool $(GO) test -count=1 ./...

## bin/promtool: Prometheus's promtool from source (hack/tools/prometheus, its own module), rebuilt when its go.mod
## changes. -tags remove_all_sd is Prometheus's own build tag (its README, "service discovery plugins") that leaves out
## the cloud service discoveries (AWS, Azure, GCE, ... SDKs) `promtool test rules` never uses: the full build spent
## over 4 CPU-minutes and 22 wall-minutes on a loaded 2-core machine without finishing.
bin/promtool: $(PROMETHEUS_TOOLS)
	@mkdir -p bin
	cd hack/tools/prometheus && CGO_ENABLED=0 GOWORK=off $(GO) build -tags remove_all_sd -trimpath -ldflags "-s -w" -o $(CURDIR)/bin/promtool github.com/prometheus/prometheus/cmd/promtool

.PHONY: test-alerts

## dashboard-screenshot: docs/grafana-dashboard.png from a real scrape (not part of `make test`; about 6 minutes):
## hack/dashshot starts the e2e control plane with netguard wired in and a Prometheus server built from source
## (bin/prometheus), all on 127.0.0.1, sends a few minutes of ACK-style changes (a deny spike, config reloads, a
## netguard outage), then bin/dashshot-render (hack/tools/prometheus/dashshot) draws every dashboard panel from
## that Prometheus with gonum/plot
dashboard-screenshot: bin/prometheus bin/dashshot-render test-binaries
	$(GO) run ./hack/dashshot -prometheus bin/prometheus -render bin/dashshot-render -out docs/grafana-dashboard.png

## bin/prometheus: the Prometheus server of the same module as promtool (same build tag); the version is the module's
bin/prometheus: $(PROMETHEUS_TOOLS)
	@mkdir -p bin
	cd hack/tools/prometheus && v=$$(GOWORK=off $(GO) list -m -f '{{.Version}}' github.com/prometheus/prometheus) && \
	CGO_ENABLED=0 GOWORK=off $(GO) build -tags remove_all_sd -trimpath -ldflags "-s -w -X github.com/prometheus/common/version.Version=$$v" -o $(CURDIR)/bin/prometheus github.com/prometheus/prometheus/cmd/prometheus
bin/dashshot-render: $(PROMETHEUS_TOOLS) $(wildcard hack/tools/prometheus/dashshot/*.go)
	@mkdir -p bin
	cd hack/tools/prometheus && GOWORK=off $(GO) build -o $(CURDIR)/bin/dashshot-render ./dashshot

.PHONY: dashboard-screenshot

## generate: go generate (kube-proxy version tables, docs/rules.md)
generate:
	$(GO) generate ./...

## docker-build: the container image (Dockerfile; needs a Docker engine with BuildKit)
IMAGE ?= ghcr.io/netguard/netguard:$(VERSION)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
docker-build:
	docker build --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) \
		--build-arg CREATED=$$(date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ) -t $(IMAGE) .

## image: the same image without Docker (internal/tools/imagebuild, go-containerregistry): linux/amd64 +
## linux/arm64 as the OCI layout bin/image (index.json names it $(IMAGE)) and its OCI archive bin/image.tar
## (ctr -n k8s.io images import bin/image.tar). Reproducible: same commit and Go version, same digest.
## IMAGE_PLATFORMS narrows the platforms.
IMAGE_PLATFORMS ?= linux/amd64,linux/arm64
IMAGE_FLAGS = -name $(IMAGE) -version $(VERSION) -platforms $(IMAGE_PLATFORMS) -out bin/image -archive bin/image.tar
image: ca-certs
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./internal/tools/imagebuild $(IMAGE_FLAGS)

## image-push: make image, then push it to IMAGE=registry/repo:tag (credentials: docker config / credential helpers)
image-push: ca-certs
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./internal/tools/imagebuild $(IMAGE_FLAGS) -push $(IMAGE)

## image-test: the internal/image tests, waiting for the real cmd/netguard builds that `make unit` skips on a
## cold build cache (TestRealNetguardBuildAndImageAreReproducible: two builds, same bytes, same digest)
image-test:
	NETGUARD_IMAGE_REAL_BUILD=1 $(GO) test -count=1 -timeout 30m ./internal/image/

## ca-certs: the CA bundle the image carries, from Debian's ca-certificates
ca-certs:
	@[ -s /etc/ssl/certs/ca-certificates.crt ] || { apt-get update -qq && apt-get install -y -qq ca-certificates; }

.PHONY: image image-push image-test ca-certs

## chart-lint: helm lint --strict charts/netguard (helm built by hack/build-test-binaries.sh unless HELM is set)
HELM ?= bin/helm
chart-lint:
	@[ -x "$(HELM)" ] || hack/build-test-binaries.sh helm
	$(HELM) lint --strict --kube-version 1.37.2 charts/netguard

## chart-test: the chart on a real kube-apiserver (e2e/chart_test.go)
chart-test:
	hack/build-test-binaries.sh
	$(GO) test -tags e2e -count=1 -run 'TestChart' ./e2e/

## fuzz: every Go fuzz target for FUZZTIME each (make test runs their seed corpora; docs/reliability.md)
FUZZTIME ?= 30s
fuzz:
	FUZZTIME=$(FUZZTIME) hack/fuzz.sh

.PHONY: fuzz

clean:
	rm -rf bin
