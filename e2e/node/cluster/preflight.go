//go:build linux

package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// DebianPackages provide containerd, runc, the CNI plugins and iptables;
// hack/node-deps.sh installs them with apt-get.
const DebianPackages = "containerd runc containernetworking-plugins iptables"

// CNIBinDir is where Debian's containernetworking-plugins put the plugins.
const CNIBinDir = "/usr/lib/cni"

// Preflight returns why this machine cannot run a real node, or "" if it
// can: root, cgroup v1 hierarchies, new network and mount namespaces, and
// the Debian packages' binaries.
func Preflight() string {
	if os.Geteuid() != 0 {
		return "not root: a real node needs root (network namespaces, cgroups, containerd, runc)"
	}
	for _, h := range []string{"cpu", "cpuset", "memory", "pids", "devices", "freezer"} {
		if _, err := os.Stat(filepath.Join(CgroupBase, h, "cgroup.procs")); err != nil {
			return fmt.Sprintf("cgroup v1 hierarchy %s not mounted at %s/%s (the node test is set up for cgroup v1, as on the project's machines): %v", h, CgroupBase, h, err)
		}
	}
	var missing []string
	for _, b := range []string{"containerd", "containerd-shim-runc-v2", "runc", "ctr", "iptables-restore", "nsenter", "ip", "sleep"} {
		if _, err := exec.LookPath(b); err != nil {
			missing = append(missing, b)
		}
	}
	for _, p := range []string{"bridge", "host-local", "portmap", "loopback"} {
		if _, err := os.Stat(filepath.Join(CNIBinDir, p)); err != nil {
			missing = append(missing, filepath.Join(CNIBinDir, p))
		}
	}
	if len(missing) > 0 {
		return fmt.Sprintf("missing %s: install the Debian packages %s (hack/node-deps.sh does)", strings.Join(missing, ", "), DebianPackages)
	}
	cmd := exec.Command("true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS}
	if err := cmd.Run(); err != nil {
		return fmt.Sprintf("cannot create a network and mount namespace (clone CLONE_NEWNET|CLONE_NEWNS): %v", err)
	}
	return ""
}

// NodeBinaries are what NodeAssets must hold.
var NodeBinaries = []string{"kubelet", "kube-controller-manager", "kube-scheduler", "kube-proxy"}

// FindNodeAssets returns $NODE_ASSETS when it holds NodeBinaries, else
// root/bin/k8s (hack/build-test-binaries.sh node builds there).
func FindNodeAssets(root string) (string, error) {
	dirs := []string{filepath.Join(root, "bin", "k8s")}
	if d := os.Getenv("NODE_ASSETS"); d != "" {
		dirs = append([]string{d}, dirs...)
	}
	var why []string
	for _, d := range dirs {
		var missing []string
		for _, b := range NodeBinaries {
			if fi, err := os.Stat(filepath.Join(d, b)); err != nil || fi.Mode().Perm()&0o111 == 0 {
				missing = append(missing, b)
			}
		}
		if len(missing) == 0 {
			return d, nil
		}
		why = append(why, fmt.Sprintf("%s lacks %s", d, strings.Join(missing, ", ")))
	}
	return "", fmt.Errorf("%s; build them with `hack/build-test-binaries.sh node` or set NODE_ASSETS", strings.Join(why, "; "))
}
