//go:build e2e

package e2e

import (
	"testing"

	"github.com/netguard/netguard/e2e/framework"
)

// The scripted editor lives in the framework (shared with e2e/node).
const editorDirEnv = framework.EditorDirEnv

type (
	Edit        = framework.Edit
	Replacement = framework.Replacement
)

func runEditor(dir string, args []string) int { return framework.RunEditor(dir, args) }

// EditResult is a finished `kubectl edit`.
type EditResult struct {
	framework.KubectlResult
	// Buffers are the buffers kubectl opened the editor with, in order.
	Buffers []string
}

// kubectlEdit runs `kubectl edit configmap NAME -n NS [FLAGS...]` with the
// scripted editor applying edit.
func kubectlEdit(t *testing.T, ns, name string, edit Edit, flags ...string) EditResult {
	t.Helper()
	sess, err := framework.NewEditorSession(t.TempDir(), edit)
	if err != nil {
		t.Fatal(err)
	}
	r := s.cp.Kubectl(t.Context(), "", sess.Env, append([]string{"edit", "configmap", name, "-n", ns}, flags...)...)
	res := EditResult{KubectlResult: r, Buffers: sess.Buffers()}
	if len(res.Buffers) == 0 {
		t.Fatalf("kubectl never started the editor:\n%s", r)
	}
	return res
}
