package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netguard/netguard/internal/manifest/testgen"
)

// BenchmarkRunStream lints 3,000 ConfigMaps (kube-proxy, Flannel, Terway,
// one third each) in one file, as `netguard lint` does: the per-resource
// cost of lint is ns/op / 3000. Profile it with -cpuprofile.
func BenchmarkRunStream(b *testing.B) {
	p := filepath.Join(b.TempDir(), "stream.yaml")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	n, err := testgen.Write(f, 0, 3000)
	if err != nil || f.Close() != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res := Run([]string{p}, Options{})
		if res.Judged != n || len(res.Errors) > 0 {
			b.Fatalf("judged %d of %d, errors %v", res.Judged, n, res.Errors)
		}
	}
}
