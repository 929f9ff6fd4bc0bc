package clusterfacts

import (
	"reflect"
	"testing"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestOverlayDiscoveryWinsFileFillsGaps(t *testing.T) {
	base := &rules.ClusterContext{
		KubernetesVersion: "1.30", ServiceCIDRs: []string{"10.0.0.0/16"}, PodCIDRs: []string{"172.20.0.0/16"},
		Facts: map[string]string{"flannelVersion": "v0.26.0"}, Nodes: []rules.Node{{Name: "from-file"}},
	}
	if got := Overlay(base, nil); !reflect.DeepEqual(got, base) || got == base {
		t.Errorf("offline: got %+v", got)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-master"}}
	f := &Facts{KubernetesVersion: "v1.37.2", ServiceCIDRs: []string{"10.0.0.0/16", "fd00::/112"}, NodesKnown: true, Nodes: []rules.Node{{Name: "n1"}},
		ConfigMaps: map[string]*corev1.ConfigMap{"kube-system/kube-proxy-master": cm}}
	got := Overlay(base, f)
	if got.KubernetesVersion != "v1.37.2" || len(got.ServiceCIDRs) != 2 || got.Nodes[0].Name != "n1" || got.Fact("flannelVersion") != "v0.26.0" || got.PodCIDRs[0] != "172.20.0.0/16" {
		t.Errorf("got %+v", got)
	}
	if dual, ok := got.IsDualStack(); !dual || !ok {
		t.Errorf("dual-stack not detected from the kubernetes ServiceCIDR")
	}
	if got.ConfigMap("kube-system", "kube-proxy-master") != cm {
		t.Errorf("sibling ConfigMap missing")
	}
	if base.KubernetesVersion != "1.30" || base.ConfigMaps != nil {
		t.Errorf("base modified: %+v", base)
	}
	// Nodes unknown (RBAC): the file's nodes stay.
	if got := Overlay(base, &Facts{KubernetesVersion: "1.31"}); got.Nodes[0].Name != "from-file" {
		t.Errorf("nodes: %+v", got.Nodes)
	}
}

func TestTrimNodeKeepsWhatRulesNeed(t *testing.T) {
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "n1", Labels: map[string]string{"terway-config": "eni-config-pool1"}, Annotations: map[string]string{"big": "x"}},
		Spec:       corev1.NodeSpec{PodCIDR: "172.20.1.0/24", PodCIDRs: []string{"172.20.1.0/24", "fd00:1::/64"}, ProviderID: "cloud://x"},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi")},
			Images: []corev1.ContainerImage{{Names: []string{"big"}}}},
	}
	obj, err := TrimNode(n)
	if err != nil {
		t.Fatal(err)
	}
	tn := obj.(*corev1.Node)
	if tn.Annotations != nil || tn.Status.Images != nil || tn.Spec.ProviderID != "" || len(tn.Status.Capacity) != 1 {
		t.Errorf("not trimmed: %+v", tn)
	}
	want := rules.Node{Name: "n1", PodCIDRs: []string{"172.20.1.0/24", "fd00:1::/64"}, Labels: map[string]string{"terway-config": "eni-config-pool1"}, CPUs: 8}
	if got := Node(tn); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v want %+v", got, want)
	}
}
