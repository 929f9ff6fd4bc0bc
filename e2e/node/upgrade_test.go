//go:build node && linux

package node

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// bothModes is a kube-flannel-cfg with hairpinMode and promiscMode: FL014,
// deny by default. In kube-flannel (also targeted): kube-system has the faq
// release's kube-flannel-cfg, and an accepted dry-run create would fail
// there with AlreadyExists.
func bothModes() *corev1.ConfigMap {
	cm := brokenFlannel()
	cm.Namespace = "kube-flannel"
	cm.Data["cni-conf.json"] = `{"name": "cbr0", "cniVersion": "0.3.1", "plugins": [{"type": "flannel", "delegate": {"hairpinMode": true, "promiscMode": true, "isDefaultGateway": true}}, {"type": "portmap", "capabilities": {"portMappings": true}}]}`
	return cm
}

func dryRunCreate(t *testing.T, cm *corev1.ConfigMap) error {
	t.Helper()
	_, err := env.c.Client.CoreV1().ConfigMaps(cm.Namespace).Create(t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err
}

// stepUpgradeRuleConfig: helm upgrade setting FL014 to warn, under the
// load: FL014 stops denying once netguard reloaded its configuration, and
// no review is dropped.
func stepUpgradeRuleConfig(t *testing.T) {
	must(t, kubectl(t, "create", "namespace", "kube-flannel"))
	if err := dryRunCreate(t, bothModes()); err == nil || !strings.Contains(err.Error(), "[FL014]") {
		t.Fatalf("before the upgrade: want FL014 to deny, got %v", err)
	}
	before := apiserverWebhookMetrics(t)
	l := startLoad(t, 6*time.Minute)
	defer l.stop()
	must(t, helm(t, "upgrade", release, chartDir(), "-n", namespace, "--reuse-values", "--wait", "--timeout", "5m",
		"--set", "config.rules.FL014=warn"))
	waitReadyPods(t, 2, 3*time.Minute)
	t0 := time.Now()
	waitFor(t, 3*time.Minute, "FL014 to be a warning", func() bool { return dryRunCreate(t, bothModes()) == nil })
	t.Logf("the new rule configuration took effect %s after helm upgrade returned", time.Since(t0).Round(time.Second))
	checkNoDroppedReviews(t, before, l)
}

// stepUninstall: helm uninstall leaves no webhook configuration, RBAC,
// ServiceAccount, Service or pod behind; the API server stops calling
// netguard. The self-managed CA Secret, created by netguard, not by helm, is
// deleted by the chart's pre-delete hook.
func stepUninstall(t *testing.T) {
	must(t, helm(t, "uninstall", release, "-n", namespace, "--wait", "--timeout", "3m"))
	ctx := t.Context()
	c := env.c.Client
	gone := map[string]error{}
	_, gone["ValidatingWebhookConfiguration"] = c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, release, metav1.GetOptions{})
	_, gone["MutatingWebhookConfiguration"] = c.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, release, metav1.GetOptions{})
	_, gone["ClusterRole"] = c.RbacV1().ClusterRoles().Get(ctx, release, metav1.GetOptions{})
	_, gone["ClusterRoleBinding"] = c.RbacV1().ClusterRoleBindings().Get(ctx, release, metav1.GetOptions{})
	_, gone["ServiceAccount"] = c.CoreV1().ServiceAccounts(namespace).Get(ctx, release, metav1.GetOptions{})
	_, gone["Service"] = c.CoreV1().Services(namespace).Get(ctx, release, metav1.GetOptions{})
	_, gone["Deployment"] = c.AppsV1().Deployments(namespace).Get(ctx, release, metav1.GetOptions{})
	for kind, err := range gone {
		if !apierrors.IsNotFound(err) {
			t.Errorf("%s %s after helm uninstall: %v (want NotFound)", kind, release, err)
		}
	}
	for _, ns := range []string{namespace, "kube-system", "kube-flannel"} {
		roles, err := c.RbacV1().Roles(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + release})
		if err != nil {
			t.Fatal(err)
		}
		bindings, err := c.RbacV1().RoleBindings(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + release})
		if err != nil {
			t.Fatal(err)
		}
		if len(roles.Items)+len(bindings.Items) > 0 {
			t.Errorf("%s: %d Roles and %d RoleBindings of the release left", ns, len(roles.Items), len(bindings.Items))
		}
	}
	waitFor(t, 2*time.Minute, "the netguard pods to be gone", func() bool {
		list, err := c.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
		return err == nil && len(list.Items) == 0
	})
	if err := dryRunCreate(t, bothModes()); err != nil {
		t.Errorf("after uninstall the API server still rejects: %v", err)
	}
	// The chart's pre-delete hook (netguard uninstall-cleanup) deletes the
	// self-managed CA Secret, which netguard created and helm does not own,
	// unless certificates.selfManaged.keepSecretOnUninstall.
	if _, err := c.CoreV1().Secrets(namespace).Get(ctx, secretName, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the self-managed Secret %s after helm uninstall: %v (want NotFound: the uninstall hook deletes it)", secretName, err)
	}
}
