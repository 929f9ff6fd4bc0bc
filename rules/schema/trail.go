package schema

import (
	"github.com/netguard/netguard/rules"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Trail is the path of a walk under construction: pushing and popping a
// step costs nothing, and a field.Path is built only when a finding needs
// one. Walking a large document would otherwise allocate a path for every
// member although almost none of them are reported.
type Trail struct {
	base  *field.Path
	steps []step
}

type step struct {
	key   string
	index int // -1 for an object key
}

// NewTrail starts a trail below base (nil: the document root).
func NewTrail(base *field.Path) *Trail { return &Trail{base: base} }

// Key descends into an object member.
func (t *Trail) Key(k string) { t.steps = append(t.steps, step{key: k, index: -1}) }

// Index descends into an array element.
func (t *Trail) Index(i int) { t.steps = append(t.steps, step{index: i}) }

// Pop returns to the parent.
func (t *Trail) Pop() { t.steps = t.steps[:len(t.steps)-1] }

// Path is the current position as a field.Path.
func (t *Trail) Path() *field.Path {
	p := t.base
	for _, s := range t.steps {
		if s.index < 0 {
			p = rules.Child(p, s.key)
		} else {
			p = p.Index(s.index)
		}
	}
	return p
}
