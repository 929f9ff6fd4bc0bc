//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"github.com/netguard/netguard/rules/flannel"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// deniedBy is how kube-apiserver prefixes a denial by netguard's
// validating webhook.
var deniedBy = `admission webhook "` + framework.ConfigMapsValidatingWebhook + `" denied the request: netguard denied ConfigMap `

// assertDenial checks the API server's answer to a write netguard denies:
// 422 Invalid, the message naming the webhook, the object, the rule and the
// fix, and a cause for the data key.
func assertDenial(t *testing.T, err error, object, rule, field, hint string) {
	t.Helper()
	var se *apierrors.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("want a denial, got %v", err)
	}
	st := se.ErrStatus
	if st.Code != 422 || st.Reason != metav1.StatusReasonInvalid {
		t.Errorf("status %d %s, want 422 Invalid", st.Code, st.Reason)
	}
	for _, want := range []string{deniedBy + object, "[" + rule + "]", "\n   Fix: ", hint} {
		if !strings.Contains(st.Message, want) {
			t.Errorf("the denial lacks %q:\n%s", want, st.Message)
		}
	}
	found := false
	if st.Details != nil {
		for _, c := range st.Details.Causes {
			found = found || (c.Field == field && strings.HasPrefix(c.Message, "["+rule+"]"))
		}
	}
	if !found {
		t.Errorf("no cause for %s with [%s]: %+v", field, rule, st.Details)
	}
}

// ACK FAQ "nodes NotReady after the upgrade to Kubernetes 1.16": the operator
// runs `kubectl edit cm kube-flannel-cfg -n kube-system` and adds
// "cniVersion":"0.3.0" after the "name" line.
func TestFAQFlannelAddCNIVersionWithKubectlEdit(t *testing.T) {
	requireNetguard(t)
	base := readConfigMap(t, "examples/flannel/missing-cniversion.yaml")

	t.Run("typed as the FAQ means it: accepted and stored exactly as edited", func(t *testing.T) {
		before := seed(t, base)
		edit := Edit{Replace: []Replacement{{
			Key: "cni-conf.json",
			Old: `"name": "cbr0",`,
			New: `"name": "cbr0",` + "\n  " + `"cniVersion":"0.3.0",`,
		}}}
		r := kubectlEdit(t, "kube-system", "kube-flannel-cfg", edit)
		if r.Err != nil || !strings.Contains(r.Stdout, "configmap/kube-flannel-cfg edited") {
			t.Fatalf("want the edit accepted:\n%s", r)
		}
		t.Logf("%s", r)
		if !strings.Contains(r.Stderr, "Warning: FL090 ConfigMap kube-system/kube-flannel-cfg") || strings.Contains(r.Stderr, "FL101") {
			t.Errorf("want the restart advice (FL090) and no cniVersion mutation (FL101) among the warnings:\n%s", r)
		}
		if len(r.Buffers) != 1 {
			t.Errorf("kubectl reopened the editor %d times, want once", len(r.Buffers))
		}
		want := maps.Clone(before.Data)
		if err := edit.Apply(want); err != nil {
			t.Fatal(err)
		}
		after := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		// cniVersion is present, so netguard's FL101 mutation must not touch
		// the text: byte-for-byte what the operator saved.
		if !reflect.DeepEqual(after.Data, want) {
			t.Errorf("stored data differs from the edit:\n got %q\nwant %q", after.Data, want)
		}
		assertOnlyDataChanged(t, before, after)
	})

	t.Run("pasted verbatim from the FAQ page with its no-break spaces: rejected, nothing stored", func(t *testing.T) {
		before := seed(t, base)
		// The FAQ page's line `"name": "cb0",` ends in three U+00A0
		// (see examples/faq/flannel-cniversion.yaml); pasting the FAQ's
		// lines carries them into cni-conf.json.
		edit := Edit{Replace: []Replacement{{
			Key: "cni-conf.json",
			Old: `"name": "cbr0",`,
			New: `"name": "cb0",` + " \u00a0\u00a0\u00a0\n  " + `"cniVersion":"0.3.0",`,
		}}}
		r := kubectlEdit(t, "kube-system", "kube-flannel-cfg", edit)
		if r.Err == nil {
			t.Fatalf("want the edit rejected:\n%s", r)
		}
		// kubectl edit prints only the verdict for a 422 Invalid; the
		// causes go into the buffer it reopens.
		for _, want := range []string{
			`error: configmaps "kube-flannel-cfg" is invalid`,
			"Edit cancelled, no valid changes were saved.",
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("kubectl's output lacks %q:\n%s", want, r)
			}
		}
		if len(r.Buffers) < 2 {
			t.Fatalf("kubectl did not reopen the buffer after the denial:\n%s", r)
		}
		for _, want := range []string{
			`# configmaps "kube-flannel-cfg" was not valid:`,
			"# * data[cni-conf.json]: [FL001] line ",
			"cni-conf.json is not valid JSON",
			"non-breaking spaces (U+00A0",
			"Fix: ",
		} {
			if !strings.Contains(r.Buffers[1], want) {
				t.Errorf("the reopened edit buffer lacks %q:\n%s", want, r.Buffers[1])
			}
		}
		// The full denial as the API server returns it, with the fix.
		edited := before.DeepCopy()
		if err := edit.Apply(edited.Data); err != nil {
			t.Fatal(err)
		}
		_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Update(t.Context(), edited, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
		assertDenial(t, err, "kube-system/kube-flannel-cfg", "FL001", "data[cni-conf.json]", "retype the pasted whitespace")
		after := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		if after.ResourceVersion != before.ResourceVersion || !reflect.DeepEqual(after.Data, before.Data) {
			t.Errorf("the rejected edit changed the stored object (resourceVersion %s -> %s)", before.ResourceVersion, after.ResourceVersion)
		}
	})

	// FAQ "a pod cannot reach the Service that exposes it": add
	// "hairpinMode": true to the delegate. On a config that also lacks
	// cniVersion netguard injects cniVersion 0.3.1 (FL101).
	t.Run("any other edit of a config without cniVersion gets cniVersion injected", func(t *testing.T) {
		noHairpin := base.DeepCopy()
		noHairpin.Data["cni-conf.json"] = strings.Replace(noHairpin.Data["cni-conf.json"],
			`"isDefaultGateway": true,`+"\n    "+`"hairpinMode": true`, `"isDefaultGateway": true`, 1)
		if noHairpin.Data["cni-conf.json"] == base.Data["cni-conf.json"] {
			t.Fatal("the example changed: could not remove hairpinMode")
		}
		before := seed(t, noHairpin)
		edit := Edit{Replace: []Replacement{{
			Key: "cni-conf.json",
			Old: `"isDefaultGateway": true`,
			New: `"isDefaultGateway": true,` + "\n    " + `"hairpinMode": true`,
		}}}
		r := kubectlEdit(t, "kube-system", "kube-flannel-cfg", edit)
		if r.Err != nil || !strings.Contains(r.Stdout, "configmap/kube-flannel-cfg edited") {
			t.Fatalf("want the edit accepted:\n%s", r)
		}
		t.Logf("%s", r)
		for _, want := range []string{
			`Warning: FL101 ConfigMap kube-system/kube-flannel-cfg: netguard set cni-conf.json: cniVersion to "0.3.1" (was (absent))`,
			"Warning: FL090 ConfigMap kube-system/kube-flannel-cfg",
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("kubectl's output lacks %q:\n%s", want, r)
			}
		}
		after := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		edited := maps.Clone(before.Data)
		if err := edit.Apply(edited); err != nil {
			t.Fatal(err)
		}
		var got, want map[string]any
		mustJSON(t, after.Data["cni-conf.json"], &got)
		mustJSON(t, edited["cni-conf.json"], &want)
		want["cniVersion"] = flannel.MutationsOf(s.config).CNIVersion
		if !reflect.DeepEqual(got, want) {
			t.Errorf("stored cni-conf.json = %s, want the edit plus cniVersion %q", after.Data["cni-conf.json"], flannel.MutationsOf(s.config).CNIVersion)
		}
		if after.Data["net-conf.json"] != before.Data["net-conf.json"] || len(after.Data) != len(before.Data) {
			t.Errorf("netguard changed more than cni-conf.json: %q", after.Data)
		}
		assertOnlyDataChanged(t, before, after)

		// The audit log has the operator's patch with both decisions.
		ev := lastAuditEvent(t, "patch", "kube-system", "kube-flannel-cfg")
		if ev.User.Username != s.cp.UserName || ev.ResponseStatus == nil || ev.ResponseStatus.Code != 200 {
			t.Errorf("audit event: user %q status %+v, want %s and 200", ev.User.Username, ev.ResponseStatus, s.cp.UserName)
		}
		for k, want := range map[string]string{
			framework.ConfigMapsMutatingWebhook + "/decision":   "mutated",
			framework.ConfigMapsValidatingWebhook + "/decision": "allowed",
		} {
			if ev.Annotations[k] != want {
				t.Errorf("audit annotation %s = %q, want %q (all: %v)", k, ev.Annotations[k], want, ev.Annotations)
			}
		}
		if ch := ev.Annotations[framework.ConfigMapsMutatingWebhook+"/changes"]; !strings.Contains(ch, "FL101") || !strings.Contains(ch, "cniVersion") {
			t.Errorf("audit annotation changes = %q, want the FL101 cniVersion change", ch)
		}
	})
}

// lastAuditEvent returns the last ResponseComplete audit event for a
// ConfigMap request.
func lastAuditEvent(t *testing.T, verb, ns, name string) framework.AuditEvent {
	t.Helper()
	e, err := framework.LastConfigMapEvent(s.cp.AuditLogPath, verb, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// ACK FAQ "increase the conntrack table": the FAQ's kube-proxy-worker with
// `maxPerCore: 65536 // Set maxPerCore ...`. A server-side dry run gives
// netguard's verdict and stores nothing.
func TestFAQKubeProxyMaxPerCoreDryRunIsRejected(t *testing.T) {
	requireNetguard(t)
	const manifest = "examples/faq/kube-proxy-maxpercore.yaml"
	// kubectl prints a 422 Invalid as its causes only (field and message),
	// so each cause carries the line inside config.conf and the fix.
	wants := []string{
		`The ConfigMap "kube-proxy-worker" is invalid: data[config.conf]: [KP002] line 9, col 21: kube-proxy would exit at start-up (CrashLoopBackOff) with: failed complete: failed to decode: yaml: line 9: mapping values are not allowed in this context`,
		"Fix: `//` is not a YAML comment: replace it with `#`",
	}
	check := func(t *testing.T, r framework.KubectlResult) {
		t.Helper()
		if r.Err == nil {
			t.Fatalf("want the dry run rejected:\n%s", r)
		}
		for _, w := range wants {
			if !strings.Contains(r.Stderr, w) {
				t.Errorf("kubectl's output lacks %q:\n%s", w, r)
			}
		}
		// The same dry run through the API: the full denial with the fix.
		cm := readConfigMap(t, manifest)
		_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Create(t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if getConfigMap(t, "kube-system", "kube-proxy-worker") != nil {
			// update case: compare against an update, like kubectl apply
			cur := getConfigMap(t, "kube-system", "kube-proxy-worker")
			cm.ResourceVersion = cur.ResourceVersion
			_, err = s.cp.Client.CoreV1().ConfigMaps("kube-system").Update(t.Context(), cm, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
		}
		assertDenial(t, err, "kube-system/kube-proxy-worker", "KP002", "data[config.conf]", "`//` is not a YAML comment")
	}

	t.Run("create: rejected and nothing stored", func(t *testing.T) {
		remove(t, "kube-system", "kube-proxy-worker")
		r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", s.path(manifest))
		check(t, r)
		if cm := getConfigMap(t, "kube-system", "kube-proxy-worker"); cm != nil {
			t.Errorf("the dry run stored kube-proxy-worker (resourceVersion %s)", cm.ResourceVersion)
		}
	})

	t.Run("update of a valid config: rejected and the stored object unchanged", func(t *testing.T) {
		before := seed(t, readConfigMap(t, "examples/kube-proxy/kube-proxy-worker-ipvs.yaml"))
		r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", s.path(manifest))
		check(t, r)
		after := getConfigMap(t, "kube-system", "kube-proxy-worker")
		if after == nil || after.ResourceVersion != before.ResourceVersion || !reflect.DeepEqual(after.Data, before.Data) {
			t.Errorf("the dry run changed the stored object")
		}
	})
}

func (s *suite) path(rel string) string { return s.root + "/" + rel }

func mustJSON(t *testing.T, text string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("%v in %q", err, text)
	}
}

// assertOnlyDataChanged checks that labels, annotations and binaryData are
// as before: netguard patches only the data key it fixes.
func assertOnlyDataChanged(t *testing.T, before, after *corev1.ConfigMap) {
	t.Helper()
	if !maps.Equal(before.Labels, after.Labels) || !maps.Equal(withoutLastApplied(before.Annotations), withoutLastApplied(after.Annotations)) || !reflect.DeepEqual(before.BinaryData, after.BinaryData) {
		t.Errorf("metadata or binaryData changed: labels %v -> %v, annotations %v -> %v", before.Labels, after.Labels, before.Annotations, after.Annotations)
	}
}

func withoutLastApplied(a map[string]string) map[string]string {
	out := maps.Clone(a)
	delete(out, corev1.LastAppliedConfigAnnotation)
	return out
}
