package parity

import (
	"encoding/json"
	"os"
	"testing"
)

// TestWriteKubeProxyCorpus writes the generated kube-proxy corpus, one JSON
// string per line, to $NETGUARD_WRITE_KP_CORPUS. The file seeds the
// differential fuzz target of internal/yaml11 (its
// testdata/kubeproxy-corpus.jsonl); regenerate it when kpCorpus changes.
func TestWriteKubeProxyCorpus(t *testing.T) {
	path := os.Getenv("NETGUARD_WRITE_KP_CORPUS")
	if path == "" {
		t.Skip("NETGUARD_WRITE_KP_CORPUS is not set: nothing to write")
	}
	var out []byte
	for _, c := range kpCorpus() {
		b, err := json.Marshal(c.Text)
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, b...), '\n')
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
