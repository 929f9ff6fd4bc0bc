package tools

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"
)

// grafanaVars replaces the dashboard's Grafana variables with values the
// PromQL parser accepts (the variables are substituted by Grafana).
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$job", ".*", "$namespace", ".*")

// TestDashboardAndAlertsNameOnlyListedMetrics parses every PromQL
// expression of the Grafana dashboard (docs/ and the chart's copy, which
// must be identical) and of the rendered alerts with Prometheus's parser,
// and checks that the metric names they use are exactly those listed in
// testdata/metrics.txt. The main module's TestObservabilityMetricsExist
// proves each listed name is really exported (by netguard's /metrics or,
// for apiserver_*, by the kube-apiserver source), so together no panel or
// alert can name a metric nobody exports.
func TestDashboardAndAlertsNameOnlyListedMetrics(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	chart, err := os.ReadFile(filepath.Join(root, "charts", "netguard", "dashboards", "netguard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(doc) != string(chart) {
		t.Errorf("charts/netguard/dashboards/netguard.json differs from docs/grafana-dashboard.json: copy it")
	}
	used := map[string]bool{}
	exprs := dashboardExprs(t, doc)
	if len(exprs) < 10 {
		t.Fatalf("only %d expressions in the dashboard", len(exprs))
	}
	if rules := renderedRuleExprs(t, root); rules != nil {
		exprs = append(exprs, rules...)
	}
	for _, e := range exprs {
		ast, err := parser.NewParser(parser.Options{}).ParseExpr(grafanaVars.Replace(e))
		if err != nil {
			t.Errorf("%q does not parse: %v", e, err)
			continue
		}
		names := 0
		parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				if vs.Name == "" {
					t.Errorf("%q selects series without a metric name", e)
				}
				used[vs.Name] = true
				names++
			}
			return nil
		})
		if names == 0 && !strings.HasPrefix(e, "vector(") {
			t.Errorf("%q names no metric", e)
		}
	}
	listed := readList(t)
	for name := range used {
		if !slices.Contains(listed, name) {
			t.Errorf("%s is used but not in testdata/metrics.txt (add it there, and make sure TestObservabilityMetricsExist proves it exists)", name)
		}
	}
	for _, name := range listed {
		if !used[name] {
			t.Errorf("testdata/metrics.txt lists %s, which no panel or alert uses", name)
		}
	}
}

func dashboardExprs(t *testing.T, b []byte) []string {
	t.Helper()
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	var out []string
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			out = append(out, tg.Expr)
		}
	}
	return out
}

// renderedRuleExprs returns the alert expressions helm renders, or nil
// (logged) without helm; TestChartAlerts covers the rules with promtool.
func renderedRuleExprs(t *testing.T, root string) []string {
	t.Helper()
	helm := os.Getenv("HELM")
	if helm == "" {
		helm = filepath.Join(root, "bin", "helm")
	}
	out, err := exec.Command(helm, "template", "netguard", filepath.Join(root, "charts", "netguard"),
		"--namespace", "netguard-system", "--set", "prometheusRule.enabled=true",
		"--show-only", "templates/prometheusrule.yaml").CombinedOutput()
	if err != nil {
		t.Logf("alert expressions not checked: helm template: %v %s", err, out)
		return nil
	}
	var pr struct {
		Spec struct {
			Groups []struct {
				Rules []struct {
					Expr string `json:"expr"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(out, &pr); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	return exprs
}

func readList(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "metrics.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}
