//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// The kube-proxy sections of the ACK FAQ, each as the operator performs it:
// `kubectl edit cm kube-proxy-worker -n kube-system` on a valid ACK
// kube-proxy-worker (IPVS mode) and the FAQ's line typed in. The FAQ writes
// its explanations as `// ...` after the value, which YAML does not treat as
// a comment: netguard rejects those edits with the line inside config.conf
// and the fix; the same edit without the `//` comment is accepted with the
// restart advice.
func TestFAQKubeProxyEdits(t *testing.T) {
	requireNetguard(t)
	const key = "config.conf"
	valid := readConfigMap(t, "examples/kube-proxy/kube-proxy-worker-ipvs.yaml")
	// the same config before the operator's change: maxPerCore at 32768
	// (KP032 advises 65536) and no udpTimeout
	before32768 := withData(t, valid, key, func(v string) string {
		return strings.Replace(v, `maxPerCore: 65536  # YAML comments start with "#"`, "maxPerCore: 32768", 1)
	})
	noUDPTimeout := withData(t, valid, key, func(v string) string {
		return strings.Replace(v, "  udpTimeout: 10s\n", "", 1)
	})
	// KP036 (mode ipvs deprecated in 1.37) is pre-existing in all of them.
	restart := "KP090 ConfigMap kube-system/kube-proxy-worker"

	type rejected struct {
		rule, fix string
	}
	cases := []struct {
		name   string
		base   string // data[config.conf] before
		old    string // the line as it was (Replace.Old)
		new    string // the FAQ's line
		reject *rejected
		at     string // rejected: text on the line the finding points at
		// accepted: wanted warnings and rules that must not be warned
		warn []string
		not  []string
	}{
		{
			name: "FAQ conntrack: maxPerCore with the FAQ's // comment is rejected (KP002)",
			base: before32768.Data[key], old: "maxPerCore: 32768",
			new:    "maxPerCore: 65536 // Set maxPerCore to a proper value. Default value: 65536. ",
			reject: &rejected{"KP002", "Fix: `//` is not a YAML comment: replace it with `#`"}, at: "maxPerCore: 65536 //",
		},
		{
			name: "FAQ conntrack: maxPerCore 65536 is accepted with the restart advice",
			base: before32768.Data[key], old: "maxPerCore: 32768", new: "maxPerCore: 65536",
			warn: []string{restart}, not: []string{"KP002", "KP032"},
		},
		{
			name: "FAQ IPVS scheduler: `lc // Set scheduler ...` is rejected (KP005)",
			base: valid.Data[key], old: "scheduler: wrr",
			new:    "scheduler: lc // Set scheduler to a proper scheduling algorithm. ",
			reject: &rejected{"KP005", "Fix: replace `//` with `#`"}, at: "scheduler: lc //",
		},
		{
			name: "FAQ IPVS scheduler: lc is accepted with the restart advice",
			base: valid.Data[key], old: "scheduler: wrr", new: "scheduler: lc",
			warn: []string{restart, "KP036 ConfigMap kube-system/kube-proxy-worker"}, not: []string{"KP005"},
		},
		{
			name: "FAQ UDP timeout: udpTimeout with the FAQ's // comment is rejected (KP003)",
			base: noUDPTimeout.Data[key], old: "scheduler: wrr\n",
			new:    "scheduler: wrr\n  udpTimeout: 10s // The default timeout period is 300 seconds. In this example, the timeout period is set to 10 seconds. This way, the time period during which packet loss may occur is reduced to 10 seconds after a UDP connection is closed. \n",
			reject: &rejected{"KP003", "Fix: `//` is not a YAML comment"}, at: "udpTimeout: 10s //",
		},
		{
			name: "FAQ UDP timeout: udpTimeout 10s is accepted with the restart advice",
			base: noUDPTimeout.Data[key], old: "scheduler: wrr\n", new: "scheduler: wrr\n  udpTimeout: 10s\n",
			warn: []string{restart}, not: []string{"KP003"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cm := valid.DeepCopy()
			cm.Data[key] = c.base
			before := seed(t, cm)
			edit := Edit{Replace: []Replacement{{Key: key, Old: c.old, New: c.new}}}
			r := kubectlEdit(t, "kube-system", "kube-proxy-worker", edit)
			if c.reject == nil {
				assertEditAccepted(t, r, before, edit, c.warn, c.not...)
				return
			}
			edited := before.DeepCopy()
			if err := edit.Apply(edited.Data); err != nil {
				t.Fatal(err)
			}
			// the line of the FAQ's text inside config.conf
			line := lineOf(edited.Data[key], c.at)
			if line == 0 {
				t.Fatalf("%q not in %q", c.at, edited.Data[key])
			}
			assertEditRejected(t, r, before, key,
				fmt.Sprintf("[%s] line %d, col ", c.reject.rule, line),
				"kube-proxy would exit at start-up", c.reject.fix)
		})
	}
}
