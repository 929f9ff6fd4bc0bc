package certs

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Options configure a Rotator.
type Options struct {
	// Client talks to the API server.
	Client kubernetes.Interface
	// Namespace and SecretName locate the Secret holding the CA and the
	// serving certificate (created when missing).
	Namespace, SecretName string
	// Hosts are the serving certificate's DNS names and IP addresses.
	Hosts []string
	// CertDir receives CertName, KeyName and ca.crt (the bundle); default
	// file names tls.crt and tls.key.
	CertDir, CertName, KeyName string
	// ValidatingWebhookConfiguration and MutatingWebhookConfiguration get the
	// CA bundle in every webhook's clientConfig.caBundle (empty: none).
	ValidatingWebhookConfiguration, MutatingWebhookConfiguration string
	// CAValidity (default 1 year) and CertValidity (default 90 days); each
	// is renewed at 2/3 of its lifetime.
	CAValidity, CertValidity time.Duration
	// Grace (default 1 minute) a new CA spends in the bundles before it
	// signs the serving certificate, and the old CA after that. It must
	// cover SyncInterval plus the certificate reload (certwatcher).
	Grace time.Duration
	// SyncInterval (default 10s) is how often the Secret and the webhook
	// configurations are re-read.
	SyncInterval time.Duration
	// Registry receives the certificate expiry gauges (nil: none).
	Registry prometheus.Registerer
	// Now is the clock (default time.Now).
	Now func() time.Time
	Log logr.Logger
}

// Rotator keeps the Secret, the files in CertDir and the caBundles in sync.
// Several replicas may run one each against the same Secret: writes use
// optimistic concurrency, and a loser re-reads.
type Rotator struct {
	opts Options

	mu      sync.Mutex
	written *Material // what CertDir holds

	caExpiry, certExpiry prometheus.Gauge
}

// New checks the options and applies defaults.
func New(opts Options) (*Rotator, error) {
	if opts.Client == nil {
		return nil, errors.New("certs: a Kubernetes client is required")
	}
	if opts.Namespace == "" || opts.SecretName == "" {
		return nil, errors.New("certs: the Secret's namespace and name are required")
	}
	if len(opts.Hosts) == 0 {
		return nil, errors.New("certs: at least one host name is required")
	}
	if opts.CertDir == "" {
		return nil, errors.New("certs: a certificate directory is required")
	}
	if opts.CertName == "" {
		opts.CertName = "tls.crt"
	}
	if opts.KeyName == "" {
		opts.KeyName = "tls.key"
	}
	if opts.CAValidity == 0 {
		opts.CAValidity = 365 * 24 * time.Hour
	}
	if opts.CertValidity == 0 {
		opts.CertValidity = 90 * 24 * time.Hour
	}
	if opts.CAValidity < 0 || opts.CertValidity < 0 || opts.Grace < 0 || opts.SyncInterval < 0 {
		return nil, errors.New("certs: durations must not be negative")
	}
	if opts.CertValidity > opts.CAValidity {
		return nil, fmt.Errorf("certs: the serving certificate (%s) cannot outlive the CA (%s)", opts.CertValidity, opts.CAValidity)
	}
	if opts.Grace == 0 {
		opts.Grace = time.Minute
	}
	if opts.SyncInterval == 0 {
		opts.SyncInterval = 10 * time.Second
	}
	if opts.Grace*3 > opts.CertValidity {
		return nil, fmt.Errorf("certs: the rotation grace (%s) must be well below the certificate lifetime (%s)", opts.Grace, opts.CertValidity)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log.GetSink() == nil {
		opts.Log = logr.Discard()
	}
	r := &Rotator{opts: opts}
	if opts.Registry != nil {
		r.caExpiry = prometheus.NewGauge(prometheus.GaugeOpts{Name: "netguard_ca_expiry_timestamp_seconds", Help: "NotAfter of the self-managed CA (Unix time)."})
		r.certExpiry = prometheus.NewGauge(prometheus.GaugeOpts{Name: "netguard_serving_certificate_expiry_timestamp_seconds", Help: "NotAfter of the serving certificate in use (Unix time)."})
		// The serving certificate's expiry is exported by the webhook
		// server (netguard_serving_certificate_expiry_timestamp_seconds
		// from the certificate it actually serves, in every mode); certExpiry
		// stays internal, for tests and logs.
		if err := opts.Registry.Register(r.caExpiry); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Rotator) policy() Policy {
	return Policy{Hosts: r.opts.Hosts, CAValidity: r.opts.CAValidity, CertValidity: r.opts.CertValidity, Grace: r.opts.Grace}
}

// Bootstrap returns once the Secret holds a usable certificate and CertDir
// has it, retrying until ctx ends. Call it before the webhook server loads
// the certificate. Failing to update the webhook configurations does not
// stop it (Run keeps trying).
func (r *Rotator) Bootstrap(ctx context.Context) error {
	delay := 200 * time.Millisecond
	for {
		err := r.Sync(ctx)
		if r.haveFiles() {
			if err != nil {
				r.opts.Log.Error(err, "certificate sync incomplete; retrying in the background")
			}
			return nil
		}
		r.opts.Log.Info("waiting for the serving certificate", "secret", r.opts.Namespace+"/"+r.opts.SecretName, "error", fmt.Sprint(err))
		select {
		case <-ctx.Done():
			return fmt.Errorf("no serving certificate from Secret %s/%s: %w (last error: %v)", r.opts.Namespace, r.opts.SecretName, ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// Run syncs every SyncInterval until ctx ends.
func (r *Rotator) Run(ctx context.Context) error {
	t := time.NewTicker(r.opts.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := r.Sync(ctx); err != nil && ctx.Err() == nil {
			r.opts.Log.Error(err, "certificate sync failed; retrying", "in", r.opts.SyncInterval.String())
		}
	}
}

func (r *Rotator) haveFiles() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.written != nil
}

// Sync runs one round: read (or create) the Secret, rotate what is due,
// write CertDir, and publish the CA bundle in the webhook configurations.
func (r *Rotator) Sync(ctx context.Context) error {
	secrets := r.opts.Client.CoreV1().Secrets(r.opts.Namespace)
	secret, err := secrets.Get(ctx, r.opts.SecretName, metav1.GetOptions{})
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading Secret %s/%s: %w", r.opts.Namespace, r.opts.SecretName, err)
	}
	in := &Material{}
	if exists {
		in = FromData(secret.Data, secret.Annotations)
	}
	injected := r.injected(ctx, in.CACertPEM)
	now := r.opts.Now()
	out, reasons, err := Plan(in, now, r.policy(), injected)
	if err != nil {
		return err
	}
	if reasons != nil {
		if !exists {
			secret = &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: r.opts.SecretName, Namespace: r.opts.Namespace, Labels: map[string]string{"app.kubernetes.io/name": "netguard", "app.kubernetes.io/component": "webhook-certificates"}},
				Type:       corev1.SecretTypeTLS,
			}
		}
		secret.Data = out.Data()
		if secret.Annotations == nil {
			secret.Annotations = map[string]string{}
		}
		for k, v := range out.Annotations() {
			secret.Annotations[k] = v
		}
		if exists {
			_, err = secrets.Update(ctx, secret, metav1.UpdateOptions{FieldManager: "netguard"})
		} else {
			_, err = secrets.Create(ctx, secret, metav1.CreateOptions{FieldManager: "netguard"})
		}
		if err != nil {
			// Conflict / AlreadyExists: another replica wrote first; the
			// next round reads its result.
			return fmt.Errorf("storing the certificates in Secret %s/%s: %w", r.opts.Namespace, r.opts.SecretName, err)
		}
		r.opts.Log.Info("certificates rotated", "secret", r.opts.Namespace+"/"+r.opts.SecretName, "reasons", reasons)
	}
	if err := r.writeFiles(out); err != nil {
		return err
	}
	return r.inject(ctx, out.BundlePEM)
}

// writeFiles writes the key, then the certificate, then the bundle, each
// atomically (rename), when they changed. Between the two renames the
// certificate watcher may see a mismatched pair; it then keeps serving the
// previous certificate until the second rename.
func (r *Rotator) writeFiles(m *Material) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written != nil && bytes.Equal(r.written.CertPEM, m.CertPEM) && bytes.Equal(r.written.KeyPEM, m.KeyPEM) && bytes.Equal(r.written.BundlePEM, m.BundlePEM) {
		return nil
	}
	if err := os.MkdirAll(r.opts.CertDir, 0o700); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{r.opts.KeyName, m.KeyPEM}, {r.opts.CertName, m.CertPEM}, {"ca.crt", m.BundlePEM}} {
		if err := writeAtomic(filepath.Join(r.opts.CertDir, f.name), f.data); err != nil {
			return err
		}
	}
	cp := *m
	r.written = &cp
	if r.caExpiry != nil {
		if cs := parseCerts(m.CACertPEM); len(cs) > 0 {
			r.caExpiry.Set(float64(cs[0].NotAfter.Unix()))
		}
		if cs := parseCerts(m.CertPEM); len(cs) > 0 {
			r.certExpiry.Set(float64(cs[0].NotAfter.Unix()))
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// injected reports whether every webhook of both configurations that exist
// trusts caPEM.
func (r *Rotator) injected(ctx context.Context, caPEM []byte) bool {
	if len(caPEM) == 0 {
		return false
	}
	ar := r.opts.Client.AdmissionregistrationV1()
	if name := r.opts.ValidatingWebhookConfiguration; name != "" {
		c, err := ar.ValidatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return false
		default:
			for _, w := range c.Webhooks {
				if !Contains(w.ClientConfig.CABundle, caPEM) {
					return false
				}
			}
		}
	}
	if name := r.opts.MutatingWebhookConfiguration; name != "" {
		c, err := ar.MutatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return false
		default:
			for _, w := range c.Webhooks {
				if !Contains(w.ClientConfig.CABundle, caPEM) {
					return false
				}
			}
		}
	}
	return true
}

// inject sets every webhook's caBundle in both configurations to bundle.
// A missing configuration is skipped (e.g. deleted as the emergency escape;
// it gets the bundle when it comes back).
func (r *Rotator) inject(ctx context.Context, bundle []byte) error {
	ar := r.opts.Client.AdmissionregistrationV1()
	var errs []error
	if name := r.opts.ValidatingWebhookConfiguration; name != "" {
		errs = append(errs, r.syncCABundles(ctx, "ValidatingWebhookConfiguration", name, bundle, func(ctx context.Context) ([]*[]byte, func(context.Context) error, error) {
			c, err := ar.ValidatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, nil, err
			}
			bundles := make([]*[]byte, len(c.Webhooks))
			for i := range c.Webhooks {
				bundles[i] = &c.Webhooks[i].ClientConfig.CABundle
			}
			return bundles, func(ctx context.Context) error {
				_, err := ar.ValidatingWebhookConfigurations().Update(ctx, c, metav1.UpdateOptions{FieldManager: "netguard"})
				return err
			}, nil
		}))
	}
	if name := r.opts.MutatingWebhookConfiguration; name != "" {
		errs = append(errs, r.syncCABundles(ctx, "MutatingWebhookConfiguration", name, bundle, func(ctx context.Context) ([]*[]byte, func(context.Context) error, error) {
			c, err := ar.MutatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return nil, nil, err
			}
			bundles := make([]*[]byte, len(c.Webhooks))
			for i := range c.Webhooks {
				bundles[i] = &c.Webhooks[i].ClientConfig.CABundle
			}
			return bundles, func(ctx context.Context) error {
				_, err := ar.MutatingWebhookConfigurations().Update(ctx, c, metav1.UpdateOptions{FieldManager: "netguard"})
				return err
			}, nil
		}))
	}
	return errors.Join(errs...)
}

// syncCABundles reads one webhook configuration through get (which returns
// pointers to its webhooks' caBundles and how to write it back), sets every
// caBundle to bundle and updates the configuration only when one changed.
func (r *Rotator) syncCABundles(ctx context.Context, kind, name string, bundle []byte,
	get func(context.Context) ([]*[]byte, func(context.Context) error, error)) error {
	bundles, update, err := get(ctx)
	switch {
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("reading %s %s: %w", kind, name, err)
	}
	changed := false
	for _, b := range bundles {
		if !bytes.Equal(*b, bundle) {
			*b = bundle
			changed = true
		}
	}
	if !changed {
		return nil
	}
	if err := update(ctx); err != nil {
		return fmt.Errorf("updating the caBundle of %s %s: %w", kind, name, err)
	}
	r.opts.Log.Info("caBundle updated", strings.ToLower(kind), name, "cas", len(parseCerts(bundle)))
	return nil
}

// CurrentCA returns the CA certificate CertDir's serving certificate chains
// to, from the last written bundle (for tests and logs).
func (r *Rotator) CurrentCA() *x509.Certificate {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written == nil {
		return nil
	}
	cs := parseCerts(r.written.CertPEM)
	if len(cs) == 0 {
		return nil
	}
	return issuerIn(cs[0], parseCerts(r.written.BundlePEM))
}

// ServiceHosts are the names the API server may use for a Service: it
// connects to <name>.<namespace>.svc.
func ServiceHosts(name, namespace string) []string {
	return []string{
		name + "." + namespace + ".svc",
		name + "." + namespace + ".svc.cluster.local",
		name + "." + namespace,
		name,
	}
}
