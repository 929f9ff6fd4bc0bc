package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Dashboard is the part of a Grafana dashboard JSON the renderer reads.
type Dashboard struct {
	Title      string  `json:"title"`
	Panels     []Panel `json:"panels"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
}

// Variable is a dashboard template variable.
type Variable struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Definition string `json:"definition"`
	IncludeAll bool   `json:"includeAll"`
	Multi      bool   `json:"multi"`
}

// Panel is one dashboard panel.
type Panel struct {
	ID      int     `json:"id"`
	Type    string  `json:"type"`
	Title   string  `json:"title"`
	GridPos GridPos `json:"gridPos"`
	Targets []struct {
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
		Instant      bool   `json:"instant"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit       string `json:"unit"`
			Thresholds struct {
				Steps []struct {
					Color string   `json:"color"`
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Options struct {
		ReduceOptions struct {
			Calcs []string `json:"calcs"`
		} `json:"reduceOptions"`
	} `json:"options"`
}

// GridPos is Grafana's panel position: 24 columns, rows of 30 pixels.
type GridPos struct{ X, Y, W, H int }

// ParseDashboard decodes a dashboard and rejects panels the renderer cannot
// draw, so a new panel type fails loudly instead of vanishing from the picture.
func ParseDashboard(b []byte) (*Dashboard, error) {
	var d Dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	for _, p := range d.Panels {
		switch p.Type {
		case "stat", "timeseries", "table":
		default:
			return nil, fmt.Errorf("panel %d %q: type %q is not rendered", p.ID, p.Title, p.Type)
		}
		if len(p.Targets) == 0 {
			return nil, fmt.Errorf("panel %d %q has no targets", p.ID, p.Title)
		}
		if g := p.GridPos; g.W <= 0 || g.H <= 0 || g.X < 0 || g.Y < 0 || g.X+g.W > 24 {
			return nil, fmt.Errorf("panel %d %q: gridPos %+v outside Grafana's 24 columns", p.ID, p.Title, g)
		}
	}
	return &d, nil
}

// Query is the time range and resolution of one panel, computed the way
// Grafana computes them for a Prometheus data source.
type Query struct {
	From, To time.Time
	// Step is Grafana's $__interval for the panel (also the query step).
	Step time.Duration
	// RateInterval is $__rate_interval: max($__interval + scrape
	// interval, 4 × scrape interval) (Grafana's documentation, "Prometheus
	// template variables").
	RateInterval time.Duration
}

// PanelQuery returns the range query parameters of a panel maxDataPoints
// pixels wide, with the data source's scrape interval.
func PanelQuery(from, to time.Time, maxDataPoints int, scrape time.Duration) Query {
	step := roundInterval(to.Sub(from) / time.Duration(maxDataPoints))
	if step < scrape {
		step = scrape // the data source's "min interval" is the scrape interval
	}
	return Query{From: from, To: to, Step: step, RateInterval: max(step+scrape, 4*scrape)}
}

// roundInterval is Grafana's kbn.roundInterval: the raw interval rounded to
// a value people read easily (public/app/core/utils/kbn.ts, grafana/grafana).
func roundInterval(d time.Duration) time.Duration {
	ms := d.Milliseconds()
	steps := []struct {
		below int64
		to    time.Duration
	}{
		{15, 10 * time.Millisecond}, {35, 20 * time.Millisecond}, {75, 50 * time.Millisecond},
		{150, 100 * time.Millisecond}, {350, 200 * time.Millisecond}, {750, 500 * time.Millisecond},
		{1500, time.Second}, {3500, 2 * time.Second}, {7500, 5 * time.Second},
		{12500, 10 * time.Second}, {17500, 15 * time.Second}, {25000, 20 * time.Second},
		{45000, 30 * time.Second}, {90000, time.Minute}, {210000, 2 * time.Minute},
		{450000, 5 * time.Minute}, {750000, 10 * time.Minute}, {1050000, 15 * time.Minute},
		{1500000, 20 * time.Minute}, {2700000, 30 * time.Minute}, {5400000, time.Hour},
	}
	for _, s := range steps {
		if ms < s.below {
			return s.to
		}
	}
	return 2 * time.Hour
}

// promDuration formats d the way PromQL durations are written (5s, 1m30s).
func promDuration(d time.Duration) string {
	if d%time.Second != 0 {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	s := int64(d / time.Second)
	out := ""
	for _, u := range []struct {
		n    int64
		unit string
	}{{3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			out += fmt.Sprintf("%d%s", s/u.n, u.unit)
			s %= u.n
		}
	}
	if out == "" {
		return "0s"
	}
	return out
}

// FormatVariable formats the selected values of a multi-value variable as
// Grafana does inside a Prometheus query: regex-escaped, one value as is,
// several as (a|b).
func FormatVariable(values []string) string {
	esc := make([]string, len(values))
	for i, v := range values {
		esc[i] = regexp.QuoteMeta(v)
	}
	sort.Strings(esc)
	if len(esc) == 1 {
		return esc[0]
	}
	return "(" + strings.Join(esc, "|") + ")"
}

var varRef = regexp.MustCompile(`\$\{?(__rate_interval|__interval|[A-Za-z_][A-Za-z0-9_]*)\}?`)

// Substitute replaces Grafana's built-in interval variables and the
// template variables (already formatted with FormatVariable) in expr. An
// unknown variable is an error: Grafana would leave it in and the query
// would fail.
func Substitute(expr string, q Query, vars map[string]string) (string, error) {
	var unknown []string
	out := varRef.ReplaceAllStringFunc(expr, func(m string) string {
		name := strings.Trim(m, "${}")
		switch name {
		case "__rate_interval":
			return promDuration(q.RateInterval)
		case "__interval":
			return promDuration(q.Step)
		}
		if v, ok := vars[name]; ok {
			return v
		}
		unknown = append(unknown, m)
		return m
	})
	if len(unknown) > 0 {
		return "", fmt.Errorf("%q: unknown variables %v", expr, unknown)
	}
	return out, nil
}

var legendRef = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// Legend expands a legendFormat with a series' labels; an empty format is
// the series' label set, as in Grafana.
func Legend(format string, labels map[string]string) string {
	if format == "" || format == "__auto" {
		keys := make([]string, 0, len(labels))
		for k := range labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s=%q", k, labels[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return legendRef.ReplaceAllStringFunc(format, func(m string) string {
		return labels[legendRef.FindStringSubmatch(m)[1]]
	})
}
