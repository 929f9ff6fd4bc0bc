package webhook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/netguard/netguard/internal/manifest"
)

// configMapSeeds are the ConfigMaps of examples/ and test/realworld/ (the
// upstream manifests) as JSON, the shape the API server sends.
func configMapSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, dir := range []string{"examples", filepath.Join("test", "realworld")} {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f, err := manifest.Parse(path, data)
			if err != nil {
				return nil // a deliberately broken example
			}
			for _, o := range f.Objects {
				if o.Kind == "ConfigMap" {
					out = append(out, o.JSON)
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if len(out) < 20 {
		tb.Fatalf("found %d ConfigMaps in examples/ and test/realworld/, want at least 20", len(out))
	}
	return out
}

// checkReadConfigMap fails when readConfigMap claims an object and reads it
// differently from json.Unmarshal (or claims one json.Unmarshal refuses).
func checkReadConfigMap(t *testing.T, raw []byte) (claimed bool) {
	t.Helper()
	got, ok := readConfigMap(raw)
	if !ok {
		return false
	}
	var want corev1.ConfigMap
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("readConfigMap read %q, json.Unmarshal refuses it: %v", raw, err)
	}
	if !reflect.DeepEqual(got, &want) {
		t.Fatalf("readConfigMap(%q):\n got %#v\nwant %#v", raw, got, &want)
	}
	return true
}

// TestReadConfigMapReadsWhatUnmarshalReads: every ConfigMap of the
// examples and the upstream manifests is read by the fast reader, exactly
// as json.Unmarshal reads it.
func TestReadConfigMapReadsWhatUnmarshalReads(t *testing.T) {
	for _, raw := range configMapSeeds(t) {
		if !checkReadConfigMap(t, raw) {
			t.Errorf("readConfigMap refused a ConfigMap of the API server's shape:\n%s", raw)
		}
	}
}

// TestReadConfigMapLeavesTheUnusualToUnmarshal: what encoding/json reads
// in its own way (case folding, repeated keys, null, \u escapes, invalid
// UTF-8, wrong types, unknown keys, binaryData) is refused, so that
// json.Unmarshal decides (and reports the error, if any).
func TestReadConfigMapLeavesTheUnusualToUnmarshal(t *testing.T) {
	for name, raw := range map[string]string{
		"case-folded key":        `{"Data":{"a":"b"}}`,
		"repeated data":          `{"data":{"a":"b"},"data":{"c":"d"}}`,
		"null data":              `{"data":null}`,
		"null value":             `{"data":{"a":null}}`,
		"number value":           `{"data":{"a":1}}`,
		"u escape in value":      `{"data":{"a":"\ud800"}}`,
		"u escape in key":        `{"data":{"\u0061":"b"}}`,
		"escaped field name":     `{"d\u0061ta":{"a":"b"}}`,
		"invalid UTF-8":          "{\"data\":{\"a\":\"\xff\"}}",
		"unknown key":            `{"status":{}}`,
		"binaryData":             `{"binaryData":{"a":"YQ=="}}`,
		"immutable string":       `{"immutable":"true"}`,
		"metadata of wrong type": `{"metadata":{"name":5}}`,
		"metadata null":          `{"metadata":null}`,
		"not an object":          `["data"]`,
	} {
		if _, ok := readConfigMap([]byte(raw)); ok {
			t.Errorf("%s: readConfigMap claimed %s", name, raw)
		}
	}
	for name, raw := range map[string]string{
		"empty":                   `{}`,
		"empty data":              `{"data":{}}`,
		"later key wins":          `{"data":{"a":"1","a":"2"}}`,
		"two-character escapes":   `{"data":{"a\"\\\/":"x\n\t\r\b\f\"\\\/y"}}`,
		"immutable":               `{"immutable":false,"metadata":{"name":"x","namespace":"kube-system","labels":{"a":"b"}}}`,
		"kind and apiVersion":     `{"kind":"ConfigMap","apiVersion":"v1"}`,
		"non-ASCII":               `{"data":{"é":"ü 中"}}`,
		"whitespace between keys": "{ \"data\" : { \"a\" : \"b\" } }",
	} {
		if !checkReadConfigMap(t, []byte(raw)) {
			t.Errorf("%s: readConfigMap refused %s", name, raw)
		}
	}
}

// FuzzReadConfigMap: on any valid JSON, readConfigMap either refuses or
// gives exactly json.Unmarshal's ConfigMap.
func FuzzReadConfigMap(f *testing.F) {
	for _, raw := range configMapSeeds(f) {
		f.Add(raw)
	}
	for _, s := range []string{
		`{"data":{"a":"b"},"Data":{"c":"d"}}`, `{"data":{"a":"\u00e9"}}`, `{"immutable":null}`,
		`{"metadata":{"name":"x","creationTimestamp":"2024-01-01T00:00:00Z"}}`, `{"data":{"k":"v\\u0041"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // readConfigMap is only given valid JSON (see its doc)
		}
		checkReadConfigMap(t, raw)
	})
}

// BenchmarkDecodeConfigMap: the fast reader against json.Unmarshal on the
// example ConfigMaps.
func BenchmarkDecodeConfigMap(b *testing.B) {
	seeds := configMapSeeds(b)
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var cm corev1.ConfigMap
			if err := json.Unmarshal(seeds[i%len(seeds)], &cm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("readConfigMap", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, ok := readConfigMap(seeds[i%len(seeds)]); !ok {
				b.Fatal("refused")
			}
		}
	})
}
