package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Both modes are byte-identical to encoding/json's (HTML escaping on and off).
func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\b\f\n\r\t\x00\x1f", "<a & b>", "\u2028\u2029", "bad\xffutf8", "日本語", "\x7f"} {
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			if got := Append(nil, s, html); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Errorf("Append(%q, html=%v) = %s, encoding/json %s", s, html, got, want.Bytes())
			}
		}
	}
}

func FuzzAppendMatchesEncodingJSON(f *testing.F) {
	f.Add("<\u2028\xff\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			_ = enc.Encode(s)
			if got := Append(nil, s, html); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Fatalf("Append(%q, html=%v) = %s, encoding/json %s", s, html, got, want.Bytes())
			}
		}
	})
}
