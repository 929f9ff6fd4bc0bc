package webhook

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/netguard/netguard/rules"
)

// warningTextReference is WarningText as it was written before it built
// the text in one pass: the specification the faster one must match.
func warningTextReference(f rules.Finding, marker string) string {
	var b strings.Builder
	b.WriteString(f.Rule)
	if marker != "" {
		b.WriteString(" " + marker)
	}
	if obj := strings.TrimSpace(f.Kind + " " + f.Object); obj != "" {
		b.WriteString(" " + obj)
	}
	if w := f.Where(); w != "" {
		b.WriteString(" " + w)
	}
	b.WriteString(": ")
	head := sanitize(b.String()) + " "
	msg := sanitize(f.Message)
	if f.Hint == "" {
		return limitRunes(head+msg, MaxWarningRunes)
	}
	fix := " Fix: " + sanitize(f.Hint)
	full := head + msg + fix
	if utf8.RuneCountInString(full) <= MaxWarningRunes {
		return full
	}
	fix = limitRunes(fix, MaxWarningRunes/2)
	room := MaxWarningRunes - utf8.RuneCountInString(head) - utf8.RuneCountInString(fix)
	if room < 1 {
		return limitRunes(full, MaxWarningRunes)
	}
	return head + limitRunes(msg, room) + fix
}

// TestWarningTextMatchesItsReference compares WarningText with its
// reference on findings built from awkward pieces: spaces and control
// characters at the edges, invalid UTF-8, empty fields, long texts.
func TestWarningTextMatchesItsReference(t *testing.T) {
	pieces := []string{"", " ", "  ", "\t", "x", "ConfigMap", " kube-system/kube-flannel-cfg ", "ns/n\n", "\xff", "é", "a  b", "\u2028", "\x00", ":", strings.Repeat("é", 300), strings.Repeat("word ", 80)}
	pick := func(rng *rand.Rand) string {
		s := pieces[rng.Intn(len(pieces))]
		if rng.Intn(3) == 0 {
			s += pieces[rng.Intn(len(pieces))]
		}
		return s
	}
	rng := rand.New(rand.NewSource(15))
	for i := 0; i < 20000; i++ {
		f := rules.Finding{Rule: pick(rng), Kind: pick(rng), Object: pick(rng), Key: pick(rng), Path: pick(rng), Message: pick(rng), Hint: pick(rng)}
		if rng.Intn(2) == 0 {
			f.Line, f.Column = rng.Intn(3), rng.Intn(3)
		}
		marker := []string{"", PreExistingMarker, DeniedMarker}[rng.Intn(3)]
		if got, want := WarningText(f, marker), warningTextReference(f, marker); got != want {
			t.Fatalf("%#v, marker %q:\n got %q\nwant %q", f, marker, got, want)
		}
	}
}
