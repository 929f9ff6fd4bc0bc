package auditlog

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/terway"
)

// event crafts one audit.k8s.io/v1 Event line like kube-apiserver writes it
// at RequestResponse level (with the ConfigMap as requestObject and
// responseObject).
func event(t *testing.T, stage, verb, uri, resource, ns, name, user string, code int, ts string, ann map[string]string, extra map[string]any) string {
	t.Helper()
	e := map[string]any{
		"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
		"auditID": fmt.Sprintf("id-%s-%s-%s", verb, name, ts), "stage": stage, "requestURI": uri, "verb": verb,
		"user":      map[string]any{"username": user, "groups": []string{"system:masters", "system:authenticated"}},
		"sourceIPs": []string{"127.0.0.1"}, "userAgent": "kubectl/v1.37.2 (linux/amd64) kubernetes/abc",
		"objectRef":                map[string]any{"resource": resource, "namespace": ns, "name": name, "apiVersion": "v1"},
		"responseStatus":           map[string]any{"metadata": map[string]any{}, "code": code},
		"requestReceivedTimestamp": ts, "stageTimestamp": ts,
		"requestObject": map[string]any{"kind": "ConfigMap", "data": map[string]string{
			"eni_conf": `{"access_key": "LTAI5tQ8mZrN3pXk2Vd7Hs9W", "access_secret": "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ"}`,
		}},
		"responseObject": map[string]any{"kind": "ConfigMap", "data": map[string]string{"eni_conf": `{"access_secret": "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ"}`}},
	}
	if ann != nil {
		e["annotations"] = ann
	}
	for k, v := range extra {
		e[k] = v
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

const (
	cmV = "configmaps.validate.netguard.io/"
	cmM = "configmaps.mutate.netguard.io/"
)

func craftedLog(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	// RequestReceived stage: never a record (no decision yet)
	b.WriteString(event(t, "RequestReceived", "patch", "/api/v1/namespaces/kube-system/configmaps/kube-flannel-cfg", "configmaps", "kube-system", "kube-flannel-cfg", "alice", 0, "2026-11-25T10:00:00Z", nil, nil))
	// a mutated edit
	b.WriteString(event(t, "ResponseComplete", "patch", "/api/v1/namespaces/kube-system/configmaps/kube-flannel-cfg?fieldManager=kubectl-edit", "configmaps", "kube-system", "kube-flannel-cfg", "alice", 200, "2026-11-25T10:00:01Z", map[string]string{
		cmM + "decision": "mutated", cmM + "rules": "FL101", cmM + "changes": `FL101 cni-conf.json:cniVersion="0.3.1"`,
		cmV + "decision": "allowed", cmV + "rules": "FL090",
		"mutation.webhook.admission.k8s.io/round_0_index_0": `{"configuration":"netguard","webhook":"configmaps.mutate.netguard.io","mutated":true}`,
		"patch.webhook.admission.k8s.io/round_0_index_0":    `{"configuration":"netguard","webhook":"configmaps.mutate.netguard.io","patch":[{"op":"replace","path":"/data/cni-conf.json","value":"SECRET-PATCH-VALUE"}],"patchType":"JSONPatch"}`,
	}, nil))
	// a denied server dry run
	b.WriteString(event(t, "ResponseComplete", "create", "/api/v1/namespaces/kube-system/configmaps?dryRun=All&fieldManager=kubectl-client-side-apply", "configmaps", "kube-system", "kube-proxy-worker", "bob", 422, "2026-11-25T11:00:00Z", map[string]string{
		cmM + "decision": "allowed", cmM + "rules": "none",
		cmV + "decision": "denied", cmV + "rules": "KP002,KP090", cmV + "denied-rules": "KP002",
	}, nil))
	// ratcheted: a pre-existing deny returned as a warning
	b.WriteString(event(t, "ResponseComplete", "update", "/api/v1/namespaces/kube-system/configmaps/eni-config", "configmaps", "kube-system", "eni-config", "carol", 200, "2026-11-25T12:00:00Z", map[string]string{
		cmV + "decision": "allowed", cmV + "rules": "TW030,TW090", cmV + "ratcheted-rules": "TW030",
	}, nil))
	// netguard down, failurePolicy Ignore
	b.WriteString(event(t, "ResponseComplete", "patch", "/api/v1/namespaces/kube-system/configmaps/kube-proxy-worker", "configmaps", "kube-system", "kube-proxy-worker", "dave", 200, "2026-11-25T13:00:00Z", map[string]string{
		"failed-open.validating.webhook.admission.k8s.io/round_0_index_0": "configmaps.validate.netguard.io",
	}, nil))
	// netguard down, failurePolicy Fail
	b.WriteString(event(t, "ResponseComplete", "patch", "/api/v1/namespaces/kube-system/configmaps/kube-proxy-worker", "configmaps", "kube-system", "kube-proxy-worker", "dave", 500, "2026-11-25T13:00:05Z", nil, map[string]any{
		"responseStatus": map[string]any{"code": 500, "reason": "InternalError", "message": `Internal error occurred: failed calling webhook "configmaps.validate.netguard.io": failed to call webhook: connection refused`},
	}))
	// an impersonated delete (netguard is not called for DELETE)
	b.WriteString(event(t, "ResponseComplete", "delete", "/api/v1/namespaces/kube-system/configmaps/eni-config-fixed", "configmaps", "kube-system", "eni-config-fixed", "admin", 200, "2026-11-25T14:00:00Z", nil, map[string]any{
		"impersonatedUser": map[string]any{"username": "erin"},
	}))
	// an untargeted ConfigMap in kube-system: not kept
	b.WriteString(event(t, "ResponseComplete", "update", "/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt", "configmaps", "kube-system", "kube-root-ca.crt", "system:kube-controller-manager", 200, "2026-11-25T14:00:01Z", nil, nil))
	// a Service with netguard's warning and a ValidatingAdmissionPolicy audit annotation
	b.WriteString(event(t, "ResponseComplete", "create", "/api/v1/namespaces/shop/services", "services", "shop", "api", "frank", 201, "2026-11-25T15:00:00Z", map[string]string{
		"services.validate.netguard.io/decision": "allowed", "services.validate.netguard.io/rules": "SV001",
		"validation.policy.admission.k8s.io/validation_failure": `[{"message":"contains the secret value hunter2","policy":"no-singlestack","binding":"no-singlestack-binding","expressionIndex":0,"validationActions":["Audit"]}]`,
	}, nil))
	// a Service status update by a controller: not kept (a subresource)
	b.WriteString(event(t, "ResponseComplete", "update", "/api/v1/namespaces/shop/services/api/status", "services", "shop", "api", "system:serviceaccount:kube-system:service-controller", 200, "2026-11-25T15:00:00.5Z", nil, map[string]any{
		"objectRef": map[string]any{"resource": "services", "namespace": "shop", "name": "api", "apiVersion": "v1", "subresource": "status"},
	}))
	// a Deployment: not kept
	b.WriteString(event(t, "ResponseComplete", "create", "/apis/apps/v1/namespaces/shop/deployments", "deployments", "shop", "web", "frank", 201, "2026-11-25T15:00:01Z", nil, map[string]any{
		"objectRef": map[string]any{"resource": "deployments", "namespace": "shop", "name": "web", "apiGroup": "apps", "apiVersion": "v1"},
	}))
	return b.String()
}

func TestReadSummarizesNetguardDecisions(t *testing.T) {
	recs, st, err := readAll(t, strings.NewReader(craftedLog(t)), "audit.log", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 11 || st.Events != 11 || st.Malformed != 0 {
		t.Errorf("stats %+v, want 11 lines and events, none malformed", st)
	}
	type row struct{ user, verb, object, decision, rules string }
	var got []row
	for _, r := range recs {
		verb := r.Verb
		if r.DryRun {
			verb += "/dry"
		}
		rs := strings.Join(r.Rules, ",") + "|" + strings.Join(r.DeniedRules, ",") + "|" + strings.Join(r.RatchetedRules, ",")
		got = append(got, row{r.User, verb, r.Object(), DecisionText(r), rs})
	}
	want := []row{
		{"alice", "patch", "ConfigMap kube-system/kube-flannel-cfg", "mutated", "FL101,FL090||"},
		{"bob", "create/dry", "ConfigMap kube-system/kube-proxy-worker", "denied", "KP002,KP090|KP002|"},
		{"carol", "update", "ConfigMap kube-system/eni-config", "allowed", "TW030,TW090||TW030"},
		{"dave", "patch", "ConfigMap kube-system/kube-proxy-worker", "failed-open: configmaps.validate.netguard.io", "||"},
		{"dave", "patch", "ConfigMap kube-system/kube-proxy-worker", "unreachable: configmaps.validate.netguard.io", "||"},
		{"erin", "delete", "ConfigMap kube-system/eni-config-fixed", "not-judged", "||"},
		{"frank", "create", "Service shop/api", "allowed", "SV001||"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %v\nwant %v", got, want)
	}
	if len(recs) != len(want) {
		t.FailNow()
	}
	if c := recs[0].Changes; len(c) != 1 || c[0] != `FL101 cni-conf.json:cniVersion="0.3.1"` {
		t.Errorf("changes %q", c)
	}
	if m := recs[0].MutatedBy; len(m) != 1 || m[0] != "configmaps.mutate.netguard.io" {
		t.Errorf("mutatedBy %q", m)
	}
	if recs[0].Webhooks[0].Webhook != "configmaps.mutate.netguard.io" || recs[0].Webhooks[1].Webhook != "configmaps.validate.netguard.io" {
		t.Errorf("webhooks not in admission order (mutating first): %+v", recs[0].Webhooks)
	}
	if recs[1].Code != 422 || recs[0].Code != 200 {
		t.Errorf("codes %d %d", recs[0].Code, recs[1].Code)
	}
	if recs[5].ImpersonatedBy != "admin" {
		t.Errorf("impersonation not recorded: %+v", recs[5])
	}
	if p := recs[6].Policies; len(p) != 1 || p[0].Policy != "no-singlestack" || p[0].Actions[0] != "Audit" {
		t.Errorf("policy failures %+v", p)
	}
	want0 := time.Date(2026, 11, 25, 10, 0, 1, 0, time.UTC)
	if !recs[0].Time.Equal(want0) {
		t.Errorf("time %s, want %s", recs[0].Time, want0)
	}
}

// The log holds the objects (and a policy message, and the mutation
// patch) with credentials; no output may contain any of it.
func TestOutputNeverContainsObjectContents(t *testing.T) {
	recs, _, err := readAll(t, strings.NewReader(craftedLog(t)), "audit.log", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var table, js bytes.Buffer
	if err := WriteTable(&table, recs); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, recs); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{table.String(), js.String()} {
		for _, secret := range []string{"LTAI5tQ8mZrN3pXk2Vd7Hs9W", "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ", "SECRET-PATCH-VALUE", "hunter2", "access_key", "connection refused"} {
			if strings.Contains(out, secret) {
				t.Errorf("output contains %q:\n%s", secret, out)
			}
		}
	}
}

func TestTableIsAlignedAndSummarized(t *testing.T) {
	recs, _, err := readAll(t, strings.NewReader(craftedLog(t)), "audit.log", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, recs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(recs)+2 {
		t.Fatalf("%d lines, want header + %d rows + summary:\n%s", len(lines), len(recs), b.String())
	}
	header := lines[0]
	for _, col := range []string{"TIME", "USER", "VERB", "OBJECT", "CODE", "DECISION", "RULES", "CHANGES"} {
		i := strings.Index(header, col)
		if i < 0 {
			t.Fatalf("header lacks %s: %q", col, header)
		}
		// every row has a column boundary (two spaces before the cell) at the header's offset
		for _, row := range lines[1 : len(lines)-1] {
			if i > 0 && (len(row) <= i || row[i-2:i] != "  " || row[i] == ' ') {
				t.Errorf("column %s not aligned in %q", col, row)
			}
		}
	}
	for _, want := range []string{
		"2026-11-25T11:00:00Z  bob", "create (dry-run)", "KP002!,KP090", "TW030~,TW090", `FL101 cni-conf.json:cniVersion="0.3.1"`,
		"unreachable: configmaps.validate.netguard.io", "erin (as, by admin)", "[policy no-singlestack: Audit]",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	sum := lines[len(lines)-1]
	for _, want := range []string{"7 request(s) to 5 object(s) from 2026-11-25T10:00:01Z to 2026-11-25T15:00:00Z", "1 denied, 1 unreachable, 1 failed-open, 1 mutated, 2 allowed, 1 not-judged", "by dave (2), alice (1)"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q: %s", want, sum)
		}
	}
}

func TestJSONRoundTrips(t *testing.T) {
	recs, _, err := readAll(t, strings.NewReader(craftedLog(t)), "audit.log", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, recs); err != nil {
		t.Fatal(err)
	}
	var back []Record
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, recs) {
		t.Errorf("JSON does not round-trip:\n%s", b.String())
	}
	b.Reset()
	if err := WriteJSON(&b, nil); err != nil || strings.TrimSpace(b.String()) != "[]" {
		t.Errorf("no records: %q, want []", b.String())
	}
}

func TestGzipAndEventListAndMalformedLines(t *testing.T) {
	one := event(t, "ResponseComplete", "update", "/api/v1/namespaces/kube-system/configmaps/eni-config", "configmaps", "kube-system", "eni-config", "carol", 200, "2026-11-25T12:00:00Z", map[string]string{cmV + "decision": "allowed", cmV + "rules": "TW090"}, nil)
	var item map[string]any
	if err := json.Unmarshal([]byte(one), &item); err != nil {
		t.Fatal(err)
	}
	list, _ := json.Marshal(map[string]any{"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": []any{item, item}})
	plain := "this is not json\n" + one + string(list) + "\n" + `{"kind":"Pod"}` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(plain))
	zw.Close()
	for name, in := range map[string][]byte{"plain": []byte(plain), "gzip": gz.Bytes()} {
		recs, st, err := readAll(t, bytes.NewReader(in), name, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(recs) != 3 || st.Malformed != 2 || !strings.HasPrefix(st.FirstMalformed, name+":1: ") {
			t.Errorf("%s: %d records, stats %+v; want 3 records and 2 malformed lines, the first at line 1", name, len(recs), st)
		}
	}
}

func TestSinceAndUntilAndTargets(t *testing.T) {
	log := craftedLog(t)
	since := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	recs, _, _ := readAll(t, strings.NewReader(log), "x", Options{Since: since, Until: since.Add(time.Hour)})
	if len(recs) != 3 {
		t.Errorf("since/until kept %d records, want the 3 of 13:00-14:00", len(recs))
	}
	// a configuration that targets kube-flannel-cfg only: the eni-config
	// ones remain only where netguard annotated them (and Services with
	// netguard's annotations)
	cfg := rules.DefaultConfig()
	tw := cfg.TargetsOf(terway.Component).(*terway.Targets)
	tw.Names = []string{"none"}
	tw.Overrides = nil
	recs, _, _ = readAll(t, strings.NewReader(log), "x", Options{Config: cfg})
	for _, r := range recs {
		if r.Name == "eni-config-fixed" {
			t.Errorf("an untargeted, unannotated object was kept: %+v", r)
		}
	}
	found := false
	for _, r := range recs {
		found = found || r.Name == "eni-config"
	}
	if !found {
		t.Error("a request netguard annotated was dropped although its object is no longer targeted")
	}
}

func BenchmarkRead(b *testing.B) {
	t := &testing.T{}
	line := event(t, "ResponseComplete", "patch", "/api/v1/namespaces/kube-system/configmaps/kube-flannel-cfg", "configmaps", "kube-system", "kube-flannel-cfg", "alice", 200, "2026-11-25T10:00:01Z", map[string]string{cmV + "decision": "allowed", cmV + "rules": "FL090"}, nil)
	log := strings.Repeat(line, 1000)
	b.SetBytes(int64(len(log)))
	for b.Loop() {
		if _, _, err := readAll(t, strings.NewReader(log), "x", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWaivedRulesAreShown(t *testing.T) {
	line := event(t, "ResponseComplete", "create", "/api/v1/namespaces/kube-system/configmaps", "configmaps", "kube-system", "kube-proxy-worker", "alice", 201, "2026-11-25T16:00:00Z", map[string]string{
		cmV + "decision": "allowed", cmV + "rules": "NG004,KP090", cmV + "waived-rules": "KP002",
	}, nil)
	var recs []Record
	var st Stats
	if err := ReadEach(strings.NewReader(line), "log", Options{Config: rules.DefaultConfig()}, &st, func(r Record) { recs = append(recs, r) }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(recs[0].WaivedRules) != 1 || recs[0].WaivedRules[0] != "KP002" {
		t.Fatalf("records %+v", recs)
	}
	var b strings.Builder
	if err := WriteTable(&b, recs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "KP002^") || !strings.Contains(b.String(), "^ waived (netguard.io/ignore)") {
		t.Errorf("table:\n%s", b.String())
	}
}

// readAll collects what ReadEach keeps from one input, as audit-log does.
func readAll(t *testing.T, r io.Reader, name string, opts Options) ([]Record, Stats, error) {
	t.Helper()
	var st Stats
	var recs []Record
	err := ReadEach(r, name, opts, &st, func(rec Record) { recs = append(recs, rec) })
	return recs, st, err
}
