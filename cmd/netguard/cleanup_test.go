package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// TestUninstallCleanupRemovesWebhooksThenScalesDownThenDeletesTheSecret:
// the hook deletes both webhook configurations, scales netguard to zero,
// waits for its pods, then deletes the CA Secret; without --secret it keeps
// the Secret and the Deployment untouched; absent objects are no error.
func TestUninstallCleanupRemovesWebhooksThenScalesDownThenDeletesTheSecret(t *testing.T) {
	for _, keep := range []bool{false, true} {
		two := int32(2)
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "ng-1", Namespace: "ns", Labels: map[string]string{"app": "ng"}}}
		cs := fake.NewClientset(
			&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "ng"}},
			&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "ng"}},
			&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "ng", Namespace: "ns"}, Spec: appsv1.DeploymentSpec{Replicas: &two}},
			&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ng-certs", Namespace: "ns"}},
			pod,
		)
		o := cleanupOptions{namespace: "ns", webhookConfiguration: "ng", deployment: "ng", podSelector: "app=ng", timeout: time.Minute, poll: 10 * time.Millisecond}
		if !keep {
			o.secret = "ng-certs"
		}
		ctx := context.Background()
		// The "kubelet": the pod goes once the Deployment is scaled down.
		go func() {
			for {
				d, _ := cs.AppsV1().Deployments("ns").Get(ctx, "ng", metav1.GetOptions{})
				if d != nil && *d.Spec.Replicas == 0 {
					_ = cs.CoreV1().Pods("ns").Delete(ctx, "ng-1", metav1.DeleteOptions{})
					return
				}
				time.Sleep(5 * time.Millisecond)
				if keep {
					return
				}
			}
		}()
		var out bytes.Buffer
		if err := cleanup(ctx, cs, o, &out); err != nil {
			t.Fatalf("keep=%v: %v", keep, err)
		}
		if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, "ng", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("keep=%v: validating configuration left: %v", keep, err)
		}
		if _, err := cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Get(ctx, "ng", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("keep=%v: mutating configuration left: %v", keep, err)
		}
		_, err := cs.CoreV1().Secrets("ns").Get(ctx, "ng-certs", metav1.GetOptions{})
		if keep != (err == nil) {
			t.Errorf("keep=%v: Secret get error %v", keep, err)
		}
		d, _ := cs.AppsV1().Deployments("ns").Get(ctx, "ng", metav1.GetOptions{})
		if want := map[bool]int32{true: 2, false: 0}[keep]; *d.Spec.Replicas != want {
			t.Errorf("keep=%v: replicas %d, want %d", keep, *d.Spec.Replicas, want)
		}
		if !keep {
			if pods, _ := cs.CoreV1().Pods("ns").List(ctx, metav1.ListOptions{}); len(pods.Items) != 0 {
				t.Errorf("the Secret was deleted before netguard's pods were gone")
			}
		}
		// Run again: everything is already gone, which is no error.
		if err := cleanup(ctx, cs, o, &out); err != nil {
			t.Errorf("keep=%v: second run: %v", keep, err)
		}
	}
}
