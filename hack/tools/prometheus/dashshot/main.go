// Command dashshot renders every panel of netguard's Grafana dashboard
// (docs/grafana-dashboard.json) from a real Prometheus: it runs each panel's
// own PromQL targets against Prometheus's query API, with Grafana's
// $__interval, $__rate_interval and template variables substituted the way
// Grafana does, and draws them at the panels' gridPos with their titles,
// units and legend formats into a PNG. hack/dashshot (the main module) runs
// the load and the Prometheus it queries; `make dashboard-screenshot` runs
// both.
//
// It draws with gonum.org/v1/plot in pure Go rather than Grafana (which has
// no Debian package and whose frontend cannot be built here) or a headless
// browser (an extra ~300 MB download with its own flakiness): the picture is
// netguard's rendering of the dashboard's queries, and says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dashshot:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		dashFile = flag.String("dashboard", "docs/grafana-dashboard.json", "Grafana dashboard JSON")
		promURL  = flag.String("prometheus", "http://127.0.0.1:9090", "Prometheus base URL")
		fromS    = flag.String("from", "", "range start, RFC 3339")
		toS      = flag.String("to", "", "range end, RFC 3339")
		scrape   = flag.Duration("scrape-interval", 5*time.Second, "the data source's scrape interval (Grafana's min interval)")
		out      = flag.String("out", "docs/grafana-dashboard.png", "PNG to write")
		note     = flag.String("note", "", "more caption lines, separated by | (what load ran)")
	)
	flag.Parse()
	from, err := time.Parse(time.RFC3339, *fromS)
	if err != nil {
		return fmt.Errorf("-from: %w", err)
	}
	to, err := time.Parse(time.RFC3339, *toS)
	if err != nil {
		return fmt.Errorf("-to: %w", err)
	}
	b, err := os.ReadFile(*dashFile)
	if err != nil {
		return err
	}
	d, err := ParseDashboard(b)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	prom := Prom{URL: *promURL, Client: &http.Client{Timeout: 30 * time.Second}}
	version, err := prom.BuildInfo(ctx)
	if err != nil {
		return err
	}
	vars, err := resolveVariables(ctx, prom, d, from, to)
	if err != nil {
		return err
	}
	data, err := queryPanels(ctx, prom, d, vars, from, to, *scrape)
	if err != nil {
		return err
	}
	caption := []string{
		fmt.Sprintf("%s — every panel of docs/grafana-dashboard.json rendered by hack/tools/prometheus/dashshot (not Grafana's UI)", d.Title),
		fmt.Sprintf("Each panel's own PromQL run against Prometheus %s (built from the Go module github.com/prometheus/prometheus), %s – %s UTC, scraping every %s.", version, from.UTC().Format("2006-01-02 15:04:05"), to.UTC().Format("15:04:05"), *scrape),
	}
	caption = append(caption, strings.Split(*note, "|")...)
	if len(caption) > maxCaptionLines {
		return fmt.Errorf("-note: at most %d lines (separated by |)", maxCaptionLines-2)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, Render(d, data, caption)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// resolveVariables evaluates the dashboard's query variables in order (a
// later one may use an earlier one) with "All" selected, as a dashboard
// opened with its defaults shows them.
func resolveVariables(ctx context.Context, prom Prom, d *Dashboard, from, to time.Time) (map[string]string, error) {
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		def, err := Substitute(v.Definition, Query{}, vars)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
		vals, err := prom.LabelValues(ctx, def, from, to)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("variable %s: %s has no values: was anything scraped?", v.Name, def)
		}
		vars[v.Name] = FormatVariable(vals)
	}
	return vars, nil
}

// queryPanels runs every target of every panel; a failing query is shown in
// its panel (as Grafana does), not fatal.
func queryPanels(ctx context.Context, prom Prom, d *Dashboard, vars map[string]string, from, to time.Time, scrape time.Duration) (map[int]PanelData, error) {
	_, rects := Layout(d)
	data := map[int]PanelData{}
	for _, p := range d.Panels {
		q := PanelQuery(from, to, rects[p.ID].Dx(), scrape)
		pd := PanelData{Query: q}
		for _, t := range p.Targets {
			expr, err := Substitute(t.Expr, q, vars)
			if err != nil {
				return nil, fmt.Errorf("panel %q: %w", p.Title, err)
			}
			var ss []Series
			if t.Instant {
				ss, err = prom.QueryInstant(ctx, expr, to)
			} else {
				ss, err = prom.QueryRange(ctx, expr, q)
			}
			if err != nil {
				pd.Err = err
				break
			}
			for _, s := range ss {
				pd.Series = append(pd.Series, Named{Name: Legend(t.LegendFormat, s.Labels), Series: s})
			}
		}
		data[p.ID] = pd
	}
	return data, nil
}
