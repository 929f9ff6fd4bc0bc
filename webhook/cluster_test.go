package webhook

import (
	"testing"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestTrimConfigMapDropsUntargetedData(t *testing.T) {
	a := newAPISource(nil, 0, 0, logr.Discard(), nil)
	a.ConfigChanged(rules.DefaultConfig())
	for name, keep := range map[string]bool{"kube-proxy-worker": true, "eni-config": true, "eni-config-pool1": true, "cluster-autoscaler-status": false} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name}, Data: map[string]string{"k": "v"}}
		obj, _ := a.trimConfigMap(cm)
		if got := obj.(*corev1.ConfigMap).Data != nil; got != keep {
			t.Errorf("%s: data kept = %v, want %v", name, got, keep)
		}
	}
}
