//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	dir := t.TempDir()
	spec, err := json.Marshal(edit)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.json"), spec, 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	r := s.cp.Kubectl(ctx, "", []string{"KUBE_EDITOR=" + self, editorDirEnv + "=" + dir},
		append([]string{"edit", "configmap", name, "-n", ns}, flags...)...)
	res := EditResult{KubectlResult: r}
	for i := 1; ; i++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("buffer-%d.yaml", i)))
		if err != nil {
			break
		}
		res.Buffers = append(res.Buffers, string(b))
	}
	if len(res.Buffers) == 0 {
		t.Fatalf("kubectl never started the editor:\n%s", r)
	}
	return res
}
