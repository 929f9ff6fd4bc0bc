package clusterfacts

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"

	"github.com/netguard/netguard/rules"
)

// DefaultPageSize bounds each list call (client-go's pager default).
const DefaultPageSize = 500

// List calls fn for every item of a list, fetched in pages of pageSize
// (0: DefaultPageSize) by client-go's pager, which also falls back to one
// full list when a continue token expires in a long listing. Items are
// pointers into the fetched pages (*corev1.ConfigMap for a ConfigMapList).
func List(ctx context.Context, pageSize int64, list func(context.Context, metav1.ListOptions) (runtime.Object, error), fn func(runtime.Object) error) error {
	p := pager.New(pager.ListPageFunc(list))
	if pageSize > 0 {
		p.PageSize = pageSize
	}
	return p.EachListItem(ctx, metav1.ListOptions{}, fn)
}

// Version asks discovery for the API server's version (GitVersion).
func Version(c kubernetes.Interface) (string, error) {
	v, err := c.Discovery().ServerVersion()
	if err != nil {
		return "", err
	}
	return v.GitVersion, nil
}

// Nodes lists the nodes, as the rules see them.
func Nodes(ctx context.Context, c kubernetes.Interface, pageSize int64) ([]rules.Node, error) {
	var out []rules.Node
	err := List(ctx, pageSize, func(ctx context.Context, lo metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().Nodes().List(ctx, lo)
	}, func(obj runtime.Object) error {
		n, ok := obj.(*corev1.Node)
		if !ok {
			return fmt.Errorf("node list holds a %T", obj)
		}
		out = append(out, Node(n))
		return nil
	})
	return out, err
}

// ConfigMaps lists the ConfigMaps of a namespace that keep accepts.
func ConfigMaps(ctx context.Context, c kubernetes.Interface, ns string, pageSize int64, keep func(*corev1.ConfigMap) bool) ([]*corev1.ConfigMap, error) {
	var out []*corev1.ConfigMap
	err := List(ctx, pageSize, func(ctx context.Context, lo metav1.ListOptions) (runtime.Object, error) {
		return c.CoreV1().ConfigMaps(ns).List(ctx, lo)
	}, func(obj runtime.Object) error {
		cm, ok := obj.(*corev1.ConfigMap)
		if !ok {
			return fmt.Errorf("configmap list holds a %T", obj)
		}
		if keep(cm) {
			out = append(out, cm)
		}
		return nil
	})
	return out, err
}

// ServiceCIDRs reads the "kubernetes" ServiceCIDR's CIDRs (nil when it
// has none). Its error is the API's: NotFound before Kubernetes 1.33 or
// without the ServiceCIDR API, Forbidden without RBAC.
func ServiceCIDRs(ctx context.Context, c kubernetes.Interface) ([]string, error) {
	sc, err := c.NetworkingV1().ServiceCIDRs().Get(ctx, ServiceCIDRName, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return ServiceCIDRsOf([]networkingv1.ServiceCIDR{*sc}), nil
}
