// Package growth checks in tests that a cost grows linearly with input size
// instead of bounding wall-clock time, which a busy machine can exceed.
package growth

import (
	"fmt"
	"testing"
	"time"
)

// attempts is how many independent measurements Linear makes before it
// reports a failure. Noise from other work on the machine (a compile burst
// during one of the large runs) does not repeat reliably; super-linear cost
// does, so a real regression still fails every attempt.
const attempts = 3

// Linear checks that the cost of run grows linearly with the input size, by
// comparing the fastest of a few runs at size n with the fastest at size
// 8n. A busy machine slows both sizes alike, so the ratio stays meaningful
// where an absolute time limit would fail spuriously: linear work gives a
// ratio near 8, quadratic work near 64. The bound (maxRatio, e.g. 24) sits
// between the two.
func Linear(t *testing.T, n int, maxRatio float64, build func(n int) string, run func(text string)) {
	t.Helper()
	if msg := measure(n, maxRatio, build, run, attempts); msg != "" {
		t.Error(msg)
	}
}

// measure returns "" when one of the attempts stays within maxRatio, or the
// description of the last attempt otherwise.
func measure(n int, maxRatio float64, build func(n int) string, run func(text string), tries int) string {
	small, large := build(n), build(8*n)
	var msg string
	for i := 0; i < tries; i++ {
		ts, tl := fastestPair(small, large, run)
		if ts <= 0 {
			ts = time.Nanosecond
		}
		ratio := float64(tl) / float64(ts)
		if ratio <= maxRatio {
			return ""
		}
		msg = fmt.Sprintf("cost grows faster than linear: %v for %d bytes, %v for %d bytes (×%.1f for ×8 input, bound ×%.0f, worst of %d attempts)",
			ts, len(small), tl, len(large), ratio, maxRatio, tries)
	}
	return msg
}

// fastestPair returns the shortest of five runs of each size, interleaved so
// that both sizes see the same background load: the runs least disturbed by
// other work on the machine.
func fastestPair(small, large string, run func(string)) (ts, tl time.Duration) {
	for i := 0; i < 5; i++ {
		if d := timed(small, run); i == 0 || d < ts {
			ts = d
		}
		if d := timed(large, run); i == 0 || d < tl {
			tl = d
		}
	}
	return ts, tl
}

func timed(text string, run func(string)) time.Duration {
	start := time.Now()
	run(text)
	return time.Since(start)
}
