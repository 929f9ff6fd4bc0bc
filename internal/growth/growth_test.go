package growth

import (
	"strings"
	"testing"
)

// A quadratic cost must fail every attempt; a linear one must pass. The
// quadratic work is counted in loop iterations (not time), so its ratio is
// ×64 whatever the machine does.
func TestMeasureSeparatesLinearFromQuadratic(t *testing.T) {
	build := func(n int) string { return strings.Repeat("x", n) }
	sink := 0
	linear := func(s string) {
		for i := 0; i < len(s)*2000; i++ {
			sink += i & 1
		}
	}
	quadratic := func(s string) {
		for i := 0; i < len(s); i++ {
			for j := 0; j < len(s); j++ {
				sink += (i ^ j) & 1
			}
		}
	}
	if msg := measure(500, 24, build, linear, attempts); msg != "" {
		t.Errorf("linear work judged super-linear: %s", msg)
	}
	if msg := measure(500, 24, build, quadratic, attempts); msg == "" {
		t.Error("quadratic work passed the linear-growth check")
	}
	_ = sink
}
