package rules

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func TestLineIndexPositionCountsRunesAndLines(t *testing.T) {
	x := NewLineIndex("ab\nçd\r\nef")
	cases := []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {8, 3, 1}, {9, 3, 2}, {100, 3, 3}, {-1, 1, 1},
	}
	for _, c := range cases {
		l, col := x.Position(c.off)
		if l != c.line || col != c.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
	if got := x.LineText(2); got != "çd" {
		t.Errorf("LineText(2) = %q, want çd (CR stripped)", got)
	}
	if x.Lines() != 3 {
		t.Errorf("Lines = %d", x.Lines())
	}
}

func TestSuggestFindsCaseAndTypoVariants(t *testing.T) {
	cands := []string{"max_pool_size", "min_pool_size", "scheduler", "strictARP", "mode"}
	cases := map[string]string{
		"Max_Pool_Size": "max_pool_size",
		"max_pool_sise": "max_pool_size",
		"schedular":     "scheduler",
		"strictArp":     "strictARP",
		"Mode":          "mode",
		"completely":    "",
		"xyz":           "",
	}
	for in, want := range cases {
		if got := Suggest(in, cands); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if DidYouMean("schedular", cands) != `did you mean "scheduler"?` {
		t.Errorf("DidYouMean wording changed: %q", DidYouMean("schedular", cands))
	}
}

func TestParseJSONDocReportsSyntaxErrorPositionAndAdvice(t *testing.T) {
	cases := []struct {
		name, text string
		line, col  int
		advice     string
	}{
		{"comment", "{\n  \"a\": 1, // note\n}", 2, 11, "no comments"},
		{"trailing comma", "{\n  \"a\": 1,\n}", 3, 1, "trailing comma"},
		{"single quotes", "{'a': 1}", 1, 2, "double quotes"},
		{"empty", "  \n", 1, 1, "empty"},
		{"bom", "\ufeff{}", 1, 1, "byte order mark"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseJSONDoc("k", c.text)
			if err == nil {
				t.Fatal("want a syntax error")
			}
			if err.Loc.Line != c.line || err.Loc.Column != c.col {
				t.Errorf("position %d:%d, want %d:%d (%s)", err.Loc.Line, err.Loc.Column, c.line, c.col, err.Msg)
			}
			if !strings.Contains(err.Msg, c.advice) {
				t.Errorf("message %q lacks %q", err.Msg, c.advice)
			}
			if err.Loc.Key != "k" {
				t.Errorf("key %q", err.Loc.Key)
			}
		})
	}
	if _, err := ParseJSONDoc("k", `{"a": [1, 2]}`); err != nil {
		t.Fatalf("valid JSON rejected: %v", err)
	}
}

func TestJSONDocMembersKeepDuplicatesAndPositions(t *testing.T) {
	d, err := ParseJSONDoc("k", "{\n \"a\": 1,\n \"b\": {\"c\": 2, \"c\": 3},\n \"A\": 4\n}")
	if err != nil {
		t.Fatal(err)
	}
	ms := Members(d.Root)
	if len(ms) != 3 || ms[0].Name != "a" || ms[2].Name != "A" {
		t.Fatalf("members %+v", ms)
	}
	b := ms[1]
	if loc := d.Loc("b", b.Value); loc.Line != 3 || loc.Column != 7 {
		t.Errorf("loc of b = %+v", loc)
	}
	if loc := d.LocAt("b", b.KeyOffset); loc.Line != 3 || loc.Column != 2 {
		t.Errorf("loc of key b = %+v", loc)
	}
	if cs := Members(b.Value); len(cs) != 2 || cs[1].Value.Int() != 3 {
		t.Errorf("members must keep duplicates in order, got %+v", cs)
	}
}

func TestJSONTypeAndIntegerFollowEncodingJSON(t *testing.T) {
	r := gjson.Parse(`{"i": 5, "f": 5.0, "e": 1e3, "big": 4294967296, "s": "5", "b": true, "n": null, "a": [], "o": {}}`)
	types := map[string]string{"i": "number", "s": "string", "b": "bool", "n": "null", "a": "array", "o": "object"}
	for k, want := range types {
		if got := JSONType(r.Get(k)); got != want {
			t.Errorf("JSONType(%s) = %s, want %s", k, got, want)
		}
	}
	if !IsInteger(r.Get("i"), 32, false) || IsInteger(r.Get("f"), 64, false) || IsInteger(r.Get("e"), 64, false) {
		t.Error("integers are plain digits only")
	}
	if IsInteger(r.Get("big"), 32, false) || !IsInteger(r.Get("big"), 64, false) {
		t.Error("bit size must be honoured")
	}
	if IsInteger(r.Get("s"), 64, false) {
		t.Error("a string is not an integer")
	}
}

func TestSecretValuesAreFoundAndScrubbed(t *testing.T) {
	doc := gjson.Parse(`{"access_key": "LTAIabcd", "access_secret": "s3cr3tvalue", "Backend": {"Type": "ipsec", "PSK": "psk-value-123"}, "list": [{"AccessKeySecret": "x9y8"}], "name": "cbr0"}`)
	vals := SecretValues(doc)
	if len(vals) != 4 {
		t.Fatalf("secret values %q", vals)
	}
	msg := "key LTAIabcd with s3cr3tvalue and psk-value-123, x9y8 in cbr0"
	got := Scrub(msg, vals)
	for _, v := range vals {
		if strings.Contains(got, v) {
			t.Errorf("%q still contains %q", got, v)
		}
	}
	if !strings.Contains(got, "cbr0") || !strings.Contains(got, Redacted) {
		t.Errorf("scrub changed too much or too little: %q", got)
	}
	for _, k := range []string{"access_key", "AccessKeyID", "PSK", "access-secret", "password"} {
		if !IsSecretKey(k) {
			t.Errorf("%s must be a secret key", k)
		}
	}
	for _, k := range []string{"credential_path", "name", "Network"} {
		if IsSecretKey(k) {
			t.Errorf("%s is not a secret key", k)
		}
	}
}

func TestParseVersionAcceptsComponentVersionShapes(t *testing.T) {
	cases := map[string]Version{
		"1.37": {1, 37, 0}, "v1.37.2": {1, 37, 2}, "v0.15.1.22-aliyun": {0, 15, 1}, "v1.30.1-aliyun.1": {1, 30, 1},
	}
	for in, want := range cases {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "latest", "1", "1.x"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) must fail", bad)
		}
	}
	if !(Version{0, 15, 1}).Less(Version{0, 20, 0}) || (Version{1, 2, 3}).Less(Version{1, 2, 3}) {
		t.Error("Less is wrong")
	}
	c := &ClusterContext{KubernetesVersion: "v1.30.4"}
	if c.KubernetesMinor() != 30 {
		t.Error("minor")
	}
}

func TestDualStackDetection(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name     string
		c        *ClusterContext
		dual, ok bool
	}{
		{"unknown", &ClusterContext{}, false, false},
		{"nil", nil, false, false},
		{"two families", &ClusterContext{ServiceCIDRs: []string{"192.168.0.0/16", "fd00::/112"}}, true, true},
		{"comma form", &ClusterContext{ServiceCIDRs: []string{"192.168.0.0/16,fd00::/112"}}, true, true},
		{"single", &ClusterContext{ServiceCIDRs: []string{"192.168.0.0/16"}}, false, true},
		{"explicit overrides cidrs", &ClusterContext{ServiceCIDRs: []string{"192.168.0.0/16"}, DualStack: &yes}, true, true},
		{"explicit no", &ClusterContext{DualStack: &no}, false, true},
	}
	for _, c := range cases {
		dual, ok := c.c.IsDualStack()
		if dual != c.dual || ok != c.ok {
			t.Errorf("%s: got %v,%v want %v,%v", c.name, dual, ok, c.dual, c.ok)
		}
	}
}

func TestFindingRendersObjectKeyLineAndPath(t *testing.T) {
	f := Finding{Rule: "FL001", Severity: Deny, Kind: "ConfigMap", Object: "kube-system/kube-flannel-cfg",
		Key: "cni-conf.json", Path: "delegate.hairpinMode", Line: 3, Column: 5, Message: "bad.", Hint: "do this."}
	want := `[FL001 deny] ConfigMap kube-system/kube-flannel-cfg, key cni-conf.json, line 3, col 5 (delegate.hairpinMode): bad. Fix: do this.`
	if f.String() != want {
		t.Errorf("got  %s\nwant %s", f.String(), want)
	}
	if f.FieldPath() != "data[cni-conf.json]" {
		t.Error(f.FieldPath())
	}
	s := Finding{Kind: "Service", Path: "spec.ipFamilyPolicy"}
	if s.FieldPath() != "spec.ipFamilyPolicy" {
		t.Error(s.FieldPath())
	}
}

func TestSortFindingsPutsDenyFirstThenByPosition(t *testing.T) {
	fs := []Finding{
		{Rule: "B", Severity: Info, Key: "a"},
		{Rule: "A", Severity: Warn, Key: "a", Line: 2},
		{Rule: "C", Severity: Deny, Key: "b", Line: 9},
		{Rule: "D", Severity: Warn, Key: "a", Line: 1},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule)
	}
	if strings.Join(got, "") != "CDAB" {
		t.Errorf("order %v", got)
	}
}

func BenchmarkSuggest(b *testing.B) {
	cands := []string{"max_pool_size", "min_pool_size", "scheduler", "strictARP", "mode", "vswitches", "security_groups", "ip_stack"}
	for i := 0; i < b.N; i++ {
		Suggest("max_pool_sise", cands)
	}
}

func TestSecretValuesInTextFindsSecretsInBrokenJSON(t *testing.T) {
	text := "{\n  \"access_key\": \"LTAI5tKey\", // comment\n  \"access_secret\": \"abc\\\"def\",\n  \"name\": \"x\",\n"
	got := SecretValuesInText(text)
	if len(got) != 2 || got[0] != "LTAI5tKey" || got[1] != `abc\"def` {
		t.Errorf("got %q", got)
	}
}

func TestLineIndexOffsetInvertsPosition(t *testing.T) {
	text := "ab\nçd\r\nef"
	x := NewLineIndex(text)
	for off := 0; off <= len(text); off++ {
		if off < len(text) && (text[off]&0xC0) == 0x80 {
			continue // inside a multi-byte rune: not a position
		}
		l, c := x.Position(off)
		if got := x.Offset(l, c); got != off {
			t.Errorf("Offset(Position(%d)=%d:%d) = %d", off, l, c, got)
		}
	}
	if x.Offset(0, 5) != 0 || x.Offset(9, 1) != len(text) || x.Offset(1, 99) != 2 {
		t.Error("Offset must clamp to the text and to the end of the line")
	}
	if x.LineStart(2) != 3 || x.LineStart(0) != 0 || x.LineStart(99) != 8 {
		t.Error("LineStart")
	}
}

func TestYAMLLineIndexBreaksAtALoneCR(t *testing.T) {
	x := NewYAMLLineIndex("a: 1\rb: 2\r\nc: 3")
	if x.Lines() != 3 || x.LineText(1) != "a: 1" || x.LineText(2) != "b: 2" || x.LineText(3) != "c: 3" {
		t.Errorf("lines %d: %q %q %q", x.Lines(), x.LineText(1), x.LineText(2), x.LineText(3))
	}
	if NewLineIndex("a: 1\rb: 2").Lines() != 1 {
		t.Error("the plain index counts only \\n")
	}
}
