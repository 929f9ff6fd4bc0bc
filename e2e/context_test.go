//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// contextSource is one entry of netguard's /contextz.
type contextSource struct {
	Name    string `json:"name"`
	Up      bool   `json:"up"`
	InUse   bool   `json:"inUse"`
	Objects int    `json:"objects"`
}

func contextz(ng *framework.Netguard) (int, map[string]contextSource, string) {
	resp, err := http.Get(ng.HealthURL + "/contextz")
	if err != nil {
		return 0, nil, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body struct{ Sources []contextSource }
	_ = json.Unmarshal(b, &body)
	out := map[string]contextSource{}
	for _, s := range body.Sources {
		out[s.Name] = s
	}
	return resp.StatusCode, out, string(b)
}

// waitContext polls /contextz until cond holds (up to 2 minutes: informer
// relists back off up to 30s after an outage).
func waitContext(t *testing.T, ng *framework.Netguard, what string, cond func(map[string]contextSource) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, src, raw := contextz(ng)
		if cond(src) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; /contextz: %s\nnetguard log tail:\n%s", what, raw, lastLines(ng.Log(), 30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// TestClusterContextHealsAfterRBACAndAPIServerFaults runs netguard as a
// least-privileged user against its own real kube-apiserver and injects the
// faults an SRE meets: the nodes permission missing at start, then granted
// (the source heals without a restart), revoked (the nodes go stale and are
// dropped, readiness stays), restored; then the API server itself is
// stopped and started again (every source goes down, then heals, and a
// node created during the outage is in the re-listed cache).
func TestClusterContextHealsAfterRBACAndAPIServerFaults(t *testing.T) {
	requireNetguard(t)
	ctx := t.Context()
	assets, err := framework.FindAssets(s.root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cp, err := framework.StartControlPlane(framework.ControlPlaneOptions{AssetsDir: assets, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	admin := cp.Client

	const user = "e2e-netguard-context"
	kubeconfig, _, err := cp.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	// The chart's read permissions, split so that nodes can be granted
	// and revoked on their own.
	role := func(name string, rules ...rbacv1.PolicyRule) {
		t.Helper()
		if _, err := admin.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	read := []string{"list", "watch"}
	role("e2e-context-base",
		rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: read},
		rbacv1.PolicyRule{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"servicecidrs"}, Verbs: read})
	role("e2e-context-nodes", rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"nodes"}, Verbs: read})
	bind := func(roleName string) {
		t.Helper()
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: roleName},
			RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: roleName},
			Subjects: []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: user}}}
		if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	unbind := func(name string) {
		t.Helper()
		if err := admin.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	bind("e2e-context-base")
	node := func(name string) {
		t.Helper()
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := admin.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	node("e2e-node-a")

	ng, err := framework.StartNetguard(ctx, framework.NetguardOptions{
		Binary: s.netguardBin, Dir: filepath.Join(dir, "netguard"), ConfigFile: s.configFile, Kubeconfig: kubeconfig,
		ExtraArgs: []string{"--context-probe-interval=1s", "--context-stale-after=5s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ng.Stop() })

	t.Run("nodes forbidden at start: ready, nodes unavailable, the rest in use", func(t *testing.T) {
		waitContext(t, ng, "configmaps and servicecidrs in use", func(m map[string]contextSource) bool {
			return m["configmaps"].InUse && m["servicecidrs"].InUse && m["version"].InUse
		})
		code, m, raw := contextz(ng)
		if code != 503 || m["nodes"].Up || m["nodes"].InUse {
			t.Errorf("/contextz with nodes forbidden: %d %s", code, raw)
		}
		if v := metric(t, ng, `netguard_cluster_context_source_up{source="nodes"}`); v != "0" {
			t.Errorf(`source_up{source="nodes"} = %q, want 0`, v)
		}
		if code, _ := httpGet(ng.HealthURL + "/readyz"); code != 200 {
			t.Errorf("/readyz = %d: netguard must serve the rules that need no nodes", code)
		}
	})

	t.Run("the nodes permission granted: the source heals without a restart", func(t *testing.T) {
		bind("e2e-context-nodes")
		waitContext(t, ng, "nodes in use with the node", func(m map[string]contextSource) bool {
			return m["nodes"].InUse && m["nodes"].Objects == 1
		})
		if v := metric(t, ng, `netguard_cluster_context_source_up{source="nodes"}`); v != "1" {
			t.Errorf(`source_up{source="nodes"} = %q, want 1`, v)
		}
	})

	t.Run("the nodes permission revoked: the nodes go stale and are dropped, readiness stays", func(t *testing.T) {
		unbind("e2e-context-nodes")
		waitContext(t, ng, "nodes not in use", func(m map[string]contextSource) bool {
			return !m["nodes"].Up && !m["nodes"].InUse
		})
		if code, _ := httpGet(ng.HealthURL + "/readyz"); code != 200 {
			t.Errorf("/readyz = %d after the nodes went stale", code)
		}
		bind("e2e-context-nodes")
		waitContext(t, ng, "nodes in use again", func(m map[string]contextSource) bool { return m["nodes"].InUse })
	})

	t.Run("the API server restarted: every source goes down, then heals and re-lists", func(t *testing.T) {
		sctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		if err := cp.StopAPIServer(sctx); err != nil {
			t.Fatal(err)
		}
		waitContext(t, ng, "every source down and stale", func(m map[string]contextSource) bool {
			for _, name := range []string{"nodes", "configmaps", "servicecidrs"} {
				if m[name].Up || m[name].InUse {
					return false
				}
			}
			return !m["version"].Up
		})
		if v, err := strconv.ParseFloat(metric(t, ng, "netguard_cluster_context_age_seconds"), 64); err != nil || v < 5 {
			t.Errorf("netguard_cluster_context_age_seconds = %v (%v) during the outage, want >= 5", v, err)
		}
		if code, _ := httpGet(ng.HealthURL + "/readyz"); code != 200 {
			t.Errorf("/readyz = %d with the API server down", code)
		}
		if err := cp.StartAPIServer(sctx); err != nil {
			t.Fatal(err)
		}
		node("e2e-node-b") // created after the outage: only a re-list or re-watch finds it
		waitContext(t, ng, "every source in use again with both nodes", func(m map[string]contextSource) bool {
			for _, name := range []string{"version", "nodes", "configmaps", "servicecidrs"} {
				if !m[name].InUse {
					return false
				}
			}
			return m["nodes"].Objects == 2
		})
	})
	if t.Failed() {
		t.Logf("netguard log tail:\n%s", lastLines(ng.Log(), 60))
	}
}

func httpGet(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metric returns one series' value from netguard's metrics endpoint.
func metric(t *testing.T, ng *framework.Netguard, series string) string {
	t.Helper()
	code, body := httpGet(ng.MetricsURL + "/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d %s", code, body)
	}
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return fmt.Sprintf("(no %s)", series)
}
