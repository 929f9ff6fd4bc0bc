#!/usr/bin/env bash
# Builds the real binaries the e2e tests run against, from source with the Go
# toolchain (no prebuilt downloads):
#
#   bin/k8s/kube-apiserver  k8s.io/kubernetes/cmd/kube-apiserver  (hack/tools/go.mod)
#   bin/k8s/kubectl         k8s.io/kubernetes/cmd/kubectl         (hack/tools/go.mod)
#   bin/k8s/etcd            go.etcd.io/etcd/server/v3             (hack/tools/go.mod)
#   bin/helm                helm.sh/helm/v3/cmd/helm              (hack/tools/helm/go.mod)
#
# and, for the real-node test (e2e/node, `make test-node`) only:
#
#   bin/k8s/kubelet, kube-controller-manager, kube-scheduler, kube-proxy
#                           k8s.io/kubernetes/cmd/...             (hack/tools/go.mod)
#
# Usage: hack/build-test-binaries.sh [k8s|helm|node|all]   (default: all = k8s + helm)
#
# Cache: a binary is rebuilt only when it is missing or older than its tools
# module's go.mod/go.sum. Go's build cache makes a rebuild take seconds; the
# first (cold) build of kube-apiserver takes minutes (see README / e2e/README.md).
#
# Overrides:
#   KUBEBUILDER_ASSETS  if set and it holds kube-apiserver, etcd and kubectl,
#                       those are used and no control-plane binary is built.
#   HELM                path of a helm binary to use instead of building one
#                       ($KUBEBUILDER_ASSETS/helm is used too when present).
#   NODE_ASSETS         if set and it holds the four node binaries, those are
#                       used and none is built (target node).
#   BIN_DIR             output directory (default: <repo>/bin).
#
# Prints, as its last line, the directory the e2e tests should use as
# KUBEBUILDER_ASSETS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/hack/tools"
BIN_DIR=${BIN_DIR:-$ROOT/bin}
K8S_DIR="$BIN_DIR/k8s"
WHAT=${1:-all}

K8S_VERSION=v1.37.2
# Stamp the version so that discovery (/version, kubectl version) reports it;
# without this kube-apiserver says v0.0.0-master.
K8S_LDFLAGS="-s -w \
 -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} \
 -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=37 \
 -X k8s.io/component-base/version.gitTreeState=clean"
HELM_VERSION=v3.22.0
# Like helm's own Makefile: stamp the Kubernetes minor of its client modules
# (client-go v0.37 in hack/tools/helm/go.mod), otherwise `helm template` and
# `helm lint` assume Kubernetes 1.20 and refuse charts with kubeVersion >=1.30.
HELM_LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} \
 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37 \
 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37"

# Static binaries as upstream ships them; never pick up a go.work; no VCS
# stamping of the netguard checkout into third-party binaries.
export CGO_ENABLED=0 GOWORK=off
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

log() { printf '%s build-test-binaries: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# fresh BIN DEP... : BIN exists, is executable and newer than every DEP.
fresh() {
	local bin=$1
	shift
	[[ -x $bin ]] || return 1
	local dep
	for dep in "$@"; do
		[[ $bin -nt $dep ]] || return 1
	done
}

has_control_plane() {
	local dir=$1 b
	for b in kube-apiserver etcd kubectl; do
		[[ -x $dir/$b ]] || return 1
	done
}

# go_build MODDIR OUTDIR LDFLAGS NAME=PKG...  builds the packages in ONE go
# invocation (kube-apiserver and kubectl share most of their packages, which are
# then compiled once) into a temporary directory next to OUTDIR, and moves each
# binary into place only once all of them linked, so an interrupted build never
# leaves a binary that looks fresh.
go_build() {
	local moddir=$1 outdir=$2 ldflags=$3
	shift 3
	local pkgs=() names=() spec
	for spec in "$@"; do
		names+=("${spec%%=*}")
		pkgs+=("${spec#*=}")
	done
	mkdir -p "$outdir"
	local tmp
	tmp=$(mktemp -d "$outdir/.build.XXXXXX")
	# shellcheck disable=SC2064 # expand now: $tmp is local
	trap "rm -rf '$tmp'" RETURN
	local start=$SECONDS
	log "building ${names[*]} (go build in ${moddir#"$ROOT"/}, GOMAXPROCS=$(nproc) cores)"
	if ! (cd "$moddir" && go build -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}"); then
		log "go build failed"
		return 1
	fi
	local i base
	for i in "${!pkgs[@]}"; do
		# go build names a binary after the last path element, skipping a
		# major-version suffix: go.etcd.io/etcd/server/v3 -> "server".
		base=${pkgs[$i]##*/}
		if [[ $base =~ ^v[0-9]+$ ]]; then
			base=${pkgs[$i]%/*}
			base=${base##*/}
		fi
		mv -f "$tmp/$base" "$outdir/${names[$i]}"
	done
	log "built ${names[*]} in $((SECONDS - start))s"
}

build_k8s() {
	if [[ -n ${KUBEBUILDER_ASSETS:-} ]]; then
		if has_control_plane "$KUBEBUILDER_ASSETS"; then
			log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS (nothing to build)"
			ASSETS=$KUBEBUILDER_ASSETS
			return 0
		fi
		log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver, etcd or kubectl; building into $K8S_DIR"
	fi
	ASSETS=$K8S_DIR
	local deps=("$TOOLS/go.mod" "$TOOLS/go.sum") todo=()
	fresh "$K8S_DIR/kube-apiserver" "${deps[@]}" || todo+=(kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver)
	fresh "$K8S_DIR/kubectl" "${deps[@]}" || todo+=(kubectl=k8s.io/kubernetes/cmd/kubectl)
	fresh "$K8S_DIR/etcd" "${deps[@]}" || todo+=(etcd=go.etcd.io/etcd/server/v3)
	if ((${#todo[@]} == 0)); then
		log "$K8S_DIR is up to date"
		return 0
	fi
	go_build "$TOOLS" "$K8S_DIR" "$K8S_LDFLAGS" "${todo[@]}"
}

build_helm() {
	if [[ -n ${HELM:-} ]]; then
		[[ -x $HELM ]] || { log "HELM=$HELM is not an executable"; return 1; }
		log "using HELM=$HELM (nothing to build)"
		return 0
	fi
	if [[ -n ${KUBEBUILDER_ASSETS:-} && -x ${KUBEBUILDER_ASSETS}/helm ]]; then
		log "using $KUBEBUILDER_ASSETS/helm (nothing to build)"
		return 0
	fi
	if fresh "$BIN_DIR/helm" "$TOOLS/helm/go.mod" "$TOOLS/helm/go.sum"; then
		log "$BIN_DIR/helm is up to date"
		return 0
	fi
	go_build "$TOOLS/helm" "$BIN_DIR" "$HELM_LDFLAGS" helm=helm.sh/helm/v3/cmd/helm
}

NODE_BINARIES=(kubelet kube-controller-manager kube-scheduler kube-proxy)

# build_node: the node's binaries, same module, same version stamp as
# kube-apiserver. Built in one go invocation (the three control-plane ones
# share most packages; kubelet brings its own). Prints their directory.
build_node() {
	local b todo=()
	if [[ -n ${NODE_ASSETS:-} ]]; then
		for b in "${NODE_BINARIES[@]}"; do
			[[ -x $NODE_ASSETS/$b ]] || todo+=("$b")
		done
		if ((${#todo[@]} == 0)); then
			log "using NODE_ASSETS=$NODE_ASSETS (nothing to build)"
			ASSETS=$NODE_ASSETS
			return 0
		fi
		log "NODE_ASSETS=$NODE_ASSETS lacks ${todo[*]}; building into $K8S_DIR"
		todo=()
	fi
	ASSETS=$K8S_DIR
	for b in "${NODE_BINARIES[@]}"; do
		fresh "$K8S_DIR/$b" "$TOOLS/go.mod" "$TOOLS/go.sum" || todo+=("$b=k8s.io/kubernetes/cmd/$b")
	done
	if ((${#todo[@]} == 0)); then
		log "$K8S_DIR: node binaries are up to date"
		return 0
	fi
	go_build "$TOOLS" "$K8S_DIR" "$K8S_LDFLAGS" "${todo[@]}"
}

ASSETS=$K8S_DIR
case $WHAT in
k8s) build_k8s ;;
helm) build_helm ;;
node) build_node ;;
all)
	build_k8s
	build_helm
	;;
*)
	echo "usage: $0 [k8s|helm|node|all]" >&2
	exit 2
	;;
esac
echo "$ASSETS"
