package manifest

import (
	"strings"
	"testing"
)

func rewrite(t *testing.T, f *File, edits ...Edit) *File {
	t.Helper()
	out, err := f.Apply(edits)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(f.Name, out)
	if err != nil {
		t.Fatalf("rewritten file does not parse: %v\n%s", err, out)
	}
	return g
}

func TestSetDataValueKeepsLiteralBlockAndTheRest(t *testing.T) {
	text := "# keep me\n" + flannelCM + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
	f := mustParse(t, text)
	want := "{\n  \"name\": \"cb0\",\n  \"cniVersion\": \"0.3.1\",\n  \"type\": \"flannel\"\n}\n"
	e, err := f.Objects[0].SetDataValue("cni-conf.json", want)
	if err != nil {
		t.Fatal(err)
	}
	g := rewrite(t, f, e)
	if got := data(t, g.Objects[0])["cni-conf.json"]; got != want {
		t.Errorf("value = %q, want %q", got, want)
	}
	out := string(g.Text)
	for _, keep := range []string{"# keep me\n", "  cni-conf.json: |\n    {\n      \"name\": \"cb0\",\n      \"cniVersion\": \"0.3.1\",\n", "  net-conf.json: '{\"Network\": \"10.24.0.0/16\"}'\n", "kind: Service"} {
		if !strings.Contains(out, keep) {
			t.Errorf("rewritten file lacks %q:\n%s", keep, out)
		}
	}
	if len(g.Objects) != 2 {
		t.Errorf("objects after rewrite: %d", len(g.Objects))
	}
}

func TestSetDataValueQuotedAndCRLF(t *testing.T) {
	text := strings.ReplaceAll(flannelCM, "\n", "\r\n")
	f := mustParse(t, text)
	e1, err := f.Objects[0].SetDataValue("net-conf.json", "{\"Network\": \"10.24.0.0/16\", \"Backend\": {\"Type\": \"alloc\"}}\n")
	if err != nil {
		t.Fatal(err)
	}
	e2, err := f.Objects[0].SetDataValue("cni-conf.json", "{\"name\": \"cb0\"}")
	if err != nil {
		t.Fatal(err)
	}
	g := rewrite(t, f, e1, e2)
	d := data(t, g.Objects[0])
	if d["net-conf.json"] != "{\"Network\": \"10.24.0.0/16\", \"Backend\": {\"Type\": \"alloc\"}}\n" || d["cni-conf.json"] != "{\"name\": \"cb0\"}" {
		t.Errorf("data = %q", d)
	}
	if strings.Contains(strings.ReplaceAll(string(g.Text), "\r\n", ""), "\n") {
		t.Errorf("rewrite introduced bare LF line endings: %q", g.Text)
	}
	if !strings.Contains(string(g.Text), "cni-conf.json: |-\r\n    {\"name\": \"cb0\"}\r\n") {
		t.Errorf("literal block without trailing newline should use |-: %q", g.Text)
	}
}

func TestSetDataValueInJSONFile(t *testing.T) {
	text := "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"},\n \"data\": {\"k\": \"old\", \"j\": \"x\"}}\n"
	f, err := Parse("a.json", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Objects[0].SetDataValue("k", "new \"quoted\"\nline <2>")
	if err != nil {
		t.Fatal(err)
	}
	g := rewrite(t, f, e)
	if got := data(t, g.Objects[0]); got["k"] != "new \"quoted\"\nline <2>" || got["j"] != "x" {
		t.Errorf("data = %q", got)
	}
}

func TestSetStringInsertsOrReplaces(t *testing.T) {
	text := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  # ports first\n  ports:\n  - port: 80\n  type: ClusterIP\n"
	f := mustParse(t, text)
	e, err := f.Objects[0].SetString([]string{"spec", "ipFamilyPolicy"}, "PreferDualStack")
	if err != nil {
		t.Fatal(err)
	}
	g := rewrite(t, f, e)
	if !strings.Contains(string(g.Text), "  # ports first\n  ipFamilyPolicy: PreferDualStack\n  ports:\n") {
		t.Errorf("insert:\n%s", g.Text)
	}
	e, err = g.Objects[0].SetString([]string{"spec", "type"}, "NodePort")
	if err != nil {
		t.Fatal(err)
	}
	h := rewrite(t, g, e)
	if !strings.Contains(string(h.Text), "  type: NodePort\n") {
		t.Errorf("replace:\n%s", h.Text)
	}
	flow := mustParse(t, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n")
	if _, err := flow.Objects[0].SetString([]string{"spec", "ipFamilyPolicy"}, "PreferDualStack"); err == nil {
		t.Errorf("insert into a flow mapping must be refused")
	}
}
