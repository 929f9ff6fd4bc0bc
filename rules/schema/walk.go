package schema

import (
	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Walker checks a value against a Type the way Go's decoder would decode
// it, and reports through its callbacks; the wording of findings stays with
// the component, which knows what the failure does.
type Walker struct {
	Doc *Doc
	// Match is how struct keys find their fields.
	Match Match
	// Mismatch is called for every value the decoder refuses. secret is
	// true below a secret key: the value must not be shown.
	Mismatch func(t *Type, v gjson.Result, p *field.Path, secret bool)
	// Unknown is called for a member of a closed struct that no field
	// takes (the decoder silently drops it); nil ignores them.
	Unknown func(t *Type, m rules.Member, p *field.Path)

	trail Trail // reused by every Check: a Walker is not for concurrent use
}

// Check reports every place where v cannot be decoded into t. It returns
// false when v itself has the wrong type (its children are still checked).
func (w *Walker) Check(t *Type, v gjson.Result, p *field.Path, secret bool) bool {
	w.trail.base, w.trail.steps = p, w.trail.steps[:0]
	return w.check(t, v, &w.trail, secret)
}

func (w *Walker) check(t *Type, v gjson.Result, tr *Trail, secret bool) bool {
	ok := t.Accepts(v)
	if v.Type != gjson.Null && (t.Elem != nil || t.Kind == Struct) {
		switch {
		case t.Kind == Array && ok:
			i := 0
			v.ForEach(func(_, e gjson.Result) bool {
				tr.Index(i)
				w.check(t.Elem, e, tr, secret)
				tr.Pop()
				i++
				return true
			})
		case t.Kind == Map && ok:
			for _, m := range w.Doc.Members(v) {
				tr.Key(m.Name)
				w.check(t.Elem, m.Value, tr, secret || rules.IsSecretKey(m.Name))
				tr.Pop()
			}
		case t.Kind == Struct && ok:
			w.checkStruct(t, v, tr, secret)
		}
	}
	if !ok && w.Mismatch != nil {
		w.Mismatch(t, v, tr.Path(), secret)
	}
	return ok
}

func (w *Walker) checkStruct(t *Type, v gjson.Result, tr *Trail, secret bool) {
	if t.Fields == nil {
		return
	}
	for _, m := range w.Doc.Members(v) {
		tr.Key(m.Name)
		if _, ft := t.Field(m.Name, w.Match); ft != nil {
			w.check(ft, m.Value, tr, secret || rules.IsSecretKey(m.Name))
		} else if !t.Open && w.Unknown != nil {
			w.Unknown(t, m, tr.Path())
		}
		tr.Pop()
	}
}
