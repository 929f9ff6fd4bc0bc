package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// streamCases are inputs where cutting while reading could go wrong:
// separators with comments or trailing blanks, "---" that is not a
// separator, CRLF and lone CR line ends, a byte order mark, no final line
// break, an empty last document, lines longer than the read buffer.
var streamCases = []string{
	"",
	"---",
	"---\n",
	"kind: ConfigMap\nmetadata: {name: a}\n",
	"kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b}\n---\n",
	"--- # comment\nkind: A\n---  \t\nkind: B\n----\nx: 1\n---x\n",
	"\xEF\xBB\xBFkind: ConfigMap\r\ndata:\r\n  k: |\r\n    a\r\n---\r\nkind: ConfigMap\r\ndata:\r\n  k: |\r\n    b\r\n",
	"kind: A\rdata:\r  k: v\n---\nkind: ConfigMap\ndata:\n  k: |\n    x\n    y",
	"kind: ConfigMap\ndata:\n  k: |\n    " + strings.Repeat("x", 200<<10) + "\n    tail\n---\nkind: B\n",
	"kind: ConfigMap\ndata:\n  k: |\n---\nkind: ConfigMap\ndata:\n  k: |\n    x\n",
	flannelCM,
}

// readDocs reads every document of text with DocReader, one byte at a time
// when slow (the reader must not depend on how the input arrives).
func readDocs(t testing.TB, text string, slow bool) ([]Doc, []byte) {
	var r io.Reader = strings.NewReader(text)
	if slow {
		r = iotest.OneByteReader(r)
	}
	d := NewDocReader(r)
	var out []Doc
	for {
		doc, err := d.Next()
		if errors.Is(err, io.EOF) {
			return out, d.BOM
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, doc)
	}
}

// checkSameAsParse proves that reading text document by document gives
// what Parse gives on the whole text: the same documents at the same lines,
// the same objects with the same JSON, and the same positions.
func checkSameAsParse(t testing.TB, name, text string) {
	docs, bom := readDocs(t, text, false)
	slow, _ := readDocs(t, text, true)
	if !reflect.DeepEqual(docs, slow) {
		t.Fatalf("%s: documents depend on how the input is read", name)
	}
	whole, werr := Parse(name, []byte(text))
	var chunks []chunk
	body := []byte(text)
	if bytes.HasPrefix(body, utf8BOM) {
		body = body[len(utf8BOM):]
	}
	chunks = splitDocuments(body)
	if len(chunks) != len(docs) {
		t.Fatalf("%s: %d documents, splitDocuments %d", name, len(docs), len(chunks))
	}
	var objs []*Object
	var derr error
	for i, d := range docs {
		if !bytes.Equal(d.Text, chunks[i].text) || d.StartLine != chunks[i].startLine || d.Index != i ||
			!bytes.Equal(body[d.Offset:d.Offset+int64(len(d.Text))], d.Text) {
			t.Fatalf("%s: document %d = %q at line %d, want %q at line %d", name, i, d.Text, d.StartLine, chunks[i].text, chunks[i].startLine)
		}
		f, err := ParseDoc(name, d)
		if err != nil {
			derr = err
			break
		}
		objs = append(objs, f.Objects...)
	}
	if fmt.Sprint(werr) != fmt.Sprint(derr) {
		t.Fatalf("%s: error %v, Parse: %v", name, derr, werr)
	}
	if werr != nil {
		return
	}
	if !bytes.Equal(bom, whole.BOM) {
		t.Fatalf("%s: BOM %q, Parse %q", name, bom, whole.BOM)
	}
	if len(objs) != len(whole.Objects) {
		t.Fatalf("%s: %d objects, Parse %d", name, len(objs), len(whole.Objects))
	}
	for i, o := range objs {
		w := whole.Objects[i]
		if o.Doc != w.Doc || o.Item != w.Item || o.ID() != w.ID() || !bytes.Equal(o.JSON, w.JSON) || o.Line() != w.Line() || o.Column() != w.Column() {
			t.Fatalf("%s: object %d = %s doc %d line %d, Parse %s doc %d line %d", name, i, o.ID(), o.Doc, o.Line(), w.ID(), w.Doc, w.Line())
		}
		_, data := w.Node("data")
		if data == nil {
			continue
		}
		for k := 0; k+1 < len(data.Content); k += 2 {
			key := data.Content[k].Value
			for _, pos := range [][2]int{{0, 0}, {1, 1}, {2, 3}, {5, 2}} {
				l, c, e := o.DataPosition(key, pos[0], pos[1])
				wl, wc, we := w.DataPosition(key, pos[0], pos[1])
				if l != wl || c != wc || e != we {
					t.Fatalf("%s: %s DataPosition(%q, %v) = %d:%d %v, Parse %d:%d %v", name, o.ID(), key, pos, l, c, e, wl, wc, we)
				}
			}
		}
	}
}

func TestDocReaderGivesWhatParseGives(t *testing.T) {
	for i, text := range streamCases {
		checkSameAsParse(t, fmt.Sprintf("case%d.yaml", i), text)
	}
	var files []string
	for _, g := range []string{"../../examples/*/*.yaml", "../../examples/*/*.json", "../../test/realworld/*/*.yaml", "../../cmd/netguard/testdata/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("only %d manifest files found", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checkSameAsParse(t, p, string(b))
	}
}

// FuzzDocReader: reading document by document never disagrees with Parse.
func FuzzDocReader(f *testing.F) {
	for _, s := range streamCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkSameAsParse(t, "fuzz.yaml", text)
	})
}
