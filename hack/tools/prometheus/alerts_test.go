package tools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestChartAlerts renders the chart's PrometheusRule with helm (the rules
// that ship), checks them with `promtool check rules` and runs the unit
// tests of testdata/alerts-test.yaml with `promtool test rules`. helm and
// promtool come from bin/ (make bin/promtool, hack/build-test-binaries.sh
// helm) or $HELM / $PROMTOOL.
func TestChartAlerts(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	helm := tool(t, "HELM", filepath.Join(root, "bin", "helm"))
	promtool := tool(t, "PROMTOOL", filepath.Join(root, "bin", "promtool"))

	out, err := exec.Command(helm, "template", "netguard", filepath.Join(root, "charts", "netguard"),
		"--namespace", "netguard-system", "--set", "prometheusRule.enabled=true",
		"--show-only", "templates/prometheusrule.yaml").CombinedOutput()
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	var pr struct {
		Kind string         `json:"kind"`
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal(out, &pr); err != nil {
		t.Fatalf("rendered PrometheusRule: %v\n%s", err, out)
	}
	if pr.Kind != "PrometheusRule" || pr.Spec["groups"] == nil {
		t.Fatalf("not a PrometheusRule with groups:\n%s", out)
	}
	rules, err := yaml.Marshal(pr.Spec) // {groups: [...]}: a Prometheus rule file
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join("testdata", "alerts-test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alerts-test.yaml"), tests, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "alerts-test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		t.Logf("promtool %s:\n%s", strings.Join(args, " "), out)
	}
	// Every alert has a test and a runbook section.
	runbooks, err := os.ReadFile(filepath.Join(root, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range alertNames(t, pr.Spec) {
		if !strings.Contains(string(tests), "alertname: "+name+"\n") {
			t.Errorf("alert %s has no promtool test in testdata/alerts-test.yaml", name)
		}
		if !strings.Contains(strings.ToLower(string(runbooks)), "### "+strings.ToLower(name)+"\n") {
			t.Errorf("alert %s has no runbook section (### %s) in docs/operations.md", name, name)
		}
	}
}

func tool(t *testing.T, env, def string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = def
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not found (%v): run `make %s` or set $%s", p, err, "test-alerts", env)
	}
	return p
}

func alertNames(t *testing.T, spec map[string]any) []string {
	t.Helper()
	var names []string
	groups, _ := spec["groups"].([]any)
	for _, g := range groups {
		rules, _ := g.(map[string]any)["rules"].([]any)
		for _, r := range rules {
			if a, ok := r.(map[string]any)["alert"].(string); ok {
				names = append(names, a)
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("no alerts rendered")
	}
	return names
}
