package yaml11

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// v3Root is what parse took from yaml.v3 before the fast path: the content
// of the first document; ok is false when yaml.v3 fails or panics.
func v3Root(data []byte) (root *yaml.Node, ok bool) {
	var doc yaml.Node
	if err := parseNodes(data, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	return doc.Content[0], true
}

// sameTree returns the first difference between the fast path's tree and
// yaml.v3's in a field the callers read ("" when none). Comments are not
// compared: the fast path does not keep them (see fast.go).
func sameTree(got, want *yaml.Node, path string) string {
	if got == nil || want == nil {
		if got != want {
			return path + ": nil node"
		}
		return ""
	}
	type fields struct {
		Kind         yaml.Kind
		Style        yaml.Style
		Tag, Value   string
		Anchor       string
		Alias        bool
		Line, Column int
		N            int
	}
	g := fields{got.Kind, got.Style, got.Tag, got.Value, got.Anchor, got.Alias != nil, got.Line, got.Column, len(got.Content)}
	w := fields{want.Kind, want.Style, want.Tag, want.Value, want.Anchor, want.Alias != nil, want.Line, want.Column, len(want.Content)}
	if g != w {
		return fmt.Sprintf("%s:\n fast:    %+v\n yaml.v3: %+v", path, g, w)
	}
	if (got.Content == nil) != (want.Content == nil) {
		return path + ": nil Content differs"
	}
	for i := range got.Content {
		if d := sameTree(got.Content[i], want.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkFast fails t when the fast path accepts data and its tree is not
// yaml.v3's; it reports whether the fast path accepted.
func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	got, ok := fastParse(data)
	if !ok {
		return false
	}
	want, v3ok := v3Root(data)
	if !v3ok {
		t.Fatalf("fast path accepts what yaml.v3 refuses: %q", data)
	}
	if d := sameTree(got, want, ""); d != "" {
		t.Fatalf("trees differ on %q at %s", data, d)
	}
	return true
}

func FuzzFastPathNodes(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, tc := range fastCases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFast(t, data) })
}

// fastCases are inputs on both sides of the subset's border.
var fastCases = []struct {
	name, in string
	fast     bool
}{
	{"block mapping of plain scalars", "a: 1\nb: yes\nc: x y\n", true},
	{"nested mappings", "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n", true},
	{"document start line", "---\na: 1\n", true},
	{"comments and blank lines", "# head\n\na: 1 # tail\n\n  # indented\nb: 2\n", true},
	{"quoted scalars", "a: 'it''s'\nb: \"x\\\"y\\n\"\n'c': \"d\"\n", true},
	{"empty values and empty flow collections", "a:\nb: []\nc: {}\nd:\n", true},
	{"sequences, indented and indentless", "a:\n  - 1\n  - x: 2\n    y: 3\nb:\n- c\n-\n- d: [] \n", true},
	{"literal block scalars", "a: |\n  x: 1\n\n    y\nb: |-\n  z\n  # not a comment\nc: 1\n", true},
	{"scalar document", "hello\n", true},
	{"tags of text starting with a digit", "a: 10s\nb: 0x1F\nc: 2001-12-14t21:59:43.10-05:00\nd: 1e3\ne: 08\nf: 0o17\ng: 1_000\nh: 0b101\ni: 172.20.0.0/16\nj: 1.5\nk: 2001-12-14\n", true},
	{"negative numbers and colons inside values", "a: -1\nb: http://x:80/y\nc: a:b\n", true},
	{"merge key spelled plainly", "a:\n  <<: {}\n", true},
	{"no trailing newline", "a: b", true},
	{"anchor", "a: &x 1\nb: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"non-specific tag", "a: ! 1\n", false},
	{"flow sequence of scalars", "a: [1, 'b', \"c\" ,d e,f]\nb: [x] # c\n", true},
	{"flow mapping with content", "a: {b: 1}\n", false},
	{"nested flow sequence", "a: [[1]]\n", false},
	{"flow sequence with a trailing comma", "a: [1, ]\n", false},
	{"flow sequence over two lines", "a: [1,\n  2]\n", false},
	{"flow item with a colon", "a: [http://x]\n", false},
	{"flow item starting with a dash", "a: [-1]\n", false},
	{"complex key", "? a\n: b\n", false},
	{"directive", "%YAML 1.1\n---\na: 1\n", false},
	{"second document", "a: 1\n---\nb: 2\n", false},
	{"document end", "a: 1\n...\n", false},
	{"multi-line plain scalar", "a: b\n  c\n", false},
	{"multi-line quoted scalar", "a: \"b\n  c\"\n", false},
	{"folded block scalar", "a: >\n  b\n", false},
	{"keep-chomped block scalar", "a: |+\n  b\n\n", false},
	{"block scalar indentation indicator", "a: |2\n   b\n", false},
	{"block scalar with leading empty line", "a: |\n\n  b\n", false},
	{"block scalar without final line break", "a: |\n  b", false},
	{"unhandled escape", "a: \"\\u00e9\"\n", false},
	{"escaped slash, which yaml.v3 refuses", "a: \"\\/\"\n", false},
	{"tab", "a:\tb\n", false},
	{"carriage return", "a: 1\r\n", false},
	{"non-ASCII", "a: é\n", false},
	{"mapping value on the key's line", "a: b: c\n", false},
	{"compact nested sequence", "- - a\n", false},
	{"dedent to an unknown column", "a:\n    b: 1\n  c: 2\n", false},
	{"sequence entry where a key is due", "a: 1\n- b\n", false},
	{"empty text", "", false},
	{"comments only", "# x\n", false},
	{"comment without a blank before it", "a: 'b'#c\n", false},
}

func TestFastPathAcceptsTheSubsetAndRefusesTheRest(t *testing.T) {
	for _, tc := range fastCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkFast(t, []byte(tc.in)); got != tc.fast {
				t.Errorf("fast path accepted = %v, want %v", got, tc.fast)
			}
			compare(t, []byte(tc.in))
		})
	}
}

// TestFastPathTakesTypicalConfigs proves the fast path is actually taken
// on the documents it was written for: every kube-proxy config of the
// parity corpus and every example manifest without flow collections,
// anchors or non-ASCII text.
func TestFastPathTakesTypicalConfigs(t *testing.T) {
	files, _ := filepath.Glob("../../examples/kube-proxy/*.yaml")
	if len(files) == 0 {
		t.Fatal("examples not found")
	}
	taken := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			if checkFast(t, []byte(doc)) {
				taken++
			}
		}
	}
	if taken < len(files) {
		t.Errorf("fast path taken on %d documents of %d kube-proxy example files", taken, len(files))
	}
}

func TestGenericIsOfferedOnlyWhenItIsTheDecodedJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		offered  bool
	}{
		{"plain mapping", "a: 1\nb: [x, 2.5, yes, ~]\nc: {d: 010}\n", true},
		{"64-bit and float formats", "a: 18446744073709551615\nb: 1e-7\nc: 1e21\n", true},
		{"non-string keys", "1: a\ntrue: b\n", true},
		{"keys colliding as strings", "1: a\n\"1\": b\n", false},
		{"text yaml.v3 refuses past the document", "\"\",\"", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := r.Generic(); ok != tc.offered {
				t.Errorf("Generic offered = %v, want %v", ok, tc.offered)
			}
			checkGeneric(t, []byte(tc.in), r)
		})
	}
}
