package clusterfacts

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// pagedNodes answers node lists like an API server does with limit and
// continue, so the test sees every page the pager asks for.
func pagedNodes(total int, limits *[]int64) k8stesting.ReactionFunc {
	return func(a k8stesting.Action) (bool, runtime.Object, error) {
		lo := a.(k8stesting.ListActionImpl).ListOptions
		*limits = append(*limits, lo.Limit)
		start := 0
		if lo.Continue != "" {
			start, _ = strconv.Atoi(lo.Continue)
		}
		end := min(total, start+int(lo.Limit))
		l := &corev1.NodeList{}
		for i := start; i < end; i++ {
			l.Items = append(l.Items, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("n%d", i)}, Spec: corev1.NodeSpec{PodCIDR: "10.0.0.0/24"}})
		}
		if end < total {
			l.Continue = strconv.Itoa(end)
		}
		return true, l, nil
	}
}

func TestNodesListsEveryPage(t *testing.T) {
	for _, tc := range []struct {
		total     int
		pageSize  int64
		wantCalls int
	}{
		{0, 2, 1},
		{5, 2, 3},
		{4, 2, 2},
		{3, 0, 1}, // 0: the default page size
	} {
		t.Run(fmt.Sprintf("%d nodes, pages of %d", tc.total, tc.pageSize), func(t *testing.T) {
			c := fake.NewClientset()
			var limits []int64
			c.PrependReactor("list", "nodes", pagedNodes(tc.total, &limits))
			nodes, err := Nodes(context.Background(), c, tc.pageSize)
			if err != nil {
				t.Fatal(err)
			}
			if len(nodes) != tc.total {
				t.Fatalf("%d nodes, want %d", len(nodes), tc.total)
			}
			for i, n := range nodes {
				if n.Name != fmt.Sprintf("n%d", i) || len(n.PodCIDRs) != 1 {
					t.Errorf("node %d: %+v", i, n)
				}
			}
			want := tc.pageSize
			if want == 0 {
				want = DefaultPageSize
			}
			if len(limits) != tc.wantCalls || limits[0] != want {
				t.Errorf("list calls with limits %v, want %d calls of %d", limits, tc.wantCalls, want)
			}
		})
	}
}

func TestConfigMapsKeepsOnlyAccepted(t *testing.T) {
	c := fake.NewClientset(
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "other"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kube-proxy"}},
	)
	got, err := ConfigMaps(context.Background(), c, "kube-system", 0, func(cm *corev1.ConfigMap) bool { return cm.Name == "kube-proxy" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Namespace != "kube-system" || got[0].Name != "kube-proxy" {
		t.Errorf("got %+v", got)
	}
}

func TestServiceCIDRsReadsTheKubernetesServiceCIDR(t *testing.T) {
	c := fake.NewClientset(
		&networkingv1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "extra"}, Spec: networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.99.0.0/16"}}},
		&networkingv1.ServiceCIDR{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes"}, Spec: networkingv1.ServiceCIDRSpec{CIDRs: []string{"10.96.0.0/12", "fd00::/108"}}},
	)
	got, err := ServiceCIDRs(context.Background(), c)
	if err != nil || len(got) != 2 || got[0] != "10.96.0.0/12" {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := ServiceCIDRs(context.Background(), fake.NewClientset()); !apierrors.IsNotFound(err) {
		t.Errorf("missing ServiceCIDR: %v, want NotFound", err)
	}
	forbidden := fake.NewClientset()
	forbidden.PrependReactor("get", "servicecidrs", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "networking.k8s.io", Resource: "servicecidrs"}, "kubernetes", nil)
	})
	if _, err := ServiceCIDRs(context.Background(), forbidden); !apierrors.IsForbidden(err) {
		t.Errorf("forbidden: %v", err)
	}
}
