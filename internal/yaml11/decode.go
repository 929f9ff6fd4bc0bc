package yaml11

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// decodeError aborts the walk, as go-yaml v2's failf panics.
type decodeError struct{ msg string }

func (e *decodeError) Error() string { return "yaml: " + e.msg }

func errorf(format string, args ...any) error {
	return &decodeError{msg: fmt.Sprintf(format, args...)}
}

func fail(err error) { panic(err) }

// keyError is a collection used as a mapping key in yaml.v3's tree: an
// error if v2 parses the text the same way, a parser difference if it
// does not (see Parse).
type keyError struct{ err error }

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

// Alias expansion limits of go-yaml v2 (decode.go, allowedAliasRatio).
const (
	aliasRangeLow  = 400000
	aliasRangeHigh = 4000000
)

func allowedAliasRatio(decodeCount int) float64 {
	switch {
	case decodeCount <= aliasRangeLow:
		return 0.99
	case decodeCount >= aliasRangeHigh:
		return 0.10
	}
	return 0.99 - 0.89*(float64(decodeCount-aliasRangeLow)/float64(aliasRangeHigh-aliasRangeLow))
}

// decoder walks a yaml.v3 node tree exactly as go-yaml v2's decoder walks
// its own node tree when unmarshalling into interface{}: the same calls in
// the same order, so the alias-expansion accounting, the merge order and
// the first failure are v2's.
type decoder struct {
	src         *source
	decodeCount int
	aliasCount  int
	aliasDepth  int
	aliases     map[*yaml.Node]bool
	dups        []Duplicate
}

// count is the bookkeeping at the top of v2's decoder.unmarshal.
func (d *decoder) count() {
	d.decodeCount++
	if d.aliasDepth > 0 {
		d.aliasCount++
	}
	if d.aliasCount > 100 && d.decodeCount > 1000 && float64(d.aliasCount)/float64(d.decodeCount) > allowedAliasRatio(d.decodeCount) {
		fail(errorf("document contains excessive aliasing"))
	}
}

func (d *decoder) unmarshal(n *yaml.Node) value {
	d.count()
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 1 {
			return d.unmarshal(n.Content[0])
		}
		return value{}
	case yaml.AliasNode:
		d.enterAlias(n)
		v := d.unmarshal(n.Alias)
		d.leaveAlias(n)
		return v
	case yaml.ScalarNode:
		return d.scalar(n)
	case yaml.MappingNode:
		m := &mapping{}
		d.mappingInto(n, m)
		return value{k: kMap, m: m}
	case yaml.SequenceNode:
		a := make([]value, len(n.Content))
		for i, c := range n.Content {
			a[i] = d.unmarshal(c)
		}
		return value{k: kSeq, a: a}
	}
	fail(errorf("unknown node kind %d", n.Kind))
	return value{}
}

func (d *decoder) enterAlias(n *yaml.Node) {
	if d.aliases[n] {
		fail(errorf("anchor '%s' value contains itself", n.Value))
	}
	if d.aliases == nil {
		d.aliases = map[*yaml.Node]bool{}
	}
	d.aliases[n] = true
	d.aliasDepth++
}

func (d *decoder) leaveAlias(n *yaml.Node) {
	d.aliasDepth--
	delete(d.aliases, n)
}

// tagOf returns the long tag go-yaml v2's parser gives n: "" for none, "!"
// for the non-specific tag (which yaml.v3 drops, so the text is consulted).
func (d *decoder) tagOf(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle != 0 {
		if len(n.Tag) > 2 && n.Tag[:2] == "!!" {
			return longPrefix + n.Tag[2:]
		}
		return n.Tag
	}
	if d.src.bangTagged(n) {
		return "!"
	}
	return ""
}

const quotedStyles = yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle

// implicit is v2's node.implicit for a scalar: plain and untagged, or
// tagged with the non-specific "!".
func implicit(n *yaml.Node, tag string) bool {
	return tag == "!" || tag == "" && n.Style&quotedStyles == 0
}

func (d *decoder) scalar(n *yaml.Node) value {
	tag := d.tagOf(n)
	if tag == "" && !implicit(n, tag) {
		return stringValue(n.Value)
	}
	v, err := resolve(tag, n.Value)
	if err != nil {
		fail(err)
	}
	return v
}

func (d *decoder) isMerge(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Value != "<<" {
		return false
	}
	tag := d.tagOf(n)
	return implicit(n, tag) || tag == tagMerge
}

// mappingInto is v2's decoder.mapping into a map[interface{}]interface{}
// (a fresh one, or the one being merged into).
func (d *decoder) mappingInto(n *yaml.Node, m *mapping) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if d.isMerge(kn) {
			d.merge(vn, m)
			continue
		}
		k := d.unmarshal(kn)
		if k.isCollection() {
			// v2 fails the same way on a collection key it parsed
			// (`? {}`), but it does not always parse one where yaml.v3
			// does: at the root, v2 reads `{}:` as the document `{}` and
			// stops. Parse settles it with sigs.k8s.io/yaml (keyError).
			fail(&keyError{errorf("invalid map key: %s", k.k)})
		}
		v := d.unmarshal(vn)
		if m.set(k, v) {
			d.dups = append(d.dups, Duplicate{Key: k.goString(), String: k.k == kString, StringKey: k.s, Line: vn.Line})
		}
	}
}

// mergeInto is v2's unmarshal of a merged mapping (or alias of one) into
// the map that holds the `<<` key.
func (d *decoder) mergeInto(n *yaml.Node, m *mapping) {
	d.count()
	if n.Kind == yaml.AliasNode {
		d.enterAlias(n)
		d.mergeInto(n.Alias, m)
		d.leaveAlias(n)
		return
	}
	d.mappingInto(n, m)
}

var errWantMap = errorf("map merge requires map or sequence of maps as the value")

func (d *decoder) merge(n *yaml.Node, m *mapping) {
	switch n.Kind {
	case yaml.MappingNode:
		d.mergeInto(n, m)
	case yaml.AliasNode:
		if n.Alias != nil && n.Alias.Kind != yaml.MappingNode {
			fail(errWantMap)
		}
		d.mergeInto(n, m)
	case yaml.SequenceNode:
		// Backwards: earlier mappings take precedence.
		for i := len(n.Content) - 1; i >= 0; i-- {
			c := n.Content[i]
			if c.Kind == yaml.AliasNode {
				if c.Alias != nil && c.Alias.Kind != yaml.MappingNode {
					fail(errWantMap)
				}
			} else if c.Kind != yaml.MappingNode {
				fail(errWantMap)
			}
			d.mergeInto(c, m)
		}
	default:
		fail(errWantMap)
	}
}

func (k kind) String() string {
	return [...]string{"nil", "bool", "int", "uint64", "float64", "string", "map", "slice"}[k]
}
