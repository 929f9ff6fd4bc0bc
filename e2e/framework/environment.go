package framework

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// DualStackServiceRange is the --service-cluster-ip-range of the
// environment's kube-apiserver: an IPv4 and an IPv6 range, so Services can be
// dual-stack (the FAQ's IPv6 section) and the `kubernetes` ServiceCIDR that
// netguard reads in online mode lists both families.
const DualStackServiceRange = "10.0.0.0/24,fd00::/108"

// DefaultBypassGroup is the group whose requests never reach netguard (a
// matchCondition): the seeder user creates pre-existing objects, the state of
// a cluster before netguard was installed.
const DefaultBypassGroup = "netguard-e2e:seeders"

// EnvironmentOptions configure StartEnvironment.
type EnvironmentOptions struct {
	// Root is the repository (see RepoRoot); AssetsDir defaults to
	// FindAssets(Root).
	Root, AssetsDir string
	// Dir is the work directory. Required.
	Dir string
	// ConfigFile is netguard's configuration (targets, cluster facts,
	// mutations).
	ConfigFile string
	// NetguardBinary, when empty, is built from Root into Dir/bin/netguard.
	NetguardBinary string
	// Offline runs `netguard serve --offline` (cluster context from the
	// configuration file only). By default netguard runs in online mode:
	// --kubeconfig points at the environment's API server, and the nodes,
	// the targeted ConfigMaps (e.g. the base eni-config of an override), the
	// `kubernetes` ServiceCIDR and the version come from its informers and
	// discovery.
	Offline bool
	// SingleStack keeps envtest's single-stack service range (10.0.0.0/24)
	// instead of DualStackServiceRange.
	SingleStack bool
	// SkipNodes: do not create the configuration's cluster.nodes as Node
	// objects (by default they are created, so online mode sees the same
	// nodes as the file describes).
	SkipNodes bool
	// BypassGroups for the webhook registration (default
	// DefaultBypassGroup; the seeder user is a member of the first).
	BypassGroups []string
	// NoNetguard starts no netguard (for a checkout without `serve`).
	NoNetguard bool
	// Logf reports progress (optional).
	Logf func(format string, args ...any)
}

// Environment is a control plane with netguard wired in: what the e2e tests
// and the playground (hack/demo) run against.
type Environment struct {
	Opts   EnvironmentOptions
	CP     *ControlPlane
	Config *rules.Config
	// Seeder is a client whose requests bypass netguard.
	Seeder       kubernetes.Interface
	SeederConfig *rest.Config
	// NetguardKubeconfig is the kubeconfig netguard serve reads the cluster
	// from (online mode).
	NetguardKubeconfig string
	NetguardBinary     string
	Netguard           *Netguard
	restarts           int
}

// StartEnvironment starts etcd + kube-apiserver (dual-stack), creates the
// configuration's nodes, builds and starts `netguard serve` (online unless
// opts.Offline) and registers the webhooks. On error everything started is
// stopped.
func StartEnvironment(ctx context.Context, opts EnvironmentOptions) (_ *Environment, err error) {
	if opts.Dir == "" || opts.Root == "" {
		return nil, errors.New("EnvironmentOptions.Root and Dir are required")
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if opts.AssetsDir == "" {
		if opts.AssetsDir, err = FindAssets(opts.Root); err != nil {
			return nil, err
		}
	}
	if len(opts.BypassGroups) == 0 {
		opts.BypassGroups = []string{DefaultBypassGroup}
	}
	e := &Environment{Opts: opts}
	if opts.ConfigFile != "" {
		if e.Config, err = rules.LoadConfig(opts.ConfigFile); err != nil {
			return nil, err
		}
	} else {
		e.Config = rules.DefaultConfig()
	}
	defer func() {
		if err != nil {
			_ = e.Stop()
		}
	}()

	start := time.Now()
	cpOpts := ControlPlaneOptions{AssetsDir: opts.AssetsDir, Dir: opts.Dir}
	if !opts.SingleStack {
		cpOpts.APIServerFlags = map[string][]string{"service-cluster-ip-range": {DualStackServiceRange}}
	}
	if e.CP, err = StartControlPlane(cpOpts); err != nil {
		return nil, err
	}
	logf("etcd + kube-apiserver from %s up in %s", opts.AssetsDir, time.Since(start).Round(time.Millisecond))

	_, e.SeederConfig, err = e.CP.AddUser("netguard-e2e-seeder", "system:masters", opts.BypassGroups[0])
	if err != nil {
		return nil, err
	}
	e.SeederConfig.WarningHandler = rest.NoWarnings{}
	if e.Seeder, err = kubernetes.NewForConfig(e.SeederConfig); err != nil {
		return nil, err
	}
	// netguard's own identity for reading the cluster context. (The chart
	// grants it list/watch on nodes, ConfigMaps and ServiceCIDRs; here it
	// is an admin, the chart's RBAC is tested with the chart.)
	if e.NetguardKubeconfig, _, err = e.CP.AddUser("netguard-webhook", "system:masters"); err != nil {
		return nil, err
	}
	if !opts.SkipNodes {
		if err := EnsureNodes(ctx, e.Seeder, NodesFromConfig(e.Config)); err != nil {
			return nil, err
		}
	}

	e.NetguardBinary = opts.NetguardBinary
	if e.NetguardBinary == "" {
		start = time.Now()
		e.NetguardBinary = filepath.Join(opts.Dir, "bin", "netguard")
		if err := BuildNetguard(ctx, opts.Root, e.NetguardBinary); err != nil {
			return nil, err
		}
		logf("built netguard in %s", time.Since(start).Round(time.Millisecond))
	}
	if opts.NoNetguard {
		return e, nil
	}
	start = time.Now()
	if err := e.StartNetguard(ctx); err != nil {
		return nil, err
	}
	mode := "online"
	if opts.Offline {
		mode = "offline"
	}
	logf("netguard serve (%s) up and webhooks registered in %s", mode, time.Since(start).Round(time.Millisecond))
	return e, nil
}

// StartNetguard starts a new `netguard serve` (fresh CA, new ports; a
// previous one must be stopped) and registers the webhooks for it with the
// default failure policies.
func (e *Environment) StartNetguard(ctx context.Context) error {
	e.restarts++
	dir := filepath.Join(e.Opts.Dir, "netguard")
	if e.restarts > 1 {
		dir += "-" + strconv.Itoa(e.restarts)
	}
	opts := NetguardOptions{Binary: e.NetguardBinary, Dir: dir, ConfigFile: e.Opts.ConfigFile}
	if !e.Opts.Offline {
		opts.Kubeconfig = e.NetguardKubeconfig
	}
	ng, err := StartNetguard(ctx, opts)
	if err != nil {
		return err
	}
	e.Netguard = ng
	return RegisterWebhooks(ctx, e.CP.Client, e.WebhookOptions())
}

// WebhookOptions are the registration of the running netguard with the
// default failure policies.
func (e *Environment) WebhookOptions() WebhookOptions {
	return WebhookOptions{
		URL: e.Netguard.URL, CABundle: e.Netguard.Certs.CACert, Config: e.Config, BypassGroups: e.Opts.BypassGroups,
	}
}

// Stop stops netguard and the control plane.
func (e *Environment) Stop() error {
	var errs []error
	if e.Netguard != nil {
		errs = append(errs, e.Netguard.Stop())
	}
	if e.CP != nil {
		errs = append(errs, e.CP.Stop())
	}
	return errors.Join(errs...)
}

// NodesFromConfig turns the configuration's cluster.nodes into Node objects
// (name, labels, spec.podCIDRs, CPU capacity).
func NodesFromConfig(cfg *rules.Config) []*corev1.Node {
	var out []*corev1.Node
	for _, n := range cfg.Cluster.Nodes {
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}}
		node.Spec.PodCIDRs = n.PodCIDRs
		if len(n.PodCIDRs) > 0 {
			node.Spec.PodCIDR = n.PodCIDRs[0]
		}
		if n.CPUs > 0 {
			q := resource.MustParse(strconv.Itoa(n.CPUs))
			node.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: q}
			node.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: q}
		}
		out = append(out, node)
	}
	return out
}

// EnsureNodes creates the nodes that do not exist yet (with their status:
// the capacity is what netguard reads as the node's CPUs).
func EnsureNodes(ctx context.Context, c kubernetes.Interface, nodes []*corev1.Node) error {
	for _, n := range nodes {
		created, err := c.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("creating node %s: %w", n.Name, err)
		}
		if len(n.Status.Capacity) > 0 && len(created.Status.Capacity) == 0 {
			created.Status = n.Status
			if _, err := c.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("node %s status: %w", n.Name, err)
			}
		}
	}
	return nil
}
