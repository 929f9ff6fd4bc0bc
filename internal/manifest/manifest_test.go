package manifest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func data(t *testing.T, o *Object) map[string]string {
	t.Helper()
	var v struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(o.JSON, &v); err != nil {
		t.Fatalf("decode %s: %v", o.ID(), err)
	}
	return v.Data
}

const flannelCM = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
  namespace: kube-system
data:
  cni-conf.json: |
    {
      "name": "cb0",
      "type": "flannel"
    }
  net-conf.json: '{"Network": "10.24.0.0/16"}'
`

func TestMultiDocumentPositionsAreFileLines(t *testing.T) {
	text := "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n" + flannelCM + "--- # trailing comment\n---\n# only a comment\n"
	f := mustParse(t, text)
	if len(f.Objects) != 2 {
		t.Fatalf("got %d objects, want 2", len(f.Objects))
	}
	svc, cm := f.Objects[0], f.Objects[1]
	if svc.Kind != "Service" || svc.Name != "a" || svc.Line() != 1 || svc.Doc != 0 {
		t.Errorf("service: %+v line %d", svc.ID(), svc.Line())
	}
	if cm.Kind != "ConfigMap" || cm.Namespace != "kube-system" || cm.Line() != 7 || cm.Doc != 1 {
		t.Errorf("configmap: %s line %d doc %d", cm.ID(), cm.Line(), cm.Doc)
	}
	// "type" is line 3 col 3 of the embedded cni-conf.json
	line, col, exact := cm.DataPosition("cni-conf.json", 3, 3)
	if !exact || line != 16 || col != 7 {
		t.Errorf("cni-conf.json 3:3 -> %d:%d exact=%v, want 16:7", line, col, exact)
	}
	if got := strings.TrimSpace(f.lines.LineText(line)); !strings.HasPrefix(got, `"type"`) {
		t.Errorf("line %d is %q", line, got)
	}
}

func TestQuotedScalarMapsToTheKeyLine(t *testing.T) {
	f := mustParse(t, flannelCM)
	o := f.Objects[0]
	line, col, exact := o.DataPosition("net-conf.json", 1, 14)
	if exact || line != 13 || col != 18 {
		t.Errorf("quoted value -> %d:%d exact=%v, want 13:18 inexact", line, col, exact)
	}
	line, col, exact = o.DataPosition("net-conf.json", 0, 0)
	if !exact || line != 13 || col != 3 {
		t.Errorf("key -> %d:%d exact=%v, want 13:3", line, col, exact)
	}
	line, _, exact = o.DataPosition("missing.json", 1, 1)
	if exact || line != 7 {
		t.Errorf("missing key -> line %d exact=%v, want the data line 7", line, exact)
	}
}

func TestBlockScalarWithLeadingBlankLineAndIndentIndicator(t *testing.T) {
	text := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: |\n\n      deep\n  b: |2\n      two\n"
	f := mustParse(t, text)
	o := f.Objects[0]
	if d := data(t, o); d["a"] != "\ndeep\n" || d["b"] != "  two\n" {
		t.Fatalf("data = %q", d)
	}
	if l, c, _ := o.DataPosition("a", 2, 1); l != 7 || c != 7 {
		t.Errorf("a line 2 -> %d:%d, want 7:7", l, c)
	}
	if l, c, _ := o.DataPosition("b", 1, 5); l != 9 || c != 9 {
		t.Errorf("b with |2 -> %d:%d, want 9:9", l, c)
	}
}

func TestListItemsAreObjects(t *testing.T) {
	text := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: kube-proxy, namespace: kube-system}
  data:
    config.conf: |
      mode: ipvs
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: default}
`
	f := mustParse(t, text)
	if len(f.Objects) != 2 {
		t.Fatalf("got %d objects", len(f.Objects))
	}
	if o := f.Objects[0]; o.Item != 0 || o.Line() != 4 || o.Column() != 3 || o.Name != "kube-proxy" {
		t.Errorf("item 0: %s item=%d at %d:%d", o.ID(), o.Item, o.Line(), o.Column())
	}
	if o := f.Objects[1]; o.Item != 1 || o.Line() != 10 || o.Kind != "Service" {
		t.Errorf("item 1: %s item=%d line %d", o.ID(), o.Item, o.Line())
	}
	if l, c, _ := f.Objects[0].DataPosition("config.conf", 1, 7); l != 9 || c != 13 {
		t.Errorf("config.conf 1:7 -> %d:%d, want 9:13", l, c)
	}
}

func TestJSONInput(t *testing.T) {
	text := "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"ConfigMap\",\n\t\"metadata\": {\"name\": \"eni-config\", \"namespace\": \"kube-system\"},\n\t\"data\": {\n\t\t\"eni_conf\": \"{\\\"version\\\": \\\"1\\\"}\"\n\t}\n}\n"
	f, err := Parse("cm.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Objects) != 1 || f.Objects[0].Name != "eni-config" {
		t.Fatalf("objects: %+v", f.Objects)
	}
	o := f.Objects[0]
	if d := data(t, o); d["eni_conf"] != `{"version": "1"}` {
		t.Errorf("eni_conf = %q", d["eni_conf"])
	}
	if l, _, exact := o.DataPosition("eni_conf", 1, 5); l != 6 || exact {
		t.Errorf("JSON string value -> line %d exact=%v, want 6 inexact", l, exact)
	}
}

func TestCRLFAndBOM(t *testing.T) {
	text := "\xEF\xBB\xBF" + strings.ReplaceAll(flannelCM, "\n", "\r\n")
	f := mustParse(t, text)
	if len(f.BOM) != 3 || len(f.Objects) != 1 {
		t.Fatalf("BOM %v, %d objects", f.BOM, len(f.Objects))
	}
	o := f.Objects[0]
	if d := data(t, o); !strings.Contains(d["cni-conf.json"], "\"cb0\",\n") || strings.Contains(d["cni-conf.json"], "\r") {
		t.Errorf("cni-conf.json = %q", d["cni-conf.json"])
	}
	if l, c, _ := o.DataPosition("cni-conf.json", 3, 3); l != 11 || c != 7 {
		t.Errorf("CRLF mapping -> %d:%d, want 11:7", l, c)
	}
	if o.Line() != 2 || o.Column() != 1 {
		t.Errorf("object at %d:%d, want 2:1 (BOM does not shift columns)", o.Line(), o.Column())
	}
}

func TestYAMLDecodesLikeKubectl(t *testing.T) {
	// YAML 1.1: "on" is a boolean for kubectl; last duplicate key wins.
	f := mustParse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: one\n  k: two\n  b: on\n")
	var v map[string]any
	_ = json.Unmarshal(f.Objects[0].JSON, &v)
	d := v["data"].(map[string]any)
	if d["k"] != "two" || d["b"] != true {
		t.Errorf("data = %v", d)
	}
	if _, val := f.Objects[0].Node("data", "k"); val == nil || val.Value != "two" {
		t.Errorf("node lookup does not follow the last duplicate")
	}
}

func TestSyntaxErrorNamesTheFileLine(t *testing.T) {
	text := "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b: c\n"
	_, err := Parse("bad.yaml", []byte(text))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want SyntaxError", err)
	}
	if se.Line != 9 || !strings.Contains(se.Error(), "bad.yaml:9:") || !strings.Contains(se.Msg, "mapping values are not allowed") {
		t.Errorf("error = %q (line %d)", se.Error(), se.Line)
	}
	// an error on the first line of a later document has no "line N" in yaml's message
	_, err = Parse("bad.yaml", []byte("kind: A\n---\na: b: c\n"))
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("first-line error: %v", err)
	}
}

func TestDocumentsWithoutKindAreSkipped(t *testing.T) {
	f := mustParse(t, "cluster:\n  kubernetesVersion: \"1.34\"\n---\n- a\n- b\n")
	if len(f.Objects) != 0 || len(f.Skipped) != 2 {
		t.Errorf("objects %d skipped %v", len(f.Objects), f.Skipped)
	}
}

func TestSplitFieldPath(t *testing.T) {
	for in, want := range map[string]string{
		"spec.ipFamilyPolicy": "spec|ipFamilyPolicy",
		"spec.ports[0].port":  "spec|ports|0|port",
		"metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec]": "metadata|annotations|service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec",
		"": "",
	} {
		if got := strings.Join(SplitFieldPath(in), "|"); got != want {
			t.Errorf("SplitFieldPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpandWalksDirectoriesSorted(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.yaml", "a.yml", "sub/c.json", "sub/notes.md", ".hidden/x.yaml"} {
		p := filepath.Join(dir, n)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Expand([]string{dir, "-"})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, g := range got {
		r, _ := filepath.Rel(dir, g)
		if g == "-" {
			r = "-"
		}
		rel = append(rel, r)
	}
	if strings.Join(rel, ",") != "a.yml,b.yaml,sub/c.json,-" {
		t.Errorf("Expand = %v", rel)
	}
	if _, err := Expand([]string{filepath.Join(dir, "missing.yaml")}); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file error = %v", err)
	}
}
