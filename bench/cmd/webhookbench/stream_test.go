package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netguard/netguard/bench/corpus"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func mixFixture() []*corev1.ConfigMap {
	return []*corev1.ConfigMap{
		corpus.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{"config.conf": corpus.KubeProxyBase}),
		corpus.ConfigMap("kube-flannel", "kube-flannel-cfg", map[string]string{"net-conf.json": "{}"}),
		corpus.ConfigMap("kube-system", "eni-config", map[string]string{"eni_conf": "{}"}),
	}
}

func decodeMix(t *testing.T, b []byte) []corev1.ConfigMap {
	t.Helper()
	var out []corev1.ConfigMap
	for _, doc := range strings.Split(string(b), "---\n")[1:] {
		var cm corev1.ConfigMap
		if err := yaml.UnmarshalStrict([]byte(doc), &cm); err != nil {
			t.Fatalf("%v in\n%s", err, doc)
		}
		out = append(out, cm)
	}
	return out
}

func TestWriteMixRotatesTheFamiliesWithDistinctNames(t *testing.T) {
	var buf bytes.Buffer
	n, written, err := writeMix(&buf, mixFixture(), 7, 0)
	if err != nil || n != 7 || written != int64(buf.Len()) {
		t.Fatalf("n %d, written %d of %d, err %v", n, written, buf.Len(), err)
	}
	cms := decodeMix(t, buf.Bytes())
	want := []string{"kube-proxy-worker-0", "kube-flannel-cfg-1", "eni-config-2", "kube-proxy-worker-3", "kube-flannel-cfg-4", "eni-config-5", "kube-proxy-worker-6"}
	if len(cms) != len(want) {
		t.Fatalf("%d objects, want %d", len(cms), len(want))
	}
	for i, cm := range cms {
		if cm.Name != want[i] || cm.UID != "" || cm.ResourceVersion != "" {
			t.Errorf("object %d: %s (uid %q, rv %q), want %s without uid and resourceVersion", i, cm.Name, cm.UID, cm.ResourceVersion, want[i])
		}
	}
}

func TestWriteMixBySizeStopsAtTheFirstObjectPastIt(t *testing.T) {
	var buf bytes.Buffer
	n, written, err := writeMix(&buf, mixFixture(), 0, 5000)
	if err != nil || written < 5000 {
		t.Fatalf("written %d, err %v", written, err)
	}
	cms := decodeMix(t, buf.Bytes())
	if len(cms) != n {
		t.Errorf("%d objects decoded, writeMix said %d", len(cms), n)
	}
	var without bytes.Buffer
	_, short, _ := writeMix(&without, mixFixture(), n-1, 0)
	if short >= 5000 {
		t.Errorf("%d objects already make %d bytes: one too many written", n-1, short)
	}
}
