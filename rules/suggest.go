package rules

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate closest to name, for "did you mean" hints, or
// "" when nothing is close. A case-insensitive or separator-insensitive match
// always wins (Max_Pool_Size → max_pool_size, strictArp → strictARP);
// otherwise the edit distance must be small relative to the name's length.
func Suggest(name string, candidates []string) string {
	n := normalizeName(name)
	for _, c := range candidates {
		if c != name && normalizeName(c) == n {
			return c
		}
	}
	limit := 2
	if len(n) >= 10 {
		limit = 3
	}
	if len(n) <= 3 {
		limit = 1
	}
	// The distance is at least the difference in length: skip candidates
	// that cannot be within the limit (a 1 MiB key would otherwise cost
	// seconds and hundreds of MiB per candidate).
	runes := utf8.RuneCountInString(n)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if c == name {
			continue
		}
		nc := normalizeName(c)
		if diff := runes - utf8.RuneCountInString(nc); diff > limit || -diff > limit {
			continue
		}
		d := levenshtein(n, nc)
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// normalizeName lower-cases s and drops '_', '-' and ' ' without allocating
// a replacer per call (Suggest runs once per unknown key, sometimes thousands
// of times per object).
func normalizeName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c >= 0x80:
			return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
		}
		b = append(b, c)
	}
	return string(b)
}

// DidYouMean renders a suggestion as a sentence fragment, or "".
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return "did you mean \"" + s + "\"?"
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
