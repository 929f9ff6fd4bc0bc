package rules

import (
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/netguard/netguard/internal/growth"
)

// Position must equal the naive rune count for any text and offset,
// including invalid UTF-8 and offsets inside a multi-byte rune.
func TestLineIndexPositionMatchesNaiveCount(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "\n", "é", "日本", "\xff", "\xe6\x97", "\r\n", "𝄞", "\x80", " "}
	for round := 0; round < 40; round++ {
		var b strings.Builder
		n := rng.Intn(20000)
		for b.Len() < n {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		text := b.String()
		x := NewLineIndex(text)
		for q := 0; q < 300; q++ {
			off := rng.Intn(len(text) + 2)
			line, col := x.Position(off)
			o := min(off, len(text))
			start := strings.LastIndexByte(text[:o], '\n') + 1
			wantLine := strings.Count(text[:o], "\n") + 1
			wantCol := utf8.RuneCountInString(text[start:o]) + 1
			if line != wantLine || col != wantCol {
				t.Fatalf("round %d: Position(%d) = %d:%d, want %d:%d", round, off, line, col, wantLine, wantCol)
			}
		}
	}
}

// A position on a 1 MiB one-line document is O(1) amortised: 100,000
// lookups (one per array element) used to take O(n²), tens of seconds.
// The check compares growth (×8 input), not wall-clock time, so a busy
// machine cannot fail it.
func TestLineIndexLongLineIsNotQuadratic(t *testing.T) {
	build := func(n int) string { return "[" + strings.Repeat(`"sg-é",`, n) + "]" }
	lookups := func(text string) {
		x := NewLineIndex(text)
		for off := 0; off < len(text); off += 7 {
			x.Position(off)
		}
	}
	lookups(build(150000))
	growth.Linear(t, 150000/8, 24, build, lookups)
}

// Suggest on a 1 MiB unknown key must not run the edit distance against
// every candidate (it took seconds and ~200 MiB per object).
func TestSuggestHugeNameIsCheap(t *testing.T) {
	name := strings.Repeat("k", 1<<20)
	cands := []string{"max_pool_size", "min_pool_size", "vswitches", "security_group", "kkkkk"}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if s := Suggest(name, cands); s != "" {
		t.Errorf("suggested %q", s)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d MiB for a 1 MiB name", alloc>>20)
	}
	// Near misses still get their suggestion.
	for name, want := range map[string]string{"max_pool_sise": "max_pool_size", "vswitch": "vswitches", "MaxPoolSize": "max_pool_size", "security_groupss": "security_group"} {
		if got := Suggest(name, cands); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", name, got, want)
		}
	}
}
