//go:build node && linux

package node

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/e2e/node/cluster"
)

const keepEnv = "NETGUARD_E2E_KEEP"

// env is the running cluster (inside the namespaces only).
var env struct {
	root, dir string
	c         *cluster.Cluster
	helm      string
	images    *cluster.Images
}

// skipReason is set (outside) when the machine cannot run a node.
var skipReason string

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s node-e2e: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(editorDirEnv); dir != "" {
		os.Exit(runEditor(dir, os.Args[1:]))
	}
	flag.Parse()
	if dir, ok := cluster.Inside(); ok {
		os.Exit(runInside(m, dir))
	}
	os.Exit(runOutside(m))
}

// runOutside checks the machine, builds the images (the module cache may
// need the network, which the namespaces do not have) and re-runs the
// test binary inside new namespaces; the tests run there.
func runOutside(m *testing.M) int {
	if skipReason = cluster.Preflight(); skipReason != "" {
		return m.Run() // every test skips with the reason
	}
	root, err := framework.RepoRoot()
	if err != nil {
		logf("%v", err)
		return 1
	}
	if _, err := binaries(root); err != nil {
		logf("%v", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "netguard-node-")
	if err != nil {
		logf("%v", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := cluster.BuildImages(ctx, root, filepath.Join(dir, "images"), logf); err != nil {
		logf("building the images: %v", err)
		return 1
	}
	code, err := cluster.Isolate(dir, os.Args[1:], os.Getenv(keepEnv) != "", logf)
	if err != nil {
		logf("%v", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

type assets struct{ controlPlane, node, helm string }

func binaries(root string) (assets, error) {
	cp, err := framework.FindAssets(root)
	if err != nil {
		return assets{}, err
	}
	node, err := cluster.FindNodeAssets(root)
	if err != nil {
		return assets{}, err
	}
	helm, err := framework.FindHelm(root)
	return assets{cp, node, helm}, err
}

// runInside starts the cluster and runs the tests on it.
func runInside(m *testing.M, dir string) (code int) {
	var err error
	if env.root, err = framework.RepoRoot(); err != nil {
		logf("%v", err)
		return 1
	}
	a, err := binaries(env.root)
	if err != nil {
		logf("%v", err)
		return 1
	}
	if err := cluster.PrepareInside(dir); err != nil {
		logf("%v", err)
		return 1
	}
	env.dir, env.helm = dir, a.helm
	env.images = &cluster.Images{Pause: filepath.Join(dir, "images", "pause.tar"), Netguard: filepath.Join(dir, "images", "netguard.tar")}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	t0 := time.Now()
	env.c, err = cluster.Start(ctx, cluster.Options{
		Dir: filepath.Join(dir, "cluster"), ControlPlaneAssets: a.controlPlane, NodeAssets: a.node,
		Nodes: nodeCount, CgroupPrefix: cluster.InsideCgroupPrefix(),
		AuditPolicy: framework.DefaultAuditPolicy, PauseImage: cluster.PauseImage,
		Images: []string{env.images.Pause, env.images.Netguard}, Logf: logf,
	})
	if env.c != nil {
		defer env.c.Stop()
	}
	if err != nil {
		logf("starting the cluster: %v (logs: %s)", err, filepath.Join(dir, "cluster", "logs"))
		return 1
	}
	logf("cluster up in %s", time.Since(t0).Round(time.Millisecond))
	return m.Run()
}

// requireCluster skips the test with the machine's reason.
func requireCluster(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	if env.c == nil {
		t.Fatal("no cluster")
	}
}

// nodeCount: two kubelets, each in its own network namespace. The chart's
// defaults (2 replicas on the host network, preferred anti-affinity,
// maxSurge 0) need two nodes: on one node the second replica can never
// bind the same host ports, and a rolling restart always leaves a gap.
const nodeCount = 2
