//go:build node && linux

package node

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/node/cluster"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	release   = "netguard"
	namespace = "netguard-system"
	// The chart's names for release "netguard" (fullname = release).
	secretName   = "netguard-certs"
	selector     = "app.kubernetes.io/name=netguard,app.kubernetes.io/instance=netguard"
	validateHook = "configmaps.validate.netguard.io"
)

func chartDir() string { return filepath.Join(env.root, "charts", "netguard") }

// helmInstallArgs is exactly the README's "Install in a cluster" command:
// the chart's defaults, only the image tag set.
func helmInstallArgs(extra ...string) []string {
	return append([]string{"install", release, chartDir(), "-n", namespace, "--create-namespace", "--wait", "--timeout", "5m",
		"--set", "image.tag=" + cluster.NetguardImageTag}, extra...)
}

// TestRealNode runs the operator's story in order; each step needs the
// previous one's state (the installed release).
func TestRealNode(t *testing.T) {
	requireCluster(t)
	steps := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"1_HelmInstallWithDefaults", stepHelmInstall},
		{"2_FAQThroughKubectlAndHelm", stepFAQ},
		{"3_RestartsAndRotationUnderLoad", stepRestartsUnderLoad},
		{"4_CNIBrokenNetguardStillAnswers", stepCNIBroken},
		{"5a_HelmUpgradeRuleConfigUnderLoad", stepUpgradeRuleConfig},
		{"5b_HelmUninstallLeavesNothing", stepUninstall},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			t.Fatalf("step %s failed; the later steps need its state", s.name)
		}
	}
}

// stepHelmInstall: `helm install --wait` with the defaults: two Ready pods
// on the two nodes with the chart's hardening, the PDB, the self-managed CA
// in its Secret and in both caBundles, and the API server calling netguard
// through the chart's Service.
func stepHelmInstall(t *testing.T) {
	t0 := time.Now()
	r := helm(t, helmInstallArgs()...)
	if r.err != nil {
		t.Fatalf("%s\n%s", r, podDiagnostics(t))
	}
	t.Logf("helm install --wait took %s", time.Since(t0).Round(time.Millisecond))
	// --wait is satisfied by replicas - maxUnavailable (1) Ready pods.
	waitReadyPods(t, 2, 2*time.Minute)
	t.Logf("both replicas Ready %s after helm install started", time.Since(t0).Round(time.Millisecond))
	pods := readyPods(t, 2)
	nodes := map[string]bool{}
	for _, p := range pods {
		nodes[p.Spec.NodeName] = true
		checkHardening(t, &p)
	}
	if len(nodes) != 2 {
		t.Errorf("the two replicas run on %v, want one per node (preferred anti-affinity)", nodes)
	}
	checkPDB(t)
	checkSelfManagedCA(t)
	checkServiceClientConfig(t)
	waitDenied(t, time.Minute)
}

func readyPods(t *testing.T, want int) []corev1.Pod {
	t.Helper()
	list, err := env.c.Client.CoreV1().Pods(namespace).List(t.Context(), metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	var ready []corev1.Pod
	for _, p := range list.Items {
		if p.Status.Phase == corev1.PodRunning && podReady(&p) && p.DeletionTimestamp == nil {
			ready = append(ready, p)
		}
	}
	if len(ready) != want {
		t.Fatalf("%d Running and Ready netguard pods, want %d\n%s", len(ready), want, podDiagnostics(t))
	}
	return ready
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// checkHardening: what the chart promises about the pod, as the kubelet
// runs it.
func checkHardening(t *testing.T, p *corev1.Pod) {
	t.Helper()
	if !p.Spec.HostNetwork {
		t.Errorf("%s: not on the host network", p.Name)
	}
	if p.Status.PodIP != p.Status.HostIP {
		t.Errorf("%s: pod IP %s != node IP %s (hostNetwork)", p.Name, p.Status.PodIP, p.Status.HostIP)
	}
	psc := p.Spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != 65532 ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("%s: pod securityContext %+v", p.Name, psc)
	}
	c := p.Spec.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil ||
		*sc.AllowPrivilegeEscalation || sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
		t.Errorf("%s: container securityContext %+v", p.Name, sc)
	}
	if c.ReadinessProbe == nil || c.LivenessProbe == nil || c.Lifecycle == nil || c.Lifecycle.PreStop == nil {
		t.Errorf("%s: probes or preStop missing", p.Name)
	}
	if want := cluster.NetguardRepo + ":" + cluster.NetguardImageTag; c.Image != want {
		t.Errorf("%s: image %s, want %s", p.Name, c.Image, want)
	}
	if p.Spec.PriorityClassName != "system-cluster-critical" {
		t.Errorf("%s: priorityClassName %q", p.Name, p.Spec.PriorityClassName)
	}
}

func checkPDB(t *testing.T) {
	t.Helper()
	var last string
	ok := poll(t, 30*time.Second, func() bool {
		pdb, err := env.c.Client.PolicyV1().PodDisruptionBudgets(namespace).Get(t.Context(), release, metav1.GetOptions{})
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("minAvailable %v, healthy %d, disruptions allowed %d", pdb.Spec.MinAvailable, pdb.Status.CurrentHealthy, pdb.Status.DisruptionsAllowed)
		return pdb.Spec.MinAvailable != nil && pdb.Spec.MinAvailable.IntValue() == 1 && pdb.Status.CurrentHealthy == 2 && pdb.Status.DisruptionsAllowed == 1
	})
	if !ok {
		t.Errorf("the chart's PodDisruptionBudget: %s; want minAvailable 1, 2 healthy, 1 disruption allowed", last)
	}
}

// poll reports whether cond became true within timeout.
func poll(t *testing.T, timeout time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(500 * time.Millisecond):
		}
	}
	return true
}

// checkSelfManagedCA: netguard created its Secret, and the CA in it is in
// both webhook configurations' caBundle.
func checkSelfManagedCA(t *testing.T) {
	t.Helper()
	sec, err := env.c.Client.CoreV1().Secrets(namespace).Get(t.Context(), secretName, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the self-managed CA Secret: %v", err)
	}
	ca := sec.Data["ca.crt"]
	if len(ca) == 0 || len(sec.Data["tls.crt"]) == 0 {
		t.Fatalf("Secret %s lacks ca.crt or tls.crt: keys %v", secretName, keys(sec.Data))
	}
	for name, bundles := range caBundles(t) {
		for _, b := range bundles {
			if !bytes.Contains(b, bytes.TrimSpace(ca)) {
				t.Errorf("%s: caBundle lacks the Secret's CA", name)
			}
		}
	}
}

// checkServiceClientConfig: every hook calls the chart's Service, no URL.
func checkServiceClientConfig(t *testing.T) {
	t.Helper()
	v, err := env.c.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(t.Context(), release, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range v.Webhooks {
		s := w.ClientConfig.Service
		if w.ClientConfig.URL != nil || s == nil || s.Name != release || s.Namespace != namespace {
			t.Errorf("%s: clientConfig %+v, want the Service %s/%s", w.Name, w.ClientConfig, namespace, release)
		}
	}
}

func caBundles(t *testing.T) map[string][][]byte {
	t.Helper()
	ctx := t.Context()
	out := map[string][][]byte{}
	v, err := env.c.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, release, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range v.Webhooks {
		out["validating "+w.Name] = append(out["validating "+w.Name], w.ClientConfig.CABundle)
	}
	m, err := env.c.Client.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, release, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range m.Webhooks {
		out["mutating "+w.Name] = append(out["mutating "+w.Name], w.ClientConfig.CABundle)
	}
	return out
}

// brokenFlannel is a kube-flannel-cfg netguard always denies (not JSON).
func brokenFlannel() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "kube-flannel-cfg", Namespace: "kube-system"},
		Data:       map[string]string{"cni-conf.json": "{ not json", "net-conf.json": `{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}`},
	}
}

// waitDenied waits until a server-side dry-run create of a broken
// kube-flannel-cfg is denied by netguard, i.e. the API server reaches it.
func waitDenied(t *testing.T, timeout time.Duration) {
	t.Helper()
	var last error
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	for ctx.Err() == nil {
		_, last = env.c.Client.CoreV1().ConfigMaps("kube-system").Create(ctx, brokenFlannel(), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if last != nil && strings.Contains(last.Error(), `admission webhook "`+validateHook+`" denied the request`) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("the API server never got netguard's denial through the Service: last %v", last)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// podDiagnostics describes the netguard pods and recent events, for failures.
func podDiagnostics(t *testing.T) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b strings.Builder
	for _, args := range [][]string{
		{"get", "pods", "-A", "-o", "wide"},
		{"describe", "pods", "-n", namespace},
		{"get", "events", "-A", "--sort-by=.lastTimestamp"},
		{"logs", "-n", namespace, "-l", selector, "--tail=30", "--prefix"},
	} {
		r := runTool(ctx, env.c.Kubectl, "", nil, args...)
		fmt.Fprintf(&b, "$ kubectl %s\n%s%s\n", strings.Join(args, " "), r.stdout, r.stderr)
	}
	return b.String()
}
