package webhook

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/prometheus/client_golang/prometheus"
)

// Reporter receives what netguard's own metrics count. The webhook depends
// on this small interface, not on a metrics library (Gatekeeper's
// StatsReporter style), so tests can record decisions directly.
type Reporter interface {
	// Decision counts one admission decision of a hook.
	Decision(hook Hook, decision string)
	// Finding counts one finding returned to the API server.
	Finding(rule string, severity rules.Severity, component rules.Component)
	// ConfigReload counts one attempt to load the configuration file.
	ConfigReload(ok bool)
}

// SkipReporter is optionally implemented by a Reporter that counts why
// reviews were skipped (allowed unjudged).
type SkipReporter interface {
	Skip(hook Hook, category string)
}

// SkipCategory maps a skip reason (the audit annotation, free text) to a
// bounded metric label: internal-error (a recovered panic: netguard's bug),
// not-targeted, operation, subresource, kind, undecodable, no-engine,
// deletion, metadata-only, other.
func SkipCategory(reason string) string {
	for _, c := range []struct{ prefix, cat string }{
		{"internal error", "internal-error"},
		{"not targeted", "not-targeted"},
		{"operation ", "operation"},
		{"subresource ", "subresource"},
		{"kind ", "kind"},
		{"object could not be decoded", "undecodable"},
		{"no engine", "no-engine"},
		{"deletions are never judged", "deletion"},
		{"object is being deleted", "deletion"},
		{"update changes only metadata or status", "metadata-only"},
	} {
		if strings.HasPrefix(reason, c.prefix) {
			return c.cat
		}
	}
	return "other"
}

// PrometheusReporter exports:
//
//	netguard_decisions_total{webhook,decision}
//	netguard_skips_total{webhook,reason}
//	netguard_findings_total{rule,severity,component}
//	netguard_config_reloads_total{result}
//	netguard_config_last_reload_successful (0 or 1)
type PrometheusReporter struct {
	decisions *prometheus.CounterVec
	findings  *prometheus.CounterVec
	reloads   *prometheus.CounterVec
	lastOK    prometheus.Gauge
	skips     *prometheus.CounterVec
}

// NewPrometheusReporter registers netguard's metrics in reg (for the served
// metrics endpoint, controller-runtime's metrics.Registry).
func NewPrometheusReporter(reg prometheus.Registerer) (*PrometheusReporter, error) {
	r := &PrometheusReporter{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netguard_decisions_total",
			Help: "Admission decisions by webhook (validate, mutate) and decision (allowed, denied, mutated, skipped).",
		}, []string{"webhook", "decision"}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netguard_findings_total",
			Help: "Findings returned by the admission webhook, by rule, severity and component.",
		}, []string{"rule", "severity", "component"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netguard_config_reloads_total",
			Help: "Attempts to (re)load the configuration file, by result (success, failure).",
		}, []string{"result"}),
		skips: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netguard_skips_total",
			Help: "Reviews allowed without judging, by webhook and reason (internal-error, not-targeted, operation, subresource, kind, undecodable, no-engine, deletion, metadata-only, other).",
		}, []string{"webhook", "reason"}),
		lastOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "netguard_config_last_reload_successful",
			Help: "1 when the last attempt to load the configuration file succeeded, 0 when the last good configuration is kept.",
		}),
	}
	var err error
	if r.decisions, err = register(reg, r.decisions); err != nil {
		return nil, err
	}
	if r.findings, err = register(reg, r.findings); err != nil {
		return nil, err
	}
	if r.reloads, err = register(reg, r.reloads); err != nil {
		return nil, err
	}
	if r.lastOK, err = register(reg, r.lastOK); err != nil {
		return nil, err
	}
	if r.skips, err = register(reg, r.skips); err != nil {
		return nil, err
	}
	return r, nil
}

// register registers c, or returns the identical collector already
// registered (a second server in the same process shares the counters).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

func (r *PrometheusReporter) Decision(hook Hook, decision string) {
	r.decisions.WithLabelValues(string(hook), decision).Inc()
}

func (r *PrometheusReporter) Skip(hook Hook, category string) {
	r.skips.WithLabelValues(string(hook), category).Inc()
}

func (r *PrometheusReporter) Finding(rule string, severity rules.Severity, component rules.Component) {
	r.findings.WithLabelValues(rule, string(severity), string(component)).Inc()
}

func (r *PrometheusReporter) ConfigReload(ok bool) {
	if ok {
		r.reloads.WithLabelValues("success").Inc()
		r.lastOK.Set(1)
		return
	}
	r.reloads.WithLabelValues("failure").Inc()
	r.lastOK.Set(0)
}

type nopReporter struct{}

func (nopReporter) Decision(Hook, string)                           {}
func (nopReporter) Finding(string, rules.Severity, rules.Component) {}
func (nopReporter) ConfigReload(bool)                               {}

// buildInfo is netguard_build_info{version,revision,goversion} 1: which
// binary runs, for dashboards and for correlating a deny spike with a
// rollout.
func buildInfo(version string) prometheus.Collector {
	revision, goversion := "unknown", runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	if version == "" {
		version = "dev"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "netguard_build_info",
		Help:        "Always 1; the labels say which netguard build runs.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goversion},
	})
	g.Set(1)
	return g
}

// certificateExpiry is netguard_serving_certificate_expiry_timestamp_seconds:
// the NotAfter of the certificate the webhook serves right now, read from
// the certificate watcher at scrape time, so it is right in both modes (a
// mounted cert-manager or --cert-dir file, and the self-managed CA) and
// after every rotation.
func certificateExpiry(get func() *tls.Certificate) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "netguard_serving_certificate_expiry_timestamp_seconds",
		Help: "NotAfter of the serving certificate in use (Unix time); 0 when none is loaded.",
	}, func() float64 {
		leaf, err := parseLeaf(get())
		if err != nil {
			return 0
		}
		return float64(leaf.NotAfter.Unix())
	})
}

// parseLeaf returns the leaf certificate of a key pair.
func parseLeaf(c *tls.Certificate) (*x509.Certificate, error) {
	if c == nil || len(c.Certificate) == 0 {
		return nil, errors.New("no certificate loaded")
	}
	if c.Leaf != nil {
		return c.Leaf, nil
	}
	return x509.ParseCertificate(c.Certificate[0])
}
