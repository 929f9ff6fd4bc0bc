package webhook

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// contextCollector exports the health of the cluster context at scrape
// time (no goroutine keeps gauges up to date):
//
//	netguard_cluster_context_age_seconds
//	netguard_cluster_context_source_up{source}
//	netguard_cluster_context_source_in_use{source}
//	netguard_cluster_context_source_last_success_timestamp_seconds{source}
type contextCollector struct{ src *apiSource }

var (
	descContextAge = prometheus.NewDesc("netguard_cluster_context_age_seconds",
		"Seconds since the oldest cluster context source was last confirmed by the API server (since start when none ever was).", nil, nil)
	descSourceUp = prometheus.NewDesc("netguard_cluster_context_source_up",
		"1 when the last probe (or informer list/watch) of a cluster context source succeeded.", []string{"source"}, nil)
	descSourceInUse = prometheus.NewDesc("netguard_cluster_context_source_in_use",
		"1 when the rules see a source's API-discovered facts (synced and not stale); 0 means the configuration file stands in.", []string{"source"}, nil)
	descSourceLast = prometheus.NewDesc("netguard_cluster_context_source_last_success_timestamp_seconds",
		"Unix time of a cluster context source's last successful probe (0: never).", []string{"source"}, nil)
)

func (c contextCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descContextAge
	ch <- descSourceUp
	ch <- descSourceInUse
	ch <- descSourceLast
}

func (c contextCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descContextAge, prometheus.GaugeValue, c.src.contextAge().Seconds())
	for _, s := range c.src.Sources() {
		ch <- prometheus.MustNewConstMetric(descSourceUp, prometheus.GaugeValue, b2f(s.Up), s.Name)
		ch <- prometheus.MustNewConstMetric(descSourceInUse, prometheus.GaugeValue, b2f(s.InUse), s.Name)
		last := 0.0
		if !s.LastSuccess.IsZero() {
			last = float64(s.LastSuccess.UnixNano()) / 1e9
		}
		ch <- prometheus.MustNewConstMetric(descSourceLast, prometheus.GaugeValue, last, s.Name)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// registerReplacing registers c, replacing a collector with the same
// descriptors registered by an earlier server in this process (the newest
// server's context is the one worth reporting).
func registerReplacing(reg prometheus.Registerer, c prometheus.Collector) error {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		reg.Unregister(are.ExistingCollector)
		return reg.Register(c)
	}
	return err
}
