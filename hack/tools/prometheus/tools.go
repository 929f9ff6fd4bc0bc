//go:build tools

// Package tools pins promtool, built with -tags remove_all_sd (see the
// Makefile): `promtool check rules` and `promtool test rules` check the
// chart's PrometheusRule against testdata/alerts-test.yaml. It also pins the
// Prometheus server (cmd/prometheus, built the same way by `make
// dashboard-screenshot`), which scrapes a load run for the dashboard's
// screenshot (hack/dashshot). Neither is ever compiled into netguard.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
