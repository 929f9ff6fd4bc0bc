// Package corpus builds the AdmissionReviews the webhook benchmark sends:
// every object family netguard judges (Terway eni-config and a per-pool
// override, Flannel kube-flannel-cfg, kube-proxy, Service), CREATE and
// UPDATE, typical objects and ~1 MiB ConfigMaps, plus objects netguard does
// not target (which a webhook without matchConditions receives most).
//
// The typical objects are the shipped examples (examples/), so the benchmark
// judges what the documentation shows; the 1 MiB objects are valid documents
// grown the same way as the rule benchmarks (rules/*/bench_test.go).
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

// Sizes.
const (
	Typical = "typical"
	Large   = "1MiB"
)

// Object is one Kubernetes object of the corpus.
type Object struct {
	// Name identifies the object in reports ("flannel", "terway-override", ...).
	Name string
	// Family is the component netguard judges it as, or "none".
	Family string
	Size   string
	// Obj is a *corev1.ConfigMap or *corev1.Service.
	Obj runtime.Object
	// Denied: netguard rejects the object (a realistic share of bad edits).
	Denied bool
}

// Item is one request of the load: an object sent to one hook with one
// operation, encoded once.
type Item struct {
	Name      string // "flannel/UPDATE/validate"
	Object    string // Object.Name
	Family    string
	Size      string
	Operation string
	Path      string // "/validate" or "/mutate"
	Body      []byte
}

// Objects returns the corpus objects. root is the repository root (the
// typical objects are read from examples/).
func Objects(root string) ([]Object, error) {
	ex := func(p string) (runtime.Object, error) { return load(filepath.Join(root, "examples", p)) }
	var out []Object
	add := func(name, family, size, file string, denied bool) error {
		o, err := ex(file)
		if err != nil {
			return err
		}
		out = append(out, Object{Name: name, Family: family, Size: size, Obj: o, Denied: denied})
		return nil
	}
	for _, a := range []struct {
		name, family, file string
		denied             bool
	}{
		{"terway", "terway", "terway/eni-config.yaml", false},
		{"terway-override", "terway", "terway/eni-config-pool-a.yaml", false},
		{"flannel", "flannel", "flannel/kube-flannel-cfg-upstream.yaml", false},
		{"flannel-denied", "flannel", "flannel/broken-net-conf.yaml", true},
		{"kube-proxy", "kube-proxy", "kube-proxy/kube-proxy-worker-ipvs.yaml", false},
		{"service", "service", "service/slb-good.yaml", false},
	} {
		if err := add(a.name, a.family, Typical, a.file, a.denied); err != nil {
			return nil, err
		}
	}
	out = append(out,
		Object{Name: "untargeted-cm", Family: "none", Size: Typical, Obj: CoreDNS()},
		Object{Name: "app-service", Family: "service", Size: Typical, Obj: plainService()},
	)
	out = append(out,
		Object{Name: "terway", Family: "terway", Size: Large, Obj: TerwayConfigMap(LargeENIConf(1 << 20))},
		Object{Name: "flannel", Family: "flannel", Size: Large, Obj: ConfigMap("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": LargeCNIConf(1 << 20), "net-conf.json": netConf})},
		Object{Name: "kube-proxy", Family: "kube-proxy", Size: Large, Obj: ConfigMap("kube-system", "kube-proxy-worker", map[string]string{"config.conf": LargeKubeProxy(1 << 20)})},
		Object{Name: "untargeted-cm", Family: "none", Size: Large, Obj: ConfigMap("default", "app-data", map[string]string{"data.txt": strings.Repeat("0123456789abcdef\n", (1<<20)/17)})},
	)
	return out, nil
}

// Items turns objects into requests: CREATE and UPDATE, each to /mutate and
// /validate (the API server calls both hooks for every write).
func Items(objs []Object) ([]Item, error) {
	var items []Item
	for _, o := range objs {
		for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update} {
			for _, path := range []string{"/mutate", "/validate"} {
				body, err := Review(o.Obj, op, fmt.Sprintf("%s-%s-%s-%s", o.Name, o.Size, op, strings.Trim(path, "/")))
				if err != nil {
					return nil, err
				}
				items = append(items, Item{
					Name:   fmt.Sprintf("%s/%s/%s%s", o.Name, op, strings.Trim(path, "/"), sizeSuffix(o.Size)),
					Object: o.Name, Family: o.Family, Size: o.Size, Operation: string(op), Path: path, Body: body,
				})
			}
		}
	}
	return items, nil
}

func sizeSuffix(s string) string {
	if s == Typical {
		return ""
	}
	return " (" + s + ")"
}

// Select returns the items of one size.
func Select(items []Item, size string) []Item {
	var out []Item
	for _, it := range items {
		if it.Size == size {
			out = append(out, it)
		}
	}
	return out
}

// Review encodes an AdmissionReview (admission.k8s.io/v1) as the API server
// sends it. For UPDATE the old object differs from the new one in one data
// value or one annotation (an edit), so it is not a no-op update.
func Review(obj runtime.Object, op admissionv1.Operation, uid string) ([]byte, error) {
	var old runtime.Object
	if op == admissionv1.Update {
		old = edited(obj)
	}
	return review(obj, old, op, uid)
}

// review encodes an AdmissionReview of obj (and old, on UPDATE).
func review(obj, old runtime.Object, op admissionv1.Operation, uid string) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var kind, resource string
	var meta metav1.Object
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		kind, resource, meta = "ConfigMap", "configmaps", o
	case *corev1.Service:
		kind, resource, meta = "Service", "services", o
	default:
		return nil, fmt.Errorf("unsupported object %T", obj)
	}
	req := &admissionv1.AdmissionRequest{
		UID:             types.UID(uid),
		Kind:            metav1.GroupVersionKind{Version: "v1", Kind: kind},
		Resource:        metav1.GroupVersionResource{Version: "v1", Resource: resource},
		RequestKind:     &metav1.GroupVersionKind{Version: "v1", Kind: kind},
		RequestResource: &metav1.GroupVersionResource{Version: "v1", Resource: resource},
		Name:            meta.GetName(),
		Namespace:       meta.GetNamespace(),
		Operation:       op,
		UserInfo:        authenticationv1.UserInfo{Username: "kubernetes-admin", Groups: []string{"system:masters", "system:authenticated"}},
		Object:          runtime.RawExtension{Raw: raw},
		DryRun:          new(bool),
		Options:         runtime.RawExtension{Raw: []byte(`{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply"}`)},
	}
	if op == admissionv1.Update {
		oldRaw, err := json.Marshal(old)
		if err != nil {
			return nil, err
		}
		req.OldObject = runtime.RawExtension{Raw: oldRaw}
		req.Options = runtime.RawExtension{Raw: []byte(`{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-edit"}`)}
	}
	return json.Marshal(&admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request:  req,
	})
}

// edited returns the object as it was before a small edit: one data value
// without its trailing newline (ConfigMaps), or one annotation less
// (Services).
func edited(obj runtime.Object) runtime.Object {
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		c := o.DeepCopy()
		c.ResourceVersion = "4711"
		for k, v := range c.Data {
			c.Data[k] = strings.TrimRight(v, "\n") + " "
			break
		}
		return c
	case *corev1.Service:
		s := o.DeepCopy()
		s.ResourceVersion = "4711"
		s.Spec.Ports = s.Spec.Ports[:1]
		return s
	}
	return obj
}

// load reads the first ConfigMap or Service of a YAML file.
func load(path string) (runtime.Object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, doc := range bytes.Split(b, []byte("\n---")) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var obj runtime.Object
		switch tm.Kind {
		case "ConfigMap":
			obj = &corev1.ConfigMap{}
		case "Service":
			obj = &corev1.Service{}
		default:
			continue
		}
		if err := yaml.Unmarshal(doc, obj); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return obj, nil
	}
	return nil, fmt.Errorf("%s: no ConfigMap or Service", path)
}

// ConfigMap builds a ConfigMap.
func ConfigMap(ns, name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: "8c3f1e7a-5b6d-4c2e-9f0a-1d2e3f4a5b6c", ResourceVersion: "4712"},
		Data:       data,
	}
}

// TerwayConfigMap is kube-system/eni-config with the given eni_conf and
// the CNI config terway-init needs.
func TerwayConfigMap(eniConf string) *corev1.ConfigMap {
	return ConfigMap("kube-system", "eni-config", map[string]string{
		"eni_conf":               eniConf,
		"10-terway.conf":         "{\n  \"cniVersion\": \"0.4.0\",\n  \"name\": \"terway\",\n  \"capabilities\": {\"bandwidth\": true},\n  \"type\": \"terway\"\n}\n",
		"disable_network_policy": "false",
	})
}

// CoreDNS is a ConfigMap netguard does not target: a Corefile in
// kube-system/coredns-custom (the ConfigMap k3s and AKS import extra server
// blocks from), not the kube-system/coredns the CoreDNS rules judge.
func CoreDNS() *corev1.ConfigMap {
	return ConfigMap("kube-system", "coredns-custom", map[string]string{"Corefile": `.:53 {
    errors
    health {
       lameduck 15s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods verified
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       prefer_udp
    }
    cache 30
    loop
    reload
    loadbalance
}
`})
}

func plainService() *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "cart", Labels: map[string]string{"app": "cart"}},
		Spec: corev1.ServiceSpec{
			Type:           corev1.ServiceTypeClusterIP,
			Selector:       map[string]string{"app": "cart"},
			IPFamilyPolicy: ptr(corev1.IPFamilyPolicySingleStack),
			Ports:          []corev1.ServicePort{{Name: "http", Port: 80}, {Name: "grpc", Port: 9090}},
		},
	}
}

func ptr[T any](v T) *T { return &v }

const netConf = `{
  "Network": "172.20.0.0/16",
  "Backend": {
    "Type": "vxlan"
  }
}
`

// LargeCNIConf is a valid conflist of about n bytes: flannel, then many
// tuning plugins, then portmap (as rules/flannel's 1 MiB benchmark).
func LargeCNIConf(n int) string {
	var sb strings.Builder
	sb.WriteString("{\n  \"name\": \"cbr0\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n      \"type\": \"flannel\",\n      \"delegate\": {\n        \"hairpinMode\": true,\n        \"isDefaultGateway\": true\n      }\n    }")
	for i := 0; sb.Len() < n-200; i++ {
		fmt.Fprintf(&sb, ",\n    {\n      \"type\": \"tuning\",\n      \"sysctl\": {\n        \"net.core.somaxconn\": \"%d\"\n      }\n    }", 1024+i)
	}
	sb.WriteString(",\n    {\n      \"type\": \"portmap\",\n      \"capabilities\": {\n        \"portMappings\": true\n      }\n    }\n  ]\n}\n")
	return sb.String()
}

// LargeENIConf is a valid eni_conf of about n bytes: a very large vswitches
// map and eni_tags (as rules/terway's 1 MiB benchmark).
func LargeENIConf(n int) string {
	var sb strings.Builder
	sb.WriteString(`{"version": "1", "max_pool_size": 5, "service_cidr": "192.168.0.0/16", "security_group": "sg-bp1abcdefghijklmnopq", "vswitches": {`)
	for i := 0; sb.Len() < n*7/10; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "\n  \"cn-%s-%c\": [\"vsw-bp1%020d\", \"vsw-bp2%020d\"]", letters(i/26), 'a'+i%26, i, i)
	}
	sb.WriteString("}, \"eni_tags\": {")
	for i := 0; sb.Len() < n-40; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "\n  \"team-%06d\": \"networking-%06d\"", i, i)
	}
	sb.WriteString("}}")
	return sb.String()
}

func letters(n int) string {
	b := []byte{'r'}
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}

// KubeProxyBase is a kube-proxy config.conf as ACK writes it (IPVS mode).
const KubeProxyBase = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
clusterCIDR: 172.20.0.0/16
conntrack:
  maxPerCore: 65536
  min: 131072
healthzBindAddress: 0.0.0.0:10256
metricsBindAddress: 127.0.0.1:10249
mode: ipvs
ipvs:
  scheduler: wrr
  udpTimeout: 10s
  syncPeriod: 30s
nodePortAddresses: []
logging:
  verbosity: 0
  vmodule:
`

// LargeKubeProxy is a valid config.conf of about n bytes: the base followed
// by a long vmodule list (as rules/kubeproxy's 1 MiB benchmark).
func LargeKubeProxy(n int) string {
	var sb strings.Builder
	sb.WriteString(KubeProxyBase)
	for i := 0; sb.Len() < n-60; i++ {
		fmt.Fprintf(&sb, "  - filePattern: file%d.go\n    verbosity: %d\n", i, i%10)
	}
	return sb.String()
}

// SizedObjects returns, for the growth measurement, one object per family
// whose embedded document is about n bytes.
func SizedObjects(n int) []Object {
	return []Object{
		{Name: "terway", Family: "terway", Obj: TerwayConfigMap(LargeENIConf(n))},
		{Name: "flannel", Family: "flannel", Obj: ConfigMap("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": LargeCNIConf(n), "net-conf.json": netConf})},
		{Name: "kube-proxy", Family: "kube-proxy", Obj: ConfigMap("kube-system", "kube-proxy-worker", map[string]string{"config.conf": LargeKubeProxy(n)})},
	}
}
