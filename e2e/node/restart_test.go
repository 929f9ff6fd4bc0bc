//go:build node && linux

package node

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// stepRestartsUnderLoad: under a steady stream of ConfigMap updates,
// helm upgrade to a 90 s serving certificate with an extra host name (a
// rollout; the new name makes netguard reissue the certificate, a lifetime
// change alone would wait for the old one's renewal), kubectl rollout
// restart, the deletion of one pod, and at least one renewal at 2/3 of
// the 90 s:
// no update fails at the client, none fails open or is rejected by the API
// server, every one carries netguard's decision in the audit log.
func stepRestartsUnderLoad(t *testing.T) {
	before := apiserverWebhookMetrics(t)
	l := startLoad(t, 8*time.Minute)
	defer l.stop()

	must(t, helm(t, "upgrade", release, chartDir(), "-n", namespace, "--reuse-values", "--wait", "--timeout", "5m",
		"--set", "certificates.selfManaged.certValidity=90s", "--set", "certificates.selfManaged.rotationGrace=10s",
		"--set", "certificates.extraHosts={netguard.rotation.test}"))
	// helm --wait returns once replicas - maxUnavailable (1) pods are
	// Ready: the rollout may still be replacing the second one.
	waitReadyPods(t, 2, 3*time.Minute)
	waitFor(t, time.Minute, "a serving certificate for the extra host", func() bool {
		return strings.Contains(certInfo(t, servingCert(t)), "netguard.rotation.test")
	})
	cert0 := servingCert(t)
	t.Logf("serving certificate after the upgrade: %s", certInfo(t, cert0))

	must(t, kubectl(t, "rollout", "restart", "deployment/"+release, "-n", namespace))
	must(t, kubectl(t, "rollout", "status", "deployment/"+release, "-n", namespace, "--timeout=5m"))
	waitReadyPods(t, 2, 2*time.Minute)

	pods := readyPods(t, 2)
	must(t, kubectl(t, "delete", "pod", pods[0].Name, "-n", namespace, "--wait=true"))
	waitReadyPods(t, 2, 2*time.Minute)

	// The serving certificate (90 s) is reissued at 2/3 of its life.
	waitFor(t, 3*time.Minute, "the serving certificate to rotate", func() bool {
		return !bytes.Equal(servingCert(t), cert0)
	})
	t.Logf("renewed serving certificate: %s", certInfo(t, servingCert(t)))
	time.Sleep(5 * time.Second) // some reviews with the new certificate
	checkNoDroppedReviews(t, before, l)
}

// certInfo describes a PEM certificate: names and lifetime.
func certInfo(t *testing.T, pemCert []byte) string {
	t.Helper()
	b, _ := pem.Decode(pemCert)
	if b == nil {
		t.Fatal("tls.crt is not PEM")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("names %v, valid %s from %s", c.DNSNames, c.NotAfter.Sub(c.NotBefore), c.NotBefore.Format(time.TimeOnly))
}

func servingCert(t *testing.T) []byte {
	t.Helper()
	s, err := env.c.Client.CoreV1().Secrets(namespace).Get(t.Context(), secretName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s.Data["tls.crt"]
}

// waitReadyPods waits until exactly want netguard pods are Running and
// Ready and none is terminating.
func waitReadyPods(t *testing.T, want int, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, "netguard pods Ready", func() bool {
		list, err := env.c.Client.CoreV1().Pods(namespace).List(t.Context(), metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return false
		}
		ready := 0
		for _, p := range list.Items {
			if p.DeletionTimestamp != nil {
				return false
			}
			if podReady(&p) {
				ready++
			}
		}
		return ready == want && len(list.Items) == want
	})
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !poll(t, timeout, cond) {
		t.Fatalf("timed out after %s waiting for %s\n%s", timeout, what, podDiagnostics(t))
	}
}
