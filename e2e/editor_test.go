//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netguard/netguard/e2e/framework"
	"sigs.k8s.io/yaml"
)

// The scripted EDITOR for `kubectl edit` is this test binary itself: when
// editorDirEnv is set, TestMain runs runEditor instead of the tests.
// kubectl calls "$KUBE_EDITOR FILE"; the first call applies the edit in
// DIR/spec.json to the buffer (what an operator following the FAQ types),
// every later call (kubectl reopens the buffer with the API server's error
// on top when the change was rejected) leaves the buffer unchanged, which
// makes kubectl give up ("Edit cancelled, no valid changes were saved.").
// Every buffer kubectl showed is saved as DIR/buffer-N.yaml.
const editorDirEnv = "NETGUARD_E2E_EDITOR_DIR"

// Edit is what the scripted editor does to the ConfigMap's data.
type Edit struct {
	// Replace: in data[Key], replace Old (which must occur exactly once)
	// with New.
	Replace []Replacement `json:"replace,omitempty"`
	// Set: data[key] = value.
	Set map[string]string `json:"set,omitempty"`
}

// Replacement is one textual edit inside a data value.
type Replacement struct{ Key, Old, New string }

// Apply performs the edit on a data map.
func (e Edit) Apply(data map[string]string) error {
	for _, r := range e.Replace {
		v, ok := data[r.Key]
		if !ok {
			return fmt.Errorf("data key %q does not exist", r.Key)
		}
		if n := strings.Count(v, r.Old); n != 1 {
			return fmt.Errorf("data[%q] contains %q %d times, want once", r.Key, r.Old, n)
		}
		data[r.Key] = strings.Replace(v, r.Old, r.New, 1)
	}
	for k, v := range e.Set {
		data[k] = v
	}
	return nil
}

func runEditor(dir string, args []string) int {
	if err := editBuffer(dir, args); err != nil {
		fmt.Fprintln(os.Stderr, "e2e editor:", err)
		return 1
	}
	return 0
}

func editBuffer(dir string, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want exactly one file argument, got %q", args)
	}
	file := args[len(args)-1]
	buf, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	prev, _ := filepath.Glob(filepath.Join(dir, "buffer-*.yaml"))
	n := len(prev) + 1
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("buffer-%d.yaml", n)), buf, 0o600); err != nil {
		return err
	}
	if n > 1 {
		return nil // the operator gives up: unchanged buffer
	}
	specJSON, err := os.ReadFile(filepath.Join(dir, "spec.json"))
	if err != nil {
		return err
	}
	var spec Edit
	if err := json.Unmarshal(specJSON, &spec); err != nil {
		return err
	}
	var obj map[string]any
	if err := yaml.Unmarshal(buf, &obj); err != nil {
		return fmt.Errorf("parsing the buffer: %w", err)
	}
	data := map[string]string{}
	if d, ok := obj["data"].(map[string]any); ok {
		for k, v := range d {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("data[%q] is %T", k, v)
			}
			data[k] = s
		}
	}
	if err := spec.Apply(data); err != nil {
		return err
	}
	obj["data"] = data
	// `kubectl edit -o json` opens a .json buffer; keep its format.
	marshal := yaml.Marshal
	if filepath.Ext(file) == ".json" {
		marshal = func(v any) ([]byte, error) { return json.MarshalIndent(v, "", "    ") }
	}
	out, err := marshal(obj)
	if err != nil {
		return err
	}
	return os.WriteFile(file, out, 0o600)
}

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
