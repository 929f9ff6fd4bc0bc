package webhook

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/netguard/netguard/rules"
)

// WarningText renders a finding as one short warning (kubectl prefixes
// "Warning: " itself): rule, object (when set), location, message and hint, without
// control characters, at most MaxWarningRunes runes.
func WarningText(f rules.Finding, marker string) string {
	// The head ("RULE marker Kind ns/name where:") is written once; it
	// ends with ':', so sanitizing it before the separating space is
	// what sanitizing it with the space gives.
	var hb strings.Builder
	hb.Grow(len(f.Rule) + len(marker) + len(f.Kind) + len(f.Object) + len(f.Key) + len(f.Path) + 40)
	hb.WriteString(f.Rule)
	if marker != "" {
		hb.WriteByte(' ')
		hb.WriteString(marker)
	}
	writeObject(&hb, f.Kind, f.Object)
	if hasWhere(f) {
		hb.WriteByte(' ')
		writeWhere(&hb, f)
	}
	hb.WriteByte(':')
	head := sanitize(hb.String())
	msg := sanitize(f.Message)
	if f.Hint == "" {
		return limitRunes(concat(head, " ", msg), MaxWarningRunes)
	}
	hint := sanitize(f.Hint)
	full := concat(head, " ", msg, " Fix: ", hint)
	if utf8.RuneCountInString(full) <= MaxWarningRunes {
		return full
	}
	// Too long: shorten the message first so that the fix (what the
	// operator must do) survives, keeping at least half for the message.
	fix := limitRunes(" Fix: "+hint, MaxWarningRunes/2)
	room := MaxWarningRunes - utf8.RuneCountInString(head) - 1 - utf8.RuneCountInString(fix)
	if room < 1 {
		return limitRunes(full, MaxWarningRunes)
	}
	return head + " " + limitRunes(msg, room) + fix
}

// concat joins strings with one allocation.
func concat(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

// writeObject writes " " + strings.TrimSpace(kind+" "+object) when that is
// not empty, without building the joined string.
func writeObject(b *strings.Builder, kind, object string) {
	k, o := strings.TrimLeftFunc(kind, unicode.IsSpace), strings.TrimRightFunc(object, unicode.IsSpace)
	switch {
	case strings.TrimSpace(o) == "":
		k = strings.TrimSpace(kind)
		o = ""
	case strings.TrimSpace(k) == "":
		k = ""
		o = strings.TrimSpace(object)
	}
	if k == "" && o == "" {
		return
	}
	b.WriteByte(' ')
	b.WriteString(k)
	if k != "" && o != "" {
		b.WriteByte(' ')
	}
	b.WriteString(o)
}

// hasWhere reports whether f.Where() is not empty.
func hasWhere(f rules.Finding) bool { return f.Key != "" || f.Line > 0 || f.Path != "" }

// writeWhere writes f.Where() (`key K, line L, col C (path)`).
func writeWhere(b *strings.Builder, f rules.Finding) {
	sep := false
	if f.Key != "" {
		b.WriteString("key ")
		b.WriteString(f.Key)
		sep = true
	}
	if f.Line > 0 {
		if sep {
			b.WriteString(", ")
		}
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(f.Line))
		if f.Column > 0 {
			b.WriteString(", col ")
			b.WriteString(strconv.Itoa(f.Column))
		}
		sep = true
	}
	if f.Path != "" {
		if sep {
			b.WriteByte(' ')
		}
		b.WriteByte('(')
		b.WriteString(f.Path)
		b.WriteByte(')')
	}
}
