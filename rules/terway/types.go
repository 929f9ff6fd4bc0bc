package terway

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// typeCheck checks a JSON value against the Go type Terway decodes it into,
// with the shared decoder, and words the findings for Terway.
type typeCheck struct {
	r   *rules.Report
	doc *schema.Doc
	// mismatchRule is reported for type errors, unknownRule for members of
	// a closed struct that Go would silently discard.
	mismatchRule, unknownRule string
	// structName prefixes paths in the Go-style error ("Config").
	structName string
	// impact says what the failure does ("terwayd exits ...").
	impact string
	// foldCase: the decoder is encoding/json, which also matches keys
	// case-insensitively (the CNI binary); Terway's config decoder is not.
	foldCase bool

	w *schema.Walker
}

// check reports every place where v cannot be decoded into t. It returns
// false when v itself has the wrong type (its children are still checked).
func (c *typeCheck) check(t *schema.Type, v gjson.Result, path *field.Path, secret bool) bool {
	if c.w == nil {
		c.w = &schema.Walker{Doc: c.doc, Match: schema.Exact, Mismatch: c.mismatch, Unknown: c.unknown}
		if c.foldCase {
			c.w.Match = schema.Fold
		}
	}
	return c.w.Check(t, v, path, secret)
}

// unknown reports a member of a closed struct that Go silently discards.
func (c *typeCheck) unknown(t *schema.Type, m rules.Member, p *field.Path) {
	names := t.Names()
	path := rules.PathString(p)
	how := "Terway matches keys case-sensitively and silently ignores"
	if c.foldCase {
		how = "Terway silently ignores"
	}
	msg := fmt.Sprintf("%s is not a field of %s: %s %q", path, t.GoType, how, m.Name)
	hint := "remove it; the fields are " + strings.Join(names, ", ")
	if s := c.r.Suggest(m.Name, names); s != "" {
		msg += fmt.Sprintf(", so this setting has no effect (you probably meant %q)", s)
		hint = fmt.Sprintf("rename %q to %q", m.Name, s)
	}
	c.r.Add(c.unknownRule, c.doc.KeyLoc(p, m), msg, hint)
}

// mismatch reports a value Go's decoder refuses.
func (c *typeCheck) mismatch(t *schema.Type, v gjson.Result, p *field.Path, secret bool) {
	path := rules.PathString(p)
	jt := rules.JSONType(v)
	got := describe(v, secret)
	want := t.Shape()
	why := ""
	errType := jt
	if v.Type == gjson.Number && (t.Kind == schema.Int || t.Kind == schema.Float32 || t.Kind == schema.Float64) {
		errType = "number " + v.Raw
		if secret {
			errType = "number"
		}
		if t.Kind == schema.Int && !strings.ContainsAny(v.Raw, ".eE") {
			why = " (it does not fit in 64 bits)"
		} else if t.Kind == schema.Int {
			why = " (Go does not decode a fraction or exponent into an integer)"
		} else {
			why = " (out of range)"
		}
	}
	msg := fmt.Sprintf("%s is %s but Terway decodes it as %s (Go %s)%s: %s fails with \"json: cannot unmarshal %s into Go struct field %s.%s of type %s\"; %s",
		path, got, want, t.GoType, why, c.structName, errType, c.structName, path, t.GoType, c.impact)
	c.r.Add(c.mismatchRule, c.doc.Loc(p, v), msg, typeHint(t, v, path, secret))
}

// describe renders a value for a message, never showing a secret.
func describe(v gjson.Result, secret bool) string {
	jt := rules.JSONType(v)
	if secret {
		return "a JSON " + jt + " (value " + rules.Redacted + ")"
	}
	switch v.Type {
	case gjson.String:
		return "the JSON string " + rules.Quote(v.Str)
	case gjson.Number:
		return "the JSON number " + v.Raw
	case gjson.True, gjson.False:
		return "the JSON boolean " + v.Raw
	}
	return "a JSON " + jt + " " + rules.Compact(v)
}

// typeHint proposes the corrected value.
func typeHint(t *schema.Type, v gjson.Result, path string, secret bool) string {
	key := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		key = path[i+1:]
	}
	switch t.Kind {
	case schema.Int:
		if v.Type == gjson.String && !secret {
			if n, err := strconv.ParseInt(strings.TrimSpace(v.Str), 10, 64); err == nil {
				return fmt.Sprintf("write the number without quotes: %q: %d", key, n)
			}
		}
		if v.Type == gjson.Number {
			if f, err := strconv.ParseFloat(v.Raw, 64); err == nil && f == float64(int64(f)) {
				return fmt.Sprintf("write a whole number without fraction or exponent: %q: %d", key, int64(f))
			}
		}
		return fmt.Sprintf("write a whole number without quotes, e.g. %q: 5", key)
	case schema.Float64, schema.Float32:
		if v.Type == gjson.String && !secret {
			if _, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64); err == nil {
				return fmt.Sprintf("write the number without quotes: %q: %s", key, strings.TrimSpace(v.Str))
			}
		}
		return fmt.Sprintf("write a JSON number without quotes, e.g. %q: 1", key)
	case schema.Bool:
		if v.Type == gjson.String {
			switch strings.ToLower(strings.TrimSpace(v.Str)) {
			case "true", "1", "yes", "on":
				return fmt.Sprintf("write %q: true (no quotes)", key)
			case "false", "0", "no", "off":
				return fmt.Sprintf("write %q: false (no quotes)", key)
			}
		}
		return fmt.Sprintf("write %q: true or %q: false (no quotes)", key, key)
	case schema.String:
		if secret {
			return fmt.Sprintf("write the value as a quoted JSON string: %q: \"...\"", key)
		}
		switch v.Type {
		case gjson.Number, gjson.True, gjson.False:
			return fmt.Sprintf("quote the value: %q: %q", key, v.Raw)
		}
		return fmt.Sprintf("write the value as a quoted JSON string, e.g. %q: \"...\"", key)
	case schema.Array:
		if t.Elem != nil && t.Elem.Kind == schema.String && v.Type == gjson.String && !secret {
			return fmt.Sprintf("use a JSON array of strings: %q: [%q]", key, v.Str)
		}
		return fmt.Sprintf("use a JSON array (%s)", t.GoType)
	}
	return fmt.Sprintf("use a JSON object (%s)", t.GoType)
}
