//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// With netguard down, the API server keeps working for everything netguard
// does not target (matchConditions keep those requests away from it).
// Targeted ConfigMaps follow the validating hook's failurePolicy: by default
// (the chart's) Ignore, so writes go through unchecked and the audit log
// says so; in strict mode (Fail) they are refused. Services follow Ignore.
func TestNetguardDownScopingAndFailurePolicy(t *testing.T) {
	requireNetguard(t)
	ctx := t.Context()
	before := seed(t, readConfigMap(t, "examples/kube-proxy/kube-proxy-worker-ipvs.yaml"))
	t.Cleanup(func() {
		remove(t, "kube-system", "e2e-unrelated")
		remove(t, "kube-system", "kube-proxy-worker")
		_ = s.cp.Kubectl(context.Background(), "", nil, "delete", "service", "e2e-down", "-n", "default", "--ignore-not-found")
	})

	if err := s.ng.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// back to the suite's netguard and default registration
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := s.startNetguard(ctx); err != nil {
			t.Errorf("restarting netguard: %v", err)
		}
	})
	if s.ng.Handshake() == nil {
		t.Fatal("netguard still answers after Stop")
	}

	t.Run("an untargeted ConfigMap in kube-system is written without netguard", func(t *testing.T) {
		start := time.Now()
		r := s.cp.Kubectl(ctx, "", nil, "create", "configmap", "e2e-unrelated", "-n", "kube-system", "--from-literal=k=v")
		if r.Err != nil {
			t.Fatalf("want the create to succeed while netguard is down:\n%s", r)
		}
		if d := time.Since(start); d > time.Duration(framework.DefaultTimeoutSeconds)*time.Second {
			t.Errorf("the create took %s: it waited on the webhook", d)
		}
	})

	t.Run("a Service is admitted unchecked (failurePolicy Ignore)", func(t *testing.T) {
		r := s.cp.Kubectl(ctx, "", nil, "create", "service", "clusterip", "e2e-down", "-n", "default", "--tcp=80:8080")
		if r.Err != nil {
			t.Fatalf("want the Service admitted while netguard is down:\n%s", r)
		}
	})

	t.Run("default Ignore: a targeted ConfigMap is written unchecked and the audit log records the fail-open", func(t *testing.T) {
		r := s.cp.Kubectl(ctx, "", nil, "label", "configmap", "kube-proxy-worker", "-n", "kube-system", "e2e=ignored", "--overwrite")
		if r.Err != nil {
			t.Fatalf("want the write admitted while netguard is down (failurePolicy Ignore):\n%s", r)
		}
		ev := lastAuditEvent(t, "patch", "kube-system", "kube-proxy-worker")
		failedOpen := false
		for k, v := range ev.Annotations {
			failedOpen = failedOpen || (strings.HasPrefix(k, "failed-open.validating.webhook.admission.k8s.io/") && v == framework.ConfigMapsValidatingWebhook)
		}
		if !failedOpen {
			t.Errorf("the audit event does not record that %s failed open: %v", framework.ConfigMapsValidatingWebhook, ev.Annotations)
		}
	})

	t.Run("strict Fail: a targeted ConfigMap is refused and stays as it was", func(t *testing.T) {
		err := framework.RegisterWebhooks(ctx, s.cp.Client, framework.WebhookOptions{
			URL: s.ng.URL, CABundle: s.ng.Certs.CACert, Config: s.config, BypassGroups: []string{bypassGroup},
			ConfigMapValidatingFailurePolicy: admissionregistrationv1.Fail,
			WaitTimeout:                      -1, // the probe needs netguard up
		})
		if err != nil {
			t.Fatal(err)
		}
		want := `failed calling webhook "` + framework.ConfigMapsValidatingWebhook + `"`
		// The API server picks the new policy up from its informer: wait
		// for a dry run to be refused.
		cur := getConfigMap(t, "kube-system", "kube-proxy-worker")
		deadline := time.Now().Add(30 * time.Second)
		for {
			cm := cur.DeepCopy()
			if cm.Labels == nil {
				cm.Labels = map[string]string{}
			}
			cm.Labels["e2e"] = "probe"
			_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Update(ctx, cm, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
			if err != nil && strings.Contains(err.Error(), want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("failurePolicy Fail not in effect after 30s (last: %v)", err)
			}
			time.Sleep(250 * time.Millisecond)
		}

		r := s.cp.Kubectl(ctx, "", nil, "label", "configmap", "kube-proxy-worker", "-n", "kube-system", "e2e=refused", "--overwrite")
		// a label-only change is "skipped" by netguard when it runs, but the
		// API server cannot know that: it must call the hook, which fails.
		if r.Err == nil {
			t.Fatalf("want the write refused while netguard is down:\n%s", r)
		}
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("kubectl's output lacks %q:\n%s", want, r)
		}
		if after := getConfigMap(t, "kube-system", "kube-proxy-worker"); after.ResourceVersion != cur.ResourceVersion || after.Labels["e2e"] != "ignored" {
			t.Errorf("the refused write changed the object (labels %v)", after.Labels)
		}
		if cur.ResourceVersion == before.ResourceVersion {
			t.Errorf("precondition: the Ignore subtest did not write the object")
		}
	})
}
