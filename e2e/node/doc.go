// Package node is netguard's real-node test: `helm install` of
// charts/netguard into a real cluster (kubelet on containerd + runc,
// kube-proxy, bridge CNI; e2e/node/cluster) started inside network
// namespaces the test creates, then the FAQ scenarios, restarts under load,
// a broken pod network, upgrade and uninstall, as an operator would run them.
//
// The tests carry the build tag node (`make test-node`, e2e/README.md).
// They skip with the exact reason when the machine cannot run a node (not
// root, no cgroup v1, no network namespaces, missing Debian packages);
// missing Kubernetes binaries are a failure with instructions.
package node
