//go:build e2e

package e2e

import (
	"context"
	"github.com/netguard/netguard/rules/flannel"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// `kubectl apply --dry-run=server` runs the same admission chain as the real
// apply: the same verdict, the same warnings, the same mutation, and nothing
// is stored. Each case runs the dry run first, then the real apply.
func TestServerDryRunGivesTheVerdictOfTheRealApply(t *testing.T) {
	requireNetguard(t)

	t.Run("deny: the FAQ's IPVS scheduler ConfigMap is rejected by both, nothing stored", func(t *testing.T) {
		const manifest = "examples/faq/kube-proxy-ipvs-scheduler.yaml"
		remove(t, "kube-system", "kube-proxy-worker")
		dry := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", s.path(manifest))
		if cm := getConfigMap(t, "kube-system", "kube-proxy-worker"); cm != nil {
			t.Fatalf("the dry run stored the object")
		}
		real := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path(manifest))
		for _, r := range []struct {
			name string
			res  string
			err  error
		}{{"dry run", dry.Stderr, dry.Err}, {"apply", real.Stderr, real.Err}} {
			if r.err == nil {
				t.Errorf("%s: want rejected:\n%s", r.name, r.res)
			}
			for _, want := range []string{`The ConfigMap "kube-proxy-worker" is invalid: `, "[KP005] line 12, col ", "[KP020] line 4, col 3 (featureGates.IPv6DualStack)"} {
				if !strings.Contains(r.res, want) {
					t.Errorf("%s: output lacks %q:\n%s", r.name, want, r.res)
				}
			}
		}
		if dry.Stderr != real.Stderr {
			t.Errorf("the dry run and the apply differ:\n--- dry run\n%s--- apply\n%s", dry.Stderr, real.Stderr)
		}
		if cm := getConfigMap(t, "kube-system", "kube-proxy-worker"); cm != nil {
			t.Errorf("the rejected apply stored the object")
		}
	})

	t.Run("warn: a SingleStack Service gets SV001 from both, only the apply stores it", func(t *testing.T) {
		const manifest = "examples/service/web-singlestack.yaml"
		ensureNamespace(t, "shop")
		t.Cleanup(func() { deleteService(t, "shop", "api") })
		dry := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", s.path(manifest))
		if dry.Err != nil || !strings.Contains(dry.Stdout, "service/api created (server dry run)") {
			t.Fatalf("want the dry run accepted:\n%s", dry)
		}
		if getService(t, "shop", "api") != nil {
			t.Fatal("the dry run stored the Service")
		}
		real := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path(manifest))
		if real.Err != nil || !strings.Contains(real.Stdout, "service/api created") {
			t.Fatalf("want the apply accepted:\n%s", real)
		}
		if w := warningRules(dry.Stderr); !slices.Equal(w, []string{"SV001"}) {
			t.Errorf("dry-run warnings %v, want [SV001]:\n%s", w, dry.Stderr)
		}
		if !slices.Equal(warningLines(dry.Stderr), warningLines(real.Stderr)) {
			t.Errorf("the warnings differ:\n--- dry run\n%s--- apply\n%s", dry.Stderr, real.Stderr)
		}
		if getService(t, "shop", "api") == nil {
			t.Error("the apply did not store the Service")
		}
	})

	t.Run("mutate: a kube-flannel-cfg without cniVersion gets it injected by both, only the apply stores it", func(t *testing.T) {
		const manifest = "examples/flannel/missing-cniversion.yaml"
		remove(t, "kube-system", "kube-flannel-cfg")
		dry := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-o", "yaml", "-f", s.path(manifest))
		if dry.Err != nil {
			t.Fatalf("want the dry run accepted:\n%s", dry)
		}
		var dryObj corev1.ConfigMap
		if err := yaml.Unmarshal([]byte(dry.Stdout), &dryObj); err != nil {
			t.Fatalf("%v:\n%s", err, dry.Stdout)
		}
		if getConfigMap(t, "kube-system", "kube-flannel-cfg") != nil {
			t.Fatal("the dry run stored the object")
		}
		real := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path(manifest))
		if real.Err != nil {
			t.Fatalf("want the apply accepted:\n%s", real)
		}
		t.Cleanup(func() { remove(t, "kube-system", "kube-flannel-cfg") })
		if w := warningRules(dry.Stderr); !slices.Equal(w, []string{"FL090", "FL101"}) {
			t.Errorf("dry-run warnings %v, want [FL090 FL101]:\n%s", w, dry.Stderr)
		}
		if !slices.Equal(warningLines(dry.Stderr), warningLines(real.Stderr)) {
			t.Errorf("the warnings differ:\n--- dry run\n%s--- apply\n%s", dry.Stderr, real.Stderr)
		}
		stored := getConfigMap(t, "kube-system", "kube-flannel-cfg")
		for name, cm := range map[string]*corev1.ConfigMap{"dry run": &dryObj, "stored": stored} {
			var conf map[string]any
			mustJSON(t, cm.Data["cni-conf.json"], &conf)
			if conf["cniVersion"] != flannel.MutationsOf(s.config).CNIVersion {
				t.Errorf("%s cni-conf.json has cniVersion %v, want %q", name, conf["cniVersion"], flannel.MutationsOf(s.config).CNIVersion)
			}
		}
		if dryObj.Data["cni-conf.json"] != stored.Data["cni-conf.json"] || dryObj.Data["net-conf.json"] != stored.Data["net-conf.json"] {
			t.Errorf("the dry run's object differs from the stored one:\n%q\n%q", dryObj.Data, stored.Data)
		}
	})
}

// ACK FAQ, IPv6 dual stack: "The cluster IP addresses displayed in kubectl
// are still IPv4 addresses. Confirm that the spec.ipFamilyPolicy field is not
// set to SingleStack." On the dual-stack test API server netguard warns at
// apply time (SV001), and its fix gives the Service an IPv6 ClusterIP.
func TestFAQDualStackSingleStackServiceWarned(t *testing.T) {
	requireNetguard(t)
	ensureNamespace(t, "shop")
	t.Cleanup(func() { deleteService(t, "shop", "api") })
	deleteService(t, "shop", "api")

	r := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path("examples/service/web-singlestack.yaml"))
	if r.Err != nil {
		t.Fatalf("want the Service accepted:\n%s", r)
	}
	const want = "Warning: SV001 Service shop/api (spec.ipFamilyPolicy): the cluster is dual-stack but this Service's ipFamilyPolicy is SingleStack"
	if !strings.Contains(r.Stderr, want) {
		t.Errorf("kubectl's output lacks %q:\n%s", want, r)
	}
	// the FAQ's check
	const jsonpath = `jsonpath={@.spec.ipFamilyPolicy} {@.spec.clusterIPs[*]}`
	get := s.cp.Kubectl(t.Context(), "", nil, "get", "svc", "api", "-n", "shop", "-o", jsonpath)
	if f := strings.Fields(get.Stdout); len(f) != 2 || f[0] != "SingleStack" || strings.Contains(f[1], ":") {
		t.Errorf("want SingleStack with one IPv4 ClusterIP, got %q", get.Stdout)
	}

	// netguard's fix (the hint of SV001)
	p := s.cp.Kubectl(t.Context(), "", nil, "-n", "shop", "patch", "svc", "api", "-p", `{"spec":{"ipFamilyPolicy":"PreferDualStack"}}`)
	if p.Err != nil {
		t.Fatalf("the hint's patch failed:\n%s", p)
	}
	if strings.Contains(p.Stderr, "SV001") {
		t.Errorf("SV001 still warned after the fix:\n%s", p.Stderr)
	}
	get = s.cp.Kubectl(t.Context(), "", nil, "get", "svc", "api", "-n", "shop", "-o", jsonpath)
	if f := strings.Fields(get.Stdout); len(f) != 3 || f[0] != "PreferDualStack" || !strings.Contains(f[2], ":") {
		t.Errorf("want PreferDualStack with an IPv4 and an IPv6 ClusterIP, got %q", get.Stdout)
	}
}

func getService(t *testing.T, ns, name string) *corev1.Service {
	t.Helper()
	svc, err := s.cp.Client.CoreV1().Services(ns).Get(t.Context(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func deleteService(t *testing.T, ns, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.seeder.CoreV1().Services(ns).Delete(ctx, name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
}
