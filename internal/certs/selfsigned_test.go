package certs

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
	"time"
)

func TestNewSelfSignedIssuesAServingCertificateTheCATrusts(t *testing.T) {
	now := time.Now()
	caPEM, certPEM, keyPEM, err := NewSelfSigned(now, time.Hour, "127.0.0.1", "netguard.netguard-system.svc")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatalf("certificate and key do not match: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate")
	}
	for _, host := range []string{"127.0.0.1", "netguard.netguard-system.svc"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("serving certificate not valid for %s under the CA: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "127.0.0.1", CurrentTime: now.Add(2 * time.Hour)}); err == nil {
		t.Error("the certificate must expire after its validity")
	}
	if _, _, _, err := NewSelfSigned(now, time.Hour); err == nil {
		t.Error("no hosts must be an error")
	}
}
