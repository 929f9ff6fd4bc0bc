package webhook

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The reference implementations sanitize and limitRunes had before their
// fast paths; the fast paths must not change a single output.
func sanitizeRef(s string) string {
	s = strings.ToValidUTF8(s, " ")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

func limitRunesRef(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func TestSanitizeAndLimitRunesMatchReference(t *testing.T) {
	pieces := []string{"a", "Z", " ", "  ", "\t", "\n", "\r\n", "\x00", "\x7f", "\u0085", "\u00a0", "\u2028", "é", "世界", "🙂",
		"\uFFFD", "\xff", "\xc3", "\xe4\xb8", "KP090", ": ", "…", "\u200b", "x"}
	rng := rand.New(rand.NewSource(1))
	cases := []string{"", " ", "plain text", "ends with space ", " starts", "two  spaces", "tab\there", "bad \xff byte", "\uFFFD"}
	for range 20000 {
		var b strings.Builder
		for range rng.Intn(40) {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if got, want := sanitize(c), sanitizeRef(c); got != want {
			t.Fatalf("sanitize(%q) = %q, want %q", c, got, want)
		}
		for _, n := range []int{1, 2, 3, 5, 10, 40} {
			if got, want := limitRunes(c, n), limitRunesRef(c, n); got != want {
				t.Fatalf("limitRunes(%q, %d) = %q, want %q", c, n, got, want)
			}
		}
	}
}
