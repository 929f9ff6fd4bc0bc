//go:build e2e

package e2e

// The Helm chart (charts/netguard) against the real API server:
//
//   - helm lint, and helm template for every major option set applied with
//     server-side dry run and then created for real, so that the API server
//     validates every manifest, CEL matchCondition, webhook configuration and
//     (with their CRDs installed) cert-manager and ServiceMonitor object;
//   - the cert-manager objects decoded into cert-manager's own API types;
//   - helm install with the self-managed CA and netguard running as a local
//     process with the chart's own arguments, config and ServiceAccount
//     (least-privilege RBAC), reached through the chart's own webhook
//     configurations (webhook.url = https://127.0.0.1:PORT, see below): a
//     rejected edit, a mutated edit, an untargeted ConfigMap never sent;
//   - the self-managed CA rotated under load: both caBundles follow, and no
//     request fails (validating failurePolicy Fail, so a failed call would
//     be an error, and every response must carry the mutation).
//
// Why webhook.url and not the chart's Service with an EndpointSlice to
// 127.0.0.1: the API server resolves a webhook Service to its ClusterIP
// (there is no kube-proxy here) or, with --enable-aggregator-routing, to an
// endpoint, and the endpoint address may not be a loopback address (the
// EndpointSlice/Endpoints validation refuses 127.0.0.0/8). The chart's
// `webhook.url` value, documented as testing only, renders the same
// configurations with url: instead of service:.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/netguard/netguard/e2e/framework"
	"github.com/netguard/netguard/rules"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const chartKubeVersion = "1.37.2"

func chartDir() string { return filepath.Join(s.root, "charts", "netguard") }

// helm runs the helm binary against the test API server as the operator.
func helm(t *testing.T, args ...string) framework.KubectlResult {
	t.Helper()
	return helmCtx(t.Context(), t, args...)
}

// helmCtx is helm with an explicit context (t.Context() is cancelled before
// cleanups run).
func helmCtx(ctx context.Context, t *testing.T, args ...string) framework.KubectlResult {
	t.Helper()
	bin, err := framework.FindHelm(s.root)
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(s.dir, "helm")
	cmd := exec.CommandContext(ctx, bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "KUBECONFIG" || k == "HOME" || strings.HasPrefix(k, "HELM_") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "KUBECONFIG="+s.cp.KubeconfigPath, "HOME="+home,
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"), "HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	r := framework.KubectlResult{Args: append([]string{"(helm)"}, args...), Stdout: out.String(), Stderr: errb.String(), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.ExitCode = ee.ExitCode()
	} else if err != nil {
		r.ExitCode = -1
	}
	return r
}

// manifests splits a multi-document YAML stream into its non-empty objects.
func manifests(t *testing.T, stream string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split(stream, "\n---") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("rendered YAML does not parse: %v\n%s", err, doc)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out
}

func objectsOfKind(t *testing.T, objs []map[string]any, kind string, into any) {
	t.Helper()
	var list []map[string]any
	for _, o := range objs {
		if o["kind"] == kind {
			list = append(list, o)
		}
	}
	b, err := yaml.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	// Strict: a field the Go type does not know is a chart bug.
	if err := yaml.UnmarshalStrict(b, into); err != nil {
		t.Fatalf("%s objects do not decode strictly: %v", kind, err)
	}
}

var chartCRDsOnce sync.Once

// installChartCRDs installs cert-manager's CRDs (from the cert-manager Go
// module in the module cache, the version go.mod pins) and the ServiceMonitor
// stand-in, once.
func installChartCRDs(t *testing.T) {
	t.Helper()
	var failure string
	chartCRDsOnce.Do(func() {
		cmd := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", "github.com/cert-manager/cert-manager")
		cmd.Dir = s.root
		out, err := cmd.Output()
		if err != nil {
			failure = fmt.Sprintf("locating the cert-manager module: %v (run `go mod download github.com/cert-manager/cert-manager`)", err)
			return
		}
		crds, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "deploy", "crds", "cert-manager.io_*.yaml"))
		if len(crds) < 4 {
			failure = fmt.Sprintf("cert-manager CRDs not found in %s", out)
			return
		}
		crds = append(crds, filepath.Join(s.root, "e2e", "testdata", "chart-servicemonitor-crd.yaml"), filepath.Join(s.root, "e2e", "testdata", "chart-prometheusrule-crd.yaml"))
		args := []string{"apply", "--server-side", "--field-manager=netguard-e2e"}
		for _, f := range crds {
			args = append(args, "-f", f)
		}
		if r := s.cp.Kubectl(t.Context(), "", nil, args...); r.Err != nil {
			failure = r.String()
			return
		}
		r := s.cp.Kubectl(t.Context(), "", nil, "wait", "--for=condition=Established", "--timeout=60s",
			"crd/certificates.cert-manager.io", "crd/issuers.cert-manager.io", "crd/clusterissuers.cert-manager.io", "crd/servicemonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com")
		if r.Err != nil {
			failure = r.String()
		}
	})
	if failure != "" {
		t.Fatal(failure)
	}
}

func TestChartLintsClean(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"--set", "certificates.mode=cert-manager"},
		{"--set", "hostNetwork=false", "--set", "networkPolicy.enabled=true", "--set", "serviceMonitor.enabled=true"},
		{"--set", "webhook.failurePolicy=Fail"},
		{"--set", "prometheusRule.enabled=true", "--set", "grafanaDashboard.enabled=true", "--set", "serviceMonitor.enabled=true", "--set", "metrics.readers[0].name=prometheus", "--set", "metrics.readers[0].namespace=monitoring"},
		{"--set", "certificates.mode=secret", "--set", "certificates.secret.name=corp-tls", "--set", "global.imageRegistry=mirror.example:5000"},
	} {
		r := helm(t, append([]string{"lint", "--strict", "--kube-version", chartKubeVersion, chartDir()}, args...)...)
		if r.Err != nil || !strings.Contains(r.Stdout, "0 chart(s) failed") || strings.Contains(r.Stdout, "[WARNING]") || strings.Contains(r.Stdout, "[ERROR]") {
			t.Errorf("helm lint %v:\n%s", args, r)
		}
	}
}

// The schema's rule IDs come from the registry (make docs): helm refuses an
// unknown rule ID at install time, and accepts a known one.
func TestChartSchemaRefusesUnknownRuleIDs(t *testing.T) {
	lint := func(args ...string) framework.KubectlResult {
		return helm(t, append([]string{"lint", "--strict", "--kube-version", chartKubeVersion, chartDir()}, args...)...)
	}
	if r := lint("--set", "config.rules.KP999=off"); r.Err == nil || !strings.Contains(r.Stdout+r.Stderr, "KP999") {
		t.Errorf("helm lint with config.rules.KP999 passed:\n%s", r)
	}
	if r := lint("--set", "config.rules.KP030=off", "--set", "config.exceptions.nonWaivable={KP020}"); r.Err != nil {
		t.Errorf("helm lint with a known rule ID:\n%s", r)
	}
}

// chartOptionSet is one major configuration of the chart.
type chartOptionSet struct {
	name, namespace string
	args            []string
	certManager     bool
	check           func(t *testing.T, objs []map[string]any, release, namespace string)
}

func chartOptionSets() []chartOptionSet {
	return []chartOptionSet{
		{name: "defaults (no cert-manager: self-managed CA)", namespace: "ng-defaults", check: checkChartDefaults},
		{name: "cert-manager detected", namespace: "ng-cm", args: []string{"--api-versions", "cert-manager.io/v1"}, certManager: true, check: checkCertManager},
		{name: "cert-manager with an existing ClusterIssuer", namespace: "ng-cm-issuer", certManager: true, args: []string{
			"--set", "certificates.mode=cert-manager", "--set", "certificates.certManager.issuerRef.name=corp-ca",
			"--set", "certificates.certManager.issuerRef.kind=ClusterIssuer", "--set", "certificates.extraHosts={netguard.example.com,10.0.0.53}",
		}, check: checkCertManager},
		{name: "self-managed forced although cert-manager exists", namespace: "ng-forced", args: []string{
			"--api-versions", "cert-manager.io/v1", "--set", "certificates.mode=self-managed",
		}, check: func(t *testing.T, objs []map[string]any, _, _ string) {
			for _, o := range objs {
				if o["apiVersion"] == "cert-manager.io/v1" {
					t.Errorf("self-managed mode rendered a cert-manager %v", o["kind"])
				}
			}
		}},
		{name: "pod network with NetworkPolicy and ServiceMonitor", namespace: "ng-podnet", args: []string{
			"--set", "hostNetwork=false", "--set", "networkPolicy.enabled=true", "--set", "serviceMonitor.enabled=true",
		}, check: func(t *testing.T, objs []map[string]any, _, _ string) {
			var deps []appsv1.Deployment
			objectsOfKind(t, objs, "Deployment", &deps)
			if deps[0].Spec.Template.Spec.HostNetwork || deps[0].Spec.Template.Spec.DNSPolicy != corev1.DNSClusterFirst {
				t.Errorf("hostNetwork=false: hostNetwork %v dnsPolicy %s", deps[0].Spec.Template.Spec.HostNetwork, deps[0].Spec.Template.Spec.DNSPolicy)
			}
			kinds := map[string]bool{}
			for _, o := range objs {
				kinds[o["kind"].(string)] = true
			}
			if !kinds["NetworkPolicy"] || !kinds["ServiceMonitor"] {
				t.Errorf("NetworkPolicy %v, ServiceMonitor %v; want both", kinds["NetworkPolicy"], kinds["ServiceMonitor"])
			}
		}},
		{name: "strict: failurePolicy Fail", namespace: "ng-strict", args: []string{
			"--set", "webhook.failurePolicy=Fail", "--set", "webhook.servicesFailurePolicy=Fail",
		}, check: func(t *testing.T, objs []map[string]any, _, _ string) {
			var v []admissionregistrationv1.ValidatingWebhookConfiguration
			var m []admissionregistrationv1.MutatingWebhookConfiguration
			objectsOfKind(t, objs, "ValidatingWebhookConfiguration", &v)
			objectsOfKind(t, objs, "MutatingWebhookConfiguration", &m)
			for _, w := range v[0].Webhooks {
				if *w.FailurePolicy != admissionregistrationv1.Fail {
					t.Errorf("%s: failurePolicy %s, want Fail", w.Name, *w.FailurePolicy)
				}
			}
			for _, w := range m[0].Webhooks {
				if *w.FailurePolicy != admissionregistrationv1.Ignore {
					t.Errorf("mutating %s: failurePolicy %s, want Ignore always", w.Name, *w.FailurePolicy)
				}
			}
		}},
		{name: "custom targets, rule overrides, bypass group, Services off", namespace: "ng-custom", args: []string{
			"--set", "config.targets.flannel.namespaces={kube-system}", "--set", "config.targets.kubeProxy.names={kube-proxy,kube-proxy-*}",
			"--set", "config.targets.services.enabled=false", "--set", "config.rules.KP020=off",
			"--set", "config.cluster.kubernetesVersion=1.30", "--set", "config.mutations.flannel.hairpinMode=true",
			"--set", "webhook.bypassGroups={netguard:break-glass}", "--set", "logLevel=debug", "--set", "replicaCount=3",
		}, check: func(t *testing.T, objs []map[string]any, _, _ string) {
			var v []admissionregistrationv1.ValidatingWebhookConfiguration
			objectsOfKind(t, objs, "ValidatingWebhookConfiguration", &v)
			if len(v[0].Webhooks) != 1 {
				t.Errorf("services disabled: %d validating webhooks, want 1", len(v[0].Webhooks))
			}
			expr := v[0].Webhooks[0].MatchConditions[0].Expression
			if !strings.Contains(expr, "request.name.startsWith('kube-proxy-')") || strings.Contains(expr, "kube-flannel'") {
				t.Errorf("matchCondition does not follow the targets: %s", expr)
			}
			conds := v[0].Webhooks[0].MatchConditions
			if last := conds[len(conds)-1]; !strings.Contains(last.Expression, "netguard:break-glass") {
				t.Errorf("no bypass-group condition: %+v", conds)
			}
		}},
		{name: "observability: secure metrics, ServiceMonitor, PrometheusRule, Grafana dashboard", namespace: "ng-obs", args: []string{
			"--set", "serviceMonitor.enabled=true", "--set", "prometheusRule.enabled=true", "--set", "grafanaDashboard.enabled=true",
			"--set", "metrics.readers[0].name=prometheus", "--set", "metrics.readers[0].namespace=ng-obs",
		}, check: checkObservability},
		{name: "existing Secret (GitOps) behind a registry mirror", namespace: "ng-secret", args: []string{
			"--set", "certificates.mode=secret", "--set", "certificates.secret.name=corp-tls",
			"--set", "certificates.secret.caBundle=" + testCABundle, "--set", "global.imageRegistry=mirror.example:5000/team",
		}, check: checkSecretModeAndMirror},
		{name: "installed into kube-system", namespace: "kube-system", check: func(t *testing.T, objs []map[string]any, release, _ string) {
			var v []admissionregistrationv1.ValidatingWebhookConfiguration
			objectsOfKind(t, objs, "ValidatingWebhookConfiguration", &v)
			for _, w := range v[0].Webhooks {
				for _, c := range w.MatchConditions {
					if c.Expression == "request.namespace != 'kube-system'" && strings.HasPrefix(w.Name, "configmaps.") {
						t.Errorf("%s excludes kube-system, where every target lives", w.Name)
					}
				}
			}
		}},
	}
}

// Every major option set renders manifests the API server accepts: server-side
// dry run, then created for real (and removed again).
func TestChartManifestsAreAcceptedByTheAPIServer(t *testing.T) {
	installChartCRDs(t)
	ensureNamespace(t, "kube-flannel")
	for i, set := range chartOptionSets() {
		t.Run(set.name, func(t *testing.T) {
			release := fmt.Sprintf("apply%d", i)
			ensureNamespace(t, set.namespace)
			args := append([]string{"template", release, chartDir(), "--namespace", set.namespace, "--kube-version", chartKubeVersion}, set.args...)
			r := helm(t, args...)
			if r.Err != nil {
				t.Fatalf("helm template:\n%s", r)
			}
			objs := manifests(t, r.Stdout)
			if set.check != nil {
				set.check(t, objs, release, set.namespace)
			}
			// Not t.TempDir(): kubectl -f splits paths at commas, which
			// subtest names contain.
			tmp, err := os.MkdirTemp(s.dir, "chart-")
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(tmp, "rendered.yaml")
			if err := os.WriteFile(file, []byte(r.Stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			// kubectl validates strictly (unknown fields are errors) on the
			// server; the API server compiles every CEL matchCondition.
			if r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "--validate=strict", "-f", file); r.Err != nil {
				t.Fatalf("server-side dry run:\n%s", r)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				if r := s.cp.Kubectl(ctx, "", nil, "delete", "--ignore-not-found", "--wait=false", "-f", file); r.Err != nil {
					t.Errorf("cleanup:\n%s", r)
				}
			})
			if r := s.cp.Kubectl(t.Context(), "", nil, "create", "--validate=strict", "-f", file); r.Err != nil {
				t.Fatalf("create:\n%s", r)
			}
			n := len(objs)
			if got := strings.Count(r.Stdout, "\n"); got < n-1 {
				t.Logf("created %d of %d objects?\n%s", got, n, r.Stdout)
			}
			// Read the webhook configurations back as the API server stored
			// them (defaults applied).
			name := release + "-netguard"
			v, err := s.cp.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(t.Context(), name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.cp.Client.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(t.Context(), name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkWebhookSafety(t, v, m)
			if set.certManager {
				for _, a := range []map[string]string{v.Annotations, m.Annotations} {
					if a["cert-manager.io/inject-ca-from"] != set.namespace+"/"+name+"-tls" {
						t.Errorf("inject-ca-from = %q, want %s/%s-tls", a["cert-manager.io/inject-ca-from"], set.namespace, name)
					}
				}
			}
		})
	}
}

// checkWebhookSafety: the scoping rules of issue 5 on the stored objects.
func checkWebhookSafety(t *testing.T, v *admissionregistrationv1.ValidatingWebhookConfiguration, m *admissionregistrationv1.MutatingWebhookConfiguration) {
	t.Helper()
	checkCommon := func(name string, rules []admissionregistrationv1.RuleWithOperations, conds []admissionregistrationv1.MatchCondition, se *admissionregistrationv1.SideEffectClass, versions []string) {
		for _, r := range rules {
			if !slices.Equal(r.Operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}) {
				t.Errorf("%s: operations %v, want CREATE, UPDATE", name, r.Operations)
			}
			if len(r.Resources) != 1 || (r.Resources[0] != "configmaps" && r.Resources[0] != "services") {
				t.Errorf("%s: resources %v", name, r.Resources)
			}
		}
		if len(conds) == 0 {
			t.Errorf("%s: no matchConditions", name)
		}
		if *se != admissionregistrationv1.SideEffectClassNone {
			t.Errorf("%s: sideEffects %s", name, *se)
		}
		if !slices.Equal(versions, []string{"v1"}) {
			t.Errorf("%s: admissionReviewVersions %v", name, versions)
		}
	}
	for _, w := range v.Webhooks {
		checkCommon(w.Name, w.Rules, w.MatchConditions, w.SideEffects, w.AdmissionReviewVersions)
		if *w.TimeoutSeconds > 3 {
			t.Errorf("%s: timeout %ds, want ≤ 3", w.Name, *w.TimeoutSeconds)
		}
	}
	for _, w := range m.Webhooks {
		checkCommon(w.Name, w.Rules, w.MatchConditions, w.SideEffects, w.AdmissionReviewVersions)
		if *w.TimeoutSeconds > 2 {
			t.Errorf("%s: timeout %ds, want ≤ 2", w.Name, *w.TimeoutSeconds)
		}
		if *w.FailurePolicy != admissionregistrationv1.Ignore {
			t.Errorf("%s: mutating failurePolicy %s, want Ignore", w.Name, *w.FailurePolicy)
		}
		if w.ReinvocationPolicy == nil || *w.ReinvocationPolicy != admissionregistrationv1.IfNeededReinvocationPolicy {
			t.Errorf("%s: reinvocationPolicy %v, want IfNeeded", w.Name, w.ReinvocationPolicy)
		}
	}
}

func checkChartDefaults(t *testing.T, objs []map[string]any, release, ns string) {
	t.Helper()
	var deps []appsv1.Deployment
	objectsOfKind(t, objs, "Deployment", &deps)
	if len(deps) != 1 {
		t.Fatalf("%d Deployments", len(deps))
	}
	d := deps[0]
	pod := d.Spec.Template.Spec
	if *d.Spec.Replicas != 2 {
		t.Errorf("replicas %d, want 2", *d.Spec.Replicas)
	}
	if !pod.HostNetwork || pod.DNSPolicy != corev1.DNSClusterFirstWithHostNet {
		t.Errorf("hostNetwork %v dnsPolicy %s, want true / ClusterFirstWithHostNet (the CNI loop)", pod.HostNetwork, pod.DNSPolicy)
	}
	if pod.PriorityClassName != "system-cluster-critical" {
		t.Errorf("priorityClassName %q", pod.PriorityClassName)
	}
	if pod.Affinity == nil || pod.Affinity.PodAntiAffinity == nil || len(pod.TopologySpreadConstraints) == 0 {
		t.Error("no anti-affinity / topology spread")
	}
	tolerated := map[string]bool{}
	for _, tol := range pod.Tolerations {
		tolerated[tol.Key+":"+string(tol.Effect)] = true
	}
	for _, k := range []string{"node-role.kubernetes.io/control-plane:NoSchedule", "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/network-unavailable:NoSchedule"} {
		if !tolerated[k] {
			t.Errorf("no toleration for %s", k)
		}
	}
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v", psc)
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container securityContext %+v", sc)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" || c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
		t.Error("probes are not /readyz and /healthz")
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v", c.Resources)
	}
	if !slices.Contains(c.Args, "--cert-mode=self-managed") {
		t.Errorf("without cert-manager the default must be self-managed: %v", c.Args)
	}
	var pdbs []map[string]any
	for _, o := range objs {
		if o["kind"] == "PodDisruptionBudget" {
			pdbs = append(pdbs, o)
		}
	}
	if len(pdbs) != 1 {
		t.Errorf("%d PodDisruptionBudgets, want 1", len(pdbs))
	}
	var v []admissionregistrationv1.ValidatingWebhookConfiguration
	objectsOfKind(t, objs, "ValidatingWebhookConfiguration", &v)
	for _, w := range v[0].Webhooks {
		if *w.FailurePolicy != admissionregistrationv1.Ignore {
			t.Errorf("default validating failurePolicy of %s is %s, want Ignore (documented safe default)", w.Name, *w.FailurePolicy)
		}
	}
	// Least privilege: read-only, except the certificate Secret (by name,
	// plus create) and the caBundle of the chart's own two configurations.
	var cr []rbacv1.ClusterRole
	objectsOfKind(t, objs, "ClusterRole", &cr)
	var roles []rbacv1.Role
	objectsOfKind(t, objs, "Role", &roles)
	all := map[string][]rbacv1.PolicyRule{}
	for _, r := range cr {
		all["ClusterRole "+r.Name] = r.Rules
	}
	for _, r := range roles {
		if strings.HasSuffix(r.Name, "-test") {
			continue // the helm test hook's dry-run permission
		}
		all["Role "+r.Namespace+"/"+r.Name] = r.Rules
	}
	// The uninstall hook (not netguard's ServiceAccount) may write, but only
	// its release's objects, each by name (pods it only reads).
	for owner, rules := range all {
		if !strings.HasSuffix(owner, "-netguard-uninstall") {
			continue
		}
		delete(all, owner)
		for _, rule := range rules {
			for _, verb := range rule.Verbs {
				if verb != "get" && verb != "list" && verb != "watch" && len(rule.ResourceNames) != 1 {
					t.Errorf("%s: %s on %v not limited to one name: %+v", owner, verb, rule.Resources, rule)
				}
			}
		}
	}
	for owner, rules := range all {
		for _, rule := range rules {
			for _, verb := range rule.Verbs {
				readOnly := verb == "get" || verb == "list" || verb == "watch"
				switch {
				case verb == "*" || slices.Contains(rule.Resources, "*") || slices.Contains(rule.APIGroups, "*"):
					t.Errorf("%s: wildcard rule %+v", owner, rule)
				case readOnly && slices.Contains(rule.Resources, "secrets") && len(rule.ResourceNames) == 0:
					t.Errorf("%s: reads every Secret: %+v", owner, rule)
				case readOnly:
				case slices.Equal(rule.Resources, []string{"secrets"}) && (verb == "create" || len(rule.ResourceNames) == 1):
				case strings.HasSuffix(rule.Resources[0], "webhookconfigurations") && slices.Equal(rule.ResourceNames, []string{release + "-netguard"}) && verb == "update":
				case verb == "create" && (slices.Equal(rule.Resources, []string{"tokenreviews"}) || slices.Equal(rule.Resources, []string{"subjectaccessreviews"})):
					// secure metrics: who is the scraper, may it get /metrics
				default:
					t.Errorf("%s: verb %s on %v (names %v) is more than netguard needs", owner, verb, rule.Resources, rule.ResourceNames)
				}
			}
		}
	}
	// The rendered config is one netguard itself accepts.
	var cms []corev1.ConfigMap
	objectsOfKind(t, objs, "ConfigMap", &cms)
	if _, err := rules.ParseConfig([]byte(cms[0].Data["config.yaml"])); err != nil {
		t.Errorf("the chart's netguard config does not parse: %v", err)
	}
}

// checkCertManager decodes the cert-manager objects into cert-manager's API
// types and checks that they fit together and serve the Service name.
func checkCertManager(t *testing.T, objs []map[string]any, release, ns string) {
	t.Helper()
	var certs []cmv1.Certificate
	objectsOfKind(t, objs, "Certificate", &certs)
	var issuers []cmv1.Issuer
	objectsOfKind(t, objs, "Issuer", &issuers)
	var deps []appsv1.Deployment
	objectsOfKind(t, objs, "Deployment", &deps)
	full := release + "-netguard"
	var serving *cmv1.Certificate
	for i := range certs {
		if certs[i].Name == full+"-tls" {
			serving = &certs[i]
		}
	}
	if serving == nil {
		t.Fatalf("no serving Certificate %s-tls among %d", full, len(certs))
	}
	if !slices.Contains(serving.Spec.DNSNames, full+"."+ns+".svc") {
		t.Errorf("serving certificate DNS names %v lack %s.%s.svc (the name the API server dials)", serving.Spec.DNSNames, full, ns)
	}
	if serving.Spec.IsCA {
		t.Error("the serving certificate is a CA")
	}
	if serving.Spec.Duration == nil || serving.Spec.Duration.Duration > 366*24*time.Hour {
		t.Errorf("serving certificate duration %v", serving.Spec.Duration)
	}
	// The Deployment mounts the Secret the Certificate writes.
	mounted := ""
	for _, vol := range deps[0].Spec.Template.Spec.Volumes {
		if vol.Name == "certs" && vol.Secret != nil {
			mounted = vol.Secret.SecretName
		}
	}
	if mounted != serving.Spec.SecretName {
		t.Errorf("Deployment mounts Secret %q, the Certificate writes %q", mounted, serving.Spec.SecretName)
	}
	if slices.Contains(deps[0].Spec.Template.Spec.Containers[0].Args, "--cert-mode=self-managed") {
		t.Error("cert-manager mode also runs the self-managed CA")
	}
	ref := serving.Spec.IssuerRef
	if ref.Kind == "ClusterIssuer" {
		if ref.Name != "corp-ca" || len(issuers) != 0 {
			t.Errorf("existing ClusterIssuer: issuerRef %+v, %d chart Issuers (want none)", ref, len(issuers))
		}
		var ips []string
		ips = append(ips, serving.Spec.IPAddresses...)
		if !slices.Contains(serving.Spec.DNSNames, "netguard.example.com") || !slices.Equal(ips, []string{"10.0.0.53"}) {
			t.Errorf("extra hosts: DNS %v IPs %v", serving.Spec.DNSNames, ips)
		}
		return
	}
	byName := map[string]cmv1.Issuer{}
	for _, is := range issuers {
		byName[is.Name] = is
	}
	caIssuer, ok := byName[ref.Name]
	if !ok || caIssuer.Spec.CA == nil {
		t.Fatalf("serving certificate issuer %q is not a chart CA Issuer", ref.Name)
	}
	var ca *cmv1.Certificate
	for i := range certs {
		if certs[i].Spec.SecretName == caIssuer.Spec.CA.SecretName {
			ca = &certs[i]
		}
	}
	if ca == nil || !ca.Spec.IsCA {
		t.Fatalf("the CA Issuer's Secret %q is not written by an isCA Certificate", caIssuer.Spec.CA.SecretName)
	}
	if root, ok := byName[ca.Spec.IssuerRef.Name]; !ok || root.Spec.SelfSigned == nil {
		t.Errorf("the CA Certificate is not issued by the chart's self-signed Issuer: %+v", ca.Spec.IssuerRef)
	}
	if ca.Spec.Duration == nil || ca.Spec.Duration.Duration > 5*366*24*time.Hour {
		t.Errorf("CA duration %v: no 100-year CAs", ca.Spec.Duration)
	}
}

// ---- helm install with the self-managed CA and netguard as a local process

type chartNetguard struct {
	cmd                        *exec.Cmd
	done                       chan struct{}
	logPath                    string
	port, healthPort, metrPort int
}

func freeChartPorts(t *testing.T, n int) []int {
	t.Helper()
	ports, err := framework.FreePorts(n)
	if err != nil {
		t.Fatal(err)
	}
	return ports
}

// serviceAccountKubeconfig returns a kubeconfig that authenticates as the
// chart's ServiceAccount (a TokenRequest), so that netguard runs with
// exactly the chart's RBAC.
func serviceAccountKubeconfig(t *testing.T, ns, sa string) string {
	t.Helper()
	r := s.cp.Kubectl(t.Context(), "", nil, "create", "token", sa, "-n", ns, "--duration=2h")
	if r.Err != nil {
		t.Fatal(r)
	}
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: e2e
  context: {cluster: e2e, user: %s}
current-context: e2e
`, s.cp.Config.Host, base64.StdEncoding.EncodeToString(s.cp.Config.CAData), sa, strings.TrimSpace(r.Stdout), sa)
	p := filepath.Join(t.TempDir(), "sa-kubeconfig")
	if err := os.WriteFile(p, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startChartNetguard runs netguard with the container arguments of the
// chart's Deployment; only the in-container paths (config, cert dir) are
// replaced, and --host/--kubeconfig added.
func startChartNetguard(t *testing.T, dep *appsv1.Deployment, configYAML, kubeconfig string, extra ...string) *chartNetguard {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	n := &chartNetguard{logPath: filepath.Join(dir, "netguard.log"), done: make(chan struct{})}
	var args []string
	for _, a := range dep.Spec.Template.Spec.Containers[0].Args {
		switch {
		case strings.HasPrefix(a, "--config="):
			a = "--config=" + cfg
		case strings.HasPrefix(a, "--cert-dir="):
			a = "--cert-dir=" + filepath.Join(dir, "certs")
		case strings.HasPrefix(a, "--port="):
			n.port, _ = strconv.Atoi(strings.TrimPrefix(a, "--port="))
		case strings.HasPrefix(a, "--health-probe-bind-address=:"):
			n.healthPort, _ = strconv.Atoi(strings.TrimPrefix(a, "--health-probe-bind-address=:"))
			a = "--health-probe-bind-address=127.0.0.1:" + strconv.Itoa(n.healthPort)
		case strings.HasPrefix(a, "--metrics-bind-address=:"):
			n.metrPort, _ = strconv.Atoi(strings.TrimPrefix(a, "--metrics-bind-address=:"))
			a = "--metrics-bind-address=127.0.0.1:" + strconv.Itoa(n.metrPort)
		}
		args = append(args, a)
	}
	args = append(args, "--host=127.0.0.1", "--kubeconfig="+kubeconfig)
	args = append(args, extra...)
	log, err := os.Create(n.logPath)
	if err != nil {
		t.Fatal(err)
	}
	n.cmd = exec.Command(s.netguardBin, args...)
	n.cmd.Stdout, n.cmd.Stderr = log, log
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = n.cmd.Wait(); log.Close(); close(n.done) }()
	t.Cleanup(func() {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(15 * time.Second):
			_ = n.cmd.Process.Kill()
			<-n.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(n.logPath)
			t.Logf("netguard log (%v):\n%s", args, tailString(string(b), 6000))
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-n.done:
			b, _ := os.ReadFile(n.logPath)
			t.Fatalf("netguard %v exited:\n%s", args, b)
		default:
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", n.healthPort))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(n.logPath)
			t.Fatalf("netguard not ready after 90s:\n%s", tailString(string(b), 6000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tailString(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// servedIssuer returns the issuer of the certificate netguard serves.
func (n *chartNetguard) servedIssuer(t *testing.T) string {
	t.Helper()
	c, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(n.port), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reading the certificate only
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].Issuer.CommonName
}

// caBundles returns the caBundle of every webhook of the chart's two
// configurations.
func caBundles(ctx context.Context, name string) ([][]byte, error) {
	ar := s.cp.Client.AdmissionregistrationV1()
	v, err := ar.ValidatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	m, err := ar.MutatingWebhookConfigurations().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, w := range v.Webhooks {
		out = append(out, w.ClientConfig.CABundle)
	}
	for _, w := range m.Webhooks {
		out = append(out, w.ClientConfig.CABundle)
	}
	return out, nil
}

// bundleCAs lists the common names of the CAs in a PEM bundle.
func bundleCAs(b []byte) []string {
	var out []string
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return out
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			out = append(out, c.Subject.CommonName)
		}
	}
}

// The suite's own webhook registration is removed while the chart's
// configurations are the only ones, and restored afterwards.
func withoutSuiteWebhooks(t *testing.T) {
	t.Helper()
	requireNetguard(t)
	if err := framework.UnregisterWebhooks(t.Context(), s.cp.Client); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := framework.RegisterWebhooks(ctx, s.cp.Client, framework.WebhookOptions{
			URL: s.ng.URL, CABundle: s.ng.Certs.CACert, Config: s.config, BypassGroups: []string{bypassGroup},
		}); err != nil {
			t.Errorf("restoring the suite's webhooks: %v", err)
		}
	})
}

func TestChartInstallSelfManagedCA(t *testing.T) {
	withoutSuiteWebhooks(t)
	ctx := t.Context()
	const release, ns = "ng", "netguard-chart"
	full := release + "-netguard"
	ensureNamespace(t, "kube-flannel")
	ports := freeChartPorts(t, 3)
	r := helm(t, "install", release, chartDir(), "--namespace", ns, "--create-namespace",
		"--set", "certificates.mode=self-managed",
		"--set", fmt.Sprintf("webhook.url=https://127.0.0.1:%d", ports[0]),
		"--set", "certificates.extraHosts={127.0.0.1}",
		"--set", fmt.Sprintf("ports.webhook=%d", ports[0]),
		"--set", fmt.Sprintf("ports.metrics=%d", ports[1]),
		"--set", fmt.Sprintf("ports.health=%d", ports[2]),
		// Fail: a call that does not go through is an error, not a silent
		// admission, so the rotation test below sees every failure.
		"--set", "webhook.failurePolicy=Fail",
		// No Job controller runs here, so helm uninstall would wait for the
		// pre-delete hook forever; TestChartUninstallHookRemovesWebhooksThenTheSecret
		// runs the hook's script itself.
		"--set", "uninstallHook.enabled=false",
	)
	if r.Err != nil {
		t.Fatalf("helm install:\n%s", r)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if r := helmCtx(ctx, t, "uninstall", release, "--namespace", ns); r.Err != nil {
			t.Errorf("helm uninstall:\n%s", r)
		}
		_ = s.cp.Client.CoreV1().Secrets(ns).Delete(ctx, full+"-certs", metav1.DeleteOptions{})
	})
	if !strings.Contains(r.Stdout, "kubectl delete validatingwebhookconfiguration "+full) {
		t.Errorf("NOTES.txt lacks the emergency escape:\n%s", r.Stdout)
	}
	vwcs, err := s.cp.Client.AdmissionregistrationV1().ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vwcs.Items) != 1 || vwcs.Items[0].Name != full {
		t.Fatalf("validating webhook configurations: %d, want only the chart's %s", len(vwcs.Items), full)
	}

	dep, err := s.cp.Client.AppsV1().Deployments(ns).Get(ctx, full, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm, err := s.cp.Client.CoreV1().ConfigMaps(ns).Get(ctx, full, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := serviceAccountKubeconfig(t, ns, dep.Spec.Template.Spec.ServiceAccountName)
	// Short lifetimes so that the CA rotates within the test: the CA renews
	// at 2/3 of 45 s, the serving certificate at 2/3 of 15 s.
	ng := startChartNetguard(t, dep, cm.Data["config.yaml"], kubeconfig,
		"--ca-validity=45s", "--cert-validity=15s", "--cert-rotation-grace=3s", "--cert-sync-interval=250ms")
	start := time.Now()

	// netguard, as the chart's ServiceAccount, created its Secret and
	// published the CA in both configurations.
	var firstCA string
	waitFor(t, 30*time.Second, "the CA in both webhook configurations", func() (bool, string) {
		bs, err := caBundles(ctx, full)
		if err != nil {
			return false, err.Error()
		}
		for _, b := range bs {
			if len(b) == 0 {
				return false, "an empty caBundle"
			}
		}
		firstCA = bundleCAs(bs[0])[0]
		return true, ""
	})
	sec, err := s.cp.Client.CoreV1().Secrets(ns).Get(ctx, full+"-certs", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("netguard did not create its Secret: %v", err)
	}
	if sec.Type != corev1.SecretTypeTLS {
		t.Errorf("Secret type %s", sec.Type)
	}
	// The API server calls the chart's webhooks.
	waitFor(t, 30*time.Second, "the API server to call netguard through the chart's configuration", func() (bool, string) {
		probe := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-worker"},
			Data: map[string]string{"config.conf": "{ netguard chart probe"}}
		_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err != nil && strings.Contains(err.Error(), `admission webhook "configmaps.validate.netguard.io" denied the request`), fmt.Sprint(err)
	})

	t.Run("a broken kube-proxy config is rejected", func(t *testing.T) {
		remove(t, "kube-system", "kube-proxy-worker")
		r := s.cp.Kubectl(ctx, "", nil, "apply", "-f", filepath.Join(s.root, "examples", "kube-proxy", "typos.yaml"))
		if r.Err == nil {
			t.Fatalf("accepted:\n%s", r)
		}
		for _, want := range []string{`The ConfigMap "kube-proxy-worker" is invalid`, "[KP010]", "ipvs.schedular", `did you mean "scheduler"`} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("kubectl's output lacks %q:\n%s", want, r)
			}
		}
		if getConfigMap(t, "kube-system", "kube-proxy-worker") != nil {
			t.Error("the rejected object was stored")
		}
	})

	t.Run("the helm test hook's script passes against the chart's webhooks", func(t *testing.T) {
		// The hook pod cannot run here (no kubelet): run its script with a
		// local shell and the real kubectl, as the operator.
		r := helm(t, "get", "hooks", release, "--namespace", ns)
		if r.Err != nil {
			t.Fatal(r)
		}
		var pods []corev1.Pod
		objectsOfKind(t, manifests(t, r.Stdout), "Pod", &pods)
		if len(pods) != 1 {
			t.Fatalf("%d test hook pods, want 1", len(pods))
		}
		c := pods[0].Spec.Containers[0]
		if len(c.Command) != 2 || c.Command[0] != "/bin/sh" || len(c.Args) != 1 {
			t.Fatalf("hook command %v args %d", c.Command, len(c.Args))
		}
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.Args[0])
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(s.cp.KubectlPath)+":"+os.Getenv("PATH"),
			"KUBECONFIG="+s.cp.KubeconfigPath, "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "PASS") {
			t.Fatalf("the helm test script fails against a working netguard (%v):\n%s", err, out)
		}
	})

	t.Run("a flannel config without cniVersion is stored with cniVersion", func(t *testing.T) {
		remove(t, "kube-system", "kube-flannel-cfg")
		t.Cleanup(func() { deleteConfigMapLater("kube-system", "kube-flannel-cfg") })
		r := s.cp.Kubectl(ctx, "", nil, "apply", "-f", filepath.Join(s.root, "examples", "flannel", "missing-cniversion.yaml"))
		if r.Err != nil {
			t.Fatalf("rejected:\n%s", r)
		}
		if !strings.Contains(r.Stderr, "Warning: FL101") {
			t.Errorf("no FL101 warning:\n%s", r)
		}
		got := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		if got == nil || !strings.Contains(got.Data["cni-conf.json"], `"cniVersion"`) || !strings.Contains(got.Data["cni-conf.json"], "0.3.1") {
			t.Fatalf("stored cni-conf.json lacks cniVersion 0.3.1: %v", got)
		}
	})

	t.Run("an untargeted ConfigMap in kube-system never reaches netguard", func(t *testing.T) {
		const name = "netguard-chart-leader-election"
		t.Cleanup(func() { deleteConfigMapLater("kube-system", name) })
		if r := s.cp.Kubectl(ctx, "", nil, "create", "configmap", name, "-n", "kube-system", "--from-literal=holder=x"); r.Err != nil {
			t.Fatal(r)
		}
		events, err := framework.ReadAuditLog(s.cp.AuditLogPath)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			if e.ObjectRef == nil || e.ObjectRef.Name != name || e.Verb != "create" {
				continue
			}
			found = true
			for k := range e.Annotations {
				if strings.Contains(k, "netguard.io/") {
					t.Errorf("netguard was called for an untargeted ConfigMap: %s=%s", k, e.Annotations[k])
				}
			}
		}
		if !found {
			t.Error("no audit event for the create")
		}
	})

	t.Run("the CA rotates under load: both caBundles follow and no request fails", func(t *testing.T) {
		ensureNamespace(t, "kube-flannel")
		remove(t, "kube-flannel", "kube-flannel-cfg")
		firstIssuer := ng.servedIssuer(t)
		flannel := readConfigMap(t, "examples/flannel/missing-cniversion.yaml")
		flannel.Namespace = "kube-flannel"
		flannel.ResourceVersion = ""

		var (
			mu                sync.Mutex
			states            = map[string]bool{} // distinct caBundle contents
			mismatch          []string
			twoCAs, firstGone bool
		)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // watch both configurations' caBundles
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				bs, err := caBundles(context.Background(), full)
				if err != nil {
					continue
				}
				mu.Lock()
				cas := bundleCAs(bs[0])
				states[strings.Join(cas, ",")] = true
				for _, b := range bs[1:] {
					if !bytes.Equal(b, bs[0]) {
						// The rotator updates one configuration after the
						// other; record, judge at the end.
						mismatch = append(mismatch, strings.Join(bundleCAs(b), ","))
					}
				}
				if len(cas) == 2 {
					twoCAs = true
				}
				if len(cas) == 1 && cas[0] != firstCA {
					firstGone = true
				}
				mu.Unlock()
			}
		}()

		var total, failed int
		var failures []string
		deadline := start.Add(75 * time.Second)
		settledAt := time.Time{}
		for time.Now().Before(deadline) {
			out, err := s.cp.Client.CoreV1().ConfigMaps("kube-flannel").Create(ctx, flannel, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			total++
			switch {
			case err != nil:
				failed++
				failures = append(failures, fmt.Sprintf("%s: %v", time.Since(start).Round(time.Millisecond), err))
			case !strings.Contains(out.Data["cni-conf.json"], `"cniVersion"`):
				failed++
				failures = append(failures, fmt.Sprintf("%s: admitted without the mutation (the mutating call failed open)", time.Since(start).Round(time.Millisecond)))
			}
			mu.Lock()
			done := twoCAs && firstGone
			mu.Unlock()
			if done && settledAt.IsZero() {
				settledAt = time.Now()
			}
			if !settledAt.IsZero() && time.Since(settledAt) > 3*time.Second {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		close(stop)
		wg.Wait()
		t.Logf("%d requests in %s, %d failed; caBundle states seen: %v", total, time.Since(start).Round(time.Millisecond), failed, states)
		if failed > 0 {
			t.Errorf("%d of %d requests failed during the rotation:\n%s", failed, total, strings.Join(failures[:min(len(failures), 10)], "\n"))
		}
		if total < 50 {
			t.Errorf("only %d requests", total)
		}
		if !twoCAs || !firstGone {
			t.Fatalf("no complete CA rotation seen in the caBundles (old+new published %v, old CA gone %v): %v", twoCAs, firstGone, states)
		}
		bs, err := caBundles(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bs[1:] {
			if !bytes.Equal(b, bs[0]) {
				t.Errorf("webhook %d's caBundle differs from the first one after the rotation: %v vs %v", i+1, bundleCAs(b), bundleCAs(bs[0]))
			}
		}
		if got := ng.servedIssuer(t); got == firstIssuer {
			t.Errorf("netguard still serves a certificate from the first CA %s", got)
		}
		if len(mismatch) > 0 {
			t.Logf("transient differences between the configurations (the rotator updates one after the other): %d", len(mismatch))
		}
	})
}

// deleteConfigMapLater deletes a ConfigMap from a cleanup function.
func deleteConfigMapLater(ns, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.seeder.CoreV1().ConfigMaps(ns).Delete(ctx, name, metav1.DeleteOptions{})
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		ok, msg := cond()
		if ok {
			return
		}
		last = msg
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last: %s", timeout, what, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
