package webhook

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/rest"

	"github.com/netguard/netguard/rules"
)

// TestMetricsExportBuildInfoAndServedCertificateExpiry: netguard_build_info
// carries the version given at build time, and the expiry gauge is the
// NotAfter of the certificate served right now, also after a rotation.
func TestMetricsExportBuildInfoAndServedCertificateExpiry(t *testing.T) {
	r := startServer(t, func(o *Options, _ *Server) { o.Version = "v9.8.7-test" })
	r.waitReady(t)
	m := scrape(t, r.metrics)
	if !strings.Contains(m, `netguard_build_info{goversion="go`) || !strings.Contains(m, `version="v9.8.7-test"} 1`) {
		t.Errorf("netguard_build_info missing or without the version:\n%s", grepLines(m, "netguard_build_info"))
	}
	notAfter := func() int64 {
		c, _ := r.srv.certs.GetCertificate(nil)
		leaf, err := parseLeaf(c)
		if err != nil {
			t.Fatal(err)
		}
		return leaf.NotAfter.Unix()
	}
	got := func() string {
		return metricValue(scrape(t, r.metrics), "netguard_serving_certificate_expiry_timestamp_seconds")
	}
	first := notAfter()
	if v := got(); v != strconv.FormatInt(first, 10) && v != strconv.FormatFloat(float64(first), 'e', -1, 64) {
		t.Errorf("expiry gauge %s, want %d", v, first)
	}
	time.Sleep(1100 * time.Millisecond) // NotAfter has second precision
	r.rotate(t, 3)
	waitFor(t, "the rotated certificate's expiry", func() bool {
		v, _ := strconv.ParseFloat(got(), 64)
		return int64(v) > first
	}, got)
}

// TestSecureMetricsNeedTheAPIServer: --offline cannot authenticate a
// scraper, so secure metrics with --offline are refused at start.
func TestSecureMetricsNeedTheAPIServer(t *testing.T) {
	_, err := NewServer(Options{CertDir: t.TempDir(), Checkers: testCheckers(), Offline: true, MetricsSecure: true})
	if err == nil || !strings.Contains(err.Error(), "--metrics-secure=false") {
		t.Fatalf("err = %v, want the --metrics-secure=false hint", err)
	}
}

// TestSecureMetricsAuthenticateAndAuthorizeWithTheAPIServer: with
// MetricsSecure the endpoint is HTTPS; no token or an unknown one gets 401, a token the API
// server maps to a user without get on /metrics gets 403, the scraper's
// token gets 200. The (fake) API server sees TokenReviews and a
// SubjectAccessReview for GET /metrics.
func TestSecureMetricsAuthenticateAndAuthorizeWithTheAPIServer(t *testing.T) {
	api := newFakeAPIServer(t)
	var sars []authorizationv1.SubjectAccessReviewSpec
	api.post = func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(req.URL.Path, "/tokenreviews"):
			var tr authenticationv1.TokenReview
			_ = json.Unmarshal(b, &tr)
			users := map[string]string{"scraper-token": "system:serviceaccount:monitoring:prometheus", "other-token": "system:serviceaccount:default:nosy"}
			if u, ok := users[tr.Spec.Token]; ok {
				tr.Status = authenticationv1.TokenReviewStatus{Authenticated: true, User: authenticationv1.UserInfo{Username: u}}
			}
			_ = json.NewEncoder(w).Encode(tr)
		case strings.HasSuffix(req.URL.Path, "/subjectaccessreviews"):
			var sar authorizationv1.SubjectAccessReview
			_ = json.Unmarshal(b, &sar)
			api.mu.Lock()
			sars = append(sars, sar.Spec)
			api.mu.Unlock()
			ok := sar.Spec.User == "system:serviceaccount:monitoring:prometheus" && sar.Spec.NonResourceAttributes != nil &&
				sar.Spec.NonResourceAttributes.Path == "/metrics" && sar.Spec.NonResourceAttributes.Verb == "get"
			sar.Status = authorizationv1.SubjectAccessReviewStatus{Allowed: ok}
			_ = json.NewEncoder(w).Encode(sar)
		default:
			http.NotFound(w, req)
		}
	}
	r := startServer(t, func(o *Options, _ *Server) {
		o.Offline = false
		o.RestConfig = &rest.Config{Host: api.srv.URL, Timeout: 5 * time.Second}
		o.MetricsSecure = true
		o.SyncTimeout = 5 * time.Second
	})
	r.waitReady(t)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: r.ca.pool, MinVersion: tls.VersionTLS12}}}
	scrapeAs := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "https://"+r.metrics+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("scrape: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("http://" + r.metrics + "/metrics"); code == 200 {
		t.Errorf("plain HTTP scrape answered 200 on the secure endpoint")
	}
	for _, c := range []struct {
		token string
		want  int
	}{
		{"", 401},
		// An unknown token: the bearer-token authenticator reports
		// "invalid bearer token" as an error; still 401 (metricsAuthFilter),
		// not the 500 of controller-runtime's filter.
		{"bad-token", 401},
		{"other-token", 403},
		{"scraper-token", 200},
	} {
		code, body := scrapeAs(c.token)
		if code != c.want {
			t.Errorf("token %q: %d, want %d (%s)", c.token, code, c.want, strings.TrimSpace(body))
		}
		if has := strings.Contains(body, "netguard_build_info"); has != (c.want == 200) {
			t.Errorf("token %q: metrics in the body = %v", c.token, has)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(sars) == 0 {
		t.Errorf("no SubjectAccessReview reached the API server")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func testCheckers() []rules.Checker { return []rules.Checker{fakeCM{}, fakeSvc{}} }

// rotate writes a new key pair (key first, as TestCertificateRotation...)
// and waits until the watcher serves it.
func (r *running) rotate(t *testing.T, serial int64) {
	t.Helper()
	c, k := r.ca.issue(t, serial)
	writeAtomic(t, filepath.Join(r.dir, "tls.key"), k)
	writeAtomic(t, filepath.Join(r.dir, "tls.crt"), c)
	waitFor(t, "the rotated certificate loaded", func() bool {
		leaf, err := parseLeaf(func() *tls.Certificate { c, _ := r.srv.certs.GetCertificate(nil); return c }())
		return err == nil && leaf.SerialNumber.Int64() == serial
	})
}

// TestSkipCategoryBoundsTheLabel: every skip reason the admission code and
// the engine produce maps to its category; unknown text to "other", so the
// label never carries free text (object names, errors).
func TestSkipCategoryBoundsTheLabel(t *testing.T) {
	for reason, want := range map[string]string{
		"internal error: runtime error: index out of range": "internal-error",
		"not targeted":                           "not-targeted",
		"operation DELETE is not judged":         "operation",
		"subresource status is not judged":       "subresource",
		"kind apps/v1/Deployment is not judged":  "kind",
		"object could not be decoded: bad json":  "undecodable",
		"no engine configured":                   "no-engine",
		"deletions are never judged":             "deletion",
		"object is being deleted":                "deletion",
		"update changes only metadata or status": "metadata-only",
		"kube-system/secret-name something new":  "other",
	} {
		if got := SkipCategory(reason); got != want {
			t.Errorf("SkipCategory(%q) = %q, want %q", reason, got, want)
		}
	}
	r := startServer(t)
	r.waitReady(t)
	series := `netguard_skips_total{reason="operation",webhook="validate"}`
	before, _ := strconv.ParseFloat(metricValue(scrape(t, r.metrics), series), 64)
	r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Delete, flannelCM(nil), nil)))
	after, _ := strconv.ParseFloat(metricValue(scrape(t, r.metrics), series), 64)
	if after != before+1 {
		t.Errorf("%s went from %v to %v, want +1", series, before, after)
	}
}
