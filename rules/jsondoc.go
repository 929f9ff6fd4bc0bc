package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// JSONDoc is an embedded JSON document (the value of one ConfigMap key),
// parsed with gjson so that every value keeps its byte offset and duplicate
// keys stay visible.
type JSONDoc struct {
	Key   string
	Text  string
	Root  gjson.Result
	lines *LineIndex
}

// JSONSyntaxError is an embedded document that is not valid JSON, with the
// position the standard library reports.
type JSONSyntaxError struct {
	Loc Loc
	Msg string
}

func (e *JSONSyntaxError) Error() string {
	return fmt.Sprintf("line %d, col %d: %s", e.Loc.Line, e.Loc.Column, e.Msg)
}

// ParseJSONDoc parses text as one JSON value, the way encoding/json (and so
// Terway, flanneld and libcni) would: it fails on comments, trailing commas,
// single quotes, a BOM, trailing garbage and empty input.
func ParseJSONDoc(key, text string) (*JSONDoc, *JSONSyntaxError) {
	d := &JSONDoc{Key: key, Text: text, lines: NewLineIndex(text)}
	if strings.TrimSpace(text) == "" {
		return nil, &JSONSyntaxError{Loc: d.LocAt("", 0), Msg: "the value is empty (unexpected end of JSON input)"}
	}
	if strings.HasPrefix(text, "\ufeff") {
		return nil, &JSONSyntaxError{Loc: d.LocAt("", 0), Msg: "the value starts with a UTF-8 byte order mark, which encoding/json rejects (invalid character 'ï' looking for beginning of value)"}
	}
	if !json.Valid([]byte(text)) {
		var v any
		err := json.Unmarshal([]byte(text), &v)
		var se *json.SyntaxError
		off := len(text)
		msg := "invalid JSON"
		if errors.As(err, &se) {
			off = int(se.Offset)
			// encoding/json reports the offset after the offending byte.
			if off > 0 {
				off--
			}
			msg = se.Error()
		} else if err != nil {
			msg = err.Error()
		}
		return nil, &JSONSyntaxError{Loc: d.LocAt("", off), Msg: msg + jsonSyntaxAdvice(text, off)}
	}
	d.Root = gjson.Parse(text)
	return d, nil
}

// jsonSyntaxAdvice recognises the usual causes of broken embedded JSON.
func jsonSyntaxAdvice(text string, off int) string {
	rest := text[min(off, len(text)):]
	switch {
	case strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "/*"):
		return " (JSON has no comments: remove the // or /* */ text)"
	case strings.HasPrefix(strings.TrimLeft(rest, " \t\r\n"), "}") || strings.HasPrefix(strings.TrimLeft(rest, " \t\r\n"), "]"):
		return " (a trailing comma before a closing bracket is not allowed in JSON)"
	case strings.HasPrefix(rest, "'"):
		return " (JSON strings use double quotes)"
	}
	return ""
}

// LocAt returns the location of byte offset off, with the given path.
func (d *JSONDoc) LocAt(path string, off int) Loc {
	l, c := d.lines.Position(off)
	return Loc{Key: d.Key, Path: path, Line: l, Column: c}
}

// Loc returns the location of a value obtained from this document.
func (d *JSONDoc) Loc(path string, v gjson.Result) Loc {
	if !v.Exists() {
		return Loc{Key: d.Key, Path: path}
	}
	return d.LocAt(path, v.Index)
}

// Member is one key/value pair of a JSON object, in document order.
type Member struct {
	Name      string
	KeyOffset int
	Value     gjson.Result
}

// Members lists the members of an object in order, duplicates included
// (gjson keeps them, encoding/json keeps only the last).
func Members(obj gjson.Result) []Member {
	var out []Member
	if !obj.IsObject() {
		return nil
	}
	obj.ForEach(func(k, v gjson.Result) bool {
		out = append(out, Member{Name: k.String(), KeyOffset: k.Index, Value: v})
		return true
	})
	return out
}

// JSONType names the JSON type of v as Go's decoder does in its errors:
// "string", "number", "bool", "object", "array" or "null".
func JSONType(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return "string"
	case gjson.Number:
		return "number"
	case gjson.True, gjson.False:
		return "bool"
	case gjson.Null:
		return "null"
	}
	if v.IsArray() {
		return "array"
	}
	return "object"
}

// IsInteger reports whether v is a JSON number that Go decodes into an
// integer type (no fraction, no exponent) and that fits in bits.
func IsInteger(v gjson.Result, bits int, unsigned bool) bool {
	if v.Type != gjson.Number {
		return false
	}
	if unsigned {
		_, err := strconv.ParseUint(v.Raw, 10, bits)
		return err == nil
	}
	_, err := strconv.ParseInt(v.Raw, 10, bits)
	return err == nil
}

// Compact renders a JSON value briefly for messages, truncating long values.
func Compact(v gjson.Result) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(v.Raw)); err != nil {
		return truncate(v.Raw, 60)
	}
	return truncate(b.String(), 60)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Quote renders a string value for a message, truncated and quoted with Go
// syntax so that invisible characters (trailing newline, NBSP) show.
func Quote(s string) string { return strconv.Quote(truncate(s, 80)) }
