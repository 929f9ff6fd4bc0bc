package terway

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
)

// typeCheck walks a JSON value against the Go type Terway decodes it into.
type typeCheck struct {
	r   *rules.Report
	doc *rules.JSONDoc
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
}

// check reports every place where v cannot be decoded into t. It returns
// false when v itself has the wrong type (its children are still checked).
func (c *typeCheck) check(t *jtype, v gjson.Result, path string, secret bool) bool {
	if v.Type == gjson.Null {
		// encoding/json leaves the Go value untouched for null: no error.
		return true
	}
	ok := true
	switch t.kind {
	case kString:
		ok = v.Type == gjson.String
	case kBool:
		ok = v.Type == gjson.True || v.Type == gjson.False
	case kInt:
		ok = rules.IsInteger(v, 64, false)
	case kFloat64:
		ok = isFloat(v, 64)
	case kFloat32:
		ok = isFloat(v, 32)
	case kArray:
		ok = v.IsArray()
		if ok {
			for i, e := range v.Array() {
				c.check(t.elem, e, rules.IndexPath(path, i), secret)
			}
		}
	case kMap:
		ok = v.IsObject()
		if ok {
			for _, m := range rules.Members(v) {
				c.check(t.elem, m.Value, rules.JoinPath(path, m.Name), secret || isSecretKey(m.Name))
			}
		}
	case kStruct:
		ok = v.IsObject()
		if ok {
			c.checkStruct(t, v, path, secret)
		}
	}
	if !ok {
		c.mismatch(t, v, path, secret)
	}
	return ok
}

func (c *typeCheck) checkStruct(t *jtype, v gjson.Result, path string, secret bool) {
	if t.fields == nil {
		return
	}
	names := sortedKeys(t.fields)
	for _, m := range rules.Members(v) {
		p := rules.JoinPath(path, m.Name)
		if ft, ok := t.fields[m.Name]; ok {
			c.check(ft, m.Value, p, secret || isSecretKey(m.Name))
			continue
		}
		if t.open || c.unknownRule == "" {
			continue
		}
		if c.foldCase {
			if ft, _ := foldField(t.fields, m.Name); ft != nil {
				c.check(ft, m.Value, p, secret)
				continue
			}
		}
		loc := c.doc.LocAt(p, m.KeyOffset)
		how := "Terway matches keys case-sensitively and silently ignores"
		if c.foldCase {
			how = "Terway silently ignores"
		}
		msg := fmt.Sprintf("%s is not a field of %s: %s %q", p, t.goType, how, m.Name)
		hint := "remove it; the fields are " + strings.Join(names, ", ")
		if s := rules.Suggest(m.Name, names); s != "" {
			msg += fmt.Sprintf(", so this setting has no effect (you probably meant %q)", s)
			hint = fmt.Sprintf("rename %q to %q", m.Name, s)
		}
		c.r.Add(c.unknownRule, loc, msg, hint)
	}
}

// foldField finds a struct field the way encoding/json does when no field
// matches exactly.
func foldField(fields map[string]*jtype, name string) (*jtype, string) {
	for _, k := range sortedKeys(fields) {
		if strings.EqualFold(k, name) {
			return fields[k], k
		}
	}
	return nil, ""
}

func isFloat(v gjson.Result, bits int) bool {
	if v.Type != gjson.Number {
		return false
	}
	_, err := strconv.ParseFloat(v.Raw, bits)
	return err == nil
}

// mismatch reports a value Go's decoder refuses.
func (c *typeCheck) mismatch(t *jtype, v gjson.Result, path string, secret bool) {
	jt := rules.JSONType(v)
	got := describe(v, secret)
	want := goKindName(t)
	why := ""
	errType := jt
	if v.Type == gjson.Number && (t.kind == kInt || t.kind == kFloat32 || t.kind == kFloat64) {
		errType = "number " + v.Raw
		if secret {
			errType = "number"
		}
		if t.kind == kInt && !strings.ContainsAny(v.Raw, ".eE") {
			why = " (it does not fit in 64 bits)"
		} else if t.kind == kInt {
			why = " (Go does not decode a fraction or exponent into an integer)"
		} else {
			why = " (out of range)"
		}
	}
	msg := fmt.Sprintf("%s is %s but Terway decodes it as %s (Go %s)%s: %s fails with \"json: cannot unmarshal %s into Go struct field %s.%s of type %s\"; %s",
		path, got, want, t.goType, why, c.structName, errType, c.structName, path, t.goType, c.impact)
	c.r.Add(c.mismatchRule, c.doc.Loc(path, v), msg, typeHint(t, v, path, secret))
}

// goKindName names the expected JSON shape for humans.
func goKindName(t *jtype) string {
	switch t.kind {
	case kString:
		return "a JSON string"
	case kBool:
		return "a JSON boolean (true/false without quotes)"
	case kInt:
		return "a JSON integer"
	case kFloat64, kFloat32:
		return "a JSON number"
	case kArray:
		return "a JSON array"
	}
	return "a JSON object"
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
func typeHint(t *jtype, v gjson.Result, path string, secret bool) string {
	key := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		key = path[i+1:]
	}
	switch t.kind {
	case kInt:
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
	case kFloat64, kFloat32:
		if v.Type == gjson.String && !secret {
			if _, err := strconv.ParseFloat(strings.TrimSpace(v.Str), 64); err == nil {
				return fmt.Sprintf("write the number without quotes: %q: %s", key, strings.TrimSpace(v.Str))
			}
		}
		return fmt.Sprintf("write a JSON number without quotes, e.g. %q: 1", key)
	case kBool:
		if v.Type == gjson.String {
			switch strings.ToLower(strings.TrimSpace(v.Str)) {
			case "true", "1", "yes", "on":
				return fmt.Sprintf("write %q: true (no quotes)", key)
			case "false", "0", "no", "off":
				return fmt.Sprintf("write %q: false (no quotes)", key)
			}
		}
		return fmt.Sprintf("write %q: true or %q: false (no quotes)", key, key)
	case kString:
		if secret {
			return fmt.Sprintf("write the value as a quoted JSON string: %q: \"...\"", key)
		}
		switch v.Type {
		case gjson.Number, gjson.True, gjson.False:
			return fmt.Sprintf("quote the value: %q: %q", key, v.Raw)
		}
		return fmt.Sprintf("write the value as a quoted JSON string, e.g. %q: \"...\"", key)
	case kArray:
		if t.elem != nil && t.elem.kind == kString && v.Type == gjson.String && !secret {
			return fmt.Sprintf("use a JSON array of strings: %q: [%q]", key, v.Str)
		}
		return fmt.Sprintf("use a JSON array (%s)", t.goType)
	}
	return fmt.Sprintf("use a JSON object (%s)", t.goType)
}

// secretHints are substrings every name rules.IsSecretKey accepts contains;
// checking them first keeps the hot path free of IsSecretKey's allocations.
var secretHints = []string{"key", "secret", "psk", "pass", "token"}

// isSecretKey is rules.IsSecretKey with a cheap pre-filter.
func isSecretKey(name string) bool {
	l := strings.ToLower(name)
	for _, h := range secretHints {
		if strings.Contains(l, h) {
			return rules.IsSecretKey(name)
		}
	}
	return false
}
