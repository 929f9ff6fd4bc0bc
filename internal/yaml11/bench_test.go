package yaml11

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// benchDocs are the example manifests (one document each) and the
// kube-proxy config.conf values of the parity corpus' bases.
func benchDocs(b *testing.B) [][]byte {
	files, _ := filepath.Glob("../../examples/*/*.yaml")
	var docs [][]byte
	for _, f := range files {
		t, err := os.ReadFile(f)
		if err == nil {
			docs = append(docs, t)
		}
	}
	if len(docs) < 10 {
		b.Fatalf("examples not found (%d)", len(docs))
	}
	return docs
}

// BenchmarkParse is the one pass: JSON and positions.
func BenchmarkParse(b *testing.B) {
	docs := benchDocs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := Parse(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkTwoParses is what it replaces: sigs.k8s.io/yaml.YAMLToJSON for
// the value and yaml.v3 for the positions.
func BenchmarkTwoParses(b *testing.B) {
	docs := benchDocs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := sigsyaml.YAMLToJSON(d); err != nil {
				b.Fatal(err)
			}
			var n yaml.Node
			if err := yaml.Unmarshal(d, &n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSigsYAMLToJSON is the value alone, the old way.
func BenchmarkSigsYAMLToJSON(b *testing.B) {
	docs := benchDocs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := sigsyaml.YAMLToJSON(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
