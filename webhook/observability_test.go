package webhook

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/internal/certs"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
)

// TestObservabilityMetricsExist: every metric the dashboard and the alerts
// use (hack/tools/prometheus/testdata/metrics.txt, kept equal to what they
// parse to by that module's TestDashboardAndAlertsNameOnlyListedMetrics)
// is really exported: netguard's and controller-runtime's by a running
// server's /metrics after a few reviews, the self-managed CA's by the
// certificate rotator's registry, the API server's by the kube-apiserver
// source (k8s.io/apiserver/pkg/admission/metrics) this module builds with.
func TestObservabilityMetricsExist(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "hack", "tools", "prometheus", "testdata", "metrics.txt"))
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPIServer(t)
	file := clusterConfigFile(t) // the chart always passes --config
	r := startServer(t, func(o *Options, _ *Server) {
		o.ConfigFile = file
		o.Offline = false
		o.RestConfig = &rest.Config{Host: api.srv.URL, Timeout: 5 * time.Second}
		o.SyncTimeout = 5 * time.Second
	})
	r.waitReady(t)
	r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "x"}), nil)))
	r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Delete, flannelCM(nil), nil)))
	exported := map[string]bool{}
	for _, line := range strings.Split(scrape(t, r.metrics), "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			name, _, _ = strings.Cut(name, "{")
			exported[name] = true
		}
	}
	reg := prometheus.NewRegistry()
	if _, err := certs.New(certs.Options{Client: fake.NewClientset(), Namespace: "ns", SecretName: "s", Hosts: []string{"netguard.ns.svc"},
		CertDir: t.TempDir(), Registry: reg}); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		exported[mf.GetName()] = true
	}
	apiserver := apiserverAdmissionMetrics(t)

	for _, name := range strings.Split(string(b), "\n") {
		name = strings.TrimSpace(name)
		switch {
		case name == "" || strings.HasPrefix(name, "#"):
		case name == "up": // Prometheus's own per target
		case strings.HasPrefix(name, "apiserver_"):
			if !apiserver[strings.TrimSuffix(name, "_bucket")] {
				t.Errorf("%s: not an admission metric of kube-apiserver (k8s.io/apiserver/pkg/admission/metrics)", name)
			}
		case !exported[name]:
			t.Errorf("%s is not exported by netguard", name)
		}
	}
}

// apiserverAdmissionMetrics reads the admission metric names from the
// k8s.io/apiserver source in the module cache: namespace + subsystem +
// each Name.
func apiserverAdmissionMetrics(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/apiserver").Output()
	if err != nil {
		t.Skipf("go list -m k8s.io/apiserver: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "pkg", "admission", "metrics", "metrics.go"))
	if err != nil {
		t.Fatal(err)
	}
	ns := regexp.MustCompile(`namespace = "([a-z_]+)"`).FindSubmatch(src)
	sub := regexp.MustCompile(`subsystem = "([a-z_]+)"`).FindSubmatch(src)
	if ns == nil || sub == nil {
		t.Fatal("k8s.io/apiserver admission metrics: namespace/subsystem constants not found")
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`Name:\s+"([a-z_]+)"`).FindAllSubmatch(src, -1) {
		names[string(ns[1])+"_"+string(sub[1])+"_"+string(m[1])] = true
	}
	return names
}
