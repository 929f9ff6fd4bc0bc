//go:build linux

package cluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Node is one kubelet with its containerd and kube-proxy.
type Node struct {
	Name, IP string
	Index    int
	Dir      string
	// ContainerdSocket is the CRI endpoint (ctr --address).
	ContainerdSocket string
	// CNIConfDir holds the bridge conflist; removing or breaking it breaks
	// the pod network of this node.
	CNIConfDir string
	CgroupRoot string
	Kubelet    *Process
}

// CNIConfList is the node's network: a Linux bridge with host-local IPAM,
// portmap for hostPorts. cniVersion 0.4.0: what containerd 1.6's libcni
// and Debian's plugins agree on.
func (n *Node) CNIConfList() string {
	return fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "netguard-node",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": %q}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": %q}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, podCIDR(n.Index), filepath.Join(n.Dir, "ipam"))
}

// CNIConfPath is the conflist's file.
func (n *Node) CNIConfPath() string { return filepath.Join(n.CNIConfDir, "10-bridge.conflist") }

func (c *Cluster) startNode(ctx context.Context, i int) (*Node, error) {
	n := &Node{Name: nodeName(i), IP: nodeIP(i), Index: i, Dir: filepath.Join(c.Dir, nodeName(i))}
	n.ContainerdSocket = filepath.Join(n.Dir, "containerd", "containerd.sock")
	n.CNIConfDir = filepath.Join(n.Dir, "cni")
	n.CgroupRoot = "/" + c.opts.CgroupPrefix + "-" + n.Name[len("node-"):]
	if err := os.MkdirAll(n.CNIConfDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(n.CNIConfPath(), []byte(n.CNIConfList()), 0o644); err != nil {
		return nil, err
	}
	if err := CreateCgroupRoot(n.CgroupRoot[1:]); err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context, *Node) error{c.startContainerd, c.importImages, c.startKubelet, c.startKubeProxy} {
		if err := step(ctx, n); err != nil {
			return nil, fmt.Errorf("%s: %w", n.Name, err)
		}
	}
	return n, nil
}

func (c *Cluster) startContainerd(ctx context.Context, n *Node) error {
	root := filepath.Join(n.Dir, "containerd")
	conf := filepath.Join(root, "config.toml")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return err
	}
	// Own root, state and sockets; CRI with runc (cgroupfs), the local
	// pause image, and restrict_oom_score_adj: runc cannot raise
	// oom_score_adj without CAP_SYS_RESOURCE (shared/reference/real-node.md).
	toml := fmt.Sprintf(`version = 2
root = %[1]q
state = %[2]q
[grpc]
  address = %[3]q
[ttrpc]
  address = %[4]q
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = %[5]q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %[6]q
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %[7]q
`, filepath.Join(root, "root"), filepath.Join(root, "state"), n.ContainerdSocket,
		filepath.Join(root, "ttrpc.sock"), filepath.Join(root, "opt"), c.opts.PauseImage, n.CNIConfDir)
	if err := os.WriteFile(conf, []byte(toml), 0o600); err != nil {
		return err
	}
	p, err := c.start("containerd-"+n.Name, n.Index, "containerd", "--config", conf)
	if err != nil {
		return err
	}
	return poll(ctx, c.opts.StartTimeout, func() (bool, error) {
		if exited, err := p.Exited(); exited {
			return false, fmt.Errorf("containerd exited: %v%s", err, p.Tail(3000))
		}
		conn, err := net.Dial("unix", n.ContainerdSocket)
		if err != nil {
			return false, nil
		}
		conn.Close()
		return true, nil
	})
}

// importImages loads every image tarball into the node's containerd, in the
// namespace the CRI uses.
func (c *Cluster) importImages(ctx context.Context, n *Node) error {
	for _, tarball := range c.opts.Images {
		t0 := time.Now()
		if _, err := run(ctx, "ctr", "--address", n.ContainerdSocket, "-n", "k8s.io", "images", "import", tarball); err != nil {
			return err
		}
		c.opts.Logf("%s: imported %s in %s", n.Name, filepath.Base(tarball), time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

func (c *Cluster) startKubelet(ctx context.Context, n *Node) error {
	user, groups := kubeletKubeconfigUser(n.Name)
	kc, err := c.pki.kubeconfig("kubelet-"+n.Name, APIServerURL(), user, groups...)
	if err != nil {
		return err
	}
	cert, key, err := c.pki.issue("kubelet-serving-"+n.Name, user, groups, n.IP, n.Name)
	if err != nil {
		return err
	}
	conf := filepath.Join(n.Dir, "kubelet.yaml")
	// failCgroupV1: 1.37 refuses cgroup v1 unless told; cgroupRoot: the
	// test's own cgroups, removed afterwards; eviction and image GC
	// thresholds that a busy shared disk never reaches.
	yaml := fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupRoot: %q
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: unix://%s
address: %s
readOnlyPort: 0
healthzBindAddress: %s
healthzPort: 10248
tlsCertFile: %s
tlsPrivateKeyFile: %s
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: %s}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
evictionHard: {memory.available: "1Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
rotateCertificates: false
protectKernelDefaults: false
maxPods: 30
`, n.CgroupRoot, n.ContainerdSocket, n.IP, n.IP, cert, key, c.pki.CAFile)
	if err := os.WriteFile(conf, []byte(yaml), 0o600); err != nil {
		return err
	}
	p, err := c.start("kubelet-"+n.Name, n.Index, filepath.Join(c.opts.NodeAssets, "kubelet"),
		"--config="+conf, "--kubeconfig="+kc,
		"--root-dir="+filepath.Join(n.Dir, "kubelet"),
		"--cert-dir="+filepath.Join(n.Dir, "kubelet-pki"),
		"--hostname-override="+n.Name, "--node-ip="+n.IP, "--v=2")
	if err != nil {
		return err
	}
	n.Kubelet = p
	// Health endpoints on the node address: another node's loopback is
	// in another network namespace.
	return c.waitHealthy(ctx, p, "http://"+n.IP+":10248/healthz")
}

func (c *Cluster) startKubeProxy(ctx context.Context, n *Node) error {
	kc, err := c.pki.kubeconfig("kube-proxy-"+n.Name, APIServerURL(), "system:kube-proxy")
	if err != nil {
		return err
	}
	// The conntrack sysctls are not writable here: 0 leaves them alone.
	p, err := c.start("kube-proxy-"+n.Name, n.Index, filepath.Join(c.opts.NodeAssets, "kube-proxy"),
		"--kubeconfig="+kc, "--hostname-override="+n.Name, "--proxy-mode=iptables",
		"--cluster-cidr="+clusterCIDR, "--conntrack-max-per-core=0",
		"--conntrack-tcp-timeout-established=0", "--conntrack-tcp-timeout-close-wait=0",
		"--metrics-bind-address="+n.IP+":10249", "--healthz-bind-address="+n.IP+":10256", "--v=2")
	if err != nil {
		return err
	}
	return c.waitHealthy(ctx, p, "http://"+n.IP+":10256/livez")
}
