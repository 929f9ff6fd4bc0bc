//go:build tools

// Package tools pins promtool (`promtool test rules`), which checks the
// chart's PrometheusRule alerts against docs/alerts-test.yaml. It is never
// compiled into netguard.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
