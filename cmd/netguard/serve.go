package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/netguard/netguard/internal/certs"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/webhook"
	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

const serveLong = `Serve the admission webhook: POST /validate (ValidatingWebhookConfiguration)
and /mutate (MutatingWebhookConfiguration) over HTTPS, /healthz and /readyz on
the health probe address, Prometheus metrics on the metrics address. SIGTERM
stops accepting connections, finishes the reviews in flight, then exits.

Certificates: --cert-mode=file (default) serves tls.crt/tls.key from
--cert-dir (e.g. a mounted cert-manager Secret) and reloads them when they
change. --cert-mode=self-managed runs netguard's own CA: the CA and the
serving certificate live in --cert-secret, are rotated at 2/3 of their
lifetimes, are written into --cert-dir, and the CA bundle is kept in sync in
the webhook configurations named by --validating-webhook-configuration and
--mutating-webhook-configuration.

Logging flags (--zap-*) are controller-runtime's.`

const serveExample = `  # In a cluster (what the Helm chart runs)
  netguard serve --config=/etc/netguard/config.yaml --cert-dir=/certs

  # On a workstation, without an API server
  netguard serve --offline --cert-dir ./certs -c netguard.yaml --metrics-bind-address 127.0.0.1:8080 --health-probe-bind-address 127.0.0.1:8081`

// newServeCmd is ` + "`netguard serve`" + `. Its flag names are an interface: the
// chart's Deployment passes them.
func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "serve [flags]",
		Short:   "Run the admission webhook (HTTPS /validate, /mutate)",
		Long:    serveLong,
		Example: serveExample,
		Args:    cobra.NoArgs,
	}
	fs := cmd.Flags()
	var (
		certDir     = fs.String("cert-dir", filepath.Join(os.TempDir(), "k8s-webhook-server", "serving-certs"), "directory holding tls.crt and tls.key (reloaded on rotation)")
		host        = fs.String("host", "", "address the webhook server binds to (empty: all)")
		port        = fs.Int("port", 9443, "port the HTTPS webhook server listens on")
		configFile  = fs.String("config", "", "netguard configuration file (same format as lint --config), reloaded on change")
		metrics     = fs.String("metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint (\"0\" disables it)")
		metricsTLS  = fs.Bool("metrics-secure", true, "serve metrics over HTTPS (the webhook certificate) only to callers the API server authenticates and allows to get the non-resource URL /metrics; false: plain HTTP to anyone (needed with --offline)")
		probes      = fs.String("health-probe-bind-address", ":8081", "address of /healthz and /readyz (\"0\" disables them)")
		kubeconfig  = fs.String("kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, in-cluster, then ~/.kube/config)")
		offline     = fs.Bool("offline", false, "never talk to an API server: the cluster context comes from --config only")
		ratcheting  = fs.Bool("ratcheting", true, "on UPDATE, return deny findings the old object already had as warnings instead of denying")
		infoWarn    = fs.Bool("info-warnings", true, "also return info findings (e.g. which pods to restart) as warnings")
		maxBody     = fs.Int64("max-request-bytes", webhook.DefaultMaxRequestBytes, "largest AdmissionReview body accepted")
		configEvery = fs.Duration("config-poll-interval", 0, "how often --config is re-read (default 2s)")
		ctxProbe    = fs.Duration("context-probe-interval", 30*time.Second, "how often each cluster context source (version, nodes, configmaps, servicecidrs) is probed; a refused one is retried with backoff up to this")
		ctxStale    = fs.Duration("context-stale-after", 3*time.Minute, "a cluster context source not confirmed for this long is stale: its facts are dropped (the file's are used) and judged objects get a warning")

		certMode      = fs.String("cert-mode", "file", "file: serve tls.crt/tls.key from --cert-dir; self-managed: run netguard's own rotating CA (see above)")
		certSecret    = fs.String("cert-secret", "netguard-certs", "self-managed: Secret holding the CA and serving certificate (created if missing)")
		serviceName   = fs.String("service-name", "netguard", "self-managed: name of the webhook's Service (the certificate's DNS names)")
		serviceNS     = fs.String("service-namespace", "", "self-managed: namespace of the Service and the Secret (default: $POD_NAMESPACE, else the pod's namespace)")
		certHosts     = fs.String("cert-hosts", "", "self-managed: extra comma-separated DNS names or IP addresses for the serving certificate")
		validatingCfg = fs.String("validating-webhook-configuration", "", "self-managed: ValidatingWebhookConfiguration whose caBundle netguard keeps in sync")
		mutatingCfg   = fs.String("mutating-webhook-configuration", "", "self-managed: MutatingWebhookConfiguration whose caBundle netguard keeps in sync")
		caValidity    = fs.Duration("ca-validity", 365*24*time.Hour, "self-managed: CA lifetime; a new CA is made at 2/3 of it")
		certValidity  = fs.Duration("cert-validity", 90*24*time.Hour, "self-managed: serving certificate lifetime; reissued at 2/3 of it")
		certGrace     = fs.Duration("cert-rotation-grace", time.Minute, "self-managed: how long a new CA is published before it signs the serving certificate (and the old one stays after)")
		certSync      = fs.Duration("cert-sync-interval", 10*time.Second, "self-managed: how often the Secret and the webhook configurations are re-read")
	)
	// controller-runtime's zap flags are Go flags; pflag takes them over
	// with their names (--zap-log-level, --zap-encoder, ...).
	zopts := zap.Options{}
	goflags := flag.NewFlagSet("serve", flag.ContinueOnError)
	zopts.BindFlags(goflags)
	fs.AddGoFlagSet(goflags)
	cmd.RunE = func(*cobra.Command, []string) error {
		return exitCode(serve(zopts, serveFlags{
			certDir: *certDir, host: *host, port: *port, configFile: *configFile, metrics: *metrics, probes: *probes,
			kubeconfig: *kubeconfig, offline: *offline, ratcheting: *ratcheting, infoWarn: *infoWarn, maxBody: *maxBody,
			configEvery: *configEvery, certMode: *certMode, certSecret: *certSecret, serviceName: *serviceName,
			serviceNS: *serviceNS, certHosts: *certHosts, validatingCfg: *validatingCfg, mutatingCfg: *mutatingCfg,
			caValidity: *caValidity, certValidity: *certValidity, certGrace: *certGrace, certSync: *certSync,
			ctxProbe: *ctxProbe, ctxStale: *ctxStale, metricsTLS: *metricsTLS,
		}))
	}
	return cmd
}

type serveFlags struct {
	certDir, host, configFile, metrics, probes, kubeconfig string
	port                                                   int
	offline, ratcheting, infoWarn, metricsTLS              bool
	maxBody                                                int64
	configEvery                                            time.Duration
	certMode, certSecret, serviceName, serviceNS           string
	certHosts, validatingCfg, mutatingCfg                  string
	caValidity, certValidity, certGrace, certSync          time.Duration
	ctxProbe, ctxStale                                     time.Duration
}

// serve runs the webhook until SIGTERM; it returns the process exit code.
func serve(zopts zap.Options, f serveFlags) int {
	logger := zap.New(zap.UseFlagOptions(&zopts))
	ctrllog.SetLogger(logger)
	klog.SetLogger(logger.WithName("client-go"))
	log := logger.WithName("netguard")

	opts := webhook.Options{
		Host: f.host, Port: f.port, CertDir: f.certDir,
		MetricsBindAddress: f.metrics, HealthProbeBindAddress: f.probes,
		ConfigFile: f.configFile, ConfigPollInterval: f.configEvery,
		Checkers: all.Checkers(), Ratcheting: f.ratcheting, InfoWarnings: f.infoWarn,
		MaxRequestBytes: f.maxBody, Offline: f.offline, Log: log,
		ContextProbeInterval: f.ctxProbe, ContextStaleAfter: f.ctxStale,
		MetricsSecure: f.metricsTLS, Version: versionOnly(),
	}
	if f.certMode != "file" && f.certMode != "self-managed" {
		fmt.Fprintf(os.Stderr, "netguard serve: --cert-mode must be file or self-managed, not %q\n", f.certMode)
		return 2
	}
	if f.certMode == "self-managed" && f.offline {
		fmt.Fprintln(os.Stderr, "netguard serve: --cert-mode=self-managed keeps its CA in a Secret and cannot run --offline")
		return 2
	}
	if !f.offline {
		cfg, err := restConfig(f.kubeconfig, "")
		if err != nil {
			fmt.Fprintf(os.Stderr, "netguard serve: no Kubernetes client configuration (%v); pass --kubeconfig, run in a cluster, or use --offline\n", err)
			return 1
		}
		cfg.UserAgent = "netguard/" + versionString()
		cfg.QPS, cfg.Burst = 20, 40
		opts.RestConfig = cfg
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var rotator *certs.Rotator
	if f.certMode == "self-managed" {
		ns := f.serviceNS
		if ns == "" {
			ns = podNamespace()
		}
		if ns == "" {
			fmt.Fprintln(os.Stderr, "netguard serve: --cert-mode=self-managed needs --service-namespace (or $POD_NAMESPACE)")
			return 2
		}
		cs, err := kubernetes.NewForConfig(opts.RestConfig)
		if err != nil {
			fmt.Fprintf(os.Stderr, "netguard serve: %v\n", err)
			return 1
		}
		hosts := certs.ServiceHosts(f.serviceName, ns)
		for _, h := range strings.Split(f.certHosts, ",") {
			if h = strings.TrimSpace(h); h != "" {
				hosts = append(hosts, h)
			}
		}
		rotator, err = certs.New(certs.Options{
			Client: cs, Namespace: ns, SecretName: f.certSecret, Hosts: hosts, CertDir: f.certDir,
			ValidatingWebhookConfiguration: f.validatingCfg, MutatingWebhookConfiguration: f.mutatingCfg,
			CAValidity: f.caValidity, CertValidity: f.certValidity, Grace: f.certGrace, SyncInterval: f.certSync,
			Registry: ctrlmetrics.Registry, Log: log.WithName("certs"),
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "netguard serve: %v\n", err)
			return 2
		}
		// The serving certificate is on disk before the server loads it:
		// readiness never passes without one.
		if err := rotator.Bootstrap(ctx); err != nil {
			log.Error(err, "no serving certificate")
			return 1
		}
	}
	srv, err := webhook.NewServer(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netguard serve: %v\n", err)
		return 1
	}
	if rotator != nil {
		go func() { _ = rotator.Run(ctx) }()
	}
	if err := srv.Start(ctx); err != nil {
		log.Error(err, "webhook server failed")
		return 1
	}
	log.Info("stopped")
	return 0
}

// versionOnly is the release version (no revision or Go version: those
// are netguard_build_info's other labels).
func versionOnly() string {
	if version == "dev" {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return version
}

// podNamespace is $POD_NAMESPACE or the namespace of the pod's service
// account.
func podNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	b, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
