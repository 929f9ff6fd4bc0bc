//go:build linux

package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// Addresses inside the test's network namespaces. 192.0.2.0/24 is
// TEST-NET-1 (RFC 5737): never routed anywhere, and here it exists only on
// the test's own bridge.
const (
	nodeSubnetBits = 24
	bridgeName     = "ngnode0"
	serviceCIDR    = "10.96.0.0/16"
	kubernetesSvc  = "10.96.0.1"
	clusterCIDR    = "10.244.0.0/16"
)

// nodeIP is the address of node i (node 0 also serves the control plane).
func nodeIP(i int) string { return fmt.Sprintf("192.0.2.%d", 10+i) }

// podCIDR is node i's pod range (bridge CNI, host-local IPAM).
func podCIDR(i int) string { return fmt.Sprintf("10.244.%d.0/24", i) }

func nodeName(i int) string { return fmt.Sprintf("node-%c", 'a'+i) }

// netns is a network namespace: the child's own (pid 0: this process's) or
// one held open by a `sleep` the test started with CLONE_NEWNET.
type netns struct {
	holder *exec.Cmd
}

// pid is the process whose /proc/PID/ns/net names the namespace (0: ours).
func (n *netns) pid() int {
	if n == nil || n.holder == nil {
		return 0
	}
	return n.holder.Process.Pid
}

// newNetns starts the holder of a fresh network namespace.
func newNetns() (*netns, error) {
	cmd := exec.Command("sleep", "infinity")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("creating a network namespace: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return &netns{holder: cmd}, nil
}

func (n *netns) stop() {
	if n.pid() != 0 {
		_ = n.holder.Process.Kill()
	}
}

// ip runs `ip ARGS` in the namespace.
func (n *netns) ip(ctx context.Context, args ...string) error {
	argv := append([]string{"ip"}, args...)
	if pid := n.pid(); pid != 0 {
		argv = append([]string{"nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", pid), "--"}, argv...)
	}
	_, err := run(ctx, argv...)
	return err
}

// setupNetwork builds the nodes' network: in this process's namespace
// (node 0) a bridge with node 0's address; each further node's namespace
// is linked to the bridge by a veth pair. Default routes point at the
// bridge (Service IPs need a route before kube-proxy's DNAT applies), and
// each node routes the others' pod ranges via their node addresses.
func setupNetwork(ctx context.Context, nodes []*netns) error {
	self := nodes[0]
	steps := [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", bridgeName, "type", "bridge"},
		{"addr", "add", fmt.Sprintf("%s/%d", nodeIP(0), nodeSubnetBits), "dev", bridgeName},
		{"link", "set", bridgeName, "up"},
		{"route", "add", "default", "dev", bridgeName},
	}
	for _, s := range steps {
		if err := self.ip(ctx, s...); err != nil {
			return err
		}
	}
	for i, n := range nodes[1:] {
		i++
		host := fmt.Sprintf("ngveth%d", i)
		link := [][]string{
			{"link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", fmt.Sprint(n.pid())},
			{"link", "set", host, "master", bridgeName},
			{"link", "set", host, "up"},
			{"route", "add", podCIDR(i), "via", nodeIP(i)},
		}
		for _, s := range link {
			if err := self.ip(ctx, s...); err != nil {
				return err
			}
		}
		inside := [][]string{
			{"link", "set", "lo", "up"},
			{"addr", "add", fmt.Sprintf("%s/%d", nodeIP(i), nodeSubnetBits), "dev", "eth0"},
			{"link", "set", "eth0", "up"},
			{"route", "add", "default", "via", nodeIP(0)},
		}
		for _, s := range inside {
			if err := n.ip(ctx, s...); err != nil {
				return err
			}
		}
	}
	// Node 0's pod range is reached from the others through the default
	// route; node 0 forwards for them.
	return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0o644)
}
