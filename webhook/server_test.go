package webhook

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "netguard-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue returns PEM cert and key for 127.0.0.1 with the given serial.
func (ca *testCA) issue(t *testing.T, serial int64) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "netguard.netguard-system.svc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"netguard.netguard-system.svc"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// writeAtomic writes via a temporary file and rename, as a mounted Secret
// update does.
func writeAtomic(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type running struct {
	srv     *Server
	ca      *testCA
	dir     string
	base    string // https://127.0.0.1:port
	health  string
	metrics string
	client  *http.Client
	cancel  context.CancelFunc
	done    chan error
}

type srvOpt func(*Options, *Server)

func startServer(t *testing.T, opts ...srvOpt) *running {
	t.Helper()
	ca := newCA(t)
	dir := t.TempDir()
	c, k := ca.issue(t, 2)
	writeAtomic(t, filepath.Join(dir, "tls.crt"), c)
	writeAtomic(t, filepath.Join(dir, "tls.key"), k)
	o := Options{
		Host: "127.0.0.1", Port: freePort(t), CertDir: dir,
		CertWatchInterval:      50 * time.Millisecond,
		MetricsBindAddress:     "127.0.0.1:0",
		HealthProbeBindAddress: "127.0.0.1:0",
		ConfigPollInterval:     20 * time.Millisecond,
		Checkers:               []rules.Checker{fakeCM{}, fakeSvc{}},
		Ratcheting:             true,
		InfoWarnings:           true,
		Offline:                true,
	}
	for _, f := range opts {
		f(&o, nil)
	}
	srv, err := NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range opts {
		f(&o, srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{srv: srv, ca: ca, dir: dir, base: fmt.Sprintf("https://127.0.0.1:%d", o.Port), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- srv.Start(ctx) }()
	actx, acancel := context.WithTimeout(ctx, 10*time.Second)
	defer acancel()
	r.health, r.metrics = srv.addresses(actx)
	r.client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: ca.pool, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}}
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return r
}

// waitFor polls cond every 10ms for at most 10s.
func waitFor(t *testing.T, what string, cond func() bool, detail ...func() string) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, d := range detail {
		t.Log(d())
	}
	t.Fatalf("timed out waiting for %s", what)
}

func get(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitStopped waits up to limit for Start to return, fails the test with
// what when it does not, and leaves a nil on done for Cleanup.
func (r *running) waitStopped(t *testing.T, limit time.Duration, what string) {
	t.Helper()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Start: %v", err)
		}
		r.done <- nil
	case <-time.After(limit):
		t.Fatal(what)
	}
}

func (r *running) waitReady(t *testing.T) {
	t.Helper()
	var last string
	for i := 0; i < 1000; i++ {
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("server stopped: %v", err)
		default:
		}
		c, b := get("http://" + r.health + "/readyz?verbose")
		if c == 200 {
			return
		}
		last = b
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("not ready after 10s: %s", last)
}

func (r *running) post(t *testing.T, path string, body []byte) (int, *admissionv1.AdmissionReview, string) {
	t.Helper()
	resp, err := r.client.Post(r.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil, string(b)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(b, &ar); err != nil {
		t.Fatalf("response %s: %v", b, err)
	}
	return 200, &ar, string(b)
}

func reviewBody(t testing.TB, req *admissionv1.AdmissionRequest) []byte {
	b, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: req})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestServerOverTLS(t *testing.T) {
	r := startServer(t)
	r.waitReady(t)

	t.Run("CREATE denied", func(t *testing.T) {
		code, ar, _ := r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom", "warn": "x"}), nil)))
		if code != 200 || ar.APIVersion != "admission.k8s.io/v1" || ar.Kind != "AdmissionReview" {
			t.Fatalf("code %d review %+v", code, ar)
		}
		got := ar.Response
		want := &admissionv1.AdmissionResponse{
			UID: "uid-1", Allowed: false,
			Result: &metav1.Status{Status: "Failure", Code: 422, Reason: metav1.StatusReasonInvalid,
				Message: "netguard denied ConfigMap kube-system/kube-flannel-cfg: 1 problem the component would not survive:\n" +
					"1. [WT001] key deny, line 1, col 1 (value): flanneld would crash at start-up with: bad value boom\n   Fix: set deny to something else",
				Details: &metav1.StatusDetails{Name: "kube-flannel-cfg", Kind: "ConfigMap", Causes: []metav1.StatusCause{{Type: "FieldValueInvalid", Message: "[WT001] line 1, col 1 (value): flanneld would crash at start-up with: bad value boom Fix: set deny to something else", Field: "data[deny]"}}}},
			// no restart advice (WT090) on a denial
			Warnings:         []string{"WT003 ConfigMap kube-system/kube-flannel-cfg key warn (value): flanneld ignores x Fix: remove it"},
			AuditAnnotations: map[string]string{"decision": "denied", "rules": "WT001,WT003,WT090", "denied-rules": "WT001"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
	})

	t.Run("UPDATE ratcheted", func(t *testing.T) {
		old := flannelCM(map[string]string{"deny": "boom"})
		cm := flannelCM(map[string]string{"deny": "boom"})
		cm.Data["other"] = "edit"
		_, ar, _ := r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Update, cm, old)))
		want := &admissionv1.AdmissionResponse{
			UID: "uid-1", Allowed: true,
			Warnings: []string{
				"WT001 (pre-existing, not introduced by this edit) ConfigMap kube-system/kube-flannel-cfg key deny, line 1, col 1 (value): flanneld would crash at start-up with: bad value boom Fix: set deny to something else",
				"WT090 ConfigMap kube-system/kube-flannel-cfg key restart: flannel does not re-read its configuration Fix: kubectl -n kube-system delete pod -l app=flannel",
			},
			AuditAnnotations: map[string]string{"decision": "allowed", "rules": "WT090", "ratcheted-rules": "WT001"},
		}
		if !reflect.DeepEqual(ar.Response, want) {
			t.Errorf("got  %+v\nwant %+v", ar.Response, want)
		}
	})

	t.Run("UPDATE introducing a problem", func(t *testing.T) {
		old := flannelCM(map[string]string{"ok": "1"})
		cm := flannelCM(map[string]string{"ok": "1", "deny2": "udp"})
		_, ar, _ := r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Update, cm, old)))
		if ar.Response.Allowed || ar.Response.AuditAnnotations["denied-rules"] != "WT002" {
			t.Errorf("got %+v", ar.Response)
		}
	})

	t.Run("dryRun", func(t *testing.T) {
		wet := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom"}), nil))
		dry := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom"}), nil, dryRun))
		_, a, _ := r.post(t, ValidatePath, wet)
		_, b, _ := r.post(t, ValidatePath, dry)
		if !reflect.DeepEqual(a, b) || b.Response.Allowed {
			t.Errorf("dry run answered differently:\n%+v\n%+v", a.Response, b.Response)
		}
	})

	t.Run("not targeted", func(t *testing.T) {
		cm := flannelCM(map[string]string{"deny": "boom"})
		cm.Name = "cluster-autoscaler-status"
		for _, p := range []string{ValidatePath, MutatePath} {
			_, ar, _ := r.post(t, p, reviewBody(t, request(t, admissionv1.Update, cm, cm)))
			want := &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, AuditAnnotations: map[string]string{"decision": "skipped", "skip-reason": "not targeted"}}
			if !reflect.DeepEqual(ar.Response, want) {
				t.Errorf("%s: got %+v", p, ar.Response)
			}
		}
	})

	t.Run("malformed", func(t *testing.T) {
		code, _, body := r.post(t, ValidatePath, []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":`))
		if code != 400 || body != "netguard: malformed AdmissionReview: unexpected end of JSON input\n" {
			t.Errorf("got %d %q", code, body)
		}
	})

	t.Run("mutate", func(t *testing.T) {
		req := request(t, admissionv1.Create, flannelCM(map[string]string{"fix": "old"}), nil)
		_, ar, _ := r.post(t, MutatePath, reviewBody(t, req))
		pt := admissionv1.PatchTypeJSONPatch
		want := &admissionv1.AdmissionResponse{
			UID: "uid-1", Allowed: true, PatchType: &pt,
			Patch:            []byte(`[{"op":"replace","path":"/data/fix","value":"new"}]`),
			Warnings:         []string{`WT101 ConfigMap kube-system/kube-flannel-cfg: netguard set fix: value to "new" (was "old"): fix must be new`},
			AuditAnnotations: map[string]string{"decision": "mutated", "rules": "WT101", "changes": `WT101 fix:value="new"`},
		}
		if !reflect.DeepEqual(ar.Response, want) {
			t.Fatalf("got  %+v\nwant %+v", ar.Response, want)
		}
		once := applyPatch(t, req.Object.Raw, ar.Response.Patch)
		if twice := applyPatch(t, once, ar.Response.Patch); !bytes.Equal(once, twice) {
			t.Errorf("re-applied patch changed the object")
		}
		// The reinvoked hook and the validating hook see the patched object.
		req2 := request(t, admissionv1.Create, flannelCM(nil), nil)
		req2.Object.Raw = once
		_, again, _ := r.post(t, MutatePath, reviewBody(t, req2))
		if again.Response.Patch != nil || again.Response.AuditAnnotations["decision"] != "allowed" {
			t.Errorf("reinvocation: %+v", again.Response)
		}
		_, val, _ := r.post(t, ValidatePath, reviewBody(t, req2))
		if !val.Response.Allowed {
			t.Errorf("validation of the mutated object: %+v", val.Response)
		}
	})

	t.Run("TLS below 1.2 and weak suites refused", func(t *testing.T) {
		addr := strings.TrimPrefix(r.base, "https://")
		for name, cfg := range map[string]*tls.Config{
			"TLS 1.1":      {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS11},
			"CBC-SHA only": {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}},
		} {
			if c, err := tls.Dial("tcp", addr, cfg); err == nil {
				c.Close()
				t.Errorf("%s: handshake succeeded", name)
			}
		}
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12})
		if err != nil {
			t.Fatalf("TLS 1.2: %v", err)
		}
		c.Close()
	})
}

func TestCertificateRotationWithoutFailedRequests(t *testing.T) {
	r := startServer(t)
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil))

	var served sync.Map // serial -> true
	var failures, requests atomic.Int64
	var failMsg atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := r.client.Post(r.base+ValidatePath, "application/json", bytes.NewReader(body))
				requests.Add(1)
				if err != nil {
					failures.Add(1)
					failMsg.Store(err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failures.Add(1)
					failMsg.Store(resp.Status)
					continue
				}
				served.Store(resp.TLS.PeerCertificates[0].SerialNumber.Int64(), true)
			}
		}()
	}
	waitFor(t, "requests with the first certificate", func() bool { _, ok := served.Load(int64(2)); return ok })
	c, k := r.ca.issue(t, 3)
	// Key first, then certificate: in between the pair does not match and
	// the watcher keeps serving the old one.
	writeAtomic(t, filepath.Join(r.dir, "tls.key"), k)
	writeAtomic(t, filepath.Join(r.dir, "tls.crt"), c)
	waitFor(t, "the rotated certificate to be served", func() bool { _, ok := served.Load(int64(3)); return ok })
	close(stop)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed during rotation, e.g. %v", n, requests.Load(), failMsg.Load())
	}
	t.Logf("%d requests, none failed, certificate rotated from serial 2 to 3", requests.Load())
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	code, body := get("http://" + addr + "/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d %s", code, body)
	}
	return body
}

func metricValue(body, series string) string {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, series+" ") {
			return strings.TrimPrefix(line, series+" ")
		}
	}
	return ""
}

func TestMetricsEndpoint(t *testing.T) {
	r := startServer(t)
	r.waitReady(t)
	before := scrape(t, r.metrics)
	r.post(t, ValidatePath, reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "metrics"}), nil)))
	r.post(t, MutatePath, reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"fix": "old"}), nil)))
	after := scrape(t, r.metrics)
	for _, series := range []string{
		`netguard_decisions_total{decision="denied",webhook="validate"}`,
		`netguard_decisions_total{decision="mutated",webhook="mutate"}`,
		`netguard_findings_total{component="flannel",rule="WT001",severity="deny"}`,
		`netguard_findings_total{component="flannel",rule="WT101",severity="info"}`,
		`controller_runtime_webhook_requests_total{code="200",webhook="/validate"}`,
		`controller_runtime_webhook_requests_total{code="200",webhook="/mutate"}`,
	} {
		var b, a float64
		fmt.Sscan(metricValue(before, series), &b)
		if _, err := fmt.Sscan(metricValue(after, series), &a); err != nil {
			t.Errorf("%s missing from /metrics", series)
			continue
		}
		if a != b+1 {
			t.Errorf("%s went from %v to %v, want +1", series, b, a)
		}
	}
	if !strings.Contains(after, "controller_runtime_webhook_latency_seconds_bucket{webhook=\"/validate\"") {
		t.Errorf("controller-runtime webhook latency histogram missing")
	}
}

type fakeSource struct{ synced atomic.Bool }

func (f *fakeSource) Start(ctx context.Context) error { <-ctx.Done(); return nil }
func (f *fakeSource) Synced() bool                    { return f.synced.Load() }
func (f *fakeSource) Facts() *Facts                   { return nil }
func (f *fakeSource) ConfigChanged(*rules.Config)     {}
func (f *fakeSource) Sources() []SourceStatus         { return nil }

func TestReadinessWaitsForTheClusterContext(t *testing.T) {
	src := &fakeSource{}
	r := startServer(t, func(o *Options, s *Server) {
		if s != nil {
			s.cluster = src
		}
	})
	waitFor(t, "webhook started", func() bool {
		c, b := get("http://" + r.health + "/readyz?verbose")
		return c == 500 && strings.Contains(b, "[+]webhook ok")
	})
	code, body := get("http://" + r.health + "/readyz?verbose")
	if code != 500 || !strings.Contains(body, "[-]cluster failed") || !strings.Contains(body, "[+]certificate ok") {
		t.Errorf("unsynced: %d %s", code, body)
	}
	if code, _ := get("http://" + r.health + "/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
	src.synced.Store(true)
	r.waitReady(t)
	if code, body := get("http://" + r.health + "/readyz/certificate"); code != 200 || body != "ok" {
		t.Errorf("readyz/certificate: %d %q", code, body)
	}
}

func TestConfigReloadKeepsLastGoodConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "netguard.yaml")
	writeAtomic(t, file, []byte("rules:\n  WT003: deny\n"))
	r := startServer(t, func(o *Options, _ *Server) { o.ConfigFile = file })
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil))
	if _, ar, _ := r.post(t, ValidatePath, body); ar.Response.Allowed {
		t.Fatalf("override WT003: deny not applied: %+v", ar.Response)
	}
	writeAtomic(t, file, []byte("rules:\n  WT003: \"off\"\n"))
	waitFor(t, "reload", func() bool { _, ar, _ := r.post(t, ValidatePath, body); return ar.Response.Allowed })
	_, ar, _ := r.post(t, ValidatePath, body)
	if ar.Response.AuditAnnotations["rules"] != "WT090" {
		t.Errorf("WT003 off: %+v", ar.Response)
	}
	// A bad file keeps the last good configuration and flips the gauge.
	writeAtomic(t, file, []byte("rules:\n  WT003: loud\n"))
	waitFor(t, "failed reload metric", func() bool {
		return metricValue(scrape(t, r.metrics), "netguard_config_last_reload_successful") == "0"
	})
	if _, ar, _ := r.post(t, ValidatePath, body); !ar.Response.Allowed || ar.Response.AuditAnnotations["rules"] != "WT090" {
		t.Errorf("bad file changed the configuration: %+v", ar.Response)
	}
	if got := r.srv.config.Load().Rules["WT003"]; got != rules.Off {
		t.Errorf("config WT003 = %q", got)
	}
}

func TestGracefulShutdownFinishesInFlightReviews(t *testing.T) {
	blockEntered, blockRelease = make(chan struct{}, 1), make(chan struct{})
	defer func() { blockEntered, blockRelease = nil, nil }()
	r := startServer(t)
	r.waitReady(t)
	type result struct {
		code int
		ar   *admissionv1.AdmissionReview
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := r.client.Post(r.base+ValidatePath, "application/json", bytes.NewReader(reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"block": "", "deny": "late"}), nil))))
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var ar admissionv1.AdmissionReview
		err = json.NewDecoder(resp.Body).Decode(&ar)
		res <- result{resp.StatusCode, &ar, err}
	}()
	select {
	case <-blockEntered:
	case <-time.After(10 * time.Second):
		t.Fatal("review never reached the checker")
	}
	r.cancel() // as on SIGTERM
	addr := strings.TrimPrefix(r.base, "https://")
	waitFor(t, "listener closed", func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return false
		}
		return true
	})
	select {
	case err := <-r.done:
		t.Fatalf("Start returned (%v) before the review in flight finished", err)
	default:
	}
	close(blockRelease)
	got := <-res
	if got.err != nil || got.code != 200 || got.ar.Response.Allowed {
		t.Fatalf("in-flight review: %+v", got)
	}
	r.waitStopped(t, 10*time.Second, "Start did not return after the last review")
}

var _ = corev1.ConfigMap{}
