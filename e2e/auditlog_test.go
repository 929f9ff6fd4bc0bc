//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/internal/auditlog"
)

// `netguard audit-log` on the audit log the real kube-apiserver wrote during
// this run: a scripted sequence of writes to kube-system/kube-flannel-cfg
// and kube-system/eni-config shows up with who, what netguard decided,
// which rules and what it changed; object contents (an AccessKey) never.
// And every decision netguard logged is in the audit log as an annotation.
func TestAuditLogSummarizesTheRealLog(t *testing.T) {
	requireNetguard(t)
	const ns, name = "kube-system", "kube-flannel-cfg"
	start := time.Now()
	base := readConfigMap(t, "examples/flannel/missing-cniversion.yaml")
	noHairpin := withData(t, base, "cni-conf.json", func(v string) string {
		return strings.Replace(v, `"isDefaultGateway": true,`+"\n    "+`"hairpinMode": true`, `"isDefaultGateway": true`, 1)
	})
	t.Cleanup(func() { remove(t, ns, name); remove(t, "kube-system", "eni-config") })

	// 1. seeded past netguard (the seeder is in the bypass group)
	seed(t, noHairpin)
	// 2. the FAQ's hairpin edit: netguard injects cniVersion (FL101)
	r := kubectlEdit(t, ns, name, Edit{Replace: []Replacement{{
		Key: "cni-conf.json", Old: `"isDefaultGateway": true`, New: `"isDefaultGateway": true,` + "\n    " + `"hairpinMode": true`,
	}}})
	if r.Err != nil {
		t.Fatalf("edit:\n%s", r)
	}
	// 3. a server dry run of the FAQ's pasted lines: denied (FL001)
	faq := readConfigMap(t, "examples/faq/flannel-cniversion.yaml")
	if r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", writeManifest(t, faq)); r.Err == nil {
		t.Fatalf("want the dry run denied:\n%s", r)
	}
	// 4. a label change: netguard skips metadata-only updates
	if r := s.cp.Kubectl(t.Context(), "", nil, "label", "configmap", name, "-n", ns, "audited=yes"); r.Err != nil {
		t.Fatalf("label:\n%s", r)
	}
	// 5. an eni-config with a (placeholder) AccessKey: in the log, never in the summary
	const accessKey, accessSecret = "LTAI5tQ8mZrN3pXk2Vd7Hs9W", "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ"
	remove(t, "kube-system", "eni-config")
	if r := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path("examples/terway/eni-config.yaml")); r.Err != nil {
		t.Fatalf("apply eni-config:\n%s", r)
	}
	logBytes, err := os.ReadFile(s.cp.AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logBytes), accessSecret) {
		t.Fatal("precondition: the RequestResponse audit log should hold the eni-config with its credentials")
	}

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), s.netguardBin, append([]string{"audit-log", "--config", s.configFile}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("netguard audit-log %v: %v\n%s", args, err, out)
		}
		for _, secret := range []string{accessKey, accessSecret} {
			if strings.Contains(string(out), secret) {
				t.Errorf("netguard audit-log %v prints the eni-config's credentials", args)
			}
		}
		return string(out)
	}

	var recs []auditlog.Record
	// --since: only this test's requests (earlier tests wrote the same objects)
	since := start.UTC().Format(time.RFC3339Nano)
	if err := json.Unmarshal([]byte(run("-o", "json", "--since", since, s.cp.AuditLogPath)), &recs); err != nil {
		t.Fatal(err)
	}
	type row struct{ user, verb, decision, rules, changes string }
	var got []row
	for _, rec := range recs {
		if rec.Namespace != ns || rec.Name != name || rec.Kind != "ConfigMap" {
			continue
		}
		verb := rec.Verb
		if rec.DryRun {
			verb += " (dry-run)"
		}
		got = append(got, row{rec.User, verb, rec.Decision, strings.Join(rec.Rules, ",") + " denied:" + strings.Join(rec.DeniedRules, ","), strings.Join(rec.Changes, ";")})
	}
	op := s.cp.UserName
	want := []row{
		{"netguard-e2e-seeder", "delete", "not-judged", " denied:", ""},
		{"netguard-e2e-seeder", "create", "not-judged", " denied:", ""},
		{op, "patch", "mutated", "FL101,FL090 denied:", `FL101 cni-conf.json:cniVersion="0.3.1"`},
		// FL053: the pasted FAQ config also changes flannel's Network
		{op, "patch (dry-run)", "denied", "FL001,FL053,FL090 denied:FL001", ""},
		{op, "patch", "skipped", " denied:", ""},
	}
	// the first delete of the seed helper may find nothing (404) and is
	// logged anyway; compare from the seeded create on
	for len(got) > 0 && got[0].verb == "delete" {
		got = got[1:]
	}
	want = want[1:]
	if len(got) != len(want) {
		t.Fatalf("records for %s/%s:\n got %q\nwant %q", ns, name, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
	var eni *auditlog.Record
	for i := range recs {
		if recs[i].Name == "eni-config" && recs[i].Verb == "create" && recs[i].User == op {
			eni = &recs[i]
		}
	}
	if eni == nil || eni.Decision != "allowed" || !strings.Contains(strings.Join(eni.Rules, ","), "TW060") {
		t.Errorf("eni-config create: %+v, want allowed with TW060 (static AccessKey)", eni)
	}

	table := run("--since", since, s.cp.AuditLogPath)
	t.Logf("netguard audit-log (excerpt):\n%s", excerpt(table, name, 12))
	// cells are separated by two or more spaces (aligned columns)
	cells := regexp.MustCompile(` {2,}`).ReplaceAllString(table, " | ")
	for _, want := range []string{
		"TIME | USER | VERB | OBJECT | CODE | DECISION | RULES | CHANGES\n",
		" | netguard-e2e-seeder | create | ConfigMap kube-system/kube-flannel-cfg | 201 | not-judged | - | -\n",
		" | " + op + ` | patch | ConfigMap kube-system/kube-flannel-cfg | 200 | mutated | FL101,FL090 | FL101 cni-conf.json:cniVersion="0.3.1"` + "\n",
		" | " + op + " | patch (dry-run) | ConfigMap kube-system/kube-flannel-cfg | 422 | denied | FL001!,FL053,FL090 | -\n",
		" | " + op + " | patch | ConfigMap kube-system/kube-flannel-cfg | 200 | skipped | - | -\n",
		"netguard audit-log: ",
	} {
		if !strings.Contains(cells, want) {
			t.Errorf("the table lacks the row %q", want)
		}
	}

	// Every decision netguard's validating webhook logged (any of its
	// processes in this run) is in the audit log as an annotation.
	logged := map[string]int{}
	netguardLogs, _ := filepath.Glob(filepath.Join(s.dir, "netguard*", "netguard.log"))
	for _, p := range netguardLogs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l struct{ Msg, Webhook, Kind, Decision string }
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "admission decision" && l.Webhook == "validate" {
				logged[l.Kind+" "+l.Decision]++
			}
		}
		f.Close()
	}
	events, err := framework.ReadAuditLog(s.cp.AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]int{}
	for _, e := range events {
		for k, v := range e.Annotations {
			switch k {
			case framework.ConfigMapsValidatingWebhook + "/decision":
				if v != "skipped" {
					audited["ConfigMap "+v]++
				}
			case framework.ServicesValidatingWebhook + "/decision":
				if v != "skipped" {
					audited["Service "+v]++
				}
			}
		}
	}
	if len(logged) == 0 {
		t.Fatal("no decision in netguard's logs")
	}
	for k, n := range logged {
		if audited[k] != n {
			t.Errorf("netguard logged %d validating decisions %q, the audit log has %d", n, k, audited[k])
		}
	}
}

// excerpt returns the header, the lines containing sub (at most n) and the
// summary.
func excerpt(table, sub string, n int) string {
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	out := []string{lines[0]}
	for _, l := range lines[1 : len(lines)-1] {
		if strings.Contains(l, sub) && len(out) <= n {
			out = append(out, l)
		}
	}
	return strings.Join(append(out, lines[len(lines)-1]), "\n")
}
