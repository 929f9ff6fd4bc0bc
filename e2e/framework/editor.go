package framework

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// The scripted EDITOR for `kubectl edit` is this test binary itself (e2e and e2e/node): when
// EditorDirEnv is set, TestMain runs RunEditor instead of the tests.
// kubectl calls "$KUBE_EDITOR FILE"; the first call applies the edit in
// DIR/spec.json to the buffer (what an operator following the FAQ types),
// every later call (kubectl reopens the buffer with the API server's error
// on top when the change was rejected) leaves the buffer unchanged, which
// makes kubectl give up ("Edit cancelled, no valid changes were saved.").
// Every buffer kubectl showed is saved as DIR/buffer-N.yaml.
const EditorDirEnv = "NETGUARD_E2E_EDITOR_DIR"

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

// RunEditor is the editor's main: it edits the buffer file in args (see
// EditorDirEnv) and returns the exit code.
func RunEditor(dir string, args []string) int {
	if err := editBuffer(dir, args); err != nil {
		fmt.Fprintln(os.Stderr, "scripted editor:", err)
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

// EditorSession is one scripted `kubectl edit`: Env makes kubectl run this
// test binary as its editor applying the edit, Buffers reads back what
// kubectl showed in the editor.
type EditorSession struct {
	dir string
	// Env holds KUBE_EDITOR and EditorDirEnv for kubectl's environment.
	Env []string
}

// NewEditorSession writes the edit for the scripted editor into dir (a
// fresh directory of the caller's).
func NewEditorSession(dir string, edit Edit) (EditorSession, error) {
	spec, err := json.Marshal(edit)
	if err != nil {
		return EditorSession{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.json"), spec, 0o600); err != nil {
		return EditorSession{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return EditorSession{}, err
	}
	return EditorSession{dir: dir, Env: []string{"KUBE_EDITOR=" + self, EditorDirEnv + "=" + dir}}, nil
}

// Buffers returns every buffer kubectl opened in the editor, in order.
func (s EditorSession) Buffers() []string {
	var out []string
	for i := 1; ; i++ {
		b, err := os.ReadFile(filepath.Join(s.dir, fmt.Sprintf("buffer-%d.yaml", i)))
		if err != nil {
			return out
		}
		out = append(out, string(b))
	}
}
