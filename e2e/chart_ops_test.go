//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// testCABundle is a PEM-looking value: the chart copies it, base64-encoded,
// into caBundle without reading it (the API server checks it is base64 only).
const testCABundle = "-----BEGIN CERTIFICATE-----MIIBtest-----END CERTIFICATE-----"

// checkObservability: metrics are secure by default (the flag, the RBAC
// for TokenReview/SubjectAccessReview, the /metrics reader role and its
// binding), the ServiceMonitor scrapes HTTPS with the scraper's token and
// the CA of netguard's Secret, and the PrometheusRule and the dashboard
// ConfigMap (label grafana_dashboard, valid JSON with panels) are rendered.
func checkObservability(t *testing.T, objs []map[string]any, release, ns string) {
	t.Helper()
	full := release + "-netguard"
	var deps []appsv1.Deployment
	objectsOfKind(t, objs, "Deployment", &deps)
	if args := strings.Join(deps[0].Spec.Template.Spec.Containers[0].Args, " "); !strings.Contains(args, "--metrics-secure=true") {
		t.Errorf("metrics not secure by default: %s", args)
	}
	var crs []rbacv1.ClusterRole
	objectsOfKind(t, objs, "ClusterRole", &crs)
	got := map[string]bool{}
	for _, cr := range crs {
		for _, r := range cr.Rules {
			for _, res := range r.Resources {
				got[cr.Name+" "+res+" "+strings.Join(r.Verbs, ",")] = true
			}
			for _, u := range r.NonResourceURLs {
				got[cr.Name+" "+u+" "+strings.Join(r.Verbs, ",")] = true
			}
		}
	}
	for _, want := range []string{full + "-metrics-auth tokenreviews create", full + "-metrics-auth subjectaccessreviews create", full + "-metrics-reader /metrics get"} {
		if !got[want] {
			t.Errorf("no ClusterRole rule %q", want)
		}
	}
	var crbs []rbacv1.ClusterRoleBinding
	objectsOfKind(t, objs, "ClusterRoleBinding", &crbs)
	bound := false
	for _, b := range crbs {
		bound = bound || (b.RoleRef.Name == full+"-metrics-reader" && len(b.Subjects) == 1 && b.Subjects[0].Name == "prometheus" && b.Subjects[0].Namespace == ns)
	}
	if !bound {
		t.Error("metrics.readers not bound to the metrics-reader role")
	}
	kinds := map[string]map[string]any{}
	for _, o := range objs {
		kinds[o["kind"].(string)+"/"+o["metadata"].(map[string]any)["name"].(string)] = o
	}
	sm := kinds["ServiceMonitor/"+full]
	b, _ := json.Marshal(sm)
	for _, want := range []string{`"scheme":"https"`, `"bearerTokenFile":"/var/run/secrets/kubernetes.io/serviceaccount/token"`, `"serverName":"` + full + "." + ns + `.svc"`, `"key":"ca-bundle.crt","name":"` + full + `-certs"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("ServiceMonitor lacks %s: %s", want, b)
		}
	}
	if kinds["PrometheusRule/"+full] == nil {
		t.Error("no PrometheusRule")
	}
	var cms []corev1.ConfigMap
	objectsOfKind(t, objs, "ConfigMap", &cms)
	found := false
	for _, cm := range cms {
		if cm.Labels["grafana_dashboard"] != "1" {
			continue
		}
		found = true
		var d struct {
			Panels []any `json:"panels"`
		}
		if err := json.Unmarshal([]byte(cm.Data["netguard.json"]), &d); err != nil || len(d.Panels) < 10 {
			t.Errorf("dashboard ConfigMap: %v, %d panels", err, len(d.Panels))
		}
	}
	if !found {
		t.Error("no ConfigMap labelled grafana_dashboard")
	}
}

// checkSecretModeAndMirror: certificates.mode=secret mounts the given
// Secret (no lookup, no self-managed flags, no cert-manager objects), puts
// the given CA into every hook's caBundle, and global.imageRegistry
// rewrites every image the chart renders, the test and hook pods' included.
func checkSecretModeAndMirror(t *testing.T, objs []map[string]any, release, _ string) {
	t.Helper()
	var deps []appsv1.Deployment
	objectsOfKind(t, objs, "Deployment", &deps)
	pod := deps[0].Spec.Template.Spec
	mounted := false
	for _, v := range pod.Volumes {
		mounted = mounted || (v.Name == "certs" && v.Secret != nil && v.Secret.SecretName == "corp-tls")
	}
	if !mounted {
		t.Errorf("Secret corp-tls not mounted: %+v", pod.Volumes)
	}
	if args := strings.Join(pod.Containers[0].Args, " "); strings.Contains(args, "self-managed") {
		t.Errorf("secret mode runs the self-managed CA: %s", args)
	}
	var v []admissionregistrationv1.ValidatingWebhookConfiguration
	var m []admissionregistrationv1.MutatingWebhookConfiguration
	objectsOfKind(t, objs, "ValidatingWebhookConfiguration", &v)
	objectsOfKind(t, objs, "MutatingWebhookConfiguration", &m)
	for _, w := range v[0].Webhooks {
		if string(w.ClientConfig.CABundle) != testCABundle {
			t.Errorf("%s caBundle %q", w.Name, w.ClientConfig.CABundle)
		}
	}
	for _, w := range m[0].Webhooks {
		if string(w.ClientConfig.CABundle) != testCABundle {
			t.Errorf("%s caBundle %q", w.Name, w.ClientConfig.CABundle)
		}
	}
	images := 0
	for _, o := range objs {
		if o["apiVersion"] == "cert-manager.io/v1" {
			t.Errorf("secret mode rendered a cert-manager %v", o["kind"])
		}
		b, _ := json.Marshal(o)
		for _, part := range strings.Split(string(b), `"image":"`)[1:] {
			img, _, _ := strings.Cut(part, `"`)
			images++
			if !strings.HasPrefix(img, "mirror.example:5000/team/") || strings.Contains(img, "ghcr.io") || strings.Contains(img, "docker.io") {
				t.Errorf("%v %v: image %q does not use the mirror", o["kind"], o["metadata"].(map[string]any)["name"], img)
			}
		}
	}
	if images < 3 {
		t.Errorf("%d images rendered; want netguard, the helm test pod and the uninstall hook", images)
	}
}

// TestChartUninstallHookRemovesWebhooksThenTheSecret runs the chart's
// pre-delete hook (netguard with the Job's arguments, as rendered) as the
// hook's own ServiceAccount with the hook's own RBAC, against
// the real API server (which has no Job controller, so the test plays the
// kubelet): both webhook configurations are gone, netguard is scaled to
// zero, and the self-managed CA Secret is deleted; with
// keepSecretOnUninstall the Secret stays.
func TestChartUninstallHookRemovesWebhooksThenTheSecret(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepSecretOnUninstall=%v", keep), func(t *testing.T) {
			ctx := t.Context()
			release, ns := fmt.Sprintf("unhook-%v", keep), fmt.Sprintf("ng-unhook-%v", keep)
			full := release + "-netguard"
			ensureNamespace(t, ns)
			ensureNamespace(t, "kube-flannel") // a target namespace: the chart's ConfigMap Role lives there
			r := helm(t, "template", release, chartDir(), "--namespace", ns, "--kube-version", chartKubeVersion,
				"--set", "certificates.mode=self-managed", "--set", fmt.Sprintf("certificates.selfManaged.keepSecretOnUninstall=%v", keep),
				"--set", "webhook.url=https://127.0.0.1:1")
			if r.Err != nil {
				t.Fatalf("helm template:\n%s", r)
			}
			objs := manifests(t, r.Stdout)
			// Everything but the hook Job and the helm test pod is created, as
			// helm install would.
			var keepObjs []map[string]any
			var job []batchv1.Job
			objectsOfKind(t, objs, "Job", &job)
			for _, o := range objs {
				if o["kind"] != "Job" && o["kind"] != "Pod" {
					keepObjs = append(keepObjs, o)
				}
			}
			file := filepath.Join(t.TempDir(), "objs.yaml")
			var buf strings.Builder
			for _, o := range keepObjs {
				b, _ := json.Marshal(o)
				buf.Write(b)
				buf.WriteString("\n---\n")
			}
			if err := os.WriteFile(file, []byte(buf.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				_ = s.cp.Kubectl(ctx, "", nil, "delete", "--ignore-not-found", "--wait=false", "-f", file)
			})
			if r := s.cp.Kubectl(ctx, "", nil, "create", "-f", file); r.Err != nil {
				t.Fatalf("create:\n%s", r)
			}
			c := s.cp.Client
			secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: full + "-certs", Namespace: ns}, Data: map[string][]byte{"tls.crt": []byte("x")}}
			if _, err := c.CoreV1().Secrets(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if len(job) != 1 || job[0].Annotations["helm.sh/hook"] != "pre-delete" {
				t.Fatalf("want one pre-delete Job, got %d", len(job))
			}
			ctr := job[0].Spec.Template.Spec.Containers[0]
			if !strings.HasPrefix(ctr.Image, "ghcr.io/netguard/netguard:") || len(ctr.Command) != 0 {
				t.Errorf("the hook should run netguard's own image and entrypoint: %s %v", ctr.Image, ctr.Command)
			}
			kubeconfig := serviceAccountKubeconfig(t, ns, job[0].Spec.Template.Spec.ServiceAccountName)
			// The image's entrypoint is netguard; the Job gives its arguments.
			cmd := exec.CommandContext(ctx, s.netguardBin, ctr.Args...)
			cmd.Env = append(s.cp.KubectlCmd(ctx).Env, "KUBECONFIG="+kubeconfig)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("hook: %v\n%s", err, out)
			}
			t.Logf("hook output:\n%s", out)
			if _, err := c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, full, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("ValidatingWebhookConfiguration still there: %v", err)
			}
			if _, err := c.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, full, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("MutatingWebhookConfiguration still there: %v", err)
			}
			_, err = c.CoreV1().Secrets(ns).Get(ctx, full+"-certs", metav1.GetOptions{})
			if keep && err != nil {
				t.Errorf("keepSecretOnUninstall: the Secret is gone: %v", err)
			}
			if !keep && !apierrors.IsNotFound(err) {
				t.Errorf("the CA Secret was not deleted: %v", err)
			}
			if !keep {
				d, err := c.AppsV1().Deployments(ns).Get(ctx, full, metav1.GetOptions{})
				if err != nil || *d.Spec.Replicas != 0 {
					t.Errorf("netguard not scaled to zero before the Secret was deleted: %v", err)
				}
			}
		})
	}
}

// TestChartConfigMapRolesRenderWithoutLookup: under `helm template` (Argo
// CD, Flux post-renderers) the chart's lookup of namespaces returns nothing,
// so a Role is rendered in every target namespace, and the API server
// refuses one in a namespace the cluster lacks (the sync would fail).
// rbac.configMapNamespaces names the namespaces instead: no lookup, exactly
// those Roles and RoleBindings, accepted.
func TestChartConfigMapRolesRenderWithoutLookup(t *testing.T) {
	const release, ns, absent = "gitops", "ng-gitops", "ng-gitops-absent"
	ensureNamespace(t, ns)
	render := func(extra ...string) ([]map[string]any, string) {
		args := append([]string{"template", release, chartDir(), "--namespace", ns, "--kube-version", chartKubeVersion,
			"--set", "certificates.mode=self-managed", "--set", "config.targets.flannel.namespaces={kube-system," + absent + "}"}, extra...)
		r := helm(t, args...)
		if r.Err != nil {
			t.Fatalf("helm template:\n%s", r)
		}
		var rbacObjs []map[string]any
		for _, o := range manifests(t, r.Stdout) {
			if md, _ := o["metadata"].(map[string]any); (o["kind"] == "Role" || o["kind"] == "RoleBinding") && md["name"] == release+"-netguard-configmaps" {
				rbacObjs = append(rbacObjs, o)
			}
		}
		file := filepath.Join(t.TempDir(), "rbac.yaml")
		var buf strings.Builder
		for _, o := range rbacObjs {
			b, _ := json.Marshal(o)
			buf.Write(b)
			buf.WriteString("\n---\n")
		}
		if err := os.WriteFile(file, []byte(buf.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return rbacObjs, file
	}
	namespaces := func(objs []map[string]any) []string {
		var out []string
		for _, o := range objs {
			out = append(out, fmt.Sprintf("%s/%s", o["kind"], o["metadata"].(map[string]any)["namespace"]))
		}
		return out
	}

	objs, file := render()
	if got, want := strings.Join(namespaces(objs), " "), "Role/kube-system RoleBinding/kube-system Role/"+absent+" RoleBinding/"+absent; !sameWords(got, want) {
		t.Errorf("default rendering: %s, want %s (every target namespace: lookup gives helm template nothing)", got, want)
	}
	if r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", file); r.Err == nil || !strings.Contains(r.Stderr, "not found") {
		t.Errorf("a Role in a missing namespace was accepted or failed otherwise: %s", r)
	}

	objs, file = render("--set", "rbac.configMapNamespaces={kube-system}")
	if got := strings.Join(namespaces(objs), " "); !sameWords(got, "Role/kube-system RoleBinding/kube-system") {
		t.Errorf("rbac.configMapNamespaces={kube-system}: %s", got)
	}
	if r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", file); r.Err != nil {
		t.Errorf("the named namespaces' Roles were refused: %s", r)
	}
}

func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
