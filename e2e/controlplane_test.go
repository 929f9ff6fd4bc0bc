//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
	"k8s.io/client-go/discovery"
)

func TestControlPlaneReportsTheBuiltVersion(t *testing.T) {
	dc, err := discovery.NewDiscoveryClientForConfig(s.cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	v, err := dc.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != wantVersion || v.Major != "1" || v.Minor != "37" {
		t.Errorf("discovery reports %s (major %q, minor %q), want %s (1, 37): the ldflags stamp of hack/build-test-binaries.sh is missing", v.GitVersion, v.Major, v.Minor, wantVersion)
	}

	r := s.cp.Kubectl(t.Context(), "", nil, "version", "-o", "json")
	if r.Err != nil {
		t.Fatal(r)
	}
	var kv struct {
		ClientVersion struct{ GitVersion string } `json:"clientVersion"`
		ServerVersion struct{ GitVersion string } `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &kv); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if kv.ClientVersion.GitVersion != wantVersion || kv.ServerVersion.GitVersion != wantVersion {
		t.Errorf("kubectl version: client %q, server %q, want %s for both", kv.ClientVersion.GitVersion, kv.ServerVersion.GitVersion, wantVersion)
	}
}

func TestKubectlRunsAsTheOperatorUser(t *testing.T) {
	r := s.cp.Kubectl(t.Context(), "", nil, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
	if r.Err != nil {
		t.Fatal(r)
	}
	if got := strings.TrimSpace(r.Stdout); got != s.cp.UserName {
		t.Errorf("kubectl authenticates as %q, want %q", got, s.cp.UserName)
	}
}

// The audit policy records writes to ConfigMaps in kube-system at
// RequestResponse (with the user and the stored object) and nothing about
// ConfigMaps elsewhere.
func TestAuditLogRecordsNetworkNamespaceConfigMaps(t *testing.T) {
	ctx := t.Context()
	const name = "e2e-audit-probe"
	t.Cleanup(func() {
		remove(t, "kube-system", name)
		remove(t, "default", name)
	})
	for _, ns := range []string{"kube-system", "default"} {
		r := s.cp.Kubectl(ctx, "", nil, "create", "configmap", name, "-n", ns, "--from-literal=k=v")
		if r.Err != nil {
			t.Fatal(r)
		}
	}
	events, err := framework.ReadAuditLog(s.cp.AuditLogPath)
	if err != nil {
		t.Fatal(err)
	}
	var logged []framework.AuditEvent
	for _, e := range events {
		if e.ObjectRef != nil && e.ObjectRef.Resource == "configmaps" && e.ObjectRef.Name == name {
			logged = append(logged, e)
		}
	}
	if len(logged) != 1 {
		t.Fatalf("audit events for configmap %s: %d, want exactly 1 (the create in kube-system): %+v", name, len(logged), logged)
	}
	e := logged[0]
	if e.ObjectRef.Namespace != "kube-system" || e.Verb != "create" || e.Level != "RequestResponse" || e.Stage != "ResponseComplete" {
		t.Errorf("event: namespace %q verb %q level %q stage %q, want kube-system create RequestResponse ResponseComplete", e.ObjectRef.Namespace, e.Verb, e.Level, e.Stage)
	}
	if e.User.Username != s.cp.UserName {
		t.Errorf("event user %q, want %q", e.User.Username, s.cp.UserName)
	}
	var stored struct{ Data map[string]string }
	if err := json.Unmarshal(e.ResponseObject, &stored); err != nil || stored.Data["k"] != "v" {
		t.Errorf("responseObject does not carry the stored data (err %v): %s", err, e.ResponseObject)
	}
}
