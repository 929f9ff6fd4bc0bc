//go:build tools

// Package tools pins promtool, built with -tags remove_all_sd (see the
// Makefile): `promtool check rules` and `promtool test rules` check the
// chart's PrometheusRule against testdata/alerts-test.yaml. It is never
// compiled into netguard.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
