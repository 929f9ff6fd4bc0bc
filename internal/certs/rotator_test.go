package certs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
)

const (
	ns      = "netguard-system"
	secret  = "netguard-certs"
	cfgName = "netguard"
)

func webhookConfigs() (*admissionregistrationv1.ValidatingWebhookConfiguration, *admissionregistrationv1.MutatingWebhookConfiguration) {
	v := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: cfgName},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "configmaps.validate.netguard.io"}, {Name: "services.validate.netguard.io"}}}
	m := &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: cfgName},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "configmaps.mutate.netguard.io"}, {Name: "services.mutate.netguard.io"}}}
	return v, m
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newRotator(t *testing.T, c kubernetes.Interface, clk *clock, dir string) *Rotator {
	t.Helper()
	r, err := New(Options{
		Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: dir,
		ValidatingWebhookConfiguration: cfgName, MutatingWebhookConfiguration: cfgName,
		CAValidity: 90 * time.Minute, CertValidity: 30 * time.Minute, Grace: time.Minute,
		Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// bundles returns the caBundle of every webhook of both configurations.
func bundles(t *testing.T, c kubernetes.Interface) [][]byte {
	t.Helper()
	v, err := c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(context.Background(), cfgName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(context.Background(), cfgName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, w := range v.Webhooks {
		out = append(out, w.ClientConfig.CABundle)
	}
	for _, w := range m.Webhooks {
		out = append(out, w.ClientConfig.CABundle)
	}
	return out
}

func readSecret(t *testing.T, c kubernetes.Interface) *corev1.Secret {
	t.Helper()
	s, err := c.CoreV1().Secrets(ns).Get(context.Background(), secret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBootstrapCreatesTheSecretWritesTheFilesAndInjectsBothConfigurations(t *testing.T) {
	v, m := webhookConfigs()
	c := fake.NewClientset(v, m)
	clk := &clock{now: t0}
	dir := t.TempDir()
	reg := prometheus.NewRegistry()
	r, err := New(Options{Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: dir,
		ValidatingWebhookConfiguration: cfgName, MutatingWebhookConfiguration: cfgName, Now: clk.Now, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := readSecret(t, c)
	if s.Type != corev1.SecretTypeTLS {
		t.Errorf("Secret type %q", s.Type)
	}
	for _, f := range []struct{ file, key string }{{"tls.crt", KeyCert}, {"tls.key", KeyKey}, {"ca.crt", KeyBundle}} {
		b, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, s.Data[f.key]) {
			t.Errorf("%s differs from the Secret's %s", f.file, f.key)
		}
	}
	for i, b := range bundles(t, c) {
		if !bytes.Equal(b, s.Data[KeyBundle]) {
			t.Errorf("webhook %d: caBundle is not the Secret's bundle", i)
		}
	}
	if err := verifies(FromData(s.Data, s.Annotations), s.Data[KeyBundle], t0, testHosts[0]); err != nil {
		t.Error(err)
	}
	var g dto.Metric
	if err := r.certExpiry.Write(&g); err != nil {
		t.Fatal(err)
	}
	if got := g.GetGauge().GetValue(); got != float64(t0.Add(90*24*time.Hour).Unix()) {
		t.Errorf("certificate expiry gauge %v", got)
	}

	// A second replica uses the same Secret: same certificate, no new CA.
	dir2 := t.TempDir()
	r2 := newRotator(t, c, clk, dir2)
	if err := r2.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "tls.crt"))
	b, _ := os.ReadFile(filepath.Join(dir2, "tls.crt"))
	if !bytes.Equal(a, b) {
		t.Error("the second replica serves a different certificate")
	}
}

func TestMissingWebhookConfigurationsDoNotStopTheCertificate(t *testing.T) {
	c := fake.NewClientset()
	r := newRotator(t, c, &clock{now: t0}, t.TempDir())
	if err := r.Sync(context.Background()); err != nil {
		t.Fatalf("sync without webhook configurations: %v", err)
	}
	if r.CurrentCA() == nil {
		t.Fatal("no certificate written")
	}
}

func TestRotationUpdatesBothConfigurationsBeforeTheServingCertificate(t *testing.T) {
	v, m := webhookConfigs()
	c := fake.NewClientset(v, m)
	clk := &clock{now: t0}
	dir := t.TempDir()
	r := newRotator(t, c, clk, dir)
	ctx := context.Background()
	if err := r.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	firstCA := readSecret(t, c).Data[KeyCACert]
	served := func() []byte { b, _ := os.ReadFile(filepath.Join(dir, "tls.crt")); return b }

	// Run the loop's rounds every 10 s of fake time for 80 minutes (past 2/3
	// of the 90-minute CA); at every round each served certificate must
	// verify against every caBundle the API server has.
	var sawTwo, switched bool
	for i := 0; i < 480; i++ {
		clk.Add(10 * time.Second)
		before := served()
		if err := r.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		for _, cert := range [][]byte{before, served()} {
			for _, b := range bundles(t, c) {
				if err := verifies(&Material{CertPEM: cert}, b, clk.Now(), testHosts[0]); err != nil {
					t.Fatalf("at +%s: %v", clk.Now().Sub(t0), err)
				}
			}
		}
		s := readSecret(t, c)
		if len(parseCerts(s.Data[KeyBundle])) == 2 {
			sawTwo = true
		}
		if !bytes.Equal(s.Data[KeyCACert], firstCA) && verifies(&Material{CertPEM: served()}, s.Data[KeyCACert], clk.Now(), testHosts[0]) == nil {
			switched = true
		}
	}
	if !sawTwo || !switched {
		t.Errorf("CA rotation not observed: two CAs published %v, serving from the new CA %v", sawTwo, switched)
	}
	if n := len(parseCerts(bundles(t, c)[0])); n != 1 {
		t.Errorf("after the rotation settled the bundle holds %d CAs, want 1", n)
	}
}

func TestConcurrentReplicasAgreeOnOneSecret(t *testing.T) {
	v, m := webhookConfigs()
	c := fake.NewClientset(v, m)
	clk := &clock{now: t0}
	var wg sync.WaitGroup
	rs := make([]*Rotator, 4)
	for i := range rs {
		rs[i] = newRotator(t, c, clk, t.TempDir())
	}
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Bootstrap(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, r := range rs {
		if err := r.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := readSecret(t, c).Data[KeyCert]
	for i, r := range rs {
		b, _ := os.ReadFile(filepath.Join(r.opts.CertDir, "tls.crt"))
		if !bytes.Equal(b, want) {
			t.Errorf("replica %d serves a certificate that is not the Secret's", i)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	c := fake.NewClientset()
	for name, o := range map[string]Options{
		"no client":            {Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: "x"},
		"no secret":            {Client: c, Namespace: ns, Hosts: testHosts, CertDir: "x"},
		"no hosts":             {Client: c, Namespace: ns, SecretName: secret, CertDir: "x"},
		"no dir":               {Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts},
		"cert outlives CA":     {Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: "x", CAValidity: time.Hour, CertValidity: 2 * time.Hour},
		"grace too long":       {Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: "x", CAValidity: time.Hour, CertValidity: time.Hour, Grace: time.Hour},
		"negative sync period": {Client: c, Namespace: ns, SecretName: secret, Hosts: testHosts, CertDir: "x", SyncInterval: -1},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestServiceHostsCoverTheNameTheAPIServerDials(t *testing.T) {
	h := ServiceHosts("netguard", "netguard-system")
	if h[0] != "netguard.netguard-system.svc" {
		t.Errorf("first host %q, want the <svc>.<ns>.svc name the API server uses", h[0])
	}
}
