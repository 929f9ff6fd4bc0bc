//go:build node && linux

package node

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const faqNamespace = "faq-apps"

func faqChart() string { return filepath.Join(env.root, "e2e", "testdata", "faqchart") }

// stepFAQ: the FAQ scenarios through the netguard installed by helm:
// helm install of a chart with a broken kube-flannel-cfg is rejected with
// the reason; the good chart is stored with the injected cniVersion and
// netguard's warnings; kubectl edit of the FAQ's kube-proxy `//` comment is
// rejected at the top of the reopened buffer, the correct value accepted;
// the real audit log carries netguard's annotations.
func stepFAQ(t *testing.T) {
	t.Run("helm install of a broken kube-flannel-cfg is rejected", faqHelmBroken)
	t.Run("helm install: cniVersion injected, warnings shown, audit annotations", faqHelmMutated)
	t.Run("kubectl edit: the FAQ's // comment rejected, the fix accepted", faqKubectlEdit)
}

func faqHelmBroken(t *testing.T) {
	// "hairpinMode": yes is not JSON: flannel could not read its config.
	r := helm(t, "install", "faq-broken", faqChart(), "-n", faqNamespace, "--create-namespace", "--atomic", "--timeout", "2m",
		"--set", "flannel.hairpinMode=yes")
	if r.err == nil {
		t.Fatalf("want the install rejected:\n%s", r)
	}
	t.Logf("%s", r)
	for _, want := range []string{`admission webhook "` + validateHook + `" denied the request`, "kube-flannel-cfg", "[FL001] key cni-conf.json, line 6, col 20", "not valid JSON", "Fix: fix the JSON syntax"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("helm's error lacks %q", want)
		}
	}
	if cm := configMap(t, "kube-system", "kube-flannel-cfg"); cm != nil {
		t.Errorf("the rejected kube-flannel-cfg was stored: %v", cm.Data)
	}
}

func faqHelmMutated(t *testing.T) {
	r := must(t, helm(t, "install", "faq", faqChart(), "-n", faqNamespace, "--create-namespace", "--wait", "--timeout", "2m"))
	want := `Warning: FL101 ConfigMap kube-system/kube-flannel-cfg: netguard set cni-conf.json: cniVersion to \"0.3.1\" (was (absent))`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("helm's output lacks the warning %s:\n%s", want, r)
	}
	cm := configMap(t, "kube-system", "kube-flannel-cfg")
	var conf map[string]any
	if cm == nil || json.Unmarshal([]byte(cm.Data["cni-conf.json"]), &conf) != nil || conf["cniVersion"] != "0.3.1" {
		t.Fatalf("stored kube-flannel-cfg %v, want cniVersion 0.3.1 injected", cm)
	}
	ev := lastAuditEvent(t, "create", "kube-system", "kube-flannel-cfg")
	checkAnnotations(t, ev, map[string]string{
		framework.ConfigMapsMutatingWebhook + "/decision":   "mutated",
		framework.ConfigMapsValidatingWebhook + "/decision": "allowed",
	})
	if ch := ev.Annotations[framework.ConfigMapsMutatingWebhook+"/changes"]; !strings.Contains(ch, "FL101") {
		t.Errorf("audit annotation changes = %q, want FL101", ch)
	}
}

func faqKubectlEdit(t *testing.T) {
	before := configMap(t, "kube-system", "kube-proxy-worker")
	if before == nil {
		t.Fatal("kube-proxy-worker of the faq release is missing")
	}
	comment := framework.Edit{Replace: []framework.Replacement{{Key: "config.conf", Old: "maxPerCore: 65536\n",
		New: "maxPerCore: 65536 // Set maxPerCore to a proper value. Default value: 65536.\n"}}}
	r := kubectlEdit(t, "kube-system", "kube-proxy-worker", comment)
	if r.err == nil || len(r.buffers) < 2 {
		t.Fatalf("want the edit rejected and the buffer reopened:\n%s", r)
	}
	top := r.buffers[1]
	for _, want := range []string{`# configmaps "kube-proxy-worker" was not valid:`, "[KP002]", "Fix:"} {
		if !strings.Contains(top, want) {
			t.Errorf("the reopened buffer lacks %q:\n%s", want, top[:min(len(top), 1500)])
		}
	}
	if after := configMap(t, "kube-system", "kube-proxy-worker"); after.ResourceVersion != before.ResourceVersion {
		t.Error("the rejected edit changed kube-proxy-worker")
	}
	fix := framework.Edit{Replace: []framework.Replacement{{Key: "config.conf", Old: "maxPerCore: 65536\n", New: "maxPerCore: 131072\n"}}}
	if r := kubectlEdit(t, "kube-system", "kube-proxy-worker", fix); r.err != nil || !strings.Contains(r.stdout, "edited") {
		t.Fatalf("want the fix accepted:\n%s", r)
	}
	ev := lastAuditEvent(t, "patch", "kube-system", "kube-proxy-worker")
	if ev.User.Username != "netguard-e2e-operator" {
		t.Errorf("audit: user %q, want the operator", ev.User.Username)
	}
	checkAnnotations(t, ev, map[string]string{framework.ConfigMapsValidatingWebhook + "/decision": "allowed"})
}

func configMap(t *testing.T, ns, name string) *corev1.ConfigMap {
	t.Helper()
	cm, err := env.c.Client.CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// lastAuditEvent is the last ResponseComplete event of a ConfigMap request.
func lastAuditEvent(t *testing.T, verb, ns, name string) framework.AuditEvent {
	t.Helper()
	e, err := framework.LastConfigMapEvent(env.c.AuditLogPath, verb, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func checkAnnotations(t *testing.T, ev framework.AuditEvent, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if ev.Annotations[k] != v {
			t.Errorf("audit annotation %s = %q, want %q (all: %v)", k, ev.Annotations[k], v, ev.Annotations)
		}
	}
}
