package webhook

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/client-go/rest"
)

// waitLong polls cond for up to a minute: healing involves backoff and
// informer relists, and a busy machine must not fail the test.
func waitLong(t *testing.T, what string, cond func() bool, detail func() string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: %s", what, detail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startAgainstFakeAPI(t *testing.T, api *fakeAPIServer, logs *syncBuffer, stale time.Duration) *running {
	file := clusterConfigFile(t)
	return startServer(t, func(o *Options, _ *Server) {
		o.Offline = false
		o.RestConfig = &rest.Config{Host: api.srv.URL, Timeout: 5 * time.Second}
		o.Log = testLogger(logs)
		o.SyncTimeout = 10 * time.Second
		o.ConfigFile = file
		o.ContextProbeInterval = 500 * time.Millisecond
		o.ContextStaleAfter = stale
	})
}

func (r *running) contextJSON() string {
	_, b := get("http://" + r.health + "/contextz")
	return b
}

// warnings returns the warnings of a validating review of a targeted object.
func (r *running) warnings(t *testing.T) []string {
	t.Helper()
	code, rev, body := r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil)))
	if code != 200 || rev.Response == nil || !rev.Response.Allowed {
		t.Fatalf("review: %d %s", code, body)
	}
	return rev.Response.Warnings
}

func hasWarning(ws []string, sub string) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(w, sub) })
}

// TestContextSourceRefusedAtStartHealsWhenRBACIsFixed: nodes are forbidden
// when netguard starts. It turns ready anyway, judges with the file's nodes
// and warns that the nodes are unavailable; once the permission is there
// the source is retried (backoff, not a restart), the API server's node
// appears in the context and the warning goes away.
func TestContextSourceRefusedAtStartHealsWhenRBACIsFixed(t *testing.T) {
	api := newFakeAPIServer(t)
	api.forbid(true, "nodes")
	logs := &syncBuffer{}
	r := startAgainstFakeAPI(t, api, logs, time.Minute)
	r.waitReady(t)
	waitLong(t, "the version and ServiceCIDRs from the API", func() bool {
		c := r.srv.snapshot.Load().Cluster
		return c.KubernetesVersion == "v1.33.2" && len(c.ServiceCIDRs) == 2
	}, r.contextJSON)
	if n := r.srv.snapshot.Load().Cluster.Nodes; len(n) != 0 {
		t.Errorf("nodes known although forbidden: %+v", n)
	}
	if ws := r.warnings(t); !hasWarning(ws, "the cluster's nodes are unavailable") {
		t.Errorf("no warning about the unavailable nodes: %q", ws)
	}
	if code, _ := get("http://" + r.health + "/contextz"); code != 503 {
		t.Errorf("/contextz with nodes forbidden: %d, want 503", code)
	}
	// Ready (the rules that need no nodes must keep running), and the
	// verbose readiness says what is missing.
	if code, b := get("http://" + r.health + "/readyz?verbose"); code != 200 || !strings.Contains(b, "[+]context degraded, still ready") || !strings.Contains(b, "nodes (") {
		t.Errorf("/readyz?verbose with nodes forbidden: %d %s", code, b)
	}
	if v := metricValue(scrape(t, r.metrics), `netguard_cluster_context_source_up{source="nodes"}`); v != "0" {
		t.Errorf("source_up{nodes} = %q, want 0", v)
	}

	api.forbid(false, "nodes")
	waitLong(t, "the node from the API after RBAC is fixed", func() bool {
		n := r.srv.snapshot.Load().Cluster.Nodes
		return len(n) == 1 && n[0].Name == "node-from-api"
	}, r.contextJSON)
	if ws := r.warnings(t); len(r.srv.snapshot.Load().Warnings) != 0 || hasWarning(ws, "unavailable") {
		t.Errorf("warnings after healing: %q", ws)
	}
	if code, b := get("http://" + r.health + "/contextz"); code != 200 {
		t.Errorf("/contextz after healing: %d %s", code, b)
	}
	if code, b := get("http://" + r.health + "/readyz?verbose"); code != 200 || !strings.Contains(b, "[+]context ok: 4 of 4 sources in use") || !strings.Contains(b, "check passed") {
		t.Errorf("/readyz?verbose after healing: %d %s", code, b)
	}
	m := scrape(t, r.metrics)
	if v := metricValue(m, `netguard_cluster_context_source_up{source="nodes"}`); v != "1" {
		t.Errorf("source_up{nodes} = %q, want 1", v)
	}
	if !strings.Contains(logs.String(), "cluster context source recovered") {
		t.Errorf("no recovery logged")
	}
}

// TestContextGoesStaleWithoutWrongDenies: after a sync the API server goes
// away. Within staleAfter the last facts are used (a blip changes
// nothing); past it, the nodes and ServiceCIDRs are dropped in favour of
// the file's, every judged object carries a warning, /contextz says 503 and
// the age gauge grows. The version is kept (and said to be old).
func TestContextGoesStaleWithoutWrongDenies(t *testing.T) {
	api := newFakeAPIServer(t)
	logs := &syncBuffer{}
	r := startAgainstFakeAPI(t, api, logs, 3*time.Second)
	r.waitReady(t)
	waitLong(t, "the API server's facts", func() bool {
		c := r.srv.snapshot.Load().Cluster
		return len(c.Nodes) == 1 && len(c.ServiceCIDRs) == 2
	}, r.contextJSON)
	api.stop()
	waitLong(t, "the stale sources dropped", func() bool {
		c := r.srv.snapshot.Load().Cluster
		return len(c.Nodes) == 0 && slices.Equal(c.ServiceCIDRs, []string{"192.168.0.0/16"})
	}, func() string { b, _ := json.Marshal(r.srv.snapshot.Load()); return string(b) + r.contextJSON() })
	if v := r.srv.snapshot.Load().Cluster.KubernetesVersion; v != "v1.33.2" {
		t.Errorf("version %q: the last discovered one should outlive the outage", v)
	}
	ws := r.warnings(t)
	for _, want := range []string{"the cluster's nodes were last confirmed at", "the cluster's servicecidrs were last confirmed at", "the Kubernetes version was last confirmed at"} {
		if !hasWarning(ws, want) {
			t.Errorf("warnings lack %q: %q", want, ws)
		}
	}
	if code, _ := get("http://" + r.health + "/readyz"); code != 200 {
		t.Errorf("readiness dropped on a stale context: %d (every rule would stop)", code)
	}
	m := scrape(t, r.metrics)
	if v := metricValue(m, `netguard_cluster_context_source_in_use{source="nodes"}`); v != "0" {
		t.Errorf("source_in_use{nodes} = %q, want 0", v)
	}
	age := metricValue(m, "netguard_cluster_context_age_seconds")
	if a, err := time.ParseDuration(age + "s"); err != nil || a < 3*time.Second {
		t.Errorf("netguard_cluster_context_age_seconds = %q, want >= 3", age)
	}
}
