package framework

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/netguard/netguard/internal/certs"
)

// Certs is a freshly generated CA and a serving certificate it signed, all
// PEM encoded.
type Certs struct {
	CACert                []byte // the webhook configurations' caBundle
	ServerCert, ServerKey []byte
}

// GenerateCerts makes a new ECDSA P-256 CA and a serving certificate for
// hosts (IP addresses or DNS names), valid for the given duration, with the
// same code netguard's self-managed CA uses.
func GenerateCerts(validity time.Duration, hosts ...string) (*Certs, error) {
	ca, cert, key, err := certs.NewSelfSigned(time.Now(), validity, hosts...)
	if err != nil {
		return nil, err
	}
	return &Certs{CACert: ca, ServerCert: cert, ServerKey: key}, nil
}

// WriteTo writes tls.crt, tls.key (the names controller-runtime's webhook
// server reads from --cert-dir) and ca.crt into dir.
func (c *Certs) WriteTo(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"ca.crt": c.CACert, "tls.crt": c.ServerCert, "tls.key": c.ServerKey} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func certPool(caPEM []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("no certificate in the CA bundle")
	}
	return pool, nil
}
