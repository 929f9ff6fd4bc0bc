package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/webhook"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

const serveUsage = `Usage: netguard serve [flags]

Serve the admission webhook: POST /validate (ValidatingWebhookConfiguration)
and /mutate (MutatingWebhookConfiguration) over HTTPS, /healthz and /readyz on
the health probe address, Prometheus metrics on the metrics address. SIGTERM
stops accepting connections, finishes the reviews in flight, then exits.

Flags:
`

// runServe runs `netguard serve`; it returns the process exit code.
func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var (
		certDir     = fs.String("cert-dir", filepath.Join(os.TempDir(), "k8s-webhook-server", "serving-certs"), "directory holding tls.crt and tls.key (reloaded on rotation)")
		host        = fs.String("host", "", "address the webhook server binds to (empty: all)")
		port        = fs.Int("port", 9443, "port the HTTPS webhook server listens on")
		configFile  = fs.String("config", "", "netguard configuration file (same format as lint --config), reloaded on change")
		metrics     = fs.String("metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint (\"0\" disables it)")
		probes      = fs.String("health-probe-bind-address", ":8081", "address of /healthz and /readyz (\"0\" disables them)")
		kubeconfig  = fs.String("kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, in-cluster, then ~/.kube/config)")
		offline     = fs.Bool("offline", false, "never talk to an API server: the cluster context comes from --config only")
		ratcheting  = fs.Bool("ratcheting", true, "on UPDATE, return deny findings the old object already had as warnings instead of denying")
		infoWarn    = fs.Bool("info-warnings", true, "also return info findings (e.g. which pods to restart) as warnings")
		maxBody     = fs.Int64("max-request-bytes", webhook.DefaultMaxRequestBytes, "largest AdmissionReview body accepted")
		configEvery = fs.Duration("config-poll-interval", 0, "how often --config is re-read (default 2s)")
	)
	zopts := zap.Options{}
	zopts.BindFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "netguard serve: unexpected arguments %q\n", fs.Args())
		return 2
	}
	logger := zap.New(zap.UseFlagOptions(&zopts))
	ctrllog.SetLogger(logger)
	klog.SetLogger(logger.WithName("client-go"))
	log := logger.WithName("netguard")

	opts := webhook.Options{
		Host: *host, Port: *port, CertDir: *certDir,
		MetricsBindAddress: *metrics, HealthProbeBindAddress: *probes,
		ConfigFile: *configFile, ConfigPollInterval: *configEvery,
		Checkers: all.Checkers(), Ratcheting: *ratcheting, InfoWarnings: *infoWarn,
		MaxRequestBytes: *maxBody, Offline: *offline, Log: log,
	}
	if !*offline {
		cfg, err := restConfig(*kubeconfig)
		if err != nil {
			fmt.Fprintf(os.Stderr, "netguard serve: no Kubernetes client configuration (%v); pass --kubeconfig, run in a cluster, or use --offline\n", err)
			return 1
		}
		cfg.UserAgent = "netguard/" + versionString()
		cfg.QPS, cfg.Burst = 20, 40
		opts.RestConfig = cfg
	}
	srv, err := webhook.NewServer(opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netguard serve: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := srv.Start(ctx); err != nil {
		log.Error(err, "webhook server failed")
		return 1
	}
	log.Info("stopped")
	return 0
}

// restConfig follows controller-runtime's order: --kubeconfig, $KUBECONFIG,
// in-cluster, ~/.kube/config.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		return clientcmd.BuildConfigFromFlags("", kubeconfig)
	}
	if os.Getenv("KUBECONFIG") == "" {
		if cfg, err := rest.InClusterConfig(); err == nil {
			return cfg, nil
		}
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
}
