package lint

import (
	"errors"
	"io"
	"path/filepath"
	"sync"

	"github.com/netguard/netguard/internal/manifest"
	corev1 "k8s.io/api/core/v1"
)

// related finds the ConfigMaps of a streamed run that rules ask for as
// cluster context (Cluster.ConfigMap: the base eni-config of an override,
// the sibling kube-proxy ConfigMap), with contextFor's precedence, without
// holding the run's documents: every ConfigMap of the run is context for
// every file, so a ConfigMap that comes later in the stream, or in a later
// file, counts too.
//
// Nothing is read until a rule asks (most runs never do). The first
// question reads every input once and keeps, per namespace/name, where the
// first ConfigMap the API server would accept sits in each file that can be
// read entirely (a file with a syntax error is not part of the run); a
// ConfigMap is parsed again, and kept, only when it is asked for.
type related struct {
	srcs []source
	ns   string

	once  sync.Once
	first map[string][]cmRef // namespace/name → first in each file, in input order
	bom   []int              // byte order mark length per input

	mu     sync.Mutex
	loaded map[refKey]*corev1.ConfigMap
}

// refKey identifies a cmRef.
type refKey struct {
	file   int
	offset int64
	item   int
}

// cmRef is where a ConfigMap sits: its document (without text) and its
// List item (-1: the document itself).
type cmRef struct {
	file   int
	doc    manifest.Doc
	length int
	item   int
}

func newRelated(srcs []source, ns string) *related {
	return &related{srcs: srcs, ns: ns, loaded: map[refKey]*corev1.ConfigMap{}}
}

// lookup is Cluster.Related for the documents of input file.
func (r *related) lookup(file int, namespace, name string) (*corev1.ConfigMap, bool) {
	r.once.Do(r.index)
	refs := r.first[namespace+"/"+name]
	if len(refs) == 0 {
		return nil, false
	}
	// contextFor's precedence: the same file, then the same directory
	// (first in path order), then the first anywhere.
	pick := refs[0]
	dir := filepath.Dir(r.srcs[file].name)
	sameDir := false
	for _, ref := range refs {
		if ref.file == file {
			pick = ref
			break
		}
		if !sameDir && filepath.Dir(r.srcs[ref.file].name) == dir {
			pick, sameDir = ref, true
		}
	}
	return r.load(pick), true
}

// index reads every input and records where each ConfigMap is.
func (r *related) index() {
	r.first = map[string][]cmRef{}
	r.bom = make([]int, len(r.srcs))
	for i, s := range r.srcs {
		found, bom, ok := r.scan(i, s)
		if !ok {
			continue
		}
		r.bom[i] = bom
		for _, f := range found {
			r.first[f.key] = append(r.first[f.key], f.ref)
		}
	}
}

type found struct {
	key string
	ref cmRef
}

// scan lists the first decodable ConfigMap of each namespace/name in one
// input; ok is false when the input cannot be read entirely.
func (r *related) scan(i int, s source) (out []found, bom int, ok bool) {
	in, err := s.open()
	if err != nil {
		return nil, 0, false
	}
	defer in.Close()
	seen := map[string]bool{}
	dr := manifest.NewDocReader(in)
	for {
		d, err := dr.Next()
		if errors.Is(err, io.EOF) {
			return out, len(dr.BOM), true
		}
		if err != nil {
			return nil, 0, false
		}
		f, err := manifest.ParseDoc(s.name, d)
		if err != nil {
			return nil, 0, false
		}
		for _, o := range f.Objects {
			if o.Kind != "ConfigMap" { // the only kind whose decode gives a ConfigMap
				continue
			}
			cm := r.decodeCM(o)
			if cm == nil {
				continue
			}
			key := cm.Namespace + "/" + cm.Name
			if seen[key] {
				continue
			}
			seen[key] = true
			ref := cmRef{file: i, doc: d, length: len(d.Text), item: o.Item}
			ref.doc.Text = nil
			out = append(out, found{key, ref})
		}
	}
}

// decodeCM is the ConfigMap contextFor would hold for o (nil when the API
// server would refuse it).
func (r *related) decodeCM(o *manifest.Object) *corev1.ConfigMap {
	if o.Namespace == "" {
		o.Namespace = r.ns
	}
	d, _ := decode(o)
	return d.cm
}

// load parses the ConfigMap at ref again (once).
func (r *related) load(ref cmRef) *corev1.ConfigMap {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := refKey{ref.file, ref.doc.Offset, ref.item}
	if cm, ok := r.loaded[key]; ok {
		return cm
	}
	var cm *corev1.ConfigMap
	s := r.srcs[ref.file]
	if in, err := s.open(); err == nil {
		d := ref.doc
		d.Text = make([]byte, ref.length)
		if _, err := in.ReadAt(d.Text, d.Offset+int64(r.bom[ref.file])); err == nil || errors.Is(err, io.EOF) && ref.length == 0 {
			if f, err := manifest.ParseDoc(s.name, d); err == nil {
				for _, o := range f.Objects {
					if o.Item == ref.item {
						cm = r.decodeCM(o)
					}
				}
			}
		}
		in.Close()
	}
	// The input was read entirely a moment ago; if it changed since, the
	// ConfigMap is missing (nil), never a different one.
	r.loaded[key] = cm
	return cm
}
