package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/kubeproxy"
	"github.com/netguard/netguard/rules/terway"
)

// fakeFlannel mutates cni-conf.json (adds cniVersion) and reports ZZ001 at
// the embedded position of "type", so that positions and --fix can be
// tested independently of the real Flannel rules.
type fakeFlannel struct{}

func (fakeFlannel) Component() rules.Component { return flannel.Component }

func (fakeFlannel) Mutate(req *rules.Request) rules.Mutation {
	v := req.ConfigMap().Data["cni-conf.json"]
	if strings.Contains(v, "cniVersion") || !strings.HasPrefix(v, "{\n") {
		return rules.Mutation{}
	}
	cm := req.ConfigMap().DeepCopy()
	cm.Data["cni-conf.json"] = "{\n  \"cniVersion\": \"0.3.1\",\n" + strings.TrimPrefix(v, "{\n")
	return rules.Mutation{Object: cm, Changes: []rules.Change{{Rule: "ZZ101", Key: "cni-conf.json", Path: "cniVersion", Old: "(absent)", New: `"0.3.1"`, Description: "test"}}}
}

func (fakeFlannel) Validate(req *rules.Request) []rules.Finding {
	r := rules.NewReport("ConfigMap", req.ConfigMap().Namespace, req.ConfigMap().Name)
	v := req.ConfigMap().Data["cni-conf.json"]
	lx := rules.NewLineIndex(v)
	if i := strings.Index(v, `"type"`); i >= 0 {
		l, c := lx.Position(i)
		r.Add("ZZ001", rules.Loc{Key: "cni-conf.json", Path: "type", Line: l, Column: c}, "type found", "")
	}
	return r.Findings
}

// fakeTerway reports the base eni-config it sees in the cluster context.
type fakeTerway struct{}

func (fakeTerway) Component() rules.Component           { return terway.Component }
func (fakeTerway) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }
func (fakeTerway) Validate(req *rules.Request) []rules.Finding {
	if req.Target.Role != terway.RoleOverride {
		return nil
	}
	r := rules.NewReport("ConfigMap", req.ConfigMap().Namespace, req.ConfigMap().Name)
	base := req.Cluster.ConfigMap("kube-system", "eni-config")
	msg := "no base"
	if base != nil {
		msg = "base " + base.Data["eni_conf"]
	}
	r.Add("ZZ002", rules.Loc{Key: "eni_conf"}, msg, "")
	return r.Findings
}

func init() {
	rules.Register(
		rules.Rule{ID: "ZZ001", Title: "test", Severity: rules.Deny, Component: flannel.Component},
		rules.Rule{ID: "ZZ002", Title: "test", Severity: rules.Info, Component: terway.Component},
		rules.Rule{ID: "ZZ101", Title: "test", Severity: rules.Info, Component: flannel.Component, Mutation: true},
	)
}

func fakeEngine() *engine.Engine {
	return engine.New(nil, fakeFlannel{}, fakeTerway{})
}

const flannelYAML = `# kube-flannel-cfg as shipped
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
  net-conf.json: |
    {"Network": "172.20.0.0/16"}
`

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func find(res *Result, rule string) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestFindingsAreMappedToFileLines(t *testing.T) {
	p := write(t, t.TempDir(), "flannel.yaml", flannelYAML)
	res := Run([]string{p}, Options{Engine: fakeEngine(), NoMutate: true})
	fs := find(res, "ZZ001")
	if len(fs) != 1 {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := fs[0]
	// "type" is line 3, col 3 of cni-conf.json; the block starts at file line 10 with 4 spaces.
	if f.Line != 11 || f.Column != 7 || f.DocLine != 3 || f.DocColumn != 3 || f.File != p || f.Object != "kube-system/kube-flannel-cfg" {
		t.Errorf("finding at %s:%d:%d (doc %d:%d), object %s", f.File, f.Line, f.Column, f.DocLine, f.DocColumn, f.Object)
	}
	if res.ExitCode() != 1 || res.Judged != 1 || res.Objects != 1 {
		t.Errorf("exit %d judged %d objects %d", res.ExitCode(), res.Judged, res.Objects)
	}
}

func TestMutationIsAppliedAndReportedUnlessNoMutate(t *testing.T) {
	p := write(t, t.TempDir(), "flannel.yaml", flannelYAML)
	res := Run([]string{p}, Options{Engine: fakeEngine()})
	if m := find(res, "ZZ101"); len(m) != 1 || m[0].Severity != rules.Info || m[0].Line != 8 {
		t.Errorf("mutation finding: %+v", m)
	}
	// judged after mutation: "type" moved one line down
	if f := find(res, "ZZ001"); len(f) != 1 || f[0].DocLine != 4 {
		t.Errorf("validation after mutation: %+v", f)
	}
	res = Run([]string{p}, Options{Engine: fakeEngine(), NoMutate: true})
	if len(find(res, "ZZ101")) != 0 {
		t.Errorf("--no-mutate still mutates")
	}
}

func TestFixRewritesOnlyTheValueAndIsIdempotent(t *testing.T) {
	p := write(t, t.TempDir(), "flannel.yaml", flannelYAML)
	res := Run([]string{p}, Options{Engine: fakeEngine(), Fix: true})
	if len(res.Errors) > 0 || len(res.Fixed) != 1 {
		t.Fatalf("errors %v fixed %v", res.Errors, res.Fixed)
	}
	got, _ := os.ReadFile(p)
	want := strings.Replace(flannelYAML, "    {\n      \"name\"", "    {\n      \"cniVersion\": \"0.3.1\",\n      \"name\"", 1)
	if string(got) != want {
		t.Errorf("fixed file:\n%s\nwant:\n%s", got, want)
	}
	res = Run([]string{p}, Options{Engine: fakeEngine(), Fix: true})
	if len(res.Fixed) != 0 || len(find(res, "ZZ101")) != 0 {
		t.Errorf("second --fix changed something: %v", res.Fixed)
	}
	again, _ := os.ReadFile(p)
	if !bytes.Equal(again, got) {
		t.Errorf("second --fix rewrote the file")
	}
}

func TestFixRefusesStdin(t *testing.T) {
	res := Run([]string{"-"}, Options{Engine: fakeEngine(), Fix: true, Stdin: strings.NewReader(flannelYAML)})
	if res.ExitCode() != 2 || len(res.Errors) != 1 || res.Errors[0] != ErrFixStdin {
		t.Errorf("errors %v", res.Errors)
	}
}

func TestStdinIsRead(t *testing.T) {
	res := Run([]string{"-"}, Options{Engine: fakeEngine(), NoMutate: true, Stdin: strings.NewReader(flannelYAML)})
	if f := find(res, "ZZ001"); len(f) != 1 || f[0].File != "-" || f[0].Line != 11 {
		t.Errorf("stdin findings: %+v", res.Findings)
	}
}

func TestUnreadableInputExitsTwoAndNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := write(t, dir, "bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n")
	good := write(t, dir, "good.yaml", flannelYAML)
	res := Run([]string{bad, good, filepath.Join(dir, "missing.yaml")}, Options{Engine: fakeEngine(), NoMutate: true})
	if res.ExitCode() != 2 || len(res.Errors) != 2 {
		t.Fatalf("exit %d errors %v", res.ExitCode(), res.Errors)
	}
	if msg := res.Errors[0].Error(); !strings.Contains(msg, "missing.yaml") {
		t.Errorf("missing file error: %s", msg)
	}
	if msg := res.Errors[1].Error(); !strings.Contains(msg, bad+":6:") {
		t.Errorf("syntax error should name %s:6: %s", bad, msg)
	}
	if len(find(res, "ZZ001")) != 1 {
		t.Errorf("readable files are still judged")
	}
}

func TestNonStringDataValueIsDenied(t *testing.T) {
	p := write(t, t.TempDir(), "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata:\n  disable_network_policy: \"true\"\n  in_cluster_loadbalance: true\n")
	res := Run([]string{p}, Options{Engine: fakeEngine()})
	fs := find(res, RuleRejectedByAPIServer)
	if len(fs) != 1 || fs[0].Line != 6 || fs[0].Key != "in_cluster_loadbalance" || !strings.Contains(fs[0].Hint, `in_cluster_loadbalance: "true"`) {
		t.Fatalf("findings: %+v", res.Findings)
	}
	if res.ExitCode() != 1 {
		t.Errorf("exit %d", res.ExitCode())
	}
}

func TestYAML11BooleansInAnnotationsAreDenied(t *testing.T) {
	p := write(t, t.TempDir(), "svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-health-check-switch: on\n    ok: \"on\"\nspec:\n  ports: [{port: 80}]\n")
	res := Run([]string{p}, Options{Engine: fakeEngine()})
	fs := find(res, RuleRejectedByAPIServer)
	if len(fs) != 1 || fs[0].Line != 6 || fs[0].Column != 5 || !strings.Contains(fs[0].Message, "boolean true") || !strings.Contains(fs[0].Hint, `: "on"`) {
		t.Fatalf("findings: %+v", res.Findings)
	}
}

func TestNonTargetedObjectsPass(t *testing.T) {
	p := write(t, t.TempDir(), "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nginx}\nspec: {replicas: 2}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-dns, namespace: kube-system}\ndata: {stubDomains: x}\n")
	res := Run([]string{p}, Options{Engine: fakeEngine()})
	if len(res.Findings) != 0 || res.ExitCode() != 0 || res.Objects != 2 || res.Judged != 0 {
		t.Errorf("findings %+v exit %d objects %d judged %d", res.Findings, res.ExitCode(), res.Objects, res.Judged)
	}
}

func TestOverrideSeesTheBaseOfTheSameFileFirst(t *testing.T) {
	dir := t.TempDir()
	base := func(v string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata:\n  eni_conf: '" + v + "'\n"
	}
	override := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config-fixed, namespace: kube-system}\ndata:\n  eni_conf: '{}'\n"
	write(t, dir, "a/base.yaml", base("A"))
	write(t, dir, "b/base.yaml", base("B"))
	write(t, dir, "b/override.yaml", override)
	write(t, dir, "c/both.yaml", base("C")+"---\n"+override)
	write(t, dir, "d/override.yaml", override)
	res := Run([]string{dir}, Options{Engine: fakeEngine()})
	got := map[string]string{}
	for _, f := range find(res, "ZZ002") {
		rel, _ := filepath.Rel(dir, f.File)
		got[rel] = f.Message
	}
	want := map[string]string{"b/override.yaml": "base B", "c/both.yaml": "base C", "d/override.yaml": "base A"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}

func TestDefaultNamespaceAppliesToObjectsWithoutOne(t *testing.T) {
	text := strings.Replace(flannelYAML, "  namespace: kube-system\n", "", 1)
	p := write(t, t.TempDir(), "f.yaml", text)
	if res := Run([]string{p}, Options{Engine: fakeEngine(), NoMutate: true}); res.Judged != 0 {
		t.Errorf("object without namespace judged in namespace default")
	}
	res := Run([]string{p}, Options{Engine: fakeEngine(), NoMutate: true, DefaultNamespace: "kube-system"})
	if res.Judged != 1 || len(find(res, "ZZ001")) != 1 {
		t.Errorf("-n kube-system: judged %d", res.Judged)
	}
}

// `helm template ./chart | netguard lint -`: a chart's ConfigMaps usually
// have no namespace, land in lint's default namespace and are not judged;
// lint must say so and how to fix it instead of passing silently.
func TestTargetedNamesOutsideTheJudgedNamespacesAreNoticed(t *testing.T) {
	cm := func(name, ns string) string {
		meta := "{name: " + name + "}"
		if ns != "" {
			meta = "{name: " + name + ", namespace: " + ns + "}"
		}
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: " + meta + "\ndata: {k: v}\n"
	}
	for _, tc := range []struct {
		name, manifest, defaultNS string
		want                      *Notice // nil: no notice
		wantJudged                int
	}{
		{name: "flannel without namespace, default -n", manifest: strings.Replace(flannelYAML, "  namespace: kube-system\n", "", 1),
			want: &Notice{Line: 2, Column: 1, Kind: "ConfigMap", Object: "default/kube-flannel-cfg", Component: flannel.Component, Namespaces: []string{"kube-system", "kube-flannel"}, NoNamespace: true}},
		{name: "flannel without namespace, -n kube-system", manifest: strings.Replace(flannelYAML, "  namespace: kube-system\n", "", 1), defaultNS: "kube-system", wantJudged: 1},
		{name: "eni-config without namespace", manifest: cm("eni-config", ""),
			want: &Notice{Line: 1, Column: 1, Kind: "ConfigMap", Object: "default/eni-config", Component: terway.Component, Namespaces: []string{"kube-system"}, NoNamespace: true}},
		{name: "a Terway override in an explicit other namespace", manifest: cm("eni-config-pool-a", "apps"),
			want: &Notice{Line: 1, Column: 1, Kind: "ConfigMap", Object: "apps/eni-config-pool-a", Component: terway.Component, Namespaces: []string{"kube-system"}}},
		{name: "kube-proxy without namespace, -n apps", manifest: cm("kube-proxy", ""), defaultNS: "apps",
			want: &Notice{Line: 1, Column: 1, Kind: "ConfigMap", Object: "apps/kube-proxy", Component: kubeproxy.Component, Namespaces: []string{"kube-system"}, NoNamespace: true}},
		{name: "an untargeted name", manifest: cm("kube-dns", "")},
		{name: "a Service named like a target (Services are judged in every namespace)", manifest: "apiVersion: v1\nkind: Service\nmetadata: {name: kube-proxy}\nspec: {ports: [{port: 80}]}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, t.TempDir(), "m.yaml", tc.manifest)
			res := Run([]string{p}, Options{Engine: fakeEngine(), NoMutate: true, DefaultNamespace: tc.defaultNS})
			if res.Judged != tc.wantJudged {
				t.Errorf("judged %d, want %d", res.Judged, tc.wantJudged)
			}
			if tc.want == nil {
				if len(res.Notices) != 0 {
					t.Errorf("unexpected notices %+v", res.Notices)
				}
				return
			}
			want := *tc.want
			want.File = p
			if len(res.Notices) != 1 || !reflect.DeepEqual(res.Notices[0], want) {
				t.Fatalf("notices %+v, want [%+v]", res.Notices, want)
			}
			if res.ExitCode() != 0 {
				t.Errorf("exit %d: a notice is not a finding", res.ExitCode())
			}
		})
	}
}

func TestNoticeSaysHowToHaveTheObjectJudged(t *testing.T) {
	n := Notice{File: "-", Line: 5, Column: 1, Kind: "ConfigMap", Object: "default/kube-flannel-cfg", Component: flannel.Component, Namespaces: []string{"kube-system", "kube-flannel"}, NoNamespace: true}
	want := "-:5:1: ConfigMap default/kube-flannel-cfg was not judged: flannel judges kube-flannel-cfg only in namespace kube-system or kube-flannel, and the manifest gives it no namespace (lint used \"default\"). " +
		"Lint it in the namespace it is installed into: `netguard lint -n kube-system` (`--namespace`); for a chart, `helm template --namespace kube-system ... | netguard lint -n kube-system -`"
	if got := n.String(); got != want {
		t.Errorf("notice:\n got %s\nwant %s", got, want)
	}
	n = Notice{File: "m.yaml", Line: 1, Column: 1, Kind: "ConfigMap", Object: "apps/eni-config", Component: terway.Component, Namespaces: []string{"kube-system"}}
	want = "m.yaml:1:1: ConfigMap apps/eni-config was not judged: terway judges eni-config only in namespace kube-system. If it is meant for kube-system, set metadata.namespace; if terway really runs in apps, add apps to the component's targets namespaces in netguard's configuration"
	if got := n.String(); got != want {
		t.Errorf("notice:\n got %s\nwant %s", got, want)
	}
}
