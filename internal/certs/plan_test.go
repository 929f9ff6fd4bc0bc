package certs

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"
)

var testHosts = []string{"netguard.netguard-system.svc", "netguard", "127.0.0.1"}

func testPolicy() Policy {
	return Policy{Hosts: testHosts, CAValidity: 365 * 24 * time.Hour, CertValidity: 90 * 24 * time.Hour, Grace: time.Minute}
}

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func mustPlan(t *testing.T, in *Material, now time.Time, p Policy, injected bool) (*Material, []string) {
	t.Helper()
	out, reasons, err := Plan(in, now, p, injected)
	if err != nil {
		t.Fatal(err)
	}
	return out, reasons
}

// verifies checks that the serving certificate chains to the bundle for the
// first host at time now, as the API server checks it.
func verifies(m *Material, bundlePEM []byte, now time.Time, host string) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(bundlePEM)
	certs := parseCerts(m.CertPEM)
	if len(certs) == 0 {
		return errNoCert
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: host, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	return err
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoCert = errString("no certificate")

func TestPlanBootstrapsACAAndAServingCertificate(t *testing.T) {
	m, reasons := mustPlan(t, &Material{}, t0, testPolicy(), false)
	if len(reasons) == 0 {
		t.Fatal("an empty Secret must be filled")
	}
	ca := parseCerts(m.CACertPEM)[0]
	if !ca.IsCA || ca.NotAfter.Sub(t0) != 365*24*time.Hour {
		t.Errorf("CA: IsCA %v, lifetime from now %s; want a 1-year CA", ca.IsCA, ca.NotAfter.Sub(t0))
	}
	cert := parseCerts(m.CertPEM)[0]
	if cert.NotAfter.Sub(t0) != 90*24*time.Hour {
		t.Errorf("serving certificate lifetime %s, want 90 days", cert.NotAfter.Sub(t0))
	}
	if cert.IsCA {
		t.Error("the serving certificate must not be a CA")
	}
	for _, h := range testHosts {
		if err := verifies(m, m.BundlePEM, t0, h); err != nil {
			t.Errorf("host %s: %v", h, err)
		}
	}
	if n := len(parseCerts(m.BundlePEM)); n != 1 {
		t.Errorf("bundle holds %d CAs, want 1", n)
	}
	if !m.CARotatedAt.Equal(t0) || !m.CertIssuedAt.Equal(t0) {
		t.Errorf("times %v %v, want %v", m.CARotatedAt, m.CertIssuedAt, t0)
	}
	// Round trip through the Secret's data and annotations.
	back := FromData(m.Data(), m.Annotations())
	if !back.Equal(m) {
		t.Error("Material does not survive Data/Annotations")
	}
	if _, reasons := mustPlan(t, back, t0.Add(time.Hour), testPolicy(), true); reasons != nil {
		t.Errorf("a fresh Secret must be left alone, got %v", reasons)
	}
}

func TestPlanRenewsTheServingCertificateAtTwoThirdsWithTheSameCA(t *testing.T) {
	m, _ := mustPlan(t, &Material{}, t0, testPolicy(), true)
	if _, reasons := mustPlan(t, m, t0.Add(59*24*time.Hour), testPolicy(), true); reasons != nil {
		t.Fatalf("renewed before 2/3 of 90 days: %v", reasons)
	}
	// Renewal does not depend on the CA being published: the CA is the same.
	for _, injected := range []bool{true, false} {
		now := t0.Add(61 * 24 * time.Hour)
		out, reasons := mustPlan(t, m, now, testPolicy(), injected)
		if len(reasons) == 0 || !strings.Contains(strings.Join(reasons, ";"), "2/3") {
			t.Fatalf("injected=%v: no renewal at 61 days: %v", injected, reasons)
		}
		if string(out.CACertPEM) != string(m.CACertPEM) || string(out.BundlePEM) != string(m.BundlePEM) {
			t.Error("renewing the serving certificate must keep the CA and the bundle")
		}
		if string(out.CertPEM) == string(m.CertPEM) {
			t.Error("the serving certificate was not replaced")
		}
		if err := verifies(out, m.BundlePEM, now, testHosts[0]); err != nil {
			t.Error(err)
		}
	}
}

func TestPlanRotatesTheCAWithoutAMomentOfDistrust(t *testing.T) {
	// Short lifetimes, time advancing in steps. The API server learns a new
	// bundle one step late (injection), and replicas load a new serving
	// certificate one step late (Secret poll + certwatcher): at every step
	// both the old and the new serving certificate must verify against both
	// the old and the new bundle.
	p := Policy{Hosts: testHosts, CAValidity: 90 * time.Minute, CertValidity: 30 * time.Minute, Grace: time.Minute}
	step := 20 * time.Second
	m, _ := mustPlan(t, &Material{}, t0, p, false)
	published := m.BundlePEM // what the API server trusts
	cas := map[string]bool{string(m.CACertPEM): true}
	certs := map[string]bool{string(m.CertPEM): true}
	maxBundle := 1
	for now := t0.Add(step); now.Before(t0.Add(5 * time.Hour)); now = now.Add(step) {
		injected := Contains(published, m.CACertPEM)
		out, _ := mustPlan(t, m, now, p, injected)
		for _, served := range []*Material{m, out} {
			for _, trusted := range [][]byte{published, out.BundlePEM} {
				if err := verifies(served, trusted, now, testHosts[0]); err != nil {
					t.Fatalf("at +%s: a served certificate does not verify: %v", now.Sub(t0), err)
				}
			}
		}
		maxBundle = max(maxBundle, len(parseCerts(out.BundlePEM)))
		cas[string(out.CACertPEM)] = true
		certs[string(out.CertPEM)] = true
		published = m.BundlePEM // injected one step late
		m = out
	}
	if len(cas) < 4 {
		t.Errorf("%d CAs in 5 hours of a 90-minute CA, want at least 4 (rotation at 2/3)", len(cas))
	}
	if len(certs) < 12 {
		t.Errorf("%d serving certificates in 5 hours of 30-minute certificates, want at least 12", len(certs))
	}
	if maxBundle != 2 {
		t.Errorf("largest bundle %d CAs, want 2 (old and new during a rotation)", maxBundle)
	}
}

func TestPlanWaitsForTheNewCABeforeSwitchingTheServingCertificate(t *testing.T) {
	p := testPolicy()
	m, _ := mustPlan(t, &Material{}, t0, p, true)
	rot := t0.Add(243*24*time.Hour + 12*time.Hour) // just past 2/3 of a year
	// The serving certificate must be fresh at that point; renew it first.
	m, _ = mustPlan(t, m, t0.Add(240*24*time.Hour), p, true)
	oldCA := m.CACertPEM
	m2, reasons := mustPlan(t, m, rot, p, true)
	if string(m2.CACertPEM) == string(oldCA) {
		t.Fatalf("CA not rotated at 2/3 of its lifetime: %v", reasons)
	}
	if string(m2.CertPEM) != string(m.CertPEM) {
		t.Error("the serving certificate switched to the new CA before the API server trusts it")
	}
	if !Contains(m2.BundlePEM, oldCA) || !Contains(m2.BundlePEM, m2.CACertPEM) {
		t.Error("during a rotation the bundle must hold the old and the new CA")
	}
	// Published but within the grace period: wait.
	if m3, _ := mustPlan(t, m2, rot.Add(30*time.Second), p, true); string(m3.CertPEM) != string(m.CertPEM) {
		t.Error("switched within the grace period")
	}
	// Grace over but not injected: wait.
	if m3, _ := mustPlan(t, m2, rot.Add(2*time.Minute), p, false); string(m3.CertPEM) != string(m.CertPEM) {
		t.Error("switched before the new CA was in both webhook configurations")
	}
	// Grace over and injected: switch, keep both CAs for another grace.
	m3, _ := mustPlan(t, m2, rot.Add(2*time.Minute), p, true)
	if string(m3.CertPEM) == string(m.CertPEM) || verifies(m3, m2.CACertPEM, rot.Add(2*time.Minute), testHosts[0]) != nil {
		t.Fatal("the serving certificate did not move to the new CA")
	}
	if len(parseCerts(m3.BundlePEM)) != 2 {
		t.Error("the old CA left the bundle together with the switch")
	}
	m4, _ := mustPlan(t, m3, rot.Add(4*time.Minute), p, true)
	if len(parseCerts(m4.BundlePEM)) != 1 || !Contains(m4.BundlePEM, m2.CACertPEM) {
		t.Error("the old CA must leave the bundle a grace period after the switch")
	}
}

func TestPlanReplacesBrokenOrForeignMaterial(t *testing.T) {
	p := testPolicy()
	good, _ := mustPlan(t, &Material{}, t0, p, true)
	other, _ := mustPlan(t, &Material{}, t0, p, true)
	cases := map[string]*Material{
		"garbage CA":               {CACertPEM: []byte("nope"), CAKeyPEM: []byte("nope"), CertPEM: good.CertPEM, KeyPEM: good.KeyPEM},
		"CA key of another CA":     {CACertPEM: good.CACertPEM, CAKeyPEM: other.CAKeyPEM, BundlePEM: good.BundlePEM, CertPEM: good.CertPEM, KeyPEM: good.KeyPEM},
		"serving cert of other CA": {CACertPEM: good.CACertPEM, CAKeyPEM: good.CAKeyPEM, BundlePEM: good.BundlePEM, CertPEM: other.CertPEM, KeyPEM: other.KeyPEM},
		"serving key mismatch":     {CACertPEM: good.CACertPEM, CAKeyPEM: good.CAKeyPEM, BundlePEM: good.BundlePEM, CertPEM: good.CertPEM, KeyPEM: other.KeyPEM},
		"serving cert is the CA":   {CACertPEM: good.CACertPEM, CAKeyPEM: good.CAKeyPEM, BundlePEM: good.BundlePEM, CertPEM: good.CACertPEM, KeyPEM: good.CAKeyPEM, CertIssuedAt: t0},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			out, reasons := mustPlan(t, in, t0.Add(time.Minute), p, true)
			if reasons == nil {
				t.Fatal("left unchanged")
			}
			if err := verifies(out, out.BundlePEM, t0.Add(time.Minute), testHosts[0]); err != nil {
				t.Fatal(err)
			}
			if c := parseCerts(out.CertPEM)[0]; c.IsCA {
				t.Error("serving a CA certificate")
			}
		})
	}
	t.Run("expired everything", func(t *testing.T) {
		later := t0.Add(2 * 365 * 24 * time.Hour)
		out, _ := mustPlan(t, good, later, p, true)
		if Contains(out.BundlePEM, good.CACertPEM) {
			t.Error("an expired CA stayed in the bundle")
		}
		if err := verifies(out, out.BundlePEM, later, testHosts[0]); err != nil {
			t.Error(err)
		}
	})
	t.Run("host names changed", func(t *testing.T) {
		p2 := p
		p2.Hosts = []string{"other.ns.svc"}
		out, reasons := mustPlan(t, good, t0.Add(time.Minute), p2, true)
		if reasons == nil || string(out.CACertPEM) != string(good.CACertPEM) {
			t.Fatalf("want a new serving certificate from the same CA, got %v", reasons)
		}
		if err := verifies(out, out.BundlePEM, t0.Add(time.Minute), "other.ns.svc"); err != nil {
			t.Error(err)
		}
	})
}

func TestPlanRejectsBadPolicies(t *testing.T) {
	for name, p := range map[string]Policy{
		"no hosts":    {CAValidity: time.Hour, CertValidity: time.Minute},
		"no lifetime": {Hosts: testHosts},
	} {
		if _, _, err := Plan(&Material{}, t0, p, false); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestServingCertificateNeverOutlivesItsCA(t *testing.T) {
	p := Policy{Hosts: testHosts, CAValidity: 100 * time.Hour, CertValidity: 90 * time.Hour, Grace: time.Minute}
	m, _ := mustPlan(t, &Material{}, t0, p, true)
	ca, cert := parseCerts(m.CACertPEM)[0], parseCerts(m.CertPEM)[0]
	if cert.NotAfter.After(ca.NotAfter) || cert.NotBefore.Before(ca.NotBefore) {
		t.Errorf("certificate %s..%s outside its CA %s..%s", cert.NotBefore, cert.NotAfter, ca.NotBefore, ca.NotAfter)
	}
}
