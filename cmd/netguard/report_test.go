package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/internal/output"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the published SARIF 2.1.0 schema
// (testdata/sarif/PROVENANCE.md), with format assertions on (uri,
// uri-reference, date-time).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(t *testing.T, s *jsonschema.Schema, out string) map[string]any {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v", err)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(out), &m)
	return m
}

// The schema check must be able to fail: a document without runs is refused.
func TestSARIFSchemaRefusesABrokenLog(t *testing.T) {
	s := sarifSchema(t)
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {}}]}`))
	if err := s.Validate(doc); err == nil {
		t.Fatal("a run whose tool has no driver passed the schema")
	}
}

func TestLintSARIFIsValidAndComplete(t *testing.T) {
	s := sarifSchema(t)
	file := filepath.Join("testdata", "kube-proxy-bad.yaml")
	code, out, errOut := runCmd("", "lint", "-o", "sarif", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a deny)\n%s", code, errOut)
	}
	m := validateSARIF(t, s, out)
	run := m["runs"].([]any)[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	ruleIDs := map[string]map[string]any{}
	for _, r := range driver["rules"].([]any) {
		r := r.(map[string]any)
		ruleIDs[r["id"].(string)] = r
	}
	kp := ruleIDs["KP030"]
	if kp == nil || !strings.HasSuffix(kp["helpUri"].(string), "docs/rules.md#kp030") || kp["help"].(map[string]any)["text"] == "" {
		t.Errorf("rule KP030 in tool.driver.rules: %v", kp)
	}
	results := run["results"].([]any)
	if len(results) == 0 {
		t.Fatal("no results")
	}
	var sawEmbedded bool
	for _, r := range results {
		r := r.(map[string]any)
		phys := r["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		if uri := phys["artifactLocation"].(map[string]any)["uri"]; uri != "testdata/kube-proxy-bad.yaml" {
			t.Errorf("uri %v", uri)
		}
		if reg, ok := phys["region"].(map[string]any); !ok || reg["startLine"].(float64) < 1 || reg["startColumn"].(float64) < 1 {
			t.Errorf("region %v", phys["region"])
		}
		idx := int(r["ruleIndex"].(float64))
		if driver["rules"].([]any)[idx].(map[string]any)["id"] != r["ruleId"] {
			t.Errorf("ruleIndex %d does not point at %v", idx, r["ruleId"])
		}
		if r["ruleId"] == "KP030" {
			if r["level"] != "error" {
				t.Errorf("KP030 level %v", r["level"])
			}
			rel, ok := r["relatedLocations"].([]any)
			if ok && strings.Contains(rel[0].(map[string]any)["message"].(map[string]any)["text"].(string), "of the embedded document config.conf") {
				sawEmbedded = true
			}
		}
	}
	if !sawEmbedded {
		t.Errorf("no relatedLocation with the position inside config.conf:\n%s", out)
	}
	if inv := run["invocations"].([]any)[0].(map[string]any); inv["executionSuccessful"] != true {
		t.Errorf("invocation %v", inv)
	}
}

func TestMachineFormatsCarryErrorsWithExit2(t *testing.T) {
	s := sarifSchema(t)
	dir := t.TempDir()
	badCfg := filepath.Join(dir, "cfg.yaml")
	_ = os.WriteFile(badCfg, []byte("rules:\n  KP9999: warn\n"), 0o644)
	for _, args := range [][]string{
		{"lint", "/nonexistent/netguard.yaml"},
		{"lint", "-c", badCfg, "testdata/kube-proxy-bad.yaml"},
		{"scan", "--kubeconfig", filepath.Join(dir, "missing-kubeconfig")},
	} {
		for _, format := range []string{"json", "sarif", "junit"} {
			code, out, _ := runCmd("", append(args, "-o", format)...)
			if code != 2 {
				t.Errorf("%v -o %s: exit %d, want 2", args, format, code)
			}
			switch format {
			case "json":
				var fs []map[string]any
				if err := json.Unmarshal([]byte(out), &fs); err != nil || len(fs) == 0 || fs[len(fs)-1]["severity"] != "error" || fs[len(fs)-1]["message"] == "" {
					t.Errorf("%v -o json: %v\n%s", args, err, out)
				}
			case "sarif":
				m := validateSARIF(t, s, out)
				inv := m["runs"].([]any)[0].(map[string]any)["invocations"].([]any)[0].(map[string]any)
				if inv["executionSuccessful"] != false || len(inv["toolExecutionNotifications"].([]any)) == 0 {
					t.Errorf("%v -o sarif: invocation %v", args, inv)
				}
			case "junit":
				doc := parseJUnit(t, out)
				if doc.Errors == 0 || doc.Suites[0].Cases[0].Error == nil || doc.Suites[0].Cases[0].Error.Message == "" {
					t.Errorf("%v -o junit: no error element\n%s", args, out)
				}
			}
		}
	}
}

// junitDoc is what a JUnit consumer (GitLab, Jenkins) reads.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, out string) junitDoc {
	t.Helper()
	var doc junitDoc
	if err := xml.NewDecoder(strings.NewReader(out)).Decode(&doc); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, out)
	}
	return doc
}

func TestLintJUnitDeniesAreFailures(t *testing.T) {
	code, out, _ := runCmd("", "lint", "-o", "junit", "testdata/kube-proxy-bad.yaml")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	doc := parseJUnit(t, out)
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "testdata/kube-proxy-bad.yaml" {
		t.Fatalf("suites %+v", doc.Suites)
	}
	var failures, passed, tests int
	for _, c := range doc.Suites[0].Cases {
		tests++
		switch {
		case c.Failure != nil:
			failures++
			if c.Failure.Type != "deny" || !strings.Contains(c.Failure.Text, "testdata/kube-proxy-bad.yaml:") || c.Classname == "" || c.Name == "" {
				t.Errorf("failure %+v", c)
			}
		default:
			passed++
			if !strings.Contains(c.SystemOut, " warn ") && !strings.Contains(c.SystemOut, " info ") {
				t.Errorf("a passing testcase must be a warn or info finding: %+v", c)
			}
		}
	}
	if failures == 0 || doc.Failures != failures || doc.Suites[0].Failures != failures || doc.Tests != tests || doc.Suites[0].Tests != tests {
		t.Errorf("counts: %d failures, %d tests; document says %d/%d, suite %d/%d", failures, tests, doc.Failures, doc.Tests, doc.Suites[0].Failures, doc.Suites[0].Tests)
	}
	// a clean run is still a report with one passing testcase
	_, out, _ = runCmd("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", "lint", "-o", "junit", "-")
	if doc := parseJUnit(t, out); doc.Tests != 1 || doc.Failures != 0 {
		t.Errorf("clean run: %+v", doc)
	}
}

func TestMinSeverityAndQuietFilterOutputNotExitStatus(t *testing.T) {
	count := func(args ...string) (int, map[string]int) {
		code, out, _ := runCmd("", append([]string{"lint", "-o", "json", "testdata/kube-proxy-bad.yaml"}, args...)...)
		var fs []map[string]any
		if err := json.Unmarshal([]byte(out), &fs); err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, f := range fs {
			n[f["severity"].(string)]++
		}
		return code, n
	}
	code, all := count()
	if all["info"] == 0 || all["deny"] == 0 {
		t.Fatalf("fixture must have info and deny findings: %v", all)
	}
	for _, args := range [][]string{{"--quiet"}, {"-q"}, {"--min-severity", "warn"}} {
		c, n := count(args...)
		if c != code || n["info"] != 0 || n["deny"] != all["deny"] || n["warn"] != all["warn"] {
			t.Errorf("%v: exit %d, %v (all: %v)", args, c, n, all)
		}
	}
	if c, n := count("--min-severity", "deny"); c != 1 || n["warn"] != 0 || n["info"] != 0 || n["deny"] == 0 {
		t.Errorf("--min-severity deny: exit %d, %v", c, n)
	}
	// text: the summary still counts everything
	_, out, _ := runCmd("", "lint", "-q", "testdata/kube-proxy-bad.yaml")
	if strings.Contains(out, " info ConfigMap") || !strings.Contains(out, " info: denied") {
		t.Errorf("text --quiet:\n%s", out)
	}
}

func TestNoColourInPipesOrWithNO_COLOR(t *testing.T) {
	var b bytes.Buffer
	if output.ColorEnabled(&b) {
		t.Error("colour into a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if output.ColorEnabled(f) {
		t.Error("colour into a file")
	}
	if got := output.PaintSeverity("deny", true); got != "\x1b[1;31mdeny\x1b[0m" {
		t.Errorf("paint: %q", got)
	}
	if got := output.PaintSeverity("deny", false); got != "deny" {
		t.Errorf("no paint: %q", got)
	}
}

// scan locates findings as namespace/kind/name[key]: the brackets must be
// escaped for artifactLocation.uri to be a URI reference.
func TestScanStyleLocationsAreValidSARIF(t *testing.T) {
	s := sarifSchema(t)
	var b bytes.Buffer
	run := output.Run{Command: "scan", Rules: catalog(), Findings: []lint.Finding{{
		Rule: "KP030", Severity: "deny", File: "kube-system/configmap/kube-proxy[config.conf]", Object: "kube-system/kube-proxy",
		Kind: "ConfigMap", Key: "config.conf", Line: 5, Column: 3, DocLine: 5, DocColumn: 3, Message: "m",
	}}}
	if err := output.WriteSARIF(&b, run); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, s, b.String())
	if !strings.Contains(b.String(), `"uri": "kube-system/configmap/kube-proxy%5Bconfig.conf%5D"`) {
		t.Errorf("uri not escaped:\n%s", b.String())
	}
}
