//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules/engine"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
)

// netguard.io/ignore through the real API server: the waived deny is
// admitted with an NG004 kubectl warning and the waived-rules audit
// annotation; without a reason nothing is waived.
func TestIgnoreAnnotationAtAdmission(t *testing.T) {
	requireNetguard(t)
	const manifest = "examples/faq/kube-proxy-maxpercore.yaml" // KP002: // is not a YAML comment
	remove(t, "kube-system", "kube-proxy-worker")
	t.Cleanup(func() { remove(t, "kube-system", "kube-proxy-worker") })

	t.Run("without a reason nothing is waived", func(t *testing.T) {
		cm := readConfigMap(t, manifest)
		cm.Annotations = map[string]string{engine.AnnotationIgnore: "KP002"}
		_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Create(t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		assertDenial(t, err, "kube-system/kube-proxy-worker", "KP002", "data[config.conf]", "`//` is not a YAML comment")
	})

	t.Run("with a reason the deny is waived, visibly", func(t *testing.T) {
		cm := readConfigMap(t, manifest)
		cm.Annotations = map[string]string{engine.AnnotationIgnore: "KP002", engine.AnnotationIgnoreReason: "e2e: waiver test"}
		r := s.cp.Kubectl(t.Context(), "", nil, "create", "-f", writeManifest(t, cm))
		if r.Err != nil {
			t.Fatalf("the waived object was rejected:\n%s", r)
		}
		if !strings.Contains(r.Stderr, "NG004") || !strings.Contains(r.Stderr, "e2e: waiver test") {
			t.Errorf("no NG004 warning naming the reason:\n%s", r)
		}
		ev := lastAuditEvent(t, "create", "kube-system", "kube-proxy-worker")
		if got := ev.Annotations[framework.ConfigMapsValidatingWebhook+"/waived-rules"]; got != "KP002" {
			t.Errorf("audit annotation waived-rules = %q, want KP002 (all: %v)", got, ev.Annotations)
		}
	})
}

// scan --context A --context B: one report with the findings of both
// clusters (here the same cluster under two context names).
func TestScanSeveralContexts(t *testing.T) {
	requireNetguard(t)
	seed(t, readConfigMap(t, "examples/faq/kube-proxy-maxpercore.yaml"))
	t.Cleanup(func() { remove(t, "kube-system", "kube-proxy-worker") })
	kc, err := clientcmd.LoadFromFile(s.cp.KubeconfigPath)
	if err != nil {
		t.Fatal(err)
	}
	first := kc.CurrentContext
	kc.Contexts["second"] = kc.Contexts[first].DeepCopy()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), s.netguardBin, "scan", "--kubeconfig", path, "--config", s.configFile,
		"--context", first, "--context", "second", "-o", "json")
	out, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit %d (%v), want 1 (KP002 denies)\n%s", code, err, out)
	}
	var fs []lint.Finding
	if err := json.Unmarshal(out, &fs); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, f := range fs {
		if f.Rule == "KP002" {
			n[f.Context]++
		}
	}
	if n[first] == 0 || n[first] != n["second"] {
		t.Errorf("KP002 findings per context %v, want the same number in %s and second", n, first)
	}
}
