package yaml11

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	sigsyaml "sigs.k8s.io/yaml"
)

func TestValuesFollowYAML11AsSigsYAMLDoes(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"yes/on/y are booleans", "a: yes\nb: on\nc: y\nd: Off\n", `{"a":true,"b":true,"c":true,"d":false}`},
		{"leading zero is octal", "a: 010\nb: 0x10\nc: 0b10\nd: 08\n", `{"a":8,"b":16,"c":2,"d":8}`},
		{"64-bit integers are kept", "a: 9223372036854775807\nb: 18446744073709551615\n", `{"a":9223372036854775807,"b":18446744073709551615}`},
		{"tilde and empty are null", "a: ~\nb:\n", `{"a":null,"b":null}`},
		{"timestamps stay text", "a: 2001-12-14\n", `{"a":"2001-12-14"}`},
		{"quoted scalars are strings", "a: 'yes'\nb: \"010\"\n", `{"a":"yes","b":"010"}`},
		{"non-specific tag keeps text", "a: ! 010\n", `{"a":"010"}`},
		{"last duplicate wins", "a: 1\na: 2\n", `{"a":2}`},
		{"merge: explicit key after wins", "b: &b {x: 1}\nc: {<<: *b, x: 2}\n", `{"b":{"x":1},"c":{"x":2}}`},
		{"merge: later merge overrides earlier key", "c: {x: 2, <<: {x: 1}}\n", `{"c":{"x":1}}`},
		{"merge list: first map wins", "c: {<<: [{x: 1}, {x: 2, z: 2}]}\n", `{"c":{"x":1,"z":2}}`},
		{"non-string keys become strings", "1: a\ntrue: b\n1.5: c\n", `{"1":"a","1.5":"c","true":"b"}`},
		{"html characters escaped", "a: <&>\n", `{"a":"\u003c\u0026\u003e"}`},
		{"floats as encoding/json", "a: 1e21\nb: 1e-7\nc: 0.1\nd: -0.0\n", `{"a":1e+21,"b":1e-7,"c":0.1,"d":-0}`},
		{"empty text is null", "", `null`},
		{"only the first document", "a: 1\n---\nb: 2\n", `{"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(r.JSON) != tc.want {
				t.Errorf("got %s, want %s", r.JSON, tc.want)
			}
			compare(t, []byte(tc.in))
		})
	}
}

func TestErrorsAreSigsYAMLErrors(t *testing.T) {
	for _, in := range []string{
		"a: b: c\n", "a: .nan\n", "~: 1\n", "18446744073709551615: x\n", "[a]: 1\n",
		"a: !!int x\n", "a: !!binary '!'\n", "a: *x\n", "c: {<<: 1}\n", "&a [*a]\n",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := Parse([]byte(in))
			_, want := sigsyaml.YAMLToJSON([]byte(in))
			if err == nil || want == nil || err.Error() != want.Error() {
				t.Errorf("error %v, want %v", err, want)
			}
		})
	}
}

func TestExcessiveAliasingIsRefusedLikeV2(t *testing.T) {
	// A billion-laughs document: nine levels of ten aliases each.
	var b strings.Builder
	b.WriteString("a0: &a0 [x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "excessive aliasing") {
		t.Fatalf("got %v, want the excessive aliasing error", err)
	}
	compare(t, []byte(b.String()))
}

func TestPositionsComeFromTheSameParse(t *testing.T) {
	r, err := Parse([]byte("# c\nkind: ConfigMap\ndata:\n  k: |\n    x\n"))
	if err != nil {
		t.Fatal(err)
	}
	data := r.Root.Content[3]
	if r.Root.Content[2].Line != 3 || data.Content[0].Line != 4 || data.Content[0].Column != 3 {
		t.Errorf("data at %d, k at %d:%d", r.Root.Content[2].Line, data.Content[0].Line, data.Content[0].Column)
	}
}

func TestDuplicatesAreV2StrictOnes(t *testing.T) {
	in := "a: 1\nb: {x: 1}\na:\n  2\nb: {x: 2, x: 3}\n1: p\n1: q\n"
	r, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range r.Duplicates {
		got = append(got, d.Key+"@"+string(rune('0'+d.Line)))
	}
	_, strict := sigsyaml.YAMLToJSONStrict([]byte(in))
	for _, d := range r.Duplicates {
		line := "line " + string(rune('0'+d.Line)) + ": key " + d.Key + " already set in map"
		if strict == nil || !strings.Contains(strict.Error(), line) {
			t.Errorf("duplicate %q not in the strict error %v", line, strict)
		}
	}
	if len(r.Duplicates) != strings.Count(strict.Error(), "already set") {
		t.Errorf("duplicates %v, strict error %v", got, strict)
	}
}

func TestFallbackWhenYAMLv3RejectsUnreadText(t *testing.T) {
	r, err := Parse([]byte("\"\",\""))
	if err != nil || string(r.JSON) != `""` || r.Root != nil || r.NodeErr == nil {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestStringsAndFloatsEncodeAsEncodingJSON(t *testing.T) {
	var ss []string
	for c := 0; c < 0x80; c++ {
		ss = append(ss, "a"+string(rune(c))+"b")
	}
	ss = append(ss, "\u2028\u2029é€😀", "\xff\xfe", "a\xc3", string(utf8.RuneError))
	for _, s := range ss {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 0.1, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-10} {
		var e encoder
		if err := e.float(f); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(f)
		if string(e.buf) != string(want) {
			t.Errorf("%v: got %s, want %s", f, e.buf, want)
		}
	}
}
