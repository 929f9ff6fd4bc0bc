//go:build e2e

package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestSecureMetricsAskTheAPIServer: netguard's default metrics endpoint is
// HTTPS and asks the real API server about every scraper: no token or an
// invalid one gets 401, a service account without the metrics-reader permission gets 403, one
// bound to the chart's nonResourceURL role (get /metrics) gets 200 with
// netguard's metrics.
func TestSecureMetricsAskTheAPIServer(t *testing.T) {
	requireNetguard(t)
	ctx := t.Context()
	c := s.cp.Client
	const ns = "e2e-metrics"
	ensureNamespace(t, ns)
	token := func(sa string) string {
		t.Helper()
		if _, err := c.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
		tr, err := c.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr(int64(600))}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("token for %s: %v", sa, err)
		}
		return tr.Status.Token
	}
	reader := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "e2e-netguard-metrics-reader"},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}
	if _, err := c.RbacV1().ClusterRoles().Create(ctx, reader, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "e2e-netguard-metrics-reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: reader.Name},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "prometheus", Namespace: ns}}}
	if _, err := c.RbacV1().ClusterRoleBindings().Create(ctx, crb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	scraper, nosy := token("prometheus"), token("nosy")

	ng, err := framework.StartNetguard(ctx, framework.NetguardOptions{
		Binary: s.netguardBin, Dir: filepath.Join(t.TempDir(), "netguard"), ConfigFile: s.configFile,
		Kubeconfig: s.cp.KubeconfigPath, SecureMetrics: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ng.Stop() })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ng.Certs.CACert)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	scrape := func(tok string) (int, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ng.MetricsURL+"/metrics", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("scrape: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := httpGet(strings.Replace(ng.MetricsURL, "https://", "http://", 1) + "/metrics"); code == 200 {
		t.Errorf("plain HTTP scrape of the secure endpoint answered 200: %.200s", body)
	}
	for _, c := range []struct {
		who, token string
		want       int
	}{
		{"no token", "", 401},
		// The real TokenReview does not know it: 401, not a 500 that would
		// look like a broken netguard.
		{"an invalid token", "not-a-token-the-api-server-issued", 401},
		{"a service account without get /metrics", nosy, 403},
		{"the metrics reader", scraper, 200},
	} {
		code, body := scrape(c.token)
		if code != c.want {
			t.Errorf("%s: %d, want %d (%.200s)", c.who, code, c.want, body)
		}
		if has := strings.Contains(body, "netguard_build_info{"); has != (c.want == 200) {
			t.Errorf("%s: netguard metrics in the answer = %v", c.who, has)
		}
	}
}

func ptr[T any](v T) *T { return &v }
