package manifest

import (
	"fmt"
	"strings"
	"testing"
)

func TestLongStreamKeepsDocumentOrderAndFirstError(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "kind: ConfigMap\nmetadata: {name: cm%d}\n---\n", i)
	}
	f, err := Parse("s.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Objects) != 50 {
		t.Fatalf("%d objects", len(f.Objects))
	}
	for i, o := range f.Objects {
		if o.Name != fmt.Sprintf("cm%d", i) || o.Doc != i || o.Line() != 3*i+1 {
			t.Errorf("object %d: %s doc %d line %d", i, o.Name, o.Doc, o.Line())
		}
	}
	// Documents 10 and 30 are broken: the error is document 10's (its metadata line, 32).
	text := strings.Replace(b.String(), "{name: cm10}", "{name: cm10}: x", 1)
	text = strings.Replace(text, "{name: cm30}", "[cm30", 1)
	_, err = Parse("s.yaml", []byte(text))
	se, ok := err.(*SyntaxError)
	if !ok || se.Line != 32 {
		t.Fatalf("got %v, want the syntax error of document 10 at line 32", err)
	}
}
