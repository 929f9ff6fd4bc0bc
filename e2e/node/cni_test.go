//go:build node && linux

package node

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/e2e/node/cluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// stepCNIBroken: with the pod network broken on every node (the bridge
// conflist replaced by garbage: containerd reports NetworkReady=false, the
// nodes go NotReady), netguard on the host network still answers through
// its Service: a broken kube-flannel-cfg is denied, the operator's fix of
// kube-flannel-cfg is judged (not failed open), and a deleted netguard pod
// is replaced and becomes Ready without the CNI.
func stepCNIBroken(t *testing.T) {
	for _, n := range env.c.Nodes {
		if err := os.WriteFile(n.CNIConfPath(), []byte("{ broken by the test"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer restoreCNI(t)
	waitFor(t, 3*time.Minute, "every node NotReady (CNI broken)", func() bool {
		nodes, err := env.c.Client.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
		if err != nil {
			return false
		}
		for _, n := range nodes.Items {
			if ok, _ := cluster.NodeReady(&n); ok {
				return false
			}
		}
		return true
	})
	nodes, _ := env.c.Client.CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	for _, n := range nodes.Items {
		_, why := cluster.NodeReady(&n)
		t.Logf("%s: NotReady: %s", n.Name, why)
	}

	waitDenied(t, 30*time.Second)
	probeDenials(t, 20*time.Second)
	fix := framework.Edit{Replace: []framework.Replacement{{Key: "cni-conf.json", Old: `"hairpinMode": true`, New: `"hairpinMode": false`}}}
	if r := kubectlEdit(t, "kube-system", "kube-flannel-cfg", fix); r.err != nil || !strings.Contains(r.stdout, "edited") {
		t.Fatalf("want the operator's fix of kube-flannel-cfg accepted:\n%s", r)
	}
	ev := lastAuditEvent(t, "patch", "kube-system", "kube-flannel-cfg")
	checkAnnotations(t, ev, map[string]string{framework.ConfigMapsValidatingWebhook + "/decision": "allowed"})

	pods := readyPods(t, 2)
	must(t, kubectl(t, "delete", "pod", pods[0].Name, "-n", namespace, "--wait=true"))
	waitReadyPods(t, 2, 2*time.Minute)
	waitDenied(t, 30*time.Second)
}

func restoreCNI(t *testing.T) {
	for _, n := range env.c.Nodes {
		if err := os.WriteFile(n.CNIConfPath(), []byte(n.CNIConfList()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if err := env.c.WaitNodesReady(t.Context(), 3*time.Minute); err != nil {
		t.Errorf("after restoring the CNI: %v", err)
	}
}

// probeDenials sends a dry-run create of a broken kube-flannel-cfg every
// 250 ms for d: each must be denied by netguard. One that is not was
// admitted unchecked (fail open: the API server could not reach netguard
// through its Service).
func probeDenials(t *testing.T, d time.Duration) {
	t.Helper()
	denied, other := 0, []string{}
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		err := dryRunCreate(t, brokenFlannel())
		if err != nil && strings.Contains(err.Error(), `admission webhook "`+validateHook+`" denied the request`) {
			denied++
			continue
		}
		other = append(other, fmt.Sprintf("%s: %v", time.Now().Format(time.TimeOnly), err))
	}
	t.Logf("with the CNI broken: %d of %d probes denied by netguard through its Service", denied, denied+len(other))
	if len(other) > 0 {
		t.Errorf("%d probes not judged by netguard:\n%s\n%s", len(other), strings.Join(other, "\n"), endpointDiagnostics(t))
	}
}

func endpointDiagnostics(t *testing.T) string {
	r := kubectl(t, "get", "endpointslices,pods", "-n", namespace, "-o", "wide")
	return r.stdout + r.stderr
}
