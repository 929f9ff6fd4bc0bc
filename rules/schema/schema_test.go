package schema

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func mustParse(t *testing.T, text string) *rules.JSONDoc {
	t.Helper()
	d, err := rules.ParseJSONDoc("k", text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFoldMatchesEncodingJSON: struct decoding assigns every
// case-insensitive match in document order.
func TestFoldMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{"Network":"a","network":"b"}`,
		`{"network":"b","Network":"a"}`,
		`{"NETWORK":"c","Network":"a","network":"b"}`,
		`{"Network":"a"}`,
		`{"other":"x"}`,
	}
	for _, d := range docs {
		var s struct{ Network string }
		if err := json.Unmarshal([]byte(d), &s); err != nil {
			t.Fatal(err)
		}
		m, ok := New(mustParse(t, d)).Fold(gjson.Parse(d), "Network")
		got := ""
		if ok {
			got = m.Value.Str
		}
		if got != s.Network {
			t.Errorf("%s: Fold %q, encoding/json %q", d, got, s.Network)
		}
	}
}

// TestSortedFoldWinnerMatchesBridge: flannel re-marshals the delegate map
// (sorted keys) and bridge decodes it into a struct.
func TestSortedFoldWinnerMatchesBridge(t *testing.T) {
	for _, d := range []map[string]any{
		{"HairpinMode": true, "hairpinMode": false},
		{"hairpinmode": true, "hairpinMode": false},
		{"HAIRPINMODE": false, "hairpinmode": true},
		{"ipMasq": true, "ipmasq": false},
		{"IPMasq": false, "ipMasq": true},
	} {
		b, _ := json.Marshal(d)
		var s struct {
			HairpinMode bool `json:"hairpinMode"`
			IPMasq      bool `json:"ipMasq"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for field, want := range map[string]bool{"hairpinMode": s.HairpinMode, "ipMasq": s.IPMasq} {
			w, ok := SortedFoldWinner(keys, field)
			if !ok {
				continue
			}
			if d[w].(bool) != want {
				t.Errorf("%s: winner %s=%v, bridge sees %v", b, w, d[w], want)
			}
		}
	}
}

// TestGetKeepsLastExactMatch: maps and case-sensitive decoders keep the
// last of duplicate keys and ignore case variants.
func TestGetKeepsLastExactMatch(t *testing.T) {
	d := New(mustParse(t, `{"a": 1, "A": 2, "a": 3}`))
	if m, ok := d.Get(d.Root, "a"); !ok || m.Value.Int() != 3 {
		t.Errorf("Get(a) = %+v, %v", m, ok)
	}
	if _, ok := d.Get(d.Root, "b"); ok {
		t.Error("Get(b) found a member")
	}
	if got := len(d.AllFold(d.Root, "a")); got != 3 {
		t.Errorf("AllFold(a) = %d members, want 3", got)
	}
	if dups := d.FoldDuplicates(d.Root); len(dups) != 2 || dups[0].Value.Int() != 1 || dups[1].Value.Int() != 2 ||
		dups[0].Winner.Value.Int() != 3 || dups[1].Winner.Value.Int() != 3 {
		t.Errorf("FoldDuplicates = %+v", dups)
	}
	if m := d.ExactMap(d.Root); len(m) != 2 || m["a"].Value.Int() != 3 || m["A"].Value.Int() != 2 {
		t.Errorf("ExactMap = %+v", m)
	}
}

// TestAcceptsMatchesEncodingJSON: Type.Accepts agrees with encoding/json on
// whether a value decodes into the Go type.
func TestAcceptsMatchesEncodingJSON(t *testing.T) {
	targets := map[*Type]func() any{
		TString:                             func() any { return new(string) },
		TInt:                                func() any { return new(int64) },
		TUint:                               func() any { return new(uint64) },
		TFloat64:                            func() any { return new(float64) },
		TFloat32:                            func() any { return new(float32) },
		TBool:                               func() any { return new(bool) },
		ArrayOf("[]string", TString):        func() any { return new([]any) },
		MapOf("map[string]string", TString): func() any { return new(map[string]any) },
	}
	values := []string{`"x"`, `1`, `-1`, `1.5`, `1e3`, `1e400`, `3.5e38`, `18446744073709551615`, `true`, `null`, `[]`, `{}`}
	for typ, mk := range targets {
		for _, raw := range values {
			want := json.Unmarshal([]byte(raw), mk()) == nil
			if got := typ.Accepts(gjson.Parse(raw)); got != want {
				t.Errorf("%s.Accepts(%s) = %v, encoding/json %v", typ.GoType, raw, got, want)
			}
		}
	}
}

// TestWalkerReportsPathsAndSecrets: the walker reports every refused value
// and every unknown key with its path, and marks values below secret keys.
func TestWalkerReportsPathsAndSecrets(t *testing.T) {
	typ := StructOf("Config", map[string]*Type{
		"size":  TInt,
		"tags":  MapOf("map[string]string", TString),
		"items": ArrayOf("[]Item", StructOf("Item", map[string]*Type{"dst": TString})),
	})
	d := New(mustParse(t, `{"size": "5", "tags": {"a.b": 1, "access_key": 2}, "items": [{"dst": 1, "Dst": "x"}], "Size": 1}`))
	var got []string
	for _, match := range []Match{Exact, Fold} {
		got = got[:0]
		w := Walker{Doc: d, Match: match,
			Mismatch: func(t *Type, v gjson.Result, p *field.Path, secret bool) {
				s := "mismatch " + rules.PathString(p) + " " + t.GoType
				if secret {
					s += " secret"
				}
				got = append(got, s)
			},
			Unknown: func(t *Type, m rules.Member, p *field.Path) { got = append(got, "unknown "+rules.PathString(p)) },
		}
		w.Check(typ, d.Root, nil, false)
		want := []string{"mismatch size int", `mismatch tags["a.b"] string`, "mismatch tags.access_key string secret", "mismatch items[0].dst string", "unknown items[0].Dst", "unknown Size"}
		if match == Fold {
			want = []string{"mismatch size int", `mismatch tags["a.b"] string`, "mismatch tags.access_key string secret", "mismatch items[0].dst string"}
		}
		if len(got) != len(want) {
			t.Fatalf("match %d: got %q, want %q", match, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("match %d: got %q, want %q", match, got[i], want[i])
			}
		}
	}
}

// TestTrailBuildsPathsOnlyOnDemand: the trail renders the same paths as
// building them step by step with rules.Child and Index.
func TestTrailBuildsPathsOnlyOnDemand(t *testing.T) {
	tr := NewTrail(rules.Root("plugins").Index(0))
	tr.Key("delegate")
	tr.Key("a.b")
	tr.Index(2)
	if got, want := rules.PathString(tr.Path()), `plugins[0].delegate["a.b"][2]`; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
	tr.Pop()
	tr.Pop()
	if got, want := rules.PathString(tr.Path()), "plugins[0].delegate"; got != want {
		t.Errorf("after Pop, Path() = %q, want %q", got, want)
	}
	if got := rules.PathString(NewTrail(nil).Path()); got != "" {
		t.Errorf("root trail = %q", got)
	}
}
