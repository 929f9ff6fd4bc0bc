//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A Helm chart that ships the FAQ's network ConfigMaps (e2e/testdata/faqchart)
// goes through netguard like kubectl: `helm install` of the chart without
// cniVersion stores kube-flannel-cfg with the injected cniVersion; with the
// FAQ's `//` comment in kube-proxy-worker the install (and an upgrade) fails
// with netguard's message, and nothing of it is stored.
func TestHelmInstallOfTheFAQChart(t *testing.T) {
	requireNetguard(t)
	chart := s.path("e2e/testdata/faqchart")
	const ns = "faq-apps"
	clean := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, rel := range []string{"faq-ok", "faq-broken"} {
			_ = helmCtx(ctx, t, "uninstall", rel, "--namespace", ns, "--ignore-not-found", "--wait")
		}
		remove(t, "kube-system", "kube-flannel-cfg")
		remove(t, "kube-system", "kube-proxy-worker")
	}
	clean()
	t.Cleanup(clean)

	t.Run("install without cniVersion: stored with the injected cniVersion", func(t *testing.T) {
		r := helm(t, "install", "faq-ok", chart, "--namespace", ns, "--create-namespace", "--wait", "--timeout", "60s")
		if r.Err != nil {
			t.Fatalf("helm install:\n%s", r)
		}
		t.Logf("%s", r)
		// helm logs the API server's warnings (netguard's) through klog on
		// stderr, quoted: `warnings.go:107] "Warning: FL101 ..."`
		for _, want := range []string{`"Warning: FL101 ConfigMap kube-system/kube-flannel-cfg: netguard set cni-conf.json: cniVersion to \"0.3.1\" (was (absent))`, `"Warning: KP090 ConfigMap kube-system/kube-proxy-worker`} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("helm's output lacks the warning %q", want)
			}
		}
		cm := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		if cm == nil {
			t.Fatal("kube-flannel-cfg not stored")
		}
		var conf map[string]any
		mustJSON(t, cm.Data["cni-conf.json"], &conf)
		delegate, _ := conf["delegate"].(map[string]any)
		if conf["cniVersion"] != "0.3.1" || conf["type"] != "flannel" || delegate["hairpinMode"] != true {
			t.Errorf("stored cni-conf.json = %s, want the chart's with cniVersion 0.3.1", cm.Data["cni-conf.json"])
		}
		if cm.Labels["app.kubernetes.io/managed-by"] != "Helm" || cm.Annotations["meta.helm.sh/release-name"] != "faq-ok" {
			t.Errorf("helm's ownership metadata lost: labels %v annotations %v", cm.Labels, cm.Annotations)
		}
		if kp := getConfigMap(t, "kube-system", "kube-proxy-worker"); kp == nil || !strings.Contains(kp.Data["config.conf"], "maxPerCore: 65536\n") {
			t.Errorf("kube-proxy-worker not stored as rendered: %v", kp)
		}
	})

	t.Run("upgrade to the FAQ's // comment: rejected, the release's objects unchanged", func(t *testing.T) {
		before := getConfigMap(t, "kube-system", "kube-proxy-worker")
		if before == nil {
			t.Skip("needs the release of the previous subtest")
		}
		r := helm(t, "upgrade", "faq-ok", chart, "--namespace", ns, "--set", "kubeProxy.faqComment=true", "--timeout", "60s")
		if r.Err == nil {
			t.Fatalf("want the upgrade rejected:\n%s", r)
		}
		assertHelmDenial(t, r, "kube-proxy-worker", "KP002", 7)
		assertUnchanged(t, before)
	})

	t.Run("install with the FAQ's // comment: fails with netguard's message, nothing stored", func(t *testing.T) {
		clean()
		r := helm(t, "install", "faq-broken", chart, "--namespace", ns, "--create-namespace", "--atomic", "--timeout", "60s",
			"--set", "kubeProxy.faqComment=true")
		if r.Err == nil {
			t.Fatalf("want the install rejected:\n%s", r)
		}
		t.Logf("%s", r)
		assertHelmDenial(t, r, "kube-proxy-worker", "KP002", 7)
		if cm := getConfigMap(t, "kube-system", "kube-proxy-worker"); cm != nil {
			t.Error("the rejected kube-proxy-worker was stored")
		}
		// --atomic rolls back what the failed install created
		if cm := getConfigMap(t, "kube-system", "kube-flannel-cfg"); cm != nil {
			t.Errorf("the failed, atomic install left kube-flannel-cfg behind")
		}
	})
}

// assertHelmDenial checks helm's error: the API server's denial by netguard
// with the rule, the line inside the data value and the fix.
func assertHelmDenial(t *testing.T, r interface{ String() string }, name, rule string, line int) {
	t.Helper()
	out := r.String()
	for _, want := range []string{
		`admission webhook "configmaps.validate.netguard.io" denied the request`,
		fmt.Sprintf("[%s] key config.conf, line %d, col ", rule, line),
		"kube-proxy would exit at start-up",
		"Fix: `//` is not a YAML comment",
		name,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("helm's output lacks %q:\n%s", want, out)
		}
	}
}
