//go:build linux

package cluster

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// nodesReady reports whether all expected nodes are registered and Ready,
// and if not, why.
func (c *Cluster) nodesReady(ctx context.Context) (bool, string) {
	nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return false, err.Error()
	}
	if len(nodes.Items) < c.opts.Nodes {
		return false, fmt.Sprintf("%d of %d nodes registered", len(nodes.Items), c.opts.Nodes)
	}
	for _, n := range nodes.Items {
		if ok, why := NodeReady(&n); !ok {
			return false, n.Name + ": " + why
		}
	}
	return true, ""
}

// NodeReady reports the node's Ready condition and its message.
func NodeReady(n *corev1.Node) (bool, string) {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue, c.Reason + ": " + c.Message
		}
	}
	return false, "no Ready condition"
}
