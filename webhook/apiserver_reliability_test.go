package webhook

import (
	"encoding/json"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/client-go/rest"
)

// fakeAPIServer is a minimal Kubernetes API on 127.0.0.1: discovery, the
// version, and list + watch of nodes, configmaps and servicecidrs (a watch
// stays open, sending nothing, until the server goes away). It records
// every request as "VERB path" so that RBAC can be checked against what
// netguard really does.
type fakeAPIServer struct {
	srv  *httptest.Server
	gone chan struct{}
	mu   sync.Mutex
	seen []string
	// forbidden resources (last path segment, e.g. "nodes") answer 403, as
	// when RBAC does not allow them.
	forbidden map[string]bool
	// post, when set, answers POSTs (TokenReview, SubjectAccessReview).
	post http.HandlerFunc
}

// forbid makes list and watch of the resources answer 403 (true) or work
// again (false).
func (f *fakeAPIServer) forbid(on bool, resources ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.forbidden == nil {
		f.forbidden = map[string]bool{}
	}
	for _, r := range resources {
		f.forbidden[r] = on
	}
}

func newFakeAPIServer(t *testing.T) *fakeAPIServer {
	f := &fakeAPIServer{gone: make(chan struct{})}
	resources := func(gv string, rs ...string) map[string]any {
		var list []map[string]any
		for _, r := range rs {
			kind := map[string]string{"nodes": "Node", "configmaps": "ConfigMap", "servicecidrs": "ServiceCIDR"}[r]
			list = append(list, map[string]any{"name": r, "namespaced": r == "configmaps", "kind": kind, "verbs": []string{"get", "list", "watch"}})
		}
		return map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}
	}
	list := func(kind, apiVersion string, items ...any) map[string]any {
		return map[string]any{"kind": kind, "apiVersion": apiVersion, "metadata": map[string]any{"resourceVersion": "7"}, "items": items}
	}
	fixed := map[string]any{
		"/version": map[string]any{"major": "1", "minor": "33", "gitVersion": "v1.33.2"},
		"/api":     map[string]any{"kind": "APIVersions", "versions": []string{"v1"}},
		"/apis": map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{map[string]any{"name": "networking.k8s.io",
			"versions": []any{map[string]any{"groupVersion": "networking.k8s.io/v1", "version": "v1"}}, "preferredVersion": map[string]any{"groupVersion": "networking.k8s.io/v1", "version": "v1"}}}},
		"/api/v1":                    resources("v1", "nodes", "configmaps"),
		"/apis/networking.k8s.io/v1": resources("networking.k8s.io/v1", "servicecidrs"),
		"/api/v1/nodes":              list("NodeList", "v1", map[string]any{"metadata": map[string]any{"name": "node-from-api", "resourceVersion": "5", "labels": map[string]string{"terway-config": "eni-config-pool-a"}}, "spec": map[string]any{"podCIDR": "10.9.1.0/24", "podCIDRs": []string{"10.9.1.0/24"}}, "status": map[string]any{"capacity": map[string]string{"cpu": "8"}}}),
		"/apis/networking.k8s.io/v1/servicecidrs": list("ServiceCIDRList", "networking.k8s.io/v1", map[string]any{"metadata": map[string]any{"name": "kubernetes", "resourceVersion": "6"}, "spec": map[string]any{"cidrs": []string{"10.96.0.0/12", "fd00:96::/108"}}}),
	}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		watch := r.URL.Query().Get("watch") == "true" || r.URL.Query().Get("watch") == "1"
		verb := r.Method
		if watch {
			verb = "WATCH"
		}
		f.mu.Lock()
		f.seen = append(f.seen, verb+" "+r.URL.Path)
		refused := f.forbidden[r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]]
		f.mu.Unlock()
		if refused {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,"message":"forbidden by the test"}`))
			return
		}
		if r.Method == http.MethodPost && f.post != nil {
			f.post(w, r)
			return
		}
		body, ok := fixed[r.URL.Path]
		if !ok && strings.HasPrefix(r.URL.Path, "/api/v1/namespaces/") && strings.HasSuffix(r.URL.Path, "/configmaps") {
			body, ok = list("ConfigMapList", "v1"), true
		}
		if !ok || r.Method != http.MethodGet {
			http.Error(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if watch {
			w.WriteHeader(http.StatusOK)
			if r.URL.Query().Get("sendInitialEvents") == "true" {
				// Streaming list (client-go's WatchList): the items as
				// ADDED events, then the bookmark that ends the list.
				l, _ := body.(map[string]any)
				items, _ := l["items"].([]any)
				kind := strings.TrimSuffix(l["kind"].(string), "List")
				enc := json.NewEncoder(w)
				for _, it := range items {
					obj := maps.Clone(it.(map[string]any))
					obj["kind"], obj["apiVersion"] = kind, l["apiVersion"]
					_ = enc.Encode(map[string]any{"type": "ADDED", "object": obj})
				}
				_ = enc.Encode(map[string]any{"type": "BOOKMARK", "object": map[string]any{"kind": kind, "apiVersion": l["apiVersion"],
					"metadata": map[string]any{"resourceVersion": "7", "annotations": map[string]string{"k8s.io/initial-events-end": "true"}}}})
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-f.gone:
			}
			return
		}
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(f.stop)
	return f
}

func (f *fakeAPIServer) stop() {
	select {
	case <-f.gone:
		return
	default:
	}
	close(f.gone)
	f.srv.CloseClientConnections()
	f.srv.Close()
}

func (f *fakeAPIServer) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func clusterConfigFile(t *testing.T) string {
	file := filepath.Join(t.TempDir(), "netguard.yaml")
	writeAtomic(t, file, []byte("cluster:\n  kubernetesVersion: \"1.30\"\n  serviceCIDRs: [\"192.168.0.0/16\"]\n"))
	return file
}

// TestAPIServerUnreachableServesFromTheConfigFile: the API server is down
// from the start. netguard logs each unavailable source, turns ready, and
// judges with the configuration file's cluster facts; no review fails.
func TestAPIServerUnreachableServesFromTheConfigFile(t *testing.T) {
	logs := &syncBuffer{}
	file := clusterConfigFile(t)
	r := startServer(t, func(o *Options, _ *Server) {
		o.Offline = false
		o.RestConfig = &rest.Config{Host: "http://" + closedPort(t), Timeout: time.Second}
		o.SyncTimeout = 3 * time.Second
		o.ConfigFile = file
		o.Log = testLogger(logs)
	})
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "x"}), nil))
	load, wg := runLoad(r, ValidatePath, body, 4, 200, nil)
	wg.Wait()
	if load.failures.Load()+load.refused.Load()+load.handshake.Load() != 0 {
		t.Errorf("reviews failed with the API server down: %s", load)
	}
	c := r.srv.snapshot.Load().Cluster
	if c.KubernetesVersion != "1.30" || !slices.Equal(c.ServiceCIDRs, []string{"192.168.0.0/16"}) {
		t.Errorf("cluster context %+v, want the file's", c)
	}
	for _, want := range []string{"cluster context source unavailable; using the configuration file for it", "Kubernetes version discovery failed; using the configuration file's"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	t.Logf("API server unreachable: %s", load)
}

// TestAPIServerGoneKeepsTheLastSyncedState: netguard syncs from a (fake)
// API server, which then disappears mid-load. Reviews keep flowing from the
// last synced snapshot (the API server's node, version and ServiceCIDRs,
// not the file's), readiness stays up, and no review fails. The requests
// netguard made are only discovery and list/watch on the resources of
// requiredPermissions.
func TestAPIServerGoneKeepsTheLastSyncedState(t *testing.T) {
	api := newFakeAPIServer(t)
	apiLogs := &syncBuffer{}
	defer func() {
		if t.Failed() {
			t.Logf("logs:\n%s\nAPI requests: %q", apiLogs.String(), api.requests())
		}
	}()
	file := clusterConfigFile(t)
	r := startServer(t, func(o *Options, _ *Server) {
		o.Offline = false
		o.RestConfig = &rest.Config{Host: api.srv.URL, Timeout: 5 * time.Second}
		o.Log = testLogger(apiLogs)
		o.SyncTimeout = 10 * time.Second
		o.ConfigFile = file
	})
	r.waitReady(t)
	synced := func() bool {
		c := r.srv.snapshot.Load().Cluster
		return c.KubernetesVersion == "v1.33.2" && len(c.Nodes) == 1 && c.Nodes[0].Name == "node-from-api" && len(c.ServiceCIDRs) == 2
	}
	waitFor(t, "the API server's facts", synced, func() string { b, _ := json.Marshal(r.srv.snapshot.Load().Cluster); return string(b) })

	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil))
	stop := make(chan struct{})
	load, wg := runLoad(r, ValidatePath, body, 4, 300, stop)
	waitFor(t, "load running", func() bool { return load.requests.Load() > 50 })
	api.stop()
	wg.Wait()
	close(stop)
	if load.failures.Load()+load.refused.Load()+load.handshake.Load() != 0 {
		t.Errorf("reviews failed when the API server went away: %s", load)
	}
	if !synced() {
		t.Errorf("the last synced state was lost: %+v", r.srv.snapshot.Load().Cluster)
	}
	if code, b := get("http://" + r.health + "/readyz?verbose"); code != 200 {
		t.Errorf("readiness after the API server left: %d %s", code, b)
	}

	allowed := map[string]bool{}
	for p := range requiredPermissions {
		res, verb, _ := strings.Cut(p, " ")
		allowed[res+" "+verb] = true
	}
	for _, req := range api.requests() {
		verb, path, _ := strings.Cut(req, " ")
		if path == "/version" || path == "/api" || path == "/apis" || path == "/api/v1" || strings.HasPrefix(path, "/apis/networking.k8s.io/v1") && !strings.HasSuffix(path, "servicecidrs") {
			continue // discovery: every authenticated client may read it
		}
		res := path[strings.LastIndex(path, "/")+1:]
		group := ""
		if strings.HasPrefix(path, "/apis/") {
			group = strings.Split(path, "/")[2]
		}
		v := map[string]string{"GET": "list", "WATCH": "watch"}[verb]
		if !allowed[group+"/"+res+" "+v] {
			t.Errorf("netguard made %s, not covered by requiredPermissions", req)
		}
	}
	t.Logf("API server gone mid-load: %s; %d API requests before it left, all within requiredPermissions", load, len(api.requests()))
}
