package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// cleanupOptions are what the chart's pre-delete hook removes.
type cleanupOptions struct {
	namespace, webhookConfiguration, deployment, podSelector, secret string
	timeout, poll                                                    time.Duration
}

// newCleanupCmd is the chart's helm uninstall hook (templates/uninstall-hook.yaml),
// run from netguard's own image so that an air-gapped cluster needs no
// second image: it deletes both webhook configurations first, then, when
// --secret is given, scales netguard to zero (a running netguard would
// re-create its CA Secret), waits for its pods to go, and deletes the Secret.
func newCleanupCmd(stdout io.Writer) *cobra.Command {
	var o cleanupOptions
	var kubeconfig string
	cmd := &cobra.Command{
		Use:    "uninstall-cleanup",
		Short:  "Remove netguard's webhook configurations (and its self-managed CA Secret) before helm uninstall deletes the pods",
		Hidden: true, // the chart's hook, not an operator command
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := restConfig(kubeconfig, "")
			if err != nil {
				return err
			}
			cs, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				return err
			}
			o.poll = time.Second
			return cleanup(cmd.Context(), cs, o, stdout)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, in-cluster, then ~/.kube/config)")
	fs.StringVar(&o.namespace, "namespace", "", "namespace of the release")
	fs.StringVar(&o.webhookConfiguration, "webhook-configuration", "", "name of the validating and the mutating webhook configuration")
	fs.StringVar(&o.deployment, "deployment", "", "netguard's Deployment, scaled to zero before the Secret is deleted")
	fs.StringVar(&o.podSelector, "pod-selector", "", "label selector of netguard's pods")
	fs.StringVar(&o.secret, "secret", "", "the self-managed CA Secret to delete (empty: keep it)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "how long to wait for netguard's pods to stop before deleting the Secret")
	_ = cmd.MarkFlagRequired("namespace")
	_ = cmd.MarkFlagRequired("webhook-configuration")
	return cmd
}

func cleanup(ctx context.Context, cs kubernetes.Interface, o cleanupOptions, out io.Writer) error {
	gone := func(err error) error {
		if err == nil || apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if err := gone(cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, o.webhookConfiguration, metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("deleting ValidatingWebhookConfiguration %s: %w", o.webhookConfiguration, err)
	}
	if err := gone(cs.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(ctx, o.webhookConfiguration, metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("deleting MutatingWebhookConfiguration %s: %w", o.webhookConfiguration, err)
	}
	fmt.Fprintf(out, "webhook configurations %s deleted\n", o.webhookConfiguration)
	if o.secret == "" {
		return nil
	}
	if o.deployment != "" {
		_, err := cs.AppsV1().Deployments(o.namespace).Patch(ctx, o.deployment, types.MergePatchType, []byte(`{"spec":{"replicas":0}}`), metav1.PatchOptions{})
		if gone(err) != nil {
			return fmt.Errorf("scaling %s/%s to zero: %w", o.namespace, o.deployment, err)
		}
		fmt.Fprintf(out, "deployment %s/%s scaled to zero\n", o.namespace, o.deployment)
	}
	if o.podSelector != "" {
		deadline := time.Now().Add(o.timeout)
		for {
			pods, err := cs.CoreV1().Pods(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: o.podSelector})
			if err != nil {
				return fmt.Errorf("listing netguard's pods: %w", err)
			}
			if len(pods.Items) == 0 {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(out, "%d netguard pods still running after %s; deleting the Secret anyway\n", len(pods.Items), o.timeout)
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(o.poll):
			}
		}
	}
	if err := gone(cs.CoreV1().Secrets(o.namespace).Delete(ctx, o.secret, metav1.DeleteOptions{})); err != nil {
		return fmt.Errorf("deleting Secret %s/%s: %w", o.namespace, o.secret, err)
	}
	fmt.Fprintf(out, "secret %s/%s deleted\n", o.namespace, o.secret)
	return nil
}
