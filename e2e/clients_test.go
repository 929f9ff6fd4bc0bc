//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The same denial, seen through every client an operator uses: the FAQ's
// `//` comment in kube-proxy-worker's config.conf (KP002). Each client must
// show netguard's rule, the line inside config.conf and the fix in what the
// operator sees (stderr, the reopened edit buffer, the error string), and
// nothing may be stored.
func TestEveryClientShowsTheDenialReason(t *testing.T) {
	requireNetguard(t)
	valid := readConfigMap(t, "examples/kube-proxy/kube-proxy-worker-ipvs.yaml")
	const goodLine = `maxPerCore: 65536  # YAML comments start with "#"`
	const badLine = `maxPerCore: 65536 // Set maxPerCore to a proper value. Default value: 65536.`
	broken := withData(t, valid, "config.conf", func(v string) string { return strings.Replace(v, goodLine, badLine, 1) })
	conf := broken.Data["config.conf"]
	line := lineOf(conf, "//")
	col := strings.Index(strings.Split(conf, "\n")[line-1], "//") + 1
	// What every client must show, in its own format: the rule, the
	// position inside config.conf and the fix.
	rule, at, fix := "KP002", fmt.Sprintf("line %d, col %d", line, col), "Fix: `//` is not a YAML comment"
	editToBroken := Edit{Replace: []Replacement{{Key: "config.conf", Old: goodLine, New: badLine}}}
	chart := kubeProxyChart(t)
	brokenConf := filepath.Join(t.TempDir(), "broken.conf")
	if err := os.WriteFile(brokenConf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	const ns = "clients-e2e"
	cleanHelm := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, rel := range []string{"clients-install", "clients-upgrade"} {
			_ = helmCtx(ctx, t, "uninstall", rel, "--namespace", ns, "--ignore-not-found")
		}
	}
	t.Cleanup(func() { cleanHelm(); remove(t, "kube-system", "kube-proxy-worker") })

	for _, tc := range []struct {
		name string
		// exists: the valid kube-proxy-worker is stored before the client
		// runs (an update); otherwise the client creates it.
		exists bool
		// run returns what the operator sees.
		run func(t *testing.T) string
	}{
		{name: "kubectl edit (YAML): the reopened buffer and stderr", exists: true, run: func(t *testing.T) string {
			r := kubectlEdit(t, "kube-system", "kube-proxy-worker", editToBroken)
			assertEditDenied(t, r)
			if len(r.Buffers) < 2 {
				t.Fatalf("kubectl did not reopen the buffer:\n%s", r)
			}
			// The reopened buffer's header carries the cause (kubectl's
			// editResults.addError); stderr the repeated reasons.
			head := strings.Join(commentLines(r.Buffers[1]), "\n")
			t.Logf("the reopened buffer's header:\n%s", head)
			for _, want := range []string{"# * data[config.conf]: [" + rule + "] " + at + ": ", fix} {
				if !strings.Contains(head, want) {
					t.Errorf("the reopened buffer's header lacks %q:\n%s", want, head)
				}
			}
			return r.Stderr
		}},
		{name: "kubectl edit -o json: stderr", exists: true, run: func(t *testing.T) string {
			r := kubectlEdit(t, "kube-system", "kube-proxy-worker", editToBroken, "-o", "json")
			assertEditDenied(t, r)
			// The JSON buffer has no header (kubectl writes none for
			// json), so the denial's reasons can reach the operator only
			// through stderr: the warnings netguard adds for kubectl edit.
			if len(r.Buffers) < 2 || strings.Contains(r.Buffers[1], rule) || len(commentLines(r.Buffers[1])) > 0 {
				t.Errorf("the reopened JSON buffer should be the bare edited object:\n%v", r.Buffers)
			}
			return r.Stderr
		}},
		{name: "kubectl apply", exists: true, run: func(t *testing.T) string {
			return kubectlDenied(t, "apply", "-f", writeManifest(t, broken))
		}},
		{name: "kubectl apply --dry-run=server", exists: true, run: func(t *testing.T) string {
			return kubectlDenied(t, "apply", "--dry-run=server", "-f", writeManifest(t, broken))
		}},
		{name: "kubectl create", run: func(t *testing.T) string {
			return kubectlDenied(t, "create", "-f", writeManifest(t, broken))
		}},
		{name: "helm install", run: func(t *testing.T) string {
			cleanHelm()
			r := helm(t, "install", "clients-install", chart, "--namespace", ns, "--create-namespace", "--timeout", "60s", "--set-file", "configConf="+brokenConf)
			if r.Err == nil {
				t.Fatalf("want the install rejected:\n%s", r)
			}
			return r.Stderr
		}},
		{name: "helm upgrade", run: func(t *testing.T) string {
			cleanHelm()
			goodConf := filepath.Join(t.TempDir(), "good.conf")
			if err := os.WriteFile(goodConf, []byte(valid.Data["config.conf"]), 0o600); err != nil {
				t.Fatal(err)
			}
			if r := helm(t, "install", "clients-upgrade", chart, "--namespace", ns, "--create-namespace", "--timeout", "60s", "--set-file", "configConf="+goodConf); r.Err != nil {
				t.Fatalf("installing the valid release:\n%s", r)
			}
			before := getConfigMap(t, "kube-system", "kube-proxy-worker")
			r := helm(t, "upgrade", "clients-upgrade", chart, "--namespace", ns, "--timeout", "60s", "--set-file", "configConf="+brokenConf)
			if r.Err == nil {
				t.Fatalf("want the upgrade rejected:\n%s", r)
			}
			assertUnchanged(t, before)
			return r.Stderr
		}},
		{name: "client-go Update", exists: true, run: func(t *testing.T) string {
			cur := getConfigMap(t, "kube-system", "kube-proxy-worker")
			upd := cur.DeepCopy()
			upd.Data = broken.Data
			_, err := s.cp.Client.CoreV1().ConfigMaps("kube-system").Update(t.Context(), upd, metav1.UpdateOptions{})
			if err == nil {
				t.Fatal("want the update rejected")
			}
			return err.Error()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			remove(t, "kube-system", "kube-proxy-worker")
			var before *corev1.ConfigMap
			if tc.exists {
				before = seed(t, valid)
			}
			seen := tc.run(t)
			t.Logf("what the operator sees:\n%s", seen)
			for _, want := range []string{rule, at, fix} {
				if !strings.Contains(seen, want) {
					t.Errorf("lacks %q", want)
				}
			}
			switch {
			case before != nil:
				assertUnchanged(t, before)
			case tc.name != "helm upgrade" && getConfigMap(t, "kube-system", "kube-proxy-worker") != nil:
				t.Error("the denied object was stored")
			}
		})
	}
}

// A denied `kubectl edit` gives no restart advice (nothing was stored); an
// accepted one does.
func TestRestartAdviceOnlyForStoredEdits(t *testing.T) {
	requireNetguard(t)
	valid := readConfigMap(t, "examples/kube-proxy/kube-proxy-worker-ipvs.yaml")
	const goodLine = `maxPerCore: 65536  # YAML comments start with "#"`
	for _, tc := range []struct {
		name        string
		newLine     string
		wantDenied  bool
		wantRestart bool
	}{
		{name: "accepted edit: restart advice", newLine: "maxPerCore: 131072", wantRestart: true},
		{name: "denied edit: no restart advice", newLine: "maxPerCore: 65536 // bigger", wantDenied: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := seed(t, valid)
			edit := Edit{Replace: []Replacement{{Key: "config.conf", Old: goodLine, New: tc.newLine}}}
			r := kubectlEdit(t, "kube-system", "kube-proxy-worker", edit)
			t.Logf("%s", r)
			if tc.wantDenied {
				assertEditDenied(t, r)
				assertUnchanged(t, before)
			} else if r.Err != nil || !strings.Contains(r.Stdout, "configmap/kube-proxy-worker edited") {
				t.Fatalf("want the edit accepted:\n%s", r)
			}
			restart := false
			for _, l := range warningLines(r.Stderr) {
				restart = restart || strings.HasPrefix(l, "Warning: KP090 ")
			}
			if restart != tc.wantRestart {
				t.Errorf("restart advice printed = %v, want %v:\n%s", restart, tc.wantRestart, r.Stderr)
			}
		})
	}
}

// assertEditDenied checks that kubectl edit failed on an Invalid answer and
// gave up.
func assertEditDenied(t *testing.T, r EditResult) {
	t.Helper()
	if r.Err == nil {
		t.Fatalf("want the edit rejected:\n%s", r)
	}
	for _, want := range []string{`error: configmaps "kube-proxy-worker" is invalid`, "Edit cancelled, no valid changes were saved."} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("kubectl's output lacks %q:\n%s", want, r)
		}
	}
}

// kubectlDenied runs kubectl, which must fail, and returns its stderr.
func kubectlDenied(t *testing.T, args ...string) string {
	t.Helper()
	r := s.cp.Kubectl(t.Context(), "", nil, args...)
	if r.Err == nil {
		t.Fatalf("want kubectl to fail:\n%s", r)
	}
	return r.Stderr
}

// commentLines returns the lines of an edit buffer that start with '#'.
func commentLines(buf string) []string {
	var out []string
	for _, l := range strings.Split(buf, "\n") {
		if strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// kubeProxyChart writes a one-template chart that ships kube-proxy-worker
// in kube-system with config.conf from the value configConf.
func kubeProxyChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kube-proxy-worker")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: kube-proxy-worker\nversion: 0.1.0\n",
		"values.yaml": "configConf: \"\"\n",
		"templates/kube-proxy-worker.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy-worker\n  namespace: kube-system\n" +
			"data:\n  config.conf: |\n{{ .Values.configConf | indent 4 }}\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
