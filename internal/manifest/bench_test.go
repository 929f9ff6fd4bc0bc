package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// benchStream is a multi-document manifest: every YAML example of the
// repository (kube-proxy, Flannel, Terway ConfigMaps, Services, FAQ
// samples), repeated to about 1 MiB.
func benchStream(b *testing.B) []byte {
	files, _ := filepath.Glob("../../examples/*/*.yaml")
	if len(files) < 10 {
		b.Fatalf("examples not found (%d files)", len(files))
	}
	var one bytes.Buffer
	for _, f := range files {
		t, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		one.Write(t)
		one.WriteString("\n---\n")
	}
	var all bytes.Buffer
	for all.Len() < 1<<20 {
		all.Write(one.Bytes())
	}
	return all.Bytes()
}

// BenchmarkParseStream reads a ~1 MiB manifest stream: splitting, YAML
// parsing, kubectl's JSON and positions of every document.
func BenchmarkParseStream(b *testing.B) {
	data := benchStream(b)
	f, err := Parse("bench.yaml", data)
	if err != nil || len(f.Objects) < 100 {
		b.Fatalf("bench stream: %v, %d objects", err, len(f.Objects))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(f.Objects)), "objects/op")
}
