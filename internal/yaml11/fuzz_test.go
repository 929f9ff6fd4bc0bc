package yaml11

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// reference is sigs.k8s.io/yaml.YAMLToJSON; panicked reports a panic of
// go-yaml v2 itself (nothing to compare against).
func reference(data []byte) (js []byte, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	js, err = sigsyaml.YAMLToJSON(data)
	return js, err, false
}

// compare fails t when Parse differs from sigs.k8s.io/yaml on data, or
// when the one pass (not the fallback for yaml.v3 syntax errors) does.
func compare(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr, panicked := reference(data)
	if panicked {
		t.Skip("sigs.k8s.io/yaml panics on this input")
	}
	got, err := parse(data)
	var ne *nodeError
	var ke *keyError
	if err != nil && wantErr == nil && (errors.As(err, &ne) || errors.As(err, &ke)) {
		// yaml.v3 refused trailing text v2 never reads, or built a
		// collection key v2 does not parse: Parse falls back.
		got, err = Parse(data)
		if err != nil || got.NodeErr == nil || got.Root != nil {
			t.Fatalf("fallback on %q: %v", data, err)
		}
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error decision differs on %q:\n yaml11: %v\n sigs.k8s.io/yaml: %v", data, err, wantErr)
	}
	if err != nil || got.ambiguous {
		return
	}
	if !bytes.Equal(got.JSON, want) {
		t.Fatalf("JSON differs on %q:\n yaml11:           %s\n sigs.k8s.io/yaml: %s", data, got.JSON, want)
	}
	checkGeneric(t, data, got)
}

// checkGeneric fails t when Result.Generic offers a value that is not what
// encoding/json's Decoder with UseNumber reads from the JSON.
func checkGeneric(t *testing.T, data []byte, r *Result) {
	t.Helper()
	g, ok := r.Generic()
	if !ok {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(r.JSON))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("Generic offered a value for JSON encoding/json refuses (%v) on %q", err, data)
	}
	if !reflect.DeepEqual(g, want) {
		t.Fatalf("Generic differs on %q:\n Generic:       %#v\n encoding/json: %#v", data, g, want)
	}
}

// seedFiles are the parity corpora of the repository: manifests, examples,
// realworld files and the fixtures of every rules package.
var seedDirs = []string{"../../test", "../../examples", "../../rules", "../../cmd/netguard/testdata", "../../e2e/testdata", "../../internal/manifest"}

// seeds returns the corpus: every YAML/JSON file, each of its documents and
// every string value of their `data` (config.conf, net-conf.json, ...), the
// generated kube-proxy parity corpus (testdata/kubeproxy-corpus.jsonl) and
// hostile cases.
func seeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, dir := range seedDirs {
		_ = filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return nil
			}
			switch filepath.Ext(p) {
			case ".yaml", ".yml", ".json", ".conf", ".conflist":
			default:
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 1<<20 {
				return nil
			}
			out = append(out, b)
			for _, doc := range bytes.Split(b, []byte("\n---")) {
				out = append(out, doc)
				var obj struct {
					Data map[string]string `json:"data"`
				}
				if sigsyaml.Unmarshal(doc, &obj) == nil {
					for _, v := range obj.Data {
						out = append(out, []byte(v))
					}
				}
			}
			return nil
		})
	}
	if f, err := os.Open("testdata/kubeproxy-corpus.jsonl"); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var s string
			if json.Unmarshal(sc.Bytes(), &s) == nil {
				out = append(out, []byte(s))
			}
		}
		f.Close()
	}
	for _, h := range hostile {
		out = append(out, []byte(h))
	}
	if len(out) < 100 {
		tb.Fatalf("only %d seeds: corpora not found", len(out))
	}
	return out
}

// hostile are inputs aimed at the differences between go-yaml v2 and the
// v3 node tree.
var hostile = []string{
	"", "\n", "~", "null", "---", "--- \n...\n", "# only a comment\n",
	"a: yes\nb: no\nc: on\nd: off\ne: y\nf: N\ng: True\n",
	"a: 010\nb: 0o10\nc: 0x1F\nd: 0b101\ne: -0b101\nf: 1_000\ng: +12\nh: 08\n",
	"a: 9223372036854775807\nb: 9223372036854775808\nc: 18446744073709551615\nd: 18446744073709551616\ne: -9223372036854775809\n",
	"a: 1.5\nb: .5\nc: 1e3\nd: 1e400\ne: -0.0\nf: 1e-7\ng: 1e21\nh: 123456789012345678901234\ni: .inf\n",
	"a: .nan\n", "a: -.Inf\n", "[.inf]", "{.nan: 1}", "{.inf: 1, -.inf: 2}",
	"a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\nc: 2001-12-14 21:59:43.10\n",
	"a: !!str 123\nb: !!int \"12\"\nc: !!float 1\nd: !!bool yes\ne: !!null ~\nf: !!timestamp 2001-01-01\n",
	"a: !!int abc\n", "a: !!float 18446744073709551615\n", "a: !!null x\n", "a: !!binary aGVsbG8=\n", "a: !!binary '!!'\n",
	"a: ! 123\nb: ! \"<<\"\nc: !foo 12\nd: !<!> yes\ne: &x ! 5\nf: *x\n",
	"a: !!binary /w==\n",
	"1: a\n2.5: b\ntrue: c\n0.1: d\n1e3: e\n",
	"~: a\n", "? \n: a\n", "18446744073709551615: x\n", "[1]: x\n", "{a: 1}: x\n", "{}:", "[]: 1", "- {}: x\n", "? [a]\n: b\n",
	"1: a\n\"1\": b\n",
	"a: 1\na: 2\n", "a: {x: 1}\na: {x: .nan}\n", "a: {~: 1}\na: 2\n",
	"b: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "c:\n  x: 3\n  <<: {x: 1, z: 2}\n",
	"c:\n  <<: [{a: 1}, {a: 2, b: 2}]\n", "c:\n  <<: 1\n", "c:\n  <<: [1]\n", "a: &a [1]\nc:\n  <<: *a\n",
	"c: {!!merge '<<': {a: 1}}\n", "c: {'<<': {a: 1}}\n", "c: {<<: {a: 1}, a: 2}\n",
	"&a [*a]", "a: &a {b: *a}\n", "a: *b\n", "a: &a 1\nb: *a\nc: &a 2\nd: *a\n",
	"a: \"\\x00\\b\\f\\t\\n\\r<>&\\u2028\\u2029\\\\\\\"\"\n", "a: \"\\xff\\u00e9\"\n",
	"a: b: c\n", "a:\tb\n", "key:value\n", "- a\nb: c\n", "{a: 1,}", "[1,]", "a: [1, 2\n",
	"a: 1\n---\nb: [\n", "---\n---\na: 1\n", "\xef\xbb\xbfa: 1\n", "a: |\n  x\n  y\nb: >-\n  z\n",
	"a:\r\n  b: 1\r\n", "a: \"x\u2028y\"\n", "a:\u0085  b\n",
	// The non-specific tag `!`, which yaml.v3 drops: found from the text.
	"[! a, !b c, ! 1]", "{! a: ! 1, ! 2: x}", "a: !\n  12\n", "- ! 1\n- !  2\n", "\xef\xbb\xbf! 1", "a: x\u0085b: ! 1\n", "a: x\u2028b: ! 1\n", "a: é\nb: ! 1\n", "é: ! 1\n", "a: \"é\" \nb: [é, ! 1]\n", "a: &x ! 1\nb: *x\n", "a: ! &x 1\nb: *x\n", "a: !\n  &x 1\n", "a: ! # c\n  1\n", "a: !<!> 1\n", "a: !<tag:yaml.org,2002:str> 1\n", "a: !<tag:yaml.org,2002:int> '1'\n", "%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '1'\n", "%TAG ! tag:yaml.org,2002:\n---\na: !int '1'\nb: ! 1\n", "a: !!merge <<\n", "<<: !!merge {a: 1}\n", "? ! <<\n: {a: 1}\n", "a:\r! 1\n", "a: 1\r\nb: ! 2\r\n", "\t! 1", "a: [ ! , 1]", "a: !!str\nb: !!int\n", "a: !!null\n", "a: !!bool\n", "a: !!float\n", "a: !!binary\n", "a: !!timestamp\n", "a: !!seq [1]\nb: !!map {a: 1}\nc: !!str [1]\n", "a: !!set {a, b}\n", "a: !!omap [a: 1]\n",
}

func TestSeedsAgreeWithSigsYAML(t *testing.T) {
	for _, s := range seeds(t) {
		t.Run("", func(t *testing.T) { compare(t, s) })
	}
}

func FuzzYAMLToJSON(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if strings.Count(string(data), "*") > 64 && len(data) > 4096 {
			t.Skip("alias bombs are covered by the excessive-aliasing test")
		}
		compare(t, data)
	})
}
