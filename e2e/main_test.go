//go:build e2e

package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// Environment variables understood by the suite.
const (
	// keepEnv keeps the work directory (audit log, component logs,
	// kubeconfig) even when the tests pass.
	keepEnv = "NETGUARD_E2E_KEEP"
	// bypassGroup: members' requests never reach netguard (matchCondition);
	// the seeder uses it to create pre-existing, unjudged objects.
	bypassGroup = framework.DefaultBypassGroup
	// wantVersion is what hack/tools builds and stamps.
	wantVersion = "v1.37.2"
)

// suite is the shared environment: one control plane and one netguard for
// all tests (starting them costs seconds on a small machine).
type suite struct {
	root, dir  string
	env        *framework.Environment
	cp         *framework.ControlPlane
	seeder     kubernetes.Interface // bypasses netguard
	configFile string
	config     *rules.Config

	netguardBin string
	// serveMissing is set when the netguard binary has no serve command
	// yet; tests that need it skip with this reason.
	serveMissing error
	ng           *framework.Netguard
}

var s *suite

func TestMain(m *testing.M) {
	if dir := os.Getenv(editorDirEnv); dir != "" {
		os.Exit(runEditor(dir, os.Args[1:]))
	}
	flag.Parse()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) (code int) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
	}
	s = &suite{}
	var err error
	if s.root, err = framework.RepoRoot(); err != nil {
		logf("%v", err)
		return 1
	}
	assets, err := framework.FindAssets(s.root)
	if err != nil {
		logf("%v", err)
		return 1
	}
	if s.dir, err = os.MkdirTemp("", "netguard-e2e-"); err != nil {
		logf("%v", err)
		return 1
	}
	defer func() {
		if code != 0 || os.Getenv(keepEnv) != "" {
			logf("work directory kept: %s (audit.log, kube-apiserver.log, netguard/netguard.log, kubeconfig)", s.dir)
			return
		}
		os.RemoveAll(s.dir)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	s.configFile = filepath.Join(s.root, "e2e", "testdata", "netguard-config.yaml")
	if s.config, err = rules.LoadConfig(s.configFile); err != nil {
		logf("%v", err)
		return 1
	}
	// Build first: a checkout without `netguard serve` still runs the
	// control-plane tests.
	start := time.Now()
	s.netguardBin = filepath.Join(s.dir, "bin", "netguard")
	if err := framework.BuildNetguard(ctx, s.root, s.netguardBin); err != nil {
		logf("%v", err)
		return 1
	}
	logf("built netguard in %s", time.Since(start).Round(time.Millisecond))
	s.serveMissing = serveAvailable(ctx, s.netguardBin)

	// The control plane (dual-stack Services), the configuration's nodes as
	// Node objects, and netguard serve in online mode: its cluster context
	// (nodes, base eni-config, ServiceCIDR, version) comes from this API
	// server, as in a real cluster.
	s.env, err = framework.StartEnvironment(ctx, framework.EnvironmentOptions{
		Root: s.root, AssetsDir: assets, Dir: s.dir, ConfigFile: s.configFile,
		NetguardBinary: s.netguardBin, BypassGroups: []string{bypassGroup}, Logf: logf,
		NoNetguard: s.serveMissing != nil,
	})
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer func() {
		if err := s.env.Stop(); err != nil {
			logf("stopping: %v", err)
		}
	}()
	s.cp, s.seeder, s.ng = s.env.CP, s.env.Seeder, s.env.Netguard
	if s.serveMissing != nil {
		logf("%v: the tests that need it are skipped", s.serveMissing)
	}
	return m.Run()
}

// startNetguard starts a new `netguard serve` (online mode, fresh CA and
// ports) and registers the webhooks with the default policies.
func (s *suite) startNetguard(ctx context.Context) error {
	err := s.env.StartNetguard(ctx)
	s.ng = s.env.Netguard
	return err
}

// serveAvailable reports (as an error) whether the binary lacks `serve`.
func serveAvailable(ctx context.Context, bin string) error {
	out, _ := exec.CommandContext(ctx, bin, "serve", "-h").CombinedOutput()
	if strings.Contains(string(out), "unknown command") {
		return errors.New("`netguard serve` is not implemented in this checkout")
	}
	return nil
}

// requireNetguard skips a test when `netguard serve` does not exist yet.
func requireNetguard(t *testing.T) {
	t.Helper()
	if s.serveMissing != nil {
		t.Skip(s.serveMissing)
	}
	if s.ng == nil || !s.ng.Running() {
		t.Fatal("netguard serve is not running")
	}
}

// readConfigMap decodes a ConfigMap manifest from the repository.
func readConfigMap(t *testing.T, rel string) *corev1.ConfigMap {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.root, rel))
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict(b, cm); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return cm
}

// seed replaces the ConfigMap with cm as a pre-existing object that netguard
// never judged (the state of a cluster before netguard was installed).
func seed(t *testing.T, cm *corev1.ConfigMap) *corev1.ConfigMap {
	t.Helper()
	ctx := t.Context()
	c := s.seeder.CoreV1().ConfigMaps(cm.Namespace)
	ensureNamespace(t, cm.Namespace)
	if err := c.Delete(ctx, cm.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	cm = cm.DeepCopy()
	cm.ResourceVersion = ""
	got, err := c.Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("seeding %s/%s: %v", cm.Namespace, cm.Name, err)
	}
	return got
}

// remove deletes a ConfigMap if it exists (usable in t.Cleanup, where
// t.Context() is already canceled).
func remove(t *testing.T, ns, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.seeder.CoreV1().ConfigMaps(ns).Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
}

func ensureNamespace(t *testing.T, ns string) {
	t.Helper()
	_, err := s.seeder.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// getConfigMap returns the stored object, or nil when it does not exist.
func getConfigMap(t *testing.T, ns, name string) *corev1.ConfigMap {
	t.Helper()
	cm, err := s.cp.Client.CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return cm
}
