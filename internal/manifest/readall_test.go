package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFilesKeepsOrderAndReadsStdinOnce(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for i := range 20 {
		p := filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i))
		text := fmt.Sprintf("kind: ConfigMap\nmetadata: {name: cm%d}\n", i)
		if i == 7 {
			text = "a: b: c\n" // unreadable
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, p)
	}
	names = append(names, "-", filepath.Join(dir, "missing.yaml"), "-")
	reads := ReadFiles(names, strings.NewReader("kind: Service\nmetadata: {name: from-stdin}\n"))
	if len(reads) != len(names) {
		t.Fatalf("%d reads for %d names", len(reads), len(names))
	}
	for i, r := range reads[:20] {
		if i == 7 {
			if r.Err == nil {
				t.Errorf("file 7: no syntax error")
			}
			continue
		}
		if r.Err != nil || len(r.File.Objects) != 1 || r.File.Objects[0].Name != fmt.Sprintf("cm%d", i) {
			t.Errorf("file %d: %+v %v", i, r.File, r.Err)
		}
	}
	if r := reads[20]; r.Err != nil || len(r.File.Objects) != 1 || r.File.Objects[0].Name != "from-stdin" {
		t.Errorf("first stdin: %+v %v", r.File, r.Err)
	}
	if r := reads[21]; r.Err == nil {
		t.Errorf("missing file: no error")
	}
	if r := reads[22]; r.Err != nil || len(r.File.Objects) != 0 {
		t.Errorf("second stdin should be empty: %+v %v", r.File, r.Err)
	}
}
