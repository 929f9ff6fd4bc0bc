package flannel

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

func mut(inject bool, version string, hairpin bool) Mutations {
	return Mutations{InjectCNIVersion: boolp(inject), CNIVersion: version, HairpinMode: hairpin}
}

func TestMutateCNIConfExactOutput(t *testing.T) {
	tests := []struct {
		name    string
		m       Mutations
		in, out string
		paths   []string
	}{
		{
			name:  "compact community manifest gets cniVersion after name",
			m:     mut(true, "", false),
			in:    communityCNI,
			out:   `{"name":"cbr0","cniVersion":"0.3.1","type":"flannel","delegate":{"isDefaultGateway":true}}`,
			paths: []string{"cniVersion"},
		},
		{
			name:  "indented ACK config gets both fixes in its own style",
			m:     mut(true, "", true),
			in:    "{\n  \"name\": \"cb0\",\n  \"type\": \"flannel\",\n  \"delegate\": {\n    \"isDefaultGateway\": true\n  }\n}\n",
			out:   "{\n  \"name\": \"cb0\",\n  \"cniVersion\": \"0.3.1\",\n  \"type\": \"flannel\",\n  \"delegate\": {\n    \"isDefaultGateway\": true,\n    \"hairpinMode\": true\n  }\n}\n",
			paths: []string{"cniVersion", "delegate.hairpinMode"},
		},
		{
			name:  "FAQ indentation (trailing blanks, no space after colon) is kept",
			m:     mut(true, "0.3.0", true),
			in:    "{\n    \"name\": \"cb0\",      \n    \"type\": \"flannel\",\n    \"delegate\": {\n      \"isDefaultGateway\":true\n    }\n}\n",
			out:   "{\n    \"name\": \"cb0\",\n    \"cniVersion\": \"0.3.0\",      \n    \"type\": \"flannel\",\n    \"delegate\": {\n      \"isDefaultGateway\":true,\n      \"hairpinMode\":true\n    }\n}\n",
			paths: []string{"cniVersion", "delegate.hairpinMode"},
		},
		{
			name:  "upstream v0.11 conflist without cniVersion",
			m:     mut(true, "", false),
			in:    "{\n  \"name\": \"cbr0\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true,\n        \"isDefaultGateway\": true\n      }\n    }\n  ]\n}\n",
			out:   "{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true,\n        \"isDefaultGateway\": true\n      }\n    }\n  ]\n}\n",
			paths: []string{"cniVersion"},
		},
		{
			name:  "delegate created in the flannel plugin of an indented list",
			m:     mut(true, "", true),
			in:    "{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\"\n    },\n    {\n      \"type\": \"portmap\",\n      \"capabilities\": {\"portMappings\": true}\n    }\n  ]\n}\n",
			out:   "{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true\n      }\n    },\n    {\n      \"type\": \"portmap\",\n      \"capabilities\": {\"portMappings\": true}\n    }\n  ]\n}\n",
			paths: []string{"plugins[0].delegate.hairpinMode"},
		},
		{
			name:  "no name: cniVersion becomes the first member",
			m:     mut(true, "", false),
			in:    `{"type":"flannel"}`,
			out:   `{"cniVersion":"0.3.1","type":"flannel"}`,
			paths: []string{"cniVersion"},
		},
		{
			name:  "empty delegate",
			m:     mut(false, "", true),
			in:    `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate": {}}`,
			out:   `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate": {"hairpinMode": true}}`,
			paths: []string{"delegate.hairpinMode"},
		},
		{
			name:  "configured version 0.4.0",
			m:     mut(true, "0.4.0", false),
			in:    `{"name":"cb0","type":"flannel"}`,
			out:   `{"name":"cb0","cniVersion":"0.4.0","type":"flannel"}`,
			paths: []string{"cniVersion"},
		},
		{name: "invalid configured version is never injected", m: mut(true, "0.3", false), in: communityCNI, out: communityCNI},
		{name: "single-form CNIVersion is read case-insensitively: nothing to add", m: mut(true, "", false), in: `{"name":"cb0","CNIVersion":"0.3.1","type":"flannel"}`, out: `{"name":"cb0","CNIVersion":"0.3.1","type":"flannel"}`},
		{name: "list CNIVersion variant is left for FL002 to deny", m: mut(true, "", false), in: `{"name":"cbr0","CNIVersion":"0.3.1","plugins":[{"type":"flannel"}]}`, out: `{"name":"cbr0","CNIVersion":"0.3.1","plugins":[{"type":"flannel"}]}`},
		{name: "broken JSON is never touched", m: mut(true, "", true), in: `{"name":"cb0","type":"flannel",}`, out: `{"name":"cb0","type":"flannel",}`},
		{name: "unknown form is never touched", m: mut(true, "", true), in: `{"name":"cb0"}`, out: `{"name":"cb0"}`},
		{name: "HairpinMode variant counts as set", m: mut(false, "", true), in: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"HairpinMode":false}}`, out: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"HairpinMode":false}}`},
		{name: "promiscuous delegate is left alone", m: mut(false, "", true), in: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"promiscMode":true}}`, out: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"promiscMode":true}}`},
		{name: "non-bridge delegate is left alone", m: mut(false, "", true), in: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"type":"ipvlan"}}`, out: `{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"type":"ipvlan"}}`},
		{name: "two flannel plugins are left alone", m: mut(false, "", true), in: `{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"flannel"}]}`, out: `{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"flannel"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, changes := MutateCNIConf(tc.in, tc.m)
			if got != tc.out {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.out)
			}
			var paths []string
			for _, c := range changes {
				paths = append(paths, c.Path)
				if c.Key != CNIConfKey || c.Old != "(absent)" || c.Description == "" {
					t.Errorf("incomplete change %+v", c)
				}
			}
			if strings.Join(paths, ",") != strings.Join(tc.paths, ",") {
				t.Errorf("change paths %v, want %v", paths, tc.paths)
			}
			again, more := MutateCNIConf(got, tc.m)
			if again != got || len(more) > 0 {
				t.Errorf("second pass changed the document: %s %+v", again, more)
			}
		})
	}
}

func TestMutateCopiesOnlyCNIConf(t *testing.T) {
	cm := cfgMap("kube-system", communityCNI, aliyunNet)
	cm.Data["other"] = "x"
	req := &rules.Request{Operation: rules.Create, Object: cm, Config: hairpinConfig()}
	m := New().Mutate(req)
	if m.Object == nil || m.Object == cm {
		t.Fatal("want a mutated deep copy")
	}
	if cm.Data[CNIConfKey] != communityCNI {
		t.Fatal("the request object was modified")
	}
	for k, v := range cm.Data {
		if k != CNIConfKey && m.Object.(*corev1.ConfigMap).Data[k] != v {
			t.Errorf("key %s changed", k)
		}
	}
	if len(m.Changes) != 1 || m.Changes[0].Rule != RuleInjectCNIVersion {
		// communityCNI already has isDefaultGateway but no hairpinMode.
		if len(m.Changes) != 2 {
			t.Fatalf("changes: %+v", m.Changes)
		}
	}
	if got := New().Mutate(&rules.Request{Object: m.Object, Config: hairpinConfig()}); len(got.Changes) != 0 || got.Object != nil {
		t.Errorf("mutation is not idempotent: %+v", got.Changes)
	}
	if got := New().Mutate(&rules.Request{}); got.Object != nil {
		t.Error("nil ConfigMap must not mutate")
	}
}

// TestMutationProperties: over many generated documents, mutate(mutate(x))
// == mutate(x), x's bytes survive in order, and the mutated object never
// gets a deny finding the original did not have.
func TestMutationProperties(t *testing.T) {
	names := []string{"", `"name": "cbr0"`, `"Name": "cb0"`, `"name": "bad name"`}
	versions := []string{"", `"cniVersion": "0.3.1"`, `"cniVersion": ""`, `"CNIVersion": "0.3.1"`, `"cniVersion": "0.3"`, `"cniVersion": "1.0.0"`}
	delegates := []string{"", `"delegate": {}`, `"delegate": {"isDefaultGateway": true}`, `"delegate": {"hairpinMode": false}`,
		`"delegate": {"promiscMode": true}`, `"delegate": {"HairpinMode": true}`, `"delegate": {"type": "ipvlan"}`, `"delegate": "bridge"`,
		`"delegate": null`, `"delegate": {"promiscMode": "true"}`, `"delegate": {"type": "bridge", "mtu": 1450}`, `"Delegate": {"isGateway": true}`}
	configs := []Mutations{mut(true, "", false), mut(true, "", true), mut(false, "", true), mut(true, "1.0.0", true), mut(true, "0.4.0", false)}
	styles := []func([]string) string{
		func(m []string) string { return "{" + strings.Join(m, ",") + "}" },
		func(m []string) string { return "{\n  " + strings.Join(m, ",\n  ") + "\n}\n" },
		func(m []string) string { return "{\n\t" + strings.Join(m, ",\n\t") + "\n}" },
		func(m []string) string { return "{ " + strings.Join(m, ", ") + " }" },
	}
	n := 0
	for _, list := range []bool{false, true} {
		for _, name := range names {
			for _, ver := range versions {
				for _, del := range delegates {
					for si, style := range styles {
						var members []string
						for _, s := range []string{name, ver} {
							if s != "" {
								members = append(members, s)
							}
						}
						plugin := []string{`"type": "flannel"`}
						if del != "" {
							plugin = append(plugin, del)
						}
						if list {
							members = append(members, `"plugins": [`+style(plugin)+`, {"type": "portmap", "capabilities": {"portMappings": true}}]`)
						} else {
							members = append(members, plugin...)
						}
						doc := style(members)
						for ci, m := range configs {
							n++
							checkMutationProperties(t, fmt.Sprintf("list=%v style=%d config=%d", list, si, ci), doc, m)
						}
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d generated cases", n)
	}
}

func checkMutationProperties(t *testing.T, label, doc string, m Mutations) {
	t.Helper()
	once, _ := MutateCNIConf(doc, m)
	twice, more := MutateCNIConf(once, m)
	if twice != once || len(more) > 0 {
		t.Fatalf("%s: not idempotent:\n%s\n→\n%s\n→\n%s", label, doc, once, twice)
	}
	if !subsequence(doc, once) {
		t.Fatalf("%s: mutation removed or reordered text:\n%s\n→\n%s", label, doc, once)
	}
	if once == doc {
		return
	}
	cfg := rules.DefaultConfig()
	*cfg.MutationsOf(Component).(*Mutations) = m
	denies := func(text string) map[string]bool {
		out := map[string]bool{}
		cm := cfgMap("kube-system", text, ackNet)
		for _, f := range New().Validate(&rules.Request{Operation: rules.Create, Object: cm, Config: cfg, Cluster: &rules.ClusterContext{}}) {
			if f.Severity == rules.Deny {
				out[f.Rule+" "+f.Path] = true
			}
		}
		return out
	}
	before, after := denies(doc), denies(once)
	for k := range after {
		if !before[k] {
			t.Fatalf("%s: mutation introduced deny %s:\n%s\n→\n%s", label, k, doc, once)
		}
	}
}

// subsequence reports whether every byte of a appears in b in order.
func subsequence(a, b string) bool {
	i := 0
	for j := 0; j < len(b) && i < len(a); j++ {
		if a[i] == b[j] {
			i++
		}
	}
	return i == len(a)
}

func TestEngineReportsMutationAndValidatesResult(t *testing.T) {
	res := rulestest.Judge(New(), rulestest.Case{Object: single(communityCNI), Config: hairpinConfig()})
	if res.Mutated == nil || len(res.Changes) != 2 {
		t.Fatalf("want two changes, got %+v", res.Changes)
	}
	if rules.HasDeny(res.Findings) {
		t.Fatalf("the mutated community manifest must pass: %s", rulestest.Describe(res.Findings))
	}
	want := `{"name":"cbr0","cniVersion":"0.3.1","type":"flannel","delegate":{"isDefaultGateway":true,"hairpinMode":true}}`
	if got := res.Mutated.(*corev1.ConfigMap).Data[CNIConfKey]; got != want {
		t.Fatalf("got %s", got)
	}
}
