package webhook

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/internal/clusterfacts"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
)

// Paths served by the webhook server.
const (
	ValidatePath = "/validate"
	MutatePath   = "/mutate"
)

// Options configure a Server. The zero value of every field has a sensible
// default except CertDir, and RestConfig when not Offline.
type Options struct {
	// Host and Port the HTTPS webhook server listens on (Port default 9443).
	Host string
	Port int
	// CertDir holds tls.crt and tls.key (CertName/KeyName), reloaded on
	// rotation by controller-runtime's certwatcher.
	CertDir, CertName, KeyName string
	// CertWatchInterval is how often the certificate is also polled
	// (besides fsnotify); default 10s.
	CertWatchInterval time.Duration

	// MetricsBindAddress serves Prometheus metrics ("0" disables; default
	// ":8080").
	MetricsBindAddress string
	// MetricsSecure serves the metrics over HTTPS (the webhook's serving
	// certificate) to callers the API server authenticates (TokenReview) and
	// authorizes (SubjectAccessReview: get on the non-resource URL
	// /metrics), with controller-runtime's metrics filter. It needs the API
	// server, so not Offline. False serves plain HTTP to anyone who can
	// connect. (`netguard serve` and the chart default to true.)
	MetricsSecure bool
	// Version is the build's version for netguard_build_info.
	Version string
	// HealthProbeBindAddress serves /healthz and /readyz ("0" disables;
	// default ":8081").
	HealthProbeBindAddress string

	// ConfigFile is the netguard configuration (same format as `netguard
	// lint --config`); empty means defaults. It is re-read every
	// ConfigPollInterval (default 2s) and applied when it changed and is
	// valid; a bad file keeps the last good configuration.
	ConfigFile         string
	ConfigPollInterval time.Duration

	// Checkers judge the objects (normally all.Checkers()).
	Checkers []rules.Checker
	// Ratcheting: on UPDATE, deny findings the old object already had are
	// returned as warnings.
	Ratcheting bool
	// InfoWarnings also returns info findings (restart advice) as warnings.
	InfoWarnings bool
	// MaxRequestBytes bounds an AdmissionReview body (default 7 MiB).
	MaxRequestBytes int64

	// Offline serves without any API server: the cluster context comes from
	// the configuration file only. Otherwise RestConfig is used to discover
	// the cluster context into caches (never on the request path).
	Offline    bool
	RestConfig *rest.Config
	// DiscoveryInterval is how often the Kubernetes version is re-read
	// (default 10m).
	DiscoveryInterval time.Duration
	// SyncTimeout bounds the wait for the initial cache sync before a source
	// is given up in favour of the configuration file (default 2m).
	SyncTimeout time.Duration
	// ContextProbeInterval is how often each cluster context source is
	// probed with a one-item list (default 30s); a refused source is
	// retried sooner, with backoff from 1s up to this interval.
	ContextProbeInterval time.Duration
	// ContextStaleAfter: a source not confirmed for this long is stale and
	// its facts are no longer used (default 3m).
	ContextStaleAfter time.Duration

	// ShutdownTimeout bounds how long the reviews in flight (and connections
	// accepted but not yet handshaken) may take after SIGTERM (default 1m;
	// the chart's terminationGracePeriodSeconds is 30s plus the preStop
	// delay, which the kubelet enforces first).
	ShutdownTimeout time.Duration

	// Registry receives all metrics (default controller-runtime's
	// metrics.Registry, which the metrics endpoint serves).
	Registry prometheus.Registerer
	// Log is the logger (default a discarding logger).
	Log logr.Logger
}

func (o *Options) setDefaults() {
	if o.Port == 0 {
		o.Port = crwebhook.DefaultPort
	}
	if o.CertName == "" {
		o.CertName = "tls.crt"
	}
	if o.KeyName == "" {
		o.KeyName = "tls.key"
	}
	if o.CertWatchInterval <= 0 {
		o.CertWatchInterval = 10 * time.Second
	}
	if o.MetricsBindAddress == "" {
		o.MetricsBindAddress = ":8080"
	}
	if o.HealthProbeBindAddress == "" {
		o.HealthProbeBindAddress = ":8081"
	}
	if o.ConfigPollInterval <= 0 {
		o.ConfigPollInterval = 2 * time.Second
	}
	if o.DiscoveryInterval <= 0 {
		o.DiscoveryInterval = 10 * time.Minute
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = 2 * time.Minute
	}
	if o.ContextProbeInterval <= 0 {
		o.ContextProbeInterval = 30 * time.Second
	}
	if o.ContextStaleAfter <= 0 {
		o.ContextStaleAfter = 3 * time.Minute
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = time.Minute
	}
	if o.Registry == nil {
		o.Registry = ctrlmetrics.Registry
	}
	if o.Log.GetSink() == nil {
		o.Log = logr.Discard()
	}
}

// Server is netguard's admission webhook server: /validate and /mutate over
// HTTPS, /healthz and /readyz, Prometheus metrics, configuration reload and
// the cluster context.
type Server struct {
	opts     Options
	log      logr.Logger
	reporter Reporter

	admission *Admission
	webhook   crwebhook.Server
	certs     *certwatcher.CertWatcher
	cluster   clusterSource

	config   atomic.Pointer[rules.Config]
	snapshot atomic.Pointer[Snapshot]
	rebuild  sync.Mutex

	started      atomic.Bool
	shuttingDown atomic.Bool

	addrMu      sync.Mutex
	healthAddr  string
	metricsAddr string
	webhookAddr string
	ready       chan struct{} // closed once every listener is bound
}

// NewServer checks the options, loads the configuration file and the
// certificate (both must be valid at start) and prepares the servers.
func NewServer(opts Options) (*Server, error) {
	opts.setDefaults()
	if opts.CertDir == "" {
		return nil, errors.New("--cert-dir is required: the webhook serves HTTPS only")
	}
	if len(opts.Checkers) == 0 {
		return nil, errors.New("no checkers configured")
	}
	if !opts.Offline && opts.RestConfig == nil {
		return nil, errors.New("a Kubernetes client configuration is required unless --offline")
	}
	if opts.MetricsSecure && opts.Offline && opts.MetricsBindAddress != "0" {
		return nil, errors.New("secure metrics authenticate and authorize scrapers with the API server, which --offline never calls: pass --metrics-secure=false (plain HTTP) or --metrics-bind-address=0")
	}
	s := &Server{opts: opts, log: opts.Log, ready: make(chan struct{})}
	rep, err := NewPrometheusReporter(opts.Registry)
	if err != nil {
		return nil, err
	}
	s.reporter = rep
	if err := registerReplacing(opts.Registry, buildInfo(opts.Version)); err != nil {
		return nil, err
	}

	cfg := rules.DefaultConfig()
	if opts.ConfigFile != "" {
		cfg, err = rules.LoadConfig(opts.ConfigFile)
		s.reporter.ConfigReload(err == nil)
		if err != nil {
			return nil, err
		}
	}
	s.config.Store(cfg)

	if opts.Offline {
		s.cluster = offlineSource{}
	} else {
		src := newAPISource(opts.RestConfig, opts.DiscoveryInterval, opts.SyncTimeout, opts.Log.WithName("cluster"), s.refresh)
		src.probeInterval, src.staleAfter = opts.ContextProbeInterval, opts.ContextStaleAfter
		src.ConfigChanged(cfg)
		s.cluster = src
		if err := registerReplacing(opts.Registry, contextCollector{src}); err != nil {
			return nil, err
		}
	}
	s.refresh()

	s.certs, err = certwatcher.New(filepath.Join(opts.CertDir, opts.CertName), filepath.Join(opts.CertDir, opts.KeyName))
	if err != nil {
		return nil, fmt.Errorf("loading the serving certificate from %s: %w", opts.CertDir, err)
	}
	s.certs = s.certs.WithWatchInterval(opts.CertWatchInterval)
	if err := registerReplacing(opts.Registry, certificateExpiry(func() *tls.Certificate { c, _ := s.certs.GetCertificate(nil); return c })); err != nil {
		return nil, err
	}

	s.admission = &Admission{
		Snapshot:     func() Snapshot { return *s.snapshot.Load() },
		Ratcheting:   opts.Ratcheting,
		RatchetCache: DefaultRatchetCache,
		InfoWarnings: opts.InfoWarnings,
		Reporter:     s.reporter,
		Log:          opts.Log.WithName("admission"),
	}
	s.webhook = crwebhook.NewServer(crwebhook.Options{
		Host:    opts.Host,
		Port:    opts.Port,
		TLSOpts: []func(*tls.Config){s.tlsConfig},
	})
	s.webhook.Register(ValidatePath, &Handler{Hook: Validating, Admission: s.admission, MaxRequestBytes: opts.MaxRequestBytes})
	s.webhook.Register(MutatePath, &Handler{Hook: Mutating, Admission: s.admission, MaxRequestBytes: opts.MaxRequestBytes})
	return s, nil
}

// tlsConfig serves only TLS 1.2+ with forward-secret AEAD suites, using the
// watched certificate.
func (s *Server) tlsConfig(c *tls.Config) {
	c.MinVersion = tls.VersionTLS12
	c.CipherSuites = []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
	c.GetCertificate = s.certs.GetCertificate
}

// refresh rebuilds the snapshot from the current configuration and cluster
// facts. It runs on configuration reloads and cache events, never on the
// request path.
func (s *Server) refresh() {
	s.rebuild.Lock()
	defer s.rebuild.Unlock()
	cfg := s.config.Load()
	facts := s.cluster.Facts()
	snap := &Snapshot{
		Engine:  engine.New(cfg, s.opts.Checkers...),
		Cluster: clusterfacts.Overlay(&cfg.Cluster, facts),
	}
	if facts != nil {
		snap.Warnings = facts.Degraded
	}
	// Rules that compare an object with every node use the index, built
	// here once per snapshot instead of on each review.
	snap.Cluster.IndexNodes()
	s.snapshot.Store(snap)
}

// Start runs every part of the server until ctx is cancelled, then shuts
// down gracefully: the webhook server stops accepting connections and
// finishes the reviews in flight before Start returns.
func (s *Server) Start(ctx context.Context) error {
	healthLn, err := listen(s.opts.HealthProbeBindAddress)
	if err != nil {
		return fmt.Errorf("health probes: %w", err)
	}
	if healthLn != nil {
		s.addrMu.Lock()
		s.healthAddr = healthLn.Addr().String()
		s.addrMu.Unlock()
	}
	var metrics metricsserver.Server
	if s.opts.MetricsBindAddress != "0" {
		metrics, err = s.newMetricsServer()
		if err != nil {
			if healthLn != nil {
				healthLn.Close()
			}
			return fmt.Errorf("metrics: %w", err)
		}
	}

	// The parts run in an errgroup: the first that fails cancels the
	// others, and Wait returns when every part has drained. (Not a
	// controller-runtime manager: its webhook server is the one serveWebhook
	// replaces, and its runnables stop under one shared timeout in an
	// order of its own; each part here drains the way the shutdown tests
	// require, which is all a group needs to wait for.)
	g, gctx := errgroup.WithContext(ctx)
	run := func(name string, f func(context.Context) error) {
		g.Go(func() error {
			if err := f(gctx); err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		})
	}
	run("certificate watcher", s.certs.Start)
	run("configuration watcher", s.watchConfig)
	run("cluster context", func(ctx context.Context) error { return s.cluster.Start(ctx) })
	if metrics != nil {
		run("metrics server", metrics.Start)
	}
	if healthLn != nil {
		run("health probe server", func(ctx context.Context) error { return s.serveProbes(ctx, healthLn) })
	}
	run("webhook server", s.serveWebhook)
	go func() {
		// Record the bound addresses (for tests and logs).
		if m, ok := metrics.(interface{ GetBindAddr() string }); ok {
			for i := 0; i < 500 && m.GetBindAddr() == "" && gctx.Err() == nil; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			s.addrMu.Lock()
			s.metricsAddr = m.GetBindAddr()
			s.addrMu.Unlock()
		}
		close(s.ready)
	}()
	s.log.Info("netguard webhook serving", "port", s.opts.Port, "offline", s.opts.Offline, "ratcheting", s.opts.Ratcheting)

	<-gctx.Done()
	s.shuttingDown.Store(true)
	s.log.Info("shutting down: no new connections, finishing reviews in flight")
	return g.Wait()
}

// serveWebhook serves /validate and /mutate (controller-runtime's webhook
// mux, with its request metrics) over HTTPS until ctx ends, then drains:
//
//  1. the listener closes: no new connection is accepted;
//  2. keep-alives are turned off, which closes the idle connections, and
//     every connection already accepted is served to the end: its TLS
//     handshake, its review and the answer (with Connection: close);
//  3. when none is left (or ShutdownTimeout passed) the server shuts down.
//
// It replaces controller-runtime's webhook server Start, which derives every
// connection's context from its start context (SIGTERM aborts the TLS
// handshakes in progress) and calls http.Server.Shutdown at once, after
// which net/http drops any request it reads, even the first one of a
// connection it accepted before: the API server sees a reset for a call it
// had already made. TestShutdownFinishesAcceptedConnectionsIncludingTLSHandshakes.
func (s *Server) serveWebhook(ctx context.Context) error {
	cfg := &tls.Config{NextProtos: []string{"h2"}} // as controller-runtime
	s.tlsConfig(cfg)
	ln, err := tls.Listen("tcp", net.JoinHostPort(s.opts.Host, strconv.Itoa(s.opts.Port)), cfg)
	if err != nil {
		return err
	}
	s.addrMu.Lock()
	s.webhookAddr = ln.Addr().String()
	s.addrMu.Unlock()
	// fresh holds the accepted connections that have not started their
	// first request (TLS handshake pending or request not yet read).
	var fresh sync.Map
	var freshN atomic.Int64
	srv := &http.Server{
		Handler:           s.webhook.WebhookMux(),
		MaxHeaderBytes:    1 << 20,
		IdleTimeout:       90 * time.Second,
		ReadHeaderTimeout: 32 * time.Second, // also bounds the TLS handshake
		// Connections live in a context of their own: SIGTERM must not
		// cancel a handshake or a review that is already under way.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateNew {
				fresh.Store(c, true)
				freshN.Add(1)
			} else if _, was := fresh.LoadAndDelete(c); was {
				freshN.Add(-1)
			}
		},
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		_ = ln.Close()
		// HTTP/1 answers now carry Connection: close; idle connections close.
		srv.SetKeepAlivesEnabled(false)
		deadline := time.Now().Add(s.opts.ShutdownTimeout)
		// net/http drops a request it reads after Shutdown began, even the
		// first of a connection: wait until every accepted connection has
		// its first request under way.
		for freshN.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		// Shutdown then waits for the reviews in flight, closes idle
		// connections and sends HTTP/2 clients a GOAWAY.
		sctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline.Add(time.Second))
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Error(err, "webhook server: reviews still in flight when the shutdown timeout passed; closing", "timeout", s.opts.ShutdownTimeout.String())
			_ = srv.Close()
		}
	}()
	s.started.Store(true)
	err = srv.Serve(ln)
	if ctx.Err() == nil && err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-drained
	return nil
}

// newMetricsServer serves metrics over plain HTTP, or (MetricsSecure) over
// HTTPS with the webhook's certificate, behind TokenReview/SubjectAccessReview
// authentication and authorization (metricsAuthFilter).
func (s *Server) newMetricsServer() (metricsserver.Server, error) {
	if !s.opts.MetricsSecure {
		return metricsserver.NewServer(metricsserver.Options{BindAddress: s.opts.MetricsBindAddress}, nil, nil)
	}
	httpClient, err := rest.HTTPClientFor(s.opts.RestConfig)
	if err != nil {
		return nil, err
	}
	return metricsserver.NewServer(metricsserver.Options{
		BindAddress:    s.opts.MetricsBindAddress,
		SecureServing:  true,
		CertDir:        s.opts.CertDir,
		CertName:       s.opts.CertName,
		KeyName:        s.opts.KeyName,
		TLSOpts:        []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
		FilterProvider: metricsAuthFilter,
	}, s.opts.RestConfig, httpClient)
}

// addresses returns the bound health-probe and metrics addresses once the
// servers listen (empty when disabled).
func (s *Server) addresses(ctx context.Context) (health, metrics string) {
	select {
	case <-s.ready:
	case <-ctx.Done():
	}
	s.addrMu.Lock()
	defer s.addrMu.Unlock()
	return s.healthAddr, s.metricsAddr
}

func listen(addr string) (net.Listener, error) {
	if addr == "0" {
		return nil, nil
	}
	return net.Listen("tcp", addr)
}

func (s *Server) serveProbes(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	live := &healthz.Handler{Checks: map[string]healthz.Checker{"ping": healthz.Ping}}
	ready := &healthz.Handler{Checks: map[string]healthz.Checker{
		"webhook":     s.webhookStarted,
		"certificate": s.certificateLoaded,
		"cluster":     s.clusterSynced,
		"shutdown":    s.notShuttingDown,
	}}
	mux.Handle("/healthz", http.StripPrefix("/healthz", live))
	mux.Handle("/healthz/", http.StripPrefix("/healthz", live))
	mux.Handle("/readyz", http.StripPrefix("/readyz", s.readyWithContext(ready)))
	mux.Handle("/readyz/", http.StripPrefix("/readyz", s.readyWithContext(ready)))
	mux.HandleFunc("/contextz", s.serveContext)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveContext reports every cluster context source as JSON: 200 when the
// rules see all of them, 503 when some are stale or unavailable. It is not
// part of /readyz on purpose: taking netguard out of its Service because
// the API server or RBAC is briefly wrong would stop every rule, including
// the many that need no cluster context; instead the affected checks fall
// back to the configuration file, the validating hook warns, and
// netguard_cluster_context_* tell the SRE (docs/operations.md).
func (s *Server) serveContext(w http.ResponseWriter, _ *http.Request) {
	sources := s.cluster.Sources()
	code := http.StatusOK
	for _, src := range sources {
		if !src.InUse {
			code = http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"offline": s.opts.Offline, "sources": sources})
}

// webhookStarted passes once the HTTPS server completes a TLS handshake on
// its port (as controller-runtime's StartedChecker does).
func (s *Server) webhookStarted(*http.Request) error {
	if !s.started.Load() {
		return errors.New("webhook server not started")
	}
	s.addrMu.Lock()
	addr := s.webhookAddr
	s.addrMu.Unlock()
	d := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // a liveness dial of our own port, not trust
	if err != nil {
		return fmt.Errorf("webhook server not reachable: %w", err)
	}
	return conn.Close()
}

func (s *Server) certificateLoaded(*http.Request) error {
	if c, _ := s.certs.GetCertificate(nil); c == nil {
		return errors.New("no serving certificate loaded")
	}
	return nil
}

func (s *Server) clusterSynced(*http.Request) error {
	if !s.cluster.Synced() {
		return errors.New("cluster context cache not synced yet")
	}
	return nil
}

func (s *Server) notShuttingDown(*http.Request) error {
	if s.shuttingDown.Load() {
		return errors.New("shutting down")
	}
	return nil
}
