//go:build linux

package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options configure Start.
type Options struct {
	// Dir is the work directory (logs, certificates, data). Required.
	Dir string
	// ControlPlaneAssets holds etcd, kube-apiserver and kubectl;
	// NodeAssets kubelet, kube-controller-manager, kube-scheduler and
	// kube-proxy (hack/build-test-binaries.sh k8s / node).
	ControlPlaneAssets, NodeAssets string
	// Nodes is the number of kubelets (default 1), each in its own network
	// namespace with its own containerd.
	Nodes int
	// CgroupPrefix names the kubelets' cgroup roots (Host.CgroupPrefix).
	CgroupPrefix string
	// AuditPolicy is the API server's audit policy (YAML). Required.
	AuditPolicy string
	// PauseImage is the sandbox image's reference; Images are image
	// tarballs imported into every node's containerd (must include it).
	PauseImage string
	Images     []string
	// StartTimeout bounds each component's start (default 2 minutes).
	StartTimeout time.Duration
	Logf         func(string, ...any)
}

// Cluster is a running cluster.
type Cluster struct {
	Dir, AuditLogPath string
	// AdminKubeconfig is system:masters for the test's own checks;
	// OperatorKubeconfig (user netguard-e2e-operator, system:masters) is
	// the "who" of kubectl and helm in the audit log.
	AdminKubeconfig, OperatorKubeconfig string
	Kubectl                             string
	Config                              *rest.Config
	Client                              kubernetes.Interface
	Nodes                               []*Node

	opts         Options
	logDir       string
	pki          *pki
	saPub, saKey string
	netns        []*netns
	procs        processes
}

// Start brings the cluster up: network, PKI, control plane, nodes; it
// returns once every node is Ready. On error it stops what it started.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	if opts.Dir == "" || opts.AuditPolicy == "" || opts.PauseImage == "" {
		return nil, errors.New("cluster.Options: Dir, AuditPolicy and PauseImage are required")
	}
	opts.Nodes = max(opts.Nodes, 1)
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 2 * time.Minute
	}
	c := &Cluster{Dir: opts.Dir, opts: opts, logDir: filepath.Join(opts.Dir, "logs"),
		AuditLogPath: filepath.Join(opts.Dir, "logs", "audit.log"),
		Kubectl:      filepath.Join(opts.ControlPlaneAssets, "kubectl")}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if err := os.MkdirAll(c.logDir, 0o755); err != nil {
		return nil, err
	}
	if err := c.setup(ctx); err != nil {
		return nil, err
	}
	if err := c.startControlPlane(ctx); err != nil {
		return nil, err
	}
	if err := c.clients(); err != nil {
		return nil, err
	}
	for i := range opts.Nodes {
		n, err := c.startNode(ctx, i)
		if err != nil {
			return nil, err
		}
		c.Nodes = append(c.Nodes, n)
	}
	return c, c.WaitNodesReady(ctx, opts.StartTimeout)
}

// setup creates the network namespaces and links, and the PKI.
func (c *Cluster) setup(ctx context.Context) error {
	c.netns = []*netns{{}}
	for range c.opts.Nodes - 1 {
		n, err := newNetns()
		if err != nil {
			return err
		}
		c.netns = append(c.netns, n)
	}
	if err := setupNetwork(ctx, c.netns); err != nil {
		return err
	}
	var err error
	if c.pki, err = newPKI(filepath.Join(c.Dir, "pki")); err != nil {
		return err
	}
	c.saPub, c.saKey, err = c.pki.serviceAccountKey()
	return err
}

func (c *Cluster) clients() error {
	var err error
	if c.AdminKubeconfig, err = c.pki.kubeconfig("admin", APIServerURL(), "netguard-node-admin", "system:masters"); err != nil {
		return err
	}
	if c.OperatorKubeconfig, err = c.pki.kubeconfig("operator", APIServerURL(), "netguard-e2e-operator", "system:masters"); err != nil {
		return err
	}
	if c.Config, err = clientcmd.BuildConfigFromFlags("", c.AdminKubeconfig); err != nil {
		return err
	}
	c.Config.WarningHandler = rest.NoWarnings{}
	c.Client, err = kubernetes.NewForConfig(c.Config)
	return err
}

// WaitNodesReady waits until every node reports Ready.
func (c *Cluster) WaitNodesReady(ctx context.Context, timeout time.Duration) error {
	t0 := time.Now()
	var last string
	err := poll(ctx, timeout, func() (bool, error) {
		ready, why := c.nodesReady(ctx)
		last = why
		return ready, nil
	})
	if err != nil {
		return fmt.Errorf("nodes not Ready after %s: %s", timeout, last)
	}
	c.opts.Logf("%d node(s) Ready after %s", len(c.Nodes), time.Since(t0).Round(time.Millisecond))
	return nil
}

// Stop stops every component (reverse order of start, SIGTERM then SIGKILL
// by PID) and the namespace holders. The parent's Host.Restore kills
// whatever is left (containers) and removes the cgroups.
func (c *Cluster) Stop() {
	c.procs.stopAll(10 * time.Second)
	for _, n := range c.netns {
		n.stop()
	}
}

// Logs is the directory of the components' logs and the audit log.
func (c *Cluster) Logs() string { return c.logDir }
