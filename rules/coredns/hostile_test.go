package coredns

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	"github.com/netguard/netguard/rules"
)

// TestHostileCorefilesCostGrowsLinearly: Corefiles a machine (or an
// attacker) could produce — thousands of server blocks, of directives, of
// inline hosts entries, of duplicate zones, deep nesting — are judged in
// time linear in their size, and each rule's findings are bounded.
func TestHostileCorefilesCostGrowsLinearly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(n int) string
	}{
		{"server blocks", func(n int) string {
			var b strings.Builder
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "z%d.example:53 {\n    forward . 10.0.0.1:99999\n    cache 30s\n}\n", i)
			}
			return b.String()
		}},
		{"duplicate zones", func(n int) string {
			return strings.Repeat(".:53 {\n    whoami\n}\n", n)
		}},
		{"inline hosts entries", func(n int) string {
			return block("hosts {", strings.Repeat("  10.0.0.300 a.example\n", n)+"  fallthrough", "}")
		}},
		{"unknown directives", func(n int) string {
			return block(strings.Repeat("chache 30\n    ", n))
		}},
		{"nested braces", func(n int) string {
			return block("forward . 10.0.0.1 " + strings.Repeat("{ ", n) + strings.Repeat("} ", n))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := New().Validate(&rules.Request{Operation: rules.Create, Object: cd(tc.build(2000))})
			per := map[string]int{}
			for _, f := range fs {
				per[f.Rule]++
			}
			for id, n := range per {
				if n > rules.MaxFindingsPerRule+1 {
					t.Errorf("%s: %d findings, want at most %d", id, n, rules.MaxFindingsPerRule+1)
				}
			}
			growth.Linear(t, 250, 24, tc.build, func(text string) {
				New().Validate(&rules.Request{Operation: rules.Create, Object: cd(text)})
			})
		})
	}
}

func BenchmarkValidateStockCorefile(b *testing.B) {
	req := &rules.Request{Operation: rules.Update, Object: cd(stock), OldObject: cd(block("forward . /etc/resolv.conf"))}
	for b.Loop() {
		New().Validate(req)
	}
}
