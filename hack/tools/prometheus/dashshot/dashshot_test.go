package main

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

func loadDashboard(t *testing.T) *Dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docs", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDashboard(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEveryPanelTargetSubstitutesToValidPromQL: what the renderer sends to
// Prometheus for every target of every panel parses as PromQL and carries
// no Grafana variable left over, for one and for several selected values.
func TestEveryPanelTargetSubstitutesToValidPromQL(t *testing.T) {
	d := loadDashboard(t)
	_, rects := Layout(d)
	to := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	for _, vals := range [][]string{{"netguard"}, {"netguard", "netguard-canary"}} {
		vars := map[string]string{"job": FormatVariable(vals), "namespace": FormatVariable(vals)}
		targets := 0
		for _, p := range d.Panels {
			q := PanelQuery(to.Add(-5*time.Minute), to, rects[p.ID].Dx(), 5*time.Second)
			for _, tg := range p.Targets {
				expr, err := Substitute(tg.Expr, q, vars)
				if err != nil {
					t.Fatalf("panel %q: %v", p.Title, err)
				}
				if strings.Contains(expr, "$") {
					t.Errorf("panel %q: %q still has a variable", p.Title, expr)
				}
				if _, err := parser.NewParser(parser.Options{}).ParseExpr(expr); err != nil {
					t.Errorf("panel %q: %q: %v", p.Title, expr, err)
				}
				targets++
			}
		}
		if targets < len(d.Panels) {
			t.Fatalf("%d targets for %d panels", targets, len(d.Panels))
		}
	}
}

// TestVariableQueriesAreLabelValues: the template variables are the
// label_values queries the renderer can answer, in an order where each uses
// only earlier ones.
func TestVariableQueriesAreLabelValues(t *testing.T) {
	vars := map[string]string{}
	for _, v := range loadDashboard(t).Templating.List {
		if v.Type != "query" {
			continue
		}
		def, err := Substitute(v.Definition, Query{}, vars)
		if err != nil {
			t.Fatalf("variable %s: %v", v.Name, err)
		}
		if !labelValuesDef.MatchString(def) {
			t.Errorf("variable %s: %q is not label_values(selector, label)", v.Name, def)
		}
		vars[v.Name] = "x"
	}
	if len(vars) == 0 {
		t.Fatal("no query variables")
	}
}

// TestLayoutPlacesEveryPanelInsideWithoutOverlap: every panel gets its own
// rectangle inside the picture, as its gridPos says.
func TestLayoutPlacesEveryPanelInsideWithoutOverlap(t *testing.T) {
	d := loadDashboard(t)
	size, rects := Layout(d)
	if len(rects) != len(d.Panels) {
		t.Fatalf("%d rectangles for %d panels (duplicate ids?)", len(rects), len(d.Panels))
	}
	bounds := image.Rectangle{Max: size}
	for _, p := range d.Panels {
		r := rects[p.ID]
		if r.Empty() || !r.In(bounds) {
			t.Errorf("panel %q at %v, outside %v", p.Title, r, bounds)
		}
		if want := p.GridPos.W*colPx - 2*marginPx; r.Dx() != want {
			t.Errorf("panel %q is %d px wide, want %d", p.Title, r.Dx(), want)
		}
		for _, o := range d.Panels {
			if o.ID != p.ID && r.Overlaps(rects[o.ID]) {
				t.Errorf("panels %q and %q overlap", p.Title, o.Title)
			}
		}
	}
}

// TestPanelQueryFollowsGrafana: $__interval is the range per pixel rounded
// like Grafana, never below the scrape interval; $__rate_interval is
// max($__interval + scrape, 4 × scrape).
func TestPanelQueryFollowsGrafana(t *testing.T) {
	to := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rng          time.Duration
		px           int
		scrape       time.Duration
		step, rateIv string
	}{
		{5 * time.Minute, 660, 5 * time.Second, "5s", "20s"},
		{24 * time.Hour, 1400, 15 * time.Second, "1m", "1m15s"},
		{6 * time.Hour, 700, 30 * time.Second, "30s", "2m"},
	} {
		q := PanelQuery(to.Add(-c.rng), to, c.px, c.scrape)
		got, err := Substitute("$__interval $__rate_interval", q, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := c.step + " " + c.rateIv; got != want {
			t.Errorf("%s over %d px, scrape %s: got %q, want %q", c.rng, c.px, c.scrape, got, want)
		}
	}
}

func TestSubstituteRejectsUnknownVariables(t *testing.T) {
	if _, err := Substitute(`up{job=~"$jobb"}`, Query{}, map[string]string{"job": "x"}); err == nil {
		t.Fatal("an unknown variable was accepted")
	}
}

func TestFormatVariableEscapesLikeGrafana(t *testing.T) {
	for in, want := range map[string]string{"a.b": `a\.b`, "b,a": `(a|b)`} {
		if got := FormatVariable(strings.Split(in, ",")); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestLegendExpandsLabels(t *testing.T) {
	l := map[string]string{"webhook": "/validate", "decision": "denied"}
	if got := Legend("{{webhook}} {{ decision }}", l); got != "/validate denied" {
		t.Errorf("got %q", got)
	}
	if got := Legend("", l); got != `{decision="denied", webhook="/validate"}` {
		t.Errorf("empty format: got %q", got)
	}
}

// TestRenderDrawsEveryPanel: each panel's rectangle holds more than the
// page background (a missing panel would leave it blank), including
// panels with no data and with a query error.
func TestRenderDrawsEveryPanel(t *testing.T) {
	d := loadDashboard(t)
	to := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	q := PanelQuery(to.Add(-5*time.Minute), to, 600, 5*time.Second)
	s := Series{Labels: map[string]string{"webhook": "/validate"}, T: []time.Time{to.Add(-time.Minute), to}, V: []float64{1, 2}}
	data := map[int]PanelData{}
	for i, p := range d.Panels {
		switch i % 3 {
		case 0:
			data[p.ID] = PanelData{Query: q, Series: []Named{{Name: "a", Series: s}}}
		case 1:
			data[p.ID] = PanelData{Query: q}
		}
	}
	img := Render(d, data, []string{"title", "note"}).(*image.RGBA)
	_, rects := Layout(d)
	for _, p := range d.Panels {
		r := rects[p.ID]
		if c := img.RGBAAt(r.Min.X+r.Dx()/2, r.Min.Y+r.Dy()/2); c == pageBG {
			t.Errorf("panel %q: its centre is page background", p.Title)
		}
	}
}
