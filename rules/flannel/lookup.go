package flannel

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
)

// memo caches the member lists of parsed objects for one judgement (objects
// are looked up many times; each rules.Members call rescans the object). A
// nil memo does not cache.
type memo map[memoKey][]rules.Member

type memoKey struct {
	p *byte
	n int
}

func (c memo) members(v gjson.Result) []rules.Member {
	if !v.IsObject() {
		return nil
	}
	if c == nil || v.Raw == "" {
		return rules.Members(v)
	}
	k := memoKey{unsafe.StringData(v.Raw), len(v.Raw)}
	if ms, ok := c[k]; ok {
		return ms
	}
	ms := rules.Members(v)
	c[k] = ms
	return ms
}

// lastFold returns the member that encoding/json would decode into a struct
// field named name: every case-insensitive match is assigned in document
// order, so the last one wins (an exact match does not take precedence).
func (c memo) lastFold(obj gjson.Result, name string) (rules.Member, bool) {
	var found rules.Member
	ok := false
	for _, m := range c.members(obj) {
		if strings.EqualFold(m.Name, name) {
			found, ok = m, true
		}
	}
	return found, ok
}

func lastFold(obj gjson.Result, name string) (rules.Member, bool) {
	return memo(nil).lastFold(obj, name)
}

// get returns the member with the exact name (map decoding: last wins).
func (c memo) get(obj gjson.Result, name string) (rules.Member, bool) {
	var found rules.Member
	ok := false
	for _, m := range c.members(obj) {
		if m.Name == name {
			found, ok = m, true
		}
	}
	return found, ok
}

// allFold returns every member matching name case-insensitively.
func (c memo) allFold(obj gjson.Result, name string) []rules.Member {
	var out []rules.Member
	for _, m := range c.members(obj) {
		if strings.EqualFold(m.Name, name) {
			out = append(out, m)
		}
	}
	return out
}

// exactMap is the last value of each key, the way encoding/json decodes an
// object into map[string]any.
func (c memo) exactMap(obj gjson.Result) map[string]rules.Member {
	out := map[string]rules.Member{}
	for _, m := range c.members(obj) {
		out[m.Name] = m
	}
	return out
}

func exactMap(obj gjson.Result) map[string]rules.Member { return memo(nil).exactMap(obj) }

// sortedFoldWinner returns, among the keys of a map (as produced by
// json.Marshal: sorted by bytes) that match name case-insensitively, the one
// a struct decoder assigns last: the greatest in byte order.
func sortedFoldWinner(keys []string, name string) (string, bool) {
	var m []string
	for _, k := range keys {
		if strings.EqualFold(k, name) {
			m = append(m, k)
		}
	}
	if len(m) == 0 {
		return "", false
	}
	sort.Strings(m)
	return m[len(m)-1], true
}

// foldDuplicates reports keys that occur more than once case-insensitively
// in one object (struct decoding): the earlier members are ignored.
func (c memo) foldDuplicates(obj gjson.Result) []rules.Member {
	groups := map[string][]rules.Member{}
	var order []string
	for _, m := range c.members(obj) {
		k := strings.ToLower(m.Name)
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	var out []rules.Member
	for _, k := range order {
		g := groups[k]
		if len(g) > 1 {
			out = append(out, g[:len(g)-1]...)
		}
	}
	return out
}

// describe renders a value for a message, never showing a secret.
func describe(key string, v gjson.Result) string {
	if rules.IsSecretKey(key) {
		return rules.Redacted
	}
	return rules.Compact(v)
}

// goType names the JSON type in encoding/json's error wording.
func goType(v gjson.Result) string {
	switch rules.JSONType(v) {
	case "bool":
		return "bool"
	case "null":
		return "null"
	}
	return rules.JSONType(v)
}

// isBoolOrNull: encoding/json leaves a bool field alone on null.
func isBoolOrNull(v gjson.Result) bool {
	return v.Type == gjson.True || v.Type == gjson.False || v.Type == gjson.Null
}

// integralNumber reports whether v is a JSON number whose value is an
// integer that fits in int64 after a float64 round trip (what the bridge
// plugin sees after flannel re-marshals the delegate map).
func integralNumber(v gjson.Result) (int64, bool) {
	if v.Type != gjson.Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
		return 0, false
	}
	return int64(f), true
}

// flannelRaw is what flannel's custom UnmarshalJSON for IP and CIDR types
// sees: the raw token with every leading and trailing quote trimmed.
func flannelRaw(v gjson.Result) string { return strings.Trim(v.Raw, `"`) }

// leadingZeros reports an IPv4 address with an octet like "010".
func leadingZeros(s string) bool {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) > 1 && p[0] == '0' {
			return true
		}
	}
	return false
}

// didYouMean is rules.DidYouMean, plus a prefix match for abbreviated keys
// ("hairpin" → "hairpinMode", "Direct" → "DirectRouting").
func didYouMean(name string, candidates []string) string {
	if s := rules.DidYouMean(name, candidates); s != "" {
		return s
	}
	n := strings.ToLower(name)
	if len(n) < 4 {
		return ""
	}
	var hit string
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if strings.HasPrefix(lc, n) || strings.HasPrefix(n, lc) {
			if hit != "" {
				return "" // ambiguous
			}
			hit = c
		}
	}
	if hit == "" {
		return ""
	}
	return "did you mean \"" + hit + "\"?"
}

// pasteAdvice explains characters that copying from web pages or documents
// brings into embedded JSON (the ACK FAQ snippets carry non-breaking spaces).
func pasteAdvice(text string) string {
	switch {
	case strings.ContainsRune(text, '\u00a0'):
		return " — the text contains non-breaking spaces (U+00A0, typical when copying from a web page); JSON allows only ASCII spaces, tabs and newlines between tokens"
	case strings.ContainsAny(text, "\u201c\u201d\u2018\u2019"):
		return " — the text contains typographic quotes (“ ” ‘ ’); JSON strings need ASCII double quotes"
	case strings.ContainsAny(text, "\u200b\u2028\u2029\u3000"):
		return " — the text contains invisible Unicode spacing (zero-width or ideographic spaces); JSON allows only ASCII whitespace"
	}
	return ""
}

func pasteHint(text string) string {
	if pasteAdvice(text) == "" {
		return ""
	}
	return "; retype the pasted whitespace and quotes as plain ASCII (e.g. `sed -i 's/\\xc2\\xa0/ /g'` for non-breaking spaces)"
}
