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

// configConfs are the config.conf values of the examples that are valid
// YAML.
func configConfs(b *testing.B) [][]byte {
	var out [][]byte
	for _, d := range benchDocs(b) {
		var cm struct {
			Data map[string]string `json:"data"`
		}
		if sigsyaml.Unmarshal(d, &cm) != nil || cm.Data["config.conf"] == "" {
			continue
		}
		// Valid YAML only: the invalid examples measure error paths.
		if c := []byte(cm.Data["config.conf"]); yaml.Unmarshal(c, new(yaml.Node)) == nil {
			out = append(out, c)
		}
	}
	if len(out) < 5 {
		b.Fatalf("only %d config.conf values", len(out))
	}
	return out
}

// BenchmarkNodeTree is the node tree alone: the fast path against
// yaml.v3's parser, on kube-proxy config.conf values and on the example
// manifests (documents the fast path refuses cost it the refusal plus
// yaml.v3).
func BenchmarkNodeTree(b *testing.B) {
	for _, set := range []struct {
		name string
		docs func(*testing.B) [][]byte
	}{{"config.conf", configConfs}, {"manifests", benchDocs}} {
		docs := set.docs(b)
		b.Run(set.name+"/fast-path", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					if _, ok := fastParse(d); !ok {
						var n yaml.Node
						_ = yaml.Unmarshal(d, &n)
					}
				}
			}
		})
		b.Run(set.name+"/yaml.v3", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					var n yaml.Node
					_ = yaml.Unmarshal(d, &n)
				}
			}
		})
	}
}
