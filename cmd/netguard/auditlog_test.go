package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const auditLine = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/configmaps/kube-flannel-cfg","verb":"patch","user":{"username":"alice"},"objectRef":{"resource":"configmaps","namespace":"kube-system","name":"kube-flannel-cfg","apiVersion":"v1"},"responseStatus":{"code":200},"requestObject":{"data":{"cni-conf.json":"PRIVATE"}},"stageTimestamp":"2026-11-25T10:00:01Z","annotations":{"configmaps.mutate.netguard.io/decision":"mutated","configmaps.mutate.netguard.io/rules":"FL101","configmaps.mutate.netguard.io/changes":"FL101 cni-conf.json:cniVersion=\"0.3.1\"","configmaps.validate.netguard.io/decision":"allowed","configmaps.validate.netguard.io/rules":"FL090"}}
`

func TestAuditLogTableAndJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(p, []byte(auditLine), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd("", "audit-log", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"TIME  ", "alice", "ConfigMap kube-system/kube-flannel-cfg", "mutated", "FL101,FL090", `FL101 cni-conf.json:cniVersion="0.3.1"`, "1 request(s) to 1 object(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "PRIVATE") {
		t.Error("the table shows the object's data")
	}
	code, out, _ = runCmd(auditLine, "audit-log", "-", "-o", "json")
	var recs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &recs) != nil || len(recs) != 1 || recs[0]["decision"] != "mutated" {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	if code, _, _ = runCmd(auditLine, "audit-log", "--since", "2026-11-26", "-"); code != 0 {
		t.Errorf("--since: exit %d", code)
	}
	if _, out, _ = runCmd(auditLine, "audit-log", "--since", "2026-11-26", "-"); !strings.Contains(out, "no request") {
		t.Errorf("--since after the event still lists it:\n%s", out)
	}
}

func TestAuditLogRejectsBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		in   string
		want string
	}{
		{"no file", []string{"audit-log"}, "", "no input"},
		{"bad -o", []string{"audit-log", "-o", "yaml", "-"}, auditLine, "want table or json"},
		{"bad --since", []string{"audit-log", "--since", "yesterday", "-"}, auditLine, "neither an RFC 3339 time"},
		{"legacy text format", []string{"audit-log", "-"}, "2026-11-25T10:00:00Z AUDIT: id=x ip=127.0.0.1 method=PATCH\n", "--audit-log-format=json"},
		{"missing file", []string{"audit-log", "/nonexistent/audit.log"}, "", "no such file"},
	} {
		code, _, errOut := runCmd(c.in, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", c.name, code, errOut, c.want)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2h":                   now.Add(-2 * time.Hour),
		"2026-11-25T10:30:00Z": time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC),
		"2026-11-24":           time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := parseSince("-2h", now); err == nil {
		t.Error("a negative duration is accepted")
	}
}
