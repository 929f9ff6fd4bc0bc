package flannel

import (
	"math"
	"strconv"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// describe renders a value for a message, never showing a secret.
func describe(key string, v gjson.Result) string {
	if rules.IsSecretKey(key) {
		return rules.Redacted
	}
	return rules.Compact(v)
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

// suggest is Report.Suggest: for a text only (a hint or message), so it
// is not searched when the report keeps no texts.
func (v *validator) suggest(name string, candidates []string) string {
	return v.r.Suggest(name, candidates)
}

// didYouMean is the package's didYouMean for a text only (see suggest).
func (v *validator) didYouMean(name string, candidates []string) string {
	if !v.r.Texts() {
		return ""
	}
	return didYouMean(name, candidates)
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

// top is the path of a top-level member; an absent member (empty name) has
// the document root's path.
func top(name string) *field.Path {
	if name == "" {
		return nil
	}
	return rules.Root(name)
}
