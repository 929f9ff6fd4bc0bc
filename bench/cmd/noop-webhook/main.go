// Command noop-webhook is the benchmark's baseline: the same server stack as
// `netguard serve` (controller-runtime's webhook server with netguard's TLS
// settings and certwatcher, the same body limit and AdmissionReview decoding
// and response encoding, webhook.DecodeReview) with a handler that allows
// everything without judging. The difference between the two is what
// judging costs; the baseline itself is the cost of the HTTPS +
// AdmissionReview round trip.
//
// With --handler controller-runtime it is instead the plainest webhook a
// controller-runtime user writes: admission.Webhook (controller-runtime's own
// decoding and response encoding) with a Handler that returns Allowed. The
// benchmark's kube-proxy UPDATE phase compares netguard with that.
//
// It accepts `netguard serve`'s flags so that the benchmark starts both the
// same way: noop-webhook serve --host H --port P --cert-dir D
// --health-probe-bind-address A (other flags are accepted and ignored).
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/webhook"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("noop-webhook", flag.ExitOnError)
	host := fs.String("host", "", "bind address")
	port := fs.Int("port", 9443, "HTTPS port")
	certDir := fs.String("cert-dir", "", "directory with tls.crt and tls.key")
	probes := fs.String("health-probe-bind-address", ":8081", "address of /healthz and /readyz")
	fs.String("metrics-bind-address", "0", "ignored")
	fs.String("config", "", "ignored")
	fs.Bool("offline", true, "ignored")
	fs.String("zap-log-level", "", "ignored")
	// netguard serve's metrics are secured by default; the bench passes
	// --metrics-secure=false to both servers it starts.
	fs.Bool("metrics-secure", false, "ignored")
	handler := fs.String("handler", "strict", "strict (netguard's decoding, answers allowed) or controller-runtime (admission.Webhook with a Handler returning Allowed)")
	_ = fs.Parse(args)
	var h http.Handler
	switch *handler {
	case "strict":
		h = allowAll{}
	case "controller-runtime":
		// Its logger (V(5) lines per request) goes nowhere, as in a
		// controller that never configures logging, without the
		// "SetLogger was never called" warning.
		ctrllog.SetLogger(logr.Discard())
		h = counted{&admission.Webhook{Handler: admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
			return admission.Allowed("")
		})}}
	default:
		fmt.Fprintf(os.Stderr, "noop-webhook: --handler %q: want strict or controller-runtime\n", *handler)
		os.Exit(2)
	}
	if err := run(*host, *port, *certDir, *probes, h); err != nil {
		fmt.Fprintln(os.Stderr, "noop-webhook:", err)
		os.Exit(1)
	}
}

func run(host string, port int, certDir, probes string, h http.Handler) error {
	certs, err := certwatcher.New(filepath.Join(certDir, "tls.crt"), filepath.Join(certDir, "tls.key"))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() { _ = certs.Start(ctx) }()
	srv := crwebhook.NewServer(crwebhook.Options{Host: host, Port: port, TLSOpts: []func(*tls.Config){func(c *tls.Config) {
		// The same settings as webhook.Server.tlsConfig.
		c.MinVersion = tls.VersionTLS12
		c.CipherSuites = []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		}
		c.GetCertificate = certs.GetCertificate
	}}})
	srv.Register(webhook.ValidatePath, h)
	srv.Register(webhook.MutatePath, h)
	if probes != "0" {
		ln, err := net.Listen("tcp", probes)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }
		mux.HandleFunc("/healthz", ok)
		mux.HandleFunc("/readyz", ok)
		// /calls: how many reviews were answered (the benchmark uses it to
		// see when the API server starts calling the baseline).
		mux.HandleFunc("/calls", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, calls.Load()) })
		go func() { _ = http.Serve(ln, mux) }()
	}
	if err := srv.Start(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// allowAll mirrors webhook.Handler without the judging: read the body
// (bounded), decode the AdmissionReview, answer allowed with the request's
// UID.
type allowAll struct{}

var calls atomic.Int64

// counted counts the reviews another handler answers (/calls).
type counted struct{ http.Handler }

func (c counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	calls.Add(1)
	c.Handler.ServeHTTP(w, r)
}

func (allowAll) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	calls.Add(1)
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhook.DefaultMaxRequestBytes))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	review, err := webhook.DecodeReview(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}}
	data, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}
