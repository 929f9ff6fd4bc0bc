//go:build linux

package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

const apiPort = 6443

// APIServerURL is the address kubelets, kube-proxy and clients use.
func APIServerURL() string { return fmt.Sprintf("https://%s:%d", nodeIP(0), apiPort) }

// startControlPlane starts etcd, kube-apiserver, kube-controller-manager
// and kube-scheduler in node 0's network namespace.
func (c *Cluster) startControlPlane(ctx context.Context) error {
	steps := []func(context.Context) error{c.startEtcd, c.startAPIServer, c.startControllerManager, c.startScheduler}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) startEtcd(ctx context.Context) error {
	p, err := c.start("etcd", 0, filepath.Join(c.opts.ControlPlaneAssets, "etcd"),
		"--data-dir="+filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls=http://127.0.0.1:2379",
		"--advertise-client-urls=http://127.0.0.1:2379",
		"--listen-peer-urls=http://127.0.0.1:2380",
		"--initial-advertise-peer-urls=http://127.0.0.1:2380",
		"--initial-cluster=default=http://127.0.0.1:2380",
		"--unsafe-no-fsync", // test data; the disk is shared with other builds
	)
	if err != nil {
		return err
	}
	return c.waitHealthy(ctx, p, "http://127.0.0.1:2379/health")
}

func (c *Cluster) startAPIServer(ctx context.Context) error {
	cert, key, err := c.pki.issue("kube-apiserver", "kube-apiserver", nil,
		nodeIP(0), kubernetesSvc, "127.0.0.1", "localhost",
		"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local")
	if err != nil {
		return err
	}
	kcert, kkey, err := c.pki.issue("apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"system:masters"})
	if err != nil {
		return err
	}
	policy := filepath.Join(c.Dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(c.opts.AuditPolicy), 0o600); err != nil {
		return err
	}
	args := []string{
		"--etcd-servers=http://127.0.0.1:2379",
		"--advertise-address=" + nodeIP(0),
		"--bind-address=0.0.0.0",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--tls-cert-file=" + cert, "--tls-private-key-file=" + key,
		"--client-ca-file=" + c.pki.CAFile,
		"--kubelet-client-certificate=" + kcert, "--kubelet-client-key=" + kkey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + c.saPub,
		"--service-account-signing-key-file=" + c.saKey,
		"--service-cluster-ip-range=" + serviceCIDR,
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--audit-policy-file=" + policy,
		"--audit-log-path=" + c.AuditLogPath,
		"--audit-log-format=json",
		"--audit-log-mode=blocking",
	}
	p, err := c.start("kube-apiserver", 0, filepath.Join(c.opts.ControlPlaneAssets, "kube-apiserver"), args...)
	if err != nil {
		return err
	}
	return c.waitHealthy(ctx, p, fmt.Sprintf("https://127.0.0.1:%d/readyz", apiPort))
}

func (c *Cluster) startControllerManager(ctx context.Context) error {
	kc, err := c.pki.kubeconfig("kube-controller-manager", APIServerURL(), "system:kube-controller-manager")
	if err != nil {
		return err
	}
	p, err := c.start("kube-controller-manager", 0, filepath.Join(c.opts.NodeAssets, "kube-controller-manager"),
		"--kubeconfig="+kc, "--authentication-kubeconfig="+kc, "--authorization-kubeconfig="+kc,
		"--service-account-private-key-file="+c.saKey,
		"--root-ca-file="+c.pki.CAFile,
		"--use-service-account-credentials=true",
		"--service-cluster-ip-range="+serviceCIDR,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
	)
	if err != nil {
		return err
	}
	return c.waitHealthy(ctx, p, "https://127.0.0.1:10257/healthz")
}

func (c *Cluster) startScheduler(ctx context.Context) error {
	kc, err := c.pki.kubeconfig("kube-scheduler", APIServerURL(), "system:kube-scheduler")
	if err != nil {
		return err
	}
	p, err := c.start("kube-scheduler", 0, filepath.Join(c.opts.NodeAssets, "kube-scheduler"),
		"--kubeconfig="+kc, "--authentication-kubeconfig="+kc, "--authorization-kubeconfig="+kc,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
	)
	if err != nil {
		return err
	}
	return c.waitHealthy(ctx, p, "https://127.0.0.1:10259/healthz")
}

// start starts a component in node i's network namespace and records it.
func (c *Cluster) start(name string, node int, argv0 string, args ...string) (*Process, error) {
	t0 := time.Now()
	p, err := startProcess(c.logDir, name, c.netns[node].pid(), nil, append([]string{argv0}, args...)...)
	if err != nil {
		return nil, err
	}
	c.procs.add(p)
	c.opts.Logf("started %s (pid %d) in %s", name, p.PID(), time.Since(t0).Round(time.Millisecond))
	return p, nil
}

func (c *Cluster) waitHealthy(ctx context.Context, p *Process, url string) error {
	t0 := time.Now()
	if err := waitHTTP(ctx, p, url, c.opts.StartTimeout); err != nil {
		return fmt.Errorf("%s not healthy at %s: %w%s", p.Name, url, err, p.Tail(3000))
	}
	c.opts.Logf("%s healthy after %s", p.Name, time.Since(t0).Round(time.Millisecond))
	return nil
}

// kubeletKubeconfigUser is the Node authorizer's identity of a node.
func kubeletKubeconfigUser(name string) (string, []string) {
	return "system:node:" + name, []string{"system:nodes"}
}
