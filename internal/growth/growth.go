// Package growth checks in tests that a cost grows linearly with input size
// instead of bounding wall-clock time, which a busy machine can exceed.
package growth

import (
	"testing"
	"time"
)

// Linear checks that the cost of run grows linearly with the input size, by
// comparing the fastest of a few runs at size n with the fastest at size
// 8n. A busy machine slows both sizes alike, so the ratio stays meaningful
// where an absolute time limit would fail spuriously: linear work gives a
// ratio near 8, quadratic work near 64. The bound (maxRatio, e.g. 24) sits
// between the two.
func Linear(t *testing.T, n int, maxRatio float64, build func(n int) string, run func(text string)) {
	t.Helper()
	small, large := build(n), build(8*n)
	ts, tl := fastest(small, run), fastest(large, run)
	if ts <= 0 {
		ts = time.Nanosecond
	}
	if ratio := float64(tl) / float64(ts); ratio > maxRatio {
		t.Errorf("cost grows faster than linear: %v for %d bytes, %v for %d bytes (×%.1f for ×8 input, bound ×%.0f)",
			ts, len(small), tl, len(large), ratio, maxRatio)
	}
}

// fastest returns the shortest of three runs: the run least disturbed by
// other work on the machine.
func fastest(text string, run func(string)) time.Duration {
	best := time.Duration(0)
	for i := 0; i < 3; i++ {
		start := time.Now()
		run(text)
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
	}
	return best
}
