package lint

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"sort"

	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
)

// fixCheck remembers what a fixed object must look like after the rewrite.
type fixCheck struct {
	doc, item int
	data      map[string]string // ConfigMap: expected data
	spec      map[string]any    // Service: expected top-level spec fields
	annots    map[string]string
}

// fixEdits turns the mutated object of an engine result into text edits of
// the object's file. Only ConfigMap data values and top-level Service spec
// strings and annotations can be written back; anything else is refused so
// that --fix never writes something other than what the webhook would store.
func fixEdits(d decoded, r engine.Result) ([]manifest.Edit, fixCheck, error) {
	o := d.obj
	chk := fixCheck{doc: o.Doc, item: o.Item}
	var edits []manifest.Edit
	mutatedCM, _ := r.Mutated.(*corev1.ConfigMap)
	mutatedSvc, _ := r.Mutated.(*corev1.Service)
	switch {
	case mutatedCM != nil && d.cm != nil:
		chk.data = mutatedCM.Data
		for k := range d.cm.Data {
			if _, ok := mutatedCM.Data[k]; !ok {
				return nil, chk, fmt.Errorf("%s: %s: the mutation removes data key %s, which --fix does not write back", o.File.Name, o.ID(), k)
			}
		}
		keys := make([]string, 0, len(mutatedCM.Data))
		for k := range mutatedCM.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := mutatedCM.Data[k]
			old, ok := d.cm.Data[k]
			if ok && old == v {
				continue
			}
			var e manifest.Edit
			var err error
			if ok {
				e, err = o.SetDataValue(k, v)
			} else {
				e, err = o.SetString([]string{"data", k}, v)
			}
			if err != nil {
				return nil, chk, err
			}
			edits = append(edits, e)
		}
	case mutatedSvc != nil && d.svc != nil:
		before, after := toMap(d.svc.Spec), toMap(mutatedSvc.Spec)
		chk.spec = after
		keys := make([]string, 0, len(after))
		for k := range after {
			keys = append(keys, k)
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				return nil, chk, fmt.Errorf("%s: %s: the mutation removes spec.%s, which --fix does not write back", o.File.Name, o.ID(), k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if reflect.DeepEqual(before[k], after[k]) {
				continue
			}
			s, ok := after[k].(string)
			if !ok {
				return nil, chk, fmt.Errorf("%s: %s: the mutation changes spec.%s, which --fix cannot write back in place", o.File.Name, o.ID(), k)
			}
			e, err := o.SetString([]string{"spec", k}, s)
			if err != nil {
				return nil, chk, err
			}
			edits = append(edits, e)
		}
		if !maps.Equal(d.svc.Annotations, mutatedSvc.Annotations) {
			chk.annots = mutatedSvc.Annotations
			for k, v := range mutatedSvc.Annotations {
				if old, ok := d.svc.Annotations[k]; ok && old == v {
					continue
				}
				e, err := o.SetString([]string{"metadata", "annotations", k}, v)
				if err != nil {
					return nil, chk, err
				}
				edits = append(edits, e)
			}
		}
	}
	return edits, chk, nil
}

func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	return m
}

// writeFix applies the edits, re-reads the result and checks that every
// fixed object now decodes to exactly the mutated object before writing.
func writeFix(f *manifest.File, edits []manifest.Edit, checks []fixCheck, write func(string, []byte) error) error {
	out, err := f.Apply(edits)
	if err != nil {
		return err
	}
	g, err := manifest.Parse(f.Name, out)
	if err != nil {
		return fmt.Errorf("%s: --fix refused: the rewritten file would not parse (%v); nothing was written", f.Name, err)
	}
	for _, c := range checks {
		var o *manifest.Object
		for _, x := range g.Objects {
			if x.Doc == c.doc && x.Item == c.item {
				o = x
			}
		}
		if o == nil {
			return fmt.Errorf("%s: --fix refused: an object vanished after the rewrite; nothing was written", f.Name)
		}
		var obj struct {
			Metadata struct {
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Data map[string]string `json:"data"`
			Spec map[string]any    `json:"spec"`
		}
		if err := json.Unmarshal(o.JSON, &obj); err != nil {
			return fmt.Errorf("%s: --fix refused: %v; nothing was written", f.Name, err)
		}
		ok := true
		if c.data != nil && !maps.Equal(obj.Data, c.data) {
			ok = false
		}
		if c.spec != nil {
			var svc corev1.Service
			_ = json.Unmarshal(o.JSON, &svc)
			if !reflect.DeepEqual(toMap(svc.Spec), c.spec) {
				ok = false
			}
		}
		if c.annots != nil && !maps.Equal(obj.Metadata.Annotations, c.annots) {
			ok = false
		}
		if !ok {
			return fmt.Errorf("%s: --fix refused: %s would not read back as the mutated object; nothing was written", f.Name, o.ID())
		}
	}
	if write == nil {
		write = func(name string, data []byte) error {
			mode := os.FileMode(0o644)
			if st, err := os.Stat(name); err == nil {
				mode = st.Mode().Perm()
			}
			return os.WriteFile(name, data, mode)
		}
	}
	return write(f.Name, out)
}
