//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
)

// With netguard down, the API server keeps working for everything netguard
// does not target (matchConditions keep those requests away from it), the
// targeted ConfigMaps follow the validating hook's failurePolicy Fail, and
// Services follow Ignore.
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

	t.Run("a targeted ConfigMap is refused (failurePolicy Fail) and stays as it was", func(t *testing.T) {
		r := s.cp.Kubectl(ctx, "", nil, "label", "configmap", "kube-proxy-worker", "-n", "kube-system", "e2e=down", "--overwrite")
		// a label-only change is "skipped" by netguard when it runs, but the
		// API server cannot know that: it must call the hook, which fails.
		if r.Err == nil {
			t.Fatalf("want the write refused while netguard is down:\n%s", r)
		}
		want := `failed calling webhook "` + framework.ConfigMapsValidatingWebhook + `"`
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("kubectl's output lacks %q:\n%s", want, r)
		}
		if after := getConfigMap(t, "kube-system", "kube-proxy-worker"); after.ResourceVersion != before.ResourceVersion {
			t.Errorf("the refused write changed the object")
		}
	})

	t.Run("a Service is admitted unchecked (failurePolicy Ignore)", func(t *testing.T) {
		r := s.cp.Kubectl(ctx, "", nil, "create", "service", "clusterip", "e2e-down", "-n", "default", "--tcp=80:8080")
		if r.Err != nil {
			t.Fatalf("want the Service admitted while netguard is down:\n%s", r)
		}
	})
}
