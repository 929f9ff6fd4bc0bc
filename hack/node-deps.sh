#!/usr/bin/env bash
# Installs what the real-node test (e2e/node, `make test-node`) needs from
# Debian: containerd (1.6), runc, containernetworking-plugins (bridge,
# host-local, portmap, loopback in /usr/lib/cni), iptables (kube-proxy), and
# iproute2 / util-linux (ip, nsenter) when missing. Nothing is done when they
# are present; without root nothing is installed (the test then skips with
# the reason).
set -euo pipefail

missing=()
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v iptables-restore >/dev/null 2>&1 || missing+=(iptables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
for p in bridge host-local portmap loopback; do
	if [[ ! -x /usr/lib/cni/$p ]]; then
		missing+=(containernetworking-plugins)
		break
	fi
done
if ((${#missing[@]} == 0)); then
	echo "node-deps: containerd, runc, the CNI plugins and iptables are installed"
	exit 0
fi
if [[ $(id -u) != 0 ]]; then
	echo "node-deps: not root, not installing ${missing[*]} (the node test will skip)"
	exit 0
fi
echo "node-deps: apt-get install ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
