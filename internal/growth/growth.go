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
func Linear(t testing.TB, n int, maxRatio float64, build func(n int) string, run func(text string)) {
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

// HangBound is how long NoHang waits before it calls a run a hang. It is
// minutes on purpose: the slowest hostile input needs about 2 s of CPU on
// its own, and the test machine (2 cores shared with several compilers and
// test binaries) can stretch that tenfold, while a true hang (an endless
// loop, a deadlock) never returns, so only a generous bound catches every
// hang without ever failing a healthy run on a busy machine. How fast
// netguard is belongs to the benchmarks; how its cost grows, to Linear.
const HangBound = 5 * time.Minute

// NoHang runs f and fails the test when f has not returned within
// HangBound (f keeps running in the background then: a hung goroutine
// cannot be stopped). It also bounds fuzz inputs, for which go test has no
// per-input limit of its own.
func NoHang(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	timer := time.NewTimer(HangBound)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("%s: no answer within %v: a hang", what, HangBound)
	}
}
