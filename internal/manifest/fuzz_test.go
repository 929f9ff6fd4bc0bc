package manifest

import (
	"testing"
)

// FuzzParse checks that no input makes the reader or the position mapping
// panic, and that positions stay inside the file. `go test` runs the seeds;
// `go test -fuzz FuzzParse ./internal/manifest` explores further.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		flannelCM,
		"apiVersion: v1\nkind: List\nitems:\n- {kind: ConfigMap, metadata: {name: a}, data: {k: |\n  x}}\n",
		"{\"kind\": \"ConfigMap\", \"data\": {\"k\": \"v\"}}",
		"kind: ConfigMap\ndata:\n  k: |+\n\n\n---\nkind: Service\n",
		"kind: ConfigMap\ndata:\n  k: >-\n    folded\n    text\n  j: |9\n x\n",
		"\xEF\xBB\xBFkind: ConfigMap\r\ndata:\r\n  k: |\r\n    a\r\n",
		"- just\n- a list\n",
		"kind: ConfigMap\ndata: [1, 2]\n",
		"kind: A\ndata:\r 0:", // lone CR: go-yaml numbers it as a line break
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("fuzz.yaml", []byte(text))
		if err != nil {
			return
		}
		lines := file.lines.Lines() // YAML numbering: a lone \r ends a line too
		for _, o := range file.Objects {
			_, data := o.Node("data")
			if data == nil {
				continue
			}
			for i := 0; i+1 < len(data.Content); i += 2 {
				key := data.Content[i].Value
				for _, pos := range [][2]int{{0, 0}, {1, 1}, {2, 3}, {1000, 1000}} {
					l, _, exact := o.DataPosition(key, pos[0], pos[1])
					if l < 1 || (exact && pos[0] <= 1 && l > lines) {
						t.Fatalf("DataPosition(%q, %v) = line %d of %d", key, pos, l, lines)
					}
				}
				if e, err := o.SetDataValue(key, "new\nvalue\n"); err == nil {
					if _, err := file.Apply([]Edit{e}); err != nil {
						t.Fatalf("Apply: %v", err)
					}
				}
			}
		}
	})
}
