package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/service"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

func cm(ns, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}
}

const faqMaxPerCore = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: 172.20.0.0/16
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
conntrack:
  maxPerCore: 65536 // Set maxPerCore to a proper value. Default value: 65536. 
mode: ipvs
`

const baseENI = `{"version": "1", "max_pool_size": 5, "min_pool_size": 0, "credential_path": "/var/addon/token-config",
 "vswitches": {"cn-hangzhou-h": ["vsw-2zem796p76viir02cxz1q"]}, "service_cidr": "10.0.0.0/24",
 "security_groups": ["sg-2zeanr2mnbazsjpd1bzn", "sg-2ze8b2qk1lk7c4oxp3vd"], "access_key": "LTAI5tQ8mZrN3pXk2Vd7Hs9W", "access_secret": "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ"}`

func fixture(t *testing.T, objs ...runtime.Object) *fake.Clientset {
	t.Helper()
	single := corev1.IPFamilyPolicySingleStack
	base := []runtime.Object{
		cm("kube-system", "kube-proxy-worker", map[string]string{"config.conf": faqMaxPerCore}),
		cm("kube-system", "eni-config", map[string]string{"eni_conf": baseENI}),
		cm("kube-system", "eni-config-fixed", map[string]string{"eni_conf": `{"security_groups": ["sg-bp1b39sjf3v49c33m8tn"]}`}),
		cm("kube-system", "kube-dns", map[string]string{"stubDomains": "{}"}),
		cm("default", "kube-proxy", map[string]string{"config.conf": "not: [targeted"}),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api"}, Spec: corev1.ServiceSpec{IPFamilyPolicy: &single, ClusterIP: "10.0.0.7", Ports: []corev1.ServicePort{{Port: 80}}}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"terway-config": "eni-config-fixed"}},
			Spec:   corev1.NodeSpec{PodCIDRs: []string{"172.20.1.0/24"}},
			Status: corev1.NodeStatus{Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8")}}},
		&networkingv1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes"}, Spec: networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.0.0.0/24", "fd00::/108"}}},
	}
	c := fake.NewClientset(append(base, objs...)...)
	c.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: "v1.37.2", Major: "1", Minor: "37"}
	return c
}

func servicesOn() *rules.Config {
	cfg := rules.DefaultConfig()
	on := true
	cfg.TargetsOf(service.Component).(*rules.NamespaceTargets).Enabled = &on
	return cfg
}

func TestScanJudgesTheClusterObjectsInTheClusterContext(t *testing.T) {
	res, err := Run(context.Background(), fixture(t), Options{Config: servicesOn()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cluster.KubernetesVersion != "v1.37.2" || len(res.Cluster.Nodes) != 1 || res.Cluster.Nodes[0].CPUs != 8 || len(res.Cluster.ServiceCIDRs) != 2 {
		t.Errorf("cluster context not from the API: %+v", res.Cluster)
	}
	// kube-proxy-worker, eni-config, eni-config-fixed, Service shop/api
	if res.Objects != 4 || res.Judged != 4 {
		t.Errorf("objects %d judged %d, want 4 and 4 (kube-dns and default/kube-proxy are not targets)", res.Objects, res.Judged)
	}
	byRule := map[string]string{}
	for _, f := range res.Findings {
		byRule[f.Rule] = f.File
		if strings.HasSuffix(f.Rule, "090") {
			t.Errorf("restart advice %s reported by a scan", f.Rule)
		}
		for _, secret := range []string{"LTAI5tQ8mZrN3pXk2Vd7Hs9W", "wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ"} {
			if strings.Contains(f.Message+f.Hint, secret) {
				t.Errorf("%s echoes a credential", f.Rule)
			}
		}
	}
	for rule, file := range map[string]string{
		"KP002": "kube-system/configmap/kube-proxy-worker[config.conf]", // the FAQ's // comment
		"TW053": "kube-system/configmap/eni-config-fixed[eni_conf]",     // needs the base from the cluster
		"SV001": "shop/service/api",                                     // needs the dual-stack ServiceCIDR
	} {
		if byRule[rule] != file {
			t.Errorf("%s at %q, want %q (findings %v)", rule, byRule[rule], file, byRule)
		}
	}
	for _, f := range res.Findings {
		if f.Rule == "KP002" && (f.Line != 7 || f.DocLine != 7 || f.Column == 0) {
			t.Errorf("KP002 at line %d col %d, want line 7 of config.conf", f.Line, f.Column)
		}
	}
	if _, ok := byRule["TW054"]; ok {
		t.Error("TW054: the labelled node n1 was not seen")
	}
	if res.ExitCode() != 1 {
		t.Errorf("exit %d, want 1", res.ExitCode())
	}
}

func TestScanRestartAdviceOnRequestAndServicesOff(t *testing.T) {
	res, err := Run(context.Background(), fixture(t), Options{Config: rules.DefaultConfig(), KeepRestartAdvice: true})
	if err != nil {
		t.Fatal(err)
	}
	has90, hasSV := false, false
	for _, f := range res.Findings {
		has90 = has90 || strings.HasSuffix(f.Rule, "090")
		hasSV = hasSV || f.Kind == "Service"
	}
	if !has90 {
		t.Error("KeepRestartAdvice dropped the xx090 findings")
	}
	if enabled := rules.DefaultConfig().TargetsOf(service.Component).(*rules.NamespaceTargets).Enabled; (enabled == nil || !*enabled) && hasSV {
		t.Error("Services judged although targets.services is off")
	}
}

func TestScanFallsBackToTheConfigWhenForbidden(t *testing.T) {
	c := fixture(t)
	forbid := func(resource string) {
		c.PrependReactor("*", resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, &forbiddenErr{}
		})
	}
	forbid("nodes")
	forbid("servicecidrs")
	cfg := servicesOn()
	cfg.Cluster.ServiceCIDRs = []string{"10.0.0.0/24"}
	cfg.Cluster.Nodes = []rules.Node{{Name: "from-file"}}
	res, err := Run(context.Background(), c, Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 2 || len(res.Cluster.Nodes) != 1 || res.Cluster.Nodes[0].Name != "from-file" || len(res.Cluster.ServiceCIDRs) != 1 {
		t.Errorf("notes %q, cluster %+v: want the file's nodes and CIDRs with two notes", res.Notes, res.Cluster)
	}
	for _, f := range res.Findings {
		if f.Rule == "SV001" {
			t.Error("SV001 on a single-stack cluster (from the file)")
		}
	}
}

func TestScanListErrorsAreErrors(t *testing.T) {
	c := fixture(t)
	c.PrependReactor("list", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, &forbiddenErr{}
	})
	if _, err := Run(context.Background(), c, Options{}); err == nil || !strings.Contains(err.Error(), "listing ConfigMaps in ") {
		t.Errorf("err = %v, want the refused ConfigMap list", err)
	}
}

type forbiddenErr struct{}

func (forbiddenErr) Error() string { return "forbidden" }
func (forbiddenErr) Status() metav1.Status {
	return metav1.Status{Status: metav1.StatusFailure, Code: 403, Reason: metav1.StatusReasonForbidden, Message: "forbidden"}
}
