// Package cluster starts a real Kubernetes cluster on this machine for the
// real-node test (e2e/node, build tag node): etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler, and per node containerd + runc
// (Debian packages), kubelet, kube-proxy (iptables) and the bridge CNI, all
// built from source (hack/build-test-binaries.sh node) at v1.37.2.
//
// Isolation (shared/reference/real-node.md): the test process re-executes
// itself in a new network and mount namespace (Isolate). Inside, node "a"
// (and the control plane and every client) uses that network namespace with
// 192.0.2.10 (TEST-NET-1) on a veth; further nodes get a network namespace
// of their own (192.0.2.11, ...), linked by veth pairs. No pod, Service or
// node address is routable outside these namespaces, and their iptables
// rules vanish with them. The mount namespace is private: the paths the
// components insist on (/var/lib/kubelet, /var/log/pods, /run/containerd,
// /var/lib/cni, ...) are bind mounts of the work directory that vanish with
// it. What remains global (a few sysctls, cgroups, the mount point
// directories) is recorded before and restored after by the parent process,
// which also kills every process the test started, even when the child
// crashed.
package cluster
