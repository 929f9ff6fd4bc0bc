//go:build e2e

package e2e

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// lineOf returns the 1-based line of the first occurrence of sub in text
// (0 when absent).
func lineOf(text, sub string) int {
	i := strings.Index(text, sub)
	if i < 0 {
		return 0
	}
	return strings.Count(text[:i], "\n") + 1
}

// warningRules returns the rule IDs of kubectl's "Warning: RULE ..." lines,
// sorted and de-duplicated.
func warningRules(stderr string) []string {
	seen := map[string]bool{}
	for _, m := range warningRe.FindAllStringSubmatch(stderr, -1) {
		seen[m[1]] = true
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

var warningRe = regexp.MustCompile(`(?m)^Warning: ([A-Z]{2}[0-9]{3}) `)

// warningLines returns kubectl's warning lines in order.
func warningLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "Warning: ") {
			out = append(out, l)
		}
	}
	return out
}

// assertEditRejected checks a `kubectl edit` that netguard denied: kubectl
// fails with `error: configmaps "NAME" is invalid`, reopens the buffer with
// netguard's cause on top (rule, position inside the data value, message,
// Fix:), and the stored object is unchanged.
func assertEditRejected(t *testing.T, r EditResult, before *corev1.ConfigMap, key string, wants ...string) {
	t.Helper()
	if r.Err == nil {
		t.Fatalf("want the edit rejected:\n%s", r)
	}
	if want := `error: configmaps "` + before.Name + `" is invalid`; !strings.Contains(r.Stderr, want) {
		t.Errorf("kubectl's output lacks %q:\n%s", want, r)
	}
	if !strings.Contains(r.Stderr, "Edit cancelled, no valid changes were saved.") {
		t.Errorf("kubectl did not cancel the edit:\n%s", r)
	}
	if len(r.Buffers) < 2 {
		t.Fatalf("kubectl did not reopen the buffer with the error (%d buffers):\n%s", len(r.Buffers), r)
	}
	top := r.Buffers[1]
	for _, want := range append([]string{`# configmaps "` + before.Name + `" was not valid:`, "# * data[" + key + "]: ["}, wants...) {
		if !strings.Contains(top, want) {
			t.Errorf("the reopened edit buffer lacks %q:\n%s", want, top)
		}
	}
	assertUnchanged(t, before)
}

// assertUnchanged checks that the stored ConfigMap is still before.
func assertUnchanged(t *testing.T, before *corev1.ConfigMap) {
	t.Helper()
	after := getConfigMap(t, before.Namespace, before.Name)
	if after == nil || after.ResourceVersion != before.ResourceVersion || !reflect.DeepEqual(after.Data, before.Data) {
		t.Errorf("the rejected request changed the stored %s/%s", before.Namespace, before.Name)
	}
}

// assertEditAccepted checks a `kubectl edit` that netguard accepted: the
// object is edited, kubectl printed each wanted warning and none of the
// unwanted rules, and the stored data is exactly before+edit (netguard had
// nothing to fix) with metadata untouched.
func assertEditAccepted(t *testing.T, r EditResult, before *corev1.ConfigMap, edit Edit, wantWarnings []string, notRules ...string) {
	t.Helper()
	if r.Err != nil || !strings.Contains(r.Stdout, "configmap/"+before.Name+" edited") {
		t.Fatalf("want the edit accepted:\n%s", r)
	}
	t.Logf("%s", r)
	for _, w := range wantWarnings {
		if !strings.Contains(r.Stderr, "Warning: "+w) {
			t.Errorf("kubectl's output lacks the warning %q:\n%s", w, r.Stderr)
		}
	}
	got := warningRules(r.Stderr)
	for _, n := range notRules {
		for _, g := range got {
			if g == n {
				t.Errorf("unexpected warning %s:\n%s", n, r.Stderr)
			}
		}
	}
	if len(r.Buffers) != 1 {
		t.Errorf("kubectl reopened the editor %d times, want once", len(r.Buffers))
	}
	want := maps.Clone(before.Data)
	if err := edit.Apply(want); err != nil {
		t.Fatal(err)
	}
	after := getConfigMap(t, before.Namespace, before.Name)
	if !reflect.DeepEqual(after.Data, want) {
		t.Errorf("stored data differs from the edit:\n got %q\nwant %q", after.Data, want)
	}
	assertOnlyDataChanged(t, before, after)
}

// writeManifest writes a ConfigMap (or any object) as YAML into the test's
// temporary directory and returns the path.
func writeManifest(t *testing.T, obj any) string {
	t.Helper()
	b, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "manifest.yaml")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// kubectlUntil runs kubectl until check accepts its result (netguard's
// cluster context follows the API server through informers, a fraction of a
// second behind) or the timeout passes; it returns the last result.
func kubectlUntil(t *testing.T, timeout time.Duration, check func(framework.KubectlResult) bool, stdin string, args ...string) (framework.KubectlResult, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := s.cp.Kubectl(t.Context(), stdin, nil, args...)
		if check(r) {
			return r, true
		}
		if time.Now().After(deadline) {
			return r, false
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// withData returns a copy of cm with data[key] transformed by f.
func withData(t *testing.T, cm *corev1.ConfigMap, key string, f func(string) string) *corev1.ConfigMap {
	t.Helper()
	out := cm.DeepCopy()
	v, ok := out.Data[key]
	if !ok {
		t.Fatalf("%s/%s has no data key %q", cm.Namespace, cm.Name, key)
	}
	nv := f(v)
	if nv == v {
		t.Fatalf("%s/%s: the change to data[%s] had no effect (the example changed?)", cm.Namespace, cm.Name, key)
	}
	out.Data[key] = nv
	return out
}
