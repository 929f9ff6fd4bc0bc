//go:build node && linux

package node

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
)

const editorDirEnv = framework.EditorDirEnv

func runEditor(dir string, args []string) int { return framework.RunEditor(dir, args) }

// result is a finished kubectl or helm run.
type result struct {
	args           []string
	stdout, stderr string
	err            error
}

func (r result) String() string {
	return fmt.Sprintf("%s: %v\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.err, r.stdout, r.stderr)
}

// toolEnv is the operator's hermetic environment: the operator kubeconfig,
// HOME and TMPDIR in the work directory, none of the caller's editors or
// helm settings.
func toolEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "KUBECONFIG", k == "KUBE_EDITOR", k == "EDITOR", k == "HOME", k == "TMPDIR", strings.HasPrefix(k, "HELM_"):
			continue
		}
		out = append(out, kv)
	}
	home := filepath.Join(env.dir, "operator-home")
	_ = os.MkdirAll(filepath.Join(home, "tmp"), 0o700)
	out = append(out, "KUBECONFIG="+env.c.OperatorKubeconfig, "HOME="+home, "TMPDIR="+filepath.Join(home, "tmp"),
		"HELM_CACHE_HOME="+filepath.Join(home, "helm-cache"), "HELM_CONFIG_HOME="+filepath.Join(home, "helm-config"),
		"HELM_DATA_HOME="+filepath.Join(home, "helm-data"), "KUBECTL_INTERACTIVE_DELETE=false")
	return append(out, extra...)
}

func runTool(ctx context.Context, bin string, stdin string, extraEnv []string, args ...string) result {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = toolEnv(extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	return result{args: append([]string{filepath.Base(bin)}, args...), stdout: out.String(), stderr: errb.String(), err: err}
}

func kubectl(t *testing.T, args ...string) result {
	t.Helper()
	return runTool(t.Context(), env.c.Kubectl, "", nil, args...)
}

func kubectlIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runTool(t.Context(), env.c.Kubectl, stdin, nil, args...)
}

func helm(t *testing.T, args ...string) result {
	t.Helper()
	return runTool(t.Context(), env.helm, "", nil, args...)
}

func must(t *testing.T, r result) result {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s", r)
	}
	return r
}

// editResult is a finished `kubectl edit` with the buffers it showed.
type editResult struct {
	result
	buffers []string
}

// kubectlEdit runs `kubectl edit configmap NAME -n NS` with this test
// binary as the scripted editor (framework.RunEditor) applying edit.
func kubectlEdit(t *testing.T, ns, name string, edit framework.Edit) editResult {
	t.Helper()
	sess, err := framework.NewEditorSession(t.TempDir(), edit)
	if err != nil {
		t.Fatal(err)
	}
	r := runTool(t.Context(), env.c.Kubectl, "", sess.Env, "edit", "configmap", name, "-n", ns)
	res := editResult{result: r, buffers: sess.Buffers()}
	if len(res.buffers) == 0 {
		t.Fatalf("kubectl never started the editor:\n%s", r)
	}
	return res
}
