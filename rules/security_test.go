package rules

import (
	"strconv"
	"strings"
	"testing"
)

// A credential must not survive Scrub in any form a message shows values:
// verbatim, Go- or JSON-quoted, or cut off by a truncation mark.
func TestScrubCatchesQuotedAndCutOffSecrets(t *testing.T) {
	const secret = `NGSECRET-c2VjcmV0"LXByZS1\zaGFyZWQta2V5é` + "\n"
	quoted := strconv.Quote(secret)
	for name, msg := range map[string]string{
		"verbatim":         "PSK is " + secret + " and more",
		"Go-quoted":        "PSK is " + quoted,
		"JSON-escaped":     `Network is {"PSK":"NGSECRET-c2VjcmV0\"LXByZS1\\zaGFyZWQta2V5é\n"}`,
		"cut off":          `Network is {"PSK":"NGSECRET-c2VjcmV0\"LXBy…: flanneld exits`,
		"cut off twice":    "a NGSECRET-c2Vj… b NGSECRET-c2VjcmV0…",
		"cut off, escaped": strconv.Quote(secret[:20]) + "…",
	} {
		got := Scrub(msg, []string{secret})
		if strings.Contains(got, "NGSECRET") || !strings.Contains(got, Redacted) {
			t.Errorf("%s: %q → %q", name, msg, got)
		}
	}
	// Short cut-offs and unrelated text stay.
	for _, msg := range []string{"NGSE…", "max_pool_size is 5…", "no secret here"} {
		if got := Scrub(msg, []string{secret}); got != msg {
			t.Errorf("%q → %q", msg, got)
		}
	}
}

// A short secret (an access key "ak" in a test cluster) is redacted where it
// stands as a value, not inside unrelated words of the message.
func TestScrubShortSecretOnlyAsAWord(t *testing.T) {
	for msg, want := range map[string]string{
		`access_key is "ak": a mistake`: `access_key is "<redacted>": a mistake`,
		"ak":                            "<redacted>",
		"key=ak, again ak.":             "key=<redacted>, again <redacted>.",
		"take make bake":                "take make bake",
	} {
		if got := Scrub(msg, []string{"ak"}); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", msg, got, want)
		}
	}
}
