// Package certs is netguard's self-managed certificate authority: a CA and a
// serving certificate kept in one Secret, rotated before they expire, with the
// CA bundle kept in sync in netguard's two webhook configurations.
//
// It follows open-policy-agent/cert-controller in spirit, with one
// difference that matters for a webhook the API server calls all the time: a
// CA rotation never leaves a moment in which the API server trusts a CA that
// did not sign the certificate a replica serves. A new CA first joins the
// bundle next to the old one; only after it has been in both webhook
// configurations for a grace period are serving certificates signed by it;
// the old CA leaves the bundle a grace period after that.
//
// Lifetimes (defaults): CA 1 year, serving certificate 90 days, each renewed
// at 2/3 of its lifetime.
package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strings"
	"time"
)

// Keys of the Secret.
const (
	KeyCACert = "ca.crt"        // the current CA
	KeyCAKey  = "ca.key"        // its private key
	KeyBundle = "ca-bundle.crt" // every CA the webhook configurations trust (current first)
	KeyCert   = "tls.crt"       // the serving certificate
	KeyKey    = "tls.key"       // its private key

	// AnnotationCARotatedAt records when the current CA was made.
	AnnotationCARotatedAt = "netguard.io/ca-rotated-at"
	// AnnotationCertIssuedAt records when the serving certificate was issued.
	AnnotationCertIssuedAt = "netguard.io/cert-issued-at"
)

// Policy is what the planner enforces.
type Policy struct {
	// Hosts are the serving certificate's DNS names and IP addresses; the
	// first one is also its common name.
	Hosts []string
	// CAValidity and CertValidity are the lifetimes; each is renewed at 2/3.
	CAValidity, CertValidity time.Duration
	// Grace is how long a new CA is published before it signs the serving
	// certificate, and how long the old CA stays published after that.
	Grace time.Duration
}

// Material is the content of the Secret.
type Material struct {
	CACertPEM, CAKeyPEM, BundlePEM, CertPEM, KeyPEM []byte
	CARotatedAt, CertIssuedAt                       time.Time
}

// FromData reads Material from a Secret's data and annotations.
func FromData(data map[string][]byte, annotations map[string]string) *Material {
	m := &Material{
		CACertPEM: data[KeyCACert], CAKeyPEM: data[KeyCAKey], BundlePEM: data[KeyBundle],
		CertPEM: data[KeyCert], KeyPEM: data[KeyKey],
	}
	m.CARotatedAt, _ = time.Parse(time.RFC3339, annotations[AnnotationCARotatedAt])
	m.CertIssuedAt, _ = time.Parse(time.RFC3339, annotations[AnnotationCertIssuedAt])
	return m
}

// Data returns the Secret data.
func (m *Material) Data() map[string][]byte {
	return map[string][]byte{
		KeyCACert: m.CACertPEM, KeyCAKey: m.CAKeyPEM, KeyBundle: m.BundlePEM,
		KeyCert: m.CertPEM, KeyKey: m.KeyPEM,
	}
}

// Annotations returns the Secret annotations.
func (m *Material) Annotations() map[string]string {
	return map[string]string{
		AnnotationCARotatedAt:  m.CARotatedAt.UTC().Format(time.RFC3339),
		AnnotationCertIssuedAt: m.CertIssuedAt.UTC().Format(time.RFC3339),
	}
}

// Equal reports whether two Materials hold the same data and times.
func (m *Material) Equal(o *Material) bool {
	return bytes.Equal(m.CACertPEM, o.CACertPEM) && bytes.Equal(m.CAKeyPEM, o.CAKeyPEM) &&
		bytes.Equal(m.BundlePEM, o.BundlePEM) && bytes.Equal(m.CertPEM, o.CertPEM) &&
		bytes.Equal(m.KeyPEM, o.KeyPEM) && m.CARotatedAt.Equal(o.CARotatedAt) && m.CertIssuedAt.Equal(o.CertIssuedAt)
}

// Plan returns the Material to store at time now, and why it changed (nil
// reasons: nothing to do). injected says whether both webhook configurations
// publish the current CA already (a new CA signs the serving certificate
// only then). The input is not modified.
func Plan(in *Material, now time.Time, p Policy, injected bool) (*Material, []string, error) {
	if len(p.Hosts) == 0 {
		return nil, nil, errors.New("no host names for the serving certificate")
	}
	if p.CAValidity <= 0 || p.CertValidity <= 0 {
		return nil, nil, errors.New("certificate lifetimes must be positive")
	}
	out := *in
	var reasons []string

	ca, caKey, caErr := parsePair(in.CACertPEM, in.CAKeyPEM)
	if caErr == nil && !ca.IsCA {
		caErr = errors.New("not a CA certificate")
	}
	bundle := parseCerts(in.BundlePEM)
	cert, _, certErr := parsePair(in.CertPEM, in.KeyPEM)

	// 1. The CA.
	switch {
	case caErr != nil:
		reasons = append(reasons, "no usable CA ("+caErr.Error()+")")
	case !now.Before(ca.NotAfter):
		reasons = append(reasons, "the CA expired at "+ca.NotAfter.UTC().Format(time.RFC3339))
		caErr = errors.New("expired")
	case !now.Before(renewAt(ca)):
		reasons = append(reasons, "the CA reached 2/3 of its lifetime (renew at "+renewAt(ca).UTC().Format(time.RFC3339)+")")
	}
	if len(reasons) > 0 {
		newCA, newKey, pemCert, pemKey, err := newCertificateAuthority(now, p.CAValidity)
		if err != nil {
			return nil, nil, err
		}
		var keep []*x509.Certificate
		if caErr == nil { // the old CA is still valid: it keeps being trusted
			keep = append(keep, ca)
		}
		ca, caKey = newCA, newKey
		out.CACertPEM, out.CAKeyPEM, out.CARotatedAt = pemCert, pemKey, now
		bundle = append([]*x509.Certificate{newCA}, keep...)
	}
	if len(bundle) == 0 || !bundle[0].Equal(ca) {
		// The current CA always leads the bundle.
		bundle = slices.DeleteFunc(bundle, func(c *x509.Certificate) bool { return c.Equal(ca) })
		bundle = append([]*x509.Certificate{ca}, bundle...)
	}
	// Expired CAs leave the bundle.
	bundle = slices.DeleteFunc(bundle, func(c *x509.Certificate) bool { return !now.Before(c.NotAfter) })
	if !slices.ContainsFunc(bundle, func(c *x509.Certificate) bool { return c.Equal(ca) }) {
		bundle = append([]*x509.Certificate{ca}, bundle...)
	}

	// 2. The serving certificate.
	var issuer *x509.Certificate
	if certErr == nil {
		issuer = issuerIn(cert, bundle)
	}
	// The current CA may sign the serving certificate once the API server
	// has trusted it for a grace period. Until then a due renewal waits
	// (the certificate still has a third of its lifetime), unless the
	// certificate is unusable or about to expire.
	published := injected && !now.Before(out.CARotatedAt.Add(p.Grace))
	certReason := ""
	switch {
	case certErr != nil:
		certReason = "no usable serving certificate (" + certErr.Error() + ")"
	case issuer == nil:
		certReason = "the serving certificate is not signed by a published CA"
	case !now.Before(cert.NotAfter.Add(-p.Grace)):
		certReason = "the serving certificate expires within the grace period"
	case !sameHosts(cert, p.Hosts):
		certReason = "the serving certificate's names differ from " + strings.Join(p.Hosts, ",")
	case !now.Before(renewAt(cert)) && (issuer.Equal(ca) || published):
		certReason = "the serving certificate reached 2/3 of its lifetime"
	case !issuer.Equal(ca) && published:
		certReason = "the new CA is published in both webhook configurations"
	}
	if certReason != "" {
		notAfter := now.Add(p.CertValidity)
		if notAfter.After(ca.NotAfter) {
			notAfter = ca.NotAfter
		}
		pemCert, pemKey, err := newServingCertificate(now, notAfter, p.CertValidity, p.Hosts, ca, caKey)
		if err != nil {
			return nil, nil, err
		}
		out.CertPEM, out.KeyPEM, out.CertIssuedAt = pemCert, pemKey, now
		issuer = ca
		reasons = append(reasons, certReason)
	}

	// 3. An old CA leaves the bundle once the serving certificate has been
	// signed by the current one for a grace period (every replica loaded it).
	if issuer.Equal(ca) && !now.Before(out.CertIssuedAt.Add(p.Grace)) && len(bundle) > 1 {
		bundle = bundle[:1]
	}
	out.BundlePEM = encodeCerts(bundle)
	if !bytes.Equal(out.BundlePEM, in.BundlePEM) && len(reasons) == 0 {
		reasons = append(reasons, "the CA bundle changed")
	}
	if len(reasons) == 0 {
		return in, nil, nil
	}
	return &out, reasons, nil
}

// renewAt is 2/3 into a certificate's lifetime.
func renewAt(c *x509.Certificate) time.Time {
	return c.NotBefore.Add(c.NotAfter.Sub(c.NotBefore) * 2 / 3)
}

// backdate allows for clock skew between netguard and the API server: an
// hour, or a tenth of short (test) lifetimes.
func backdate(validity time.Duration) time.Duration {
	return min(time.Hour, validity/10)
}

// NewSelfSigned makes a fresh CA and a serving certificate it signed for
// hosts (IP addresses or DNS names), both valid for validity, PEM encoded:
// the same certificates the self-managed mode issues, for tests, the e2e
// framework and benchmarks.
func NewSelfSigned(now time.Time, validity time.Duration, hosts ...string) (caPEM, certPEM, keyPEM []byte, err error) {
	if len(hosts) == 0 {
		return nil, nil, nil, fmt.Errorf("a serving certificate needs at least one host")
	}
	ca, caKey, caPEM, _, err := newCertificateAuthority(now, validity)
	if err != nil {
		return nil, nil, nil, err
	}
	certPEM, keyPEM, err = newServingCertificate(now, now.Add(validity), validity, hosts, ca, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	return caPEM, certPEM, keyPEM, nil
}

func newCertificateAuthority(now time.Time, validity time.Duration) (*x509.Certificate, crypto.Signer, []byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "netguard-ca@" + now.UTC().Format("20060102T150405Z"), Organization: []string{"netguard"}},
		NotBefore:             now.Add(-backdate(validity)),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

func newServingCertificate(now, notAfter time.Time, validity time.Duration, hosts []string, ca *x509.Certificate, caKey crypto.Signer) ([]byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	notBefore := now.Add(-backdate(validity))
	if notBefore.Before(ca.NotBefore) {
		notBefore = ca.NotBefore
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n
}

// parsePair parses a certificate and its private key and checks they match.
func parsePair(certPEM, keyPEM []byte) (*x509.Certificate, crypto.Signer, error) {
	if len(certPEM) == 0 || len(keyPEM) == 0 {
		return nil, nil, errors.New("missing")
	}
	certs := parseCerts(certPEM)
	if len(certs) == 0 {
		return nil, nil, errors.New("certificate does not parse")
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, nil, errors.New("private key is not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("private key does not parse: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("private key cannot sign")
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if pub, ok := signer.Public().(equaler); !ok || !pub.Equal(certs[0].PublicKey) {
		return nil, nil, errors.New("private key does not match the certificate")
	}
	return certs[0], signer, nil
}

func parseCerts(b []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

func encodeCerts(cs []*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range cs {
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// issuerIn returns the CA of the bundle that signed cert, or nil.
func issuerIn(cert *x509.Certificate, bundle []*x509.Certificate) *x509.Certificate {
	for _, ca := range bundle {
		if cert.CheckSignatureFrom(ca) == nil {
			return ca
		}
	}
	return nil
}

func sameHosts(c *x509.Certificate, hosts []string) bool {
	var have []string
	have = append(have, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		have = append(have, ip.String())
	}
	want := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			h = ip.String()
		}
		want = append(want, h)
	}
	slices.Sort(have)
	slices.Sort(want)
	return slices.Equal(slices.Compact(have), slices.Compact(want))
}

// Contains reports whether a PEM bundle holds the certificate certPEM.
func Contains(bundlePEM, certPEM []byte) bool {
	want := parseCerts(certPEM)
	if len(want) == 0 {
		return false
	}
	return slices.ContainsFunc(parseCerts(bundlePEM), func(c *x509.Certificate) bool { return c.Equal(want[0]) })
}
