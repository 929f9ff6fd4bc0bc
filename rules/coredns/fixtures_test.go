package coredns

import (
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Corefiles from the real-world corpus (test/realworld/coredns, where their
// provenance is recorded), read once.
var (
	nodeLocalUpstream = corpusCorefile("upstream-nodelocaldns-as-shipped.yaml")
	ackEdgeDefault    = corpusCorefile("ack-edge-default-coredns-1.11.yaml")
)

func corpusCorefile(file string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "test", "realworld", "coredns", file))
	if err != nil {
		panic(err)
	}
	// The file is a provenance header, then one YAML document.
	doc := string(b)
	if i := strings.Index(doc, "\n---\n"); i >= 0 {
		doc = doc[i+5:]
	}
	var cm corev1.ConfigMap
	if err := yaml.Unmarshal([]byte(doc), &cm); err != nil {
		panic(err)
	}
	return cm.Data[CorefileKey]
}
