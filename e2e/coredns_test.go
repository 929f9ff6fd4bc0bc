//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// A `kubectl edit` of the CoreDNS Corefile that writes the cache TTL with a
// unit (`cache 30s`: CoreDNS would serve the cache only for a zone named
// 30s.) is rejected with the rule and the line inside the Corefile, and
// nothing is stored; the valid edit is stored with the reload advice.
func TestKubectlEditOfTheCorefileIsRejectedWithTheLine(t *testing.T) {
	requireNetguard(t)
	valid := readConfigMap(t, "examples/coredns/coredns-kubeadm.yaml")
	t.Cleanup(func() { remove(t, "kube-system", "coredns") })
	corefile := valid.Data["Corefile"]
	line := lineOf(corefile, "cache 30")

	before := seed(t, valid)
	r := kubectlEdit(t, "kube-system", "coredns", Edit{Replace: []Replacement{{Key: "Corefile", Old: "cache 30\n", New: "cache 30s\n"}}})
	t.Logf("%s", r)
	if r.Err == nil {
		t.Fatalf("want the edit rejected:\n%s", r)
	}
	for _, want := range []string{`configmaps "coredns" is invalid`, "CD021", fmt.Sprintf("line %d", line), "Edit cancelled, no valid changes were saved."} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("kubectl's output lacks %q:\n%s", want, r.Stderr)
		}
	}
	if len(r.Buffers) < 2 {
		t.Fatalf("kubectl did not reopen the buffer:\n%s", r)
	}
	head := strings.Join(commentLines(r.Buffers[1]), "\n")
	if want := fmt.Sprintf("# * data[Corefile]: [CD021] line %d", line); !strings.Contains(head, want) {
		t.Errorf("the reopened buffer's header lacks %q:\n%s", want, head)
	}
	assertUnchanged(t, before)

	// A valid edit is stored, with the advice of what the reload plugin does.
	seed(t, valid)
	r = kubectlEdit(t, "kube-system", "coredns", Edit{Replace: []Replacement{{Key: "Corefile", Old: "cache 30\n", New: "cache 60\n"}}})
	if r.Err != nil || !strings.Contains(r.Stdout, "configmap/coredns edited") {
		t.Fatalf("want the edit accepted:\n%s", r)
	}
	advice := false
	for _, l := range warningLines(r.Stderr) {
		advice = advice || strings.HasPrefix(l, "Warning: CD090 ")
	}
	if !advice {
		t.Errorf("no CD090 reload advice among the warnings:\n%s", r.Stderr)
	}
}
