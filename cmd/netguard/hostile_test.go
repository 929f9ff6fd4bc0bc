package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
)

// lint reads manifests an operator (or an attacker, in CI) hands it: each
// hostile file must end with a clear exit status (0 clean, 1 findings, 2
// unreadable input, with the file named) with a bounded allocation, never a
// panic or a hang (growth.NoHang: minutes, so a busy machine cannot fail
// it; the cost of the large inputs is the benchmarks' business).
func TestLintSurvivesHostileManifests(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile manifests: seconds of CPU")
	}
	cm := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n" + data
	}
	var bomb strings.Builder
	bomb.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "x%d: &x%d [*x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d, *x%[3]d]\n", i, i, i-1)
	}
	bomb.WriteString("data:\n  config.conf: ok\n")
	const kp = "  config.conf: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n"
	var aliasData strings.Builder
	aliasData.WriteString(kp + "    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&aliasData, "    a%d: &a%d [*a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d]\n", i, i, i-1)
	}
	cases := map[string]string{
		"alias bomb in the manifest":        bomb.String(),
		"alias bomb in config.conf":         cm(aliasData.String()),
		"alias bomb feeding data":           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\nanchors: &a {config.conf: x}\ndata: *a\n",
		"1 MiB data value":                  cm("  config.conf: \"" + strings.Repeat("x", 1<<20) + "\"\n"),
		"10,000-level flow nesting":         cm("  config.conf: x\nextra: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"),
		"10,000-level block sequences":      cm("  config.conf: x\nextra:\n  " + strings.Repeat("- ", 10000) + "x\n"),
		"10,000-level JSON":                 strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
		"invalid UTF-8":                     cm("  config.conf: \"mode: ipvs\xff\xfe\"\n"),
		"BOM":                               "\xef\xbb\xbf" + cm("  config.conf: |\n    mode: ipvs\n"),
		"UTF-16 BOM":                        "\xff\xfek\x00i\x00n\x00d\x00",
		"NUL bytes":                         cm("  config.conf: \"mode: ipvs\x00\"\n") + "\x00\x00",
		"duplicate keys":                    cm("  config.conf: a\n  config.conf: b\n") + "data: {}\n",
		"huge numbers":                      cm("  config.conf: x\n") + "spec: {replicas: 1e400, n: 99999999999999999999, m: 18446744073709551616}\n",
		"20,000 documents":                  strings.Repeat("---\nkind: ConfigMap\n", 20000),
		"not YAML":                          "\x01\x02\x03: : : [[[",
		"data is a list":                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata: [1, 2]\n",
		"CR line endings":                   strings.ReplaceAll(cm("  config.conf: x\n"), "\n", "\r"),
		"List with 10,000 untargeted items": "apiVersion: v1\nkind: List\nitems:\n" + strings.Repeat("- {apiVersion: v1, kind: ConfigMap, metadata: {name: other}, data: {a: b}}\n", 10000),
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			type result struct {
				code        int
				out, errOut string
			}
			var r result
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			growth.NoHang(t, "lint", func() {
				r.code, r.out, r.errOut = runCmd(text, "lint", "-")
			})
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(2048*len(text)+256<<20) {
				t.Errorf("allocated %d MiB for a %d KiB file", alloc>>20, len(text)>>10)
			}
			switch r.code {
			case 0, 1:
			case 2:
				if !strings.Contains(r.errOut+r.out, "-") {
					t.Errorf("exit 2 without naming the input: %q", r.errOut)
				}
			default:
				t.Errorf("exit %d: %.300s %.300s", r.code, r.out, r.errOut)
			}
			if strings.Contains(r.errOut, "panic") || strings.Contains(r.out, "NG001") {
				t.Errorf("internal error: %.300s %.300s", r.out, r.errOut)
			}
			t.Logf("exit %d; %.120q", r.code, strings.SplitN(r.errOut+r.out, "\n", 2)[0])
		})
	}
}
