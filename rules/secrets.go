package rules

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Redacted replaces secret values wherever they would otherwise be shown.
const Redacted = "<redacted>"

// secretKeyNames are normalised (lower case, no separators) names of keys
// whose values are credentials: Terway's access_key/access_secret, the
// ali-vpc/tencent-vpc AccessKeyID/AccessKeySecret, flannel ipsec/wireguard
// PSK, and generic password/secret/token fields.
var secretKeyNames = map[string]bool{
	"accesskey": true, "accesssecret": true, "accesskeyid": true, "accesskeysecret": true,
	"secretkey": true, "secretaccesskey": true, "psk": true, "password": true, "passwd": true,
	"secret": true, "token": true, "privatekey": true, "apikey": true, "clientsecret": true,
}

// IsSecretKey reports whether values of a key with this name are credentials
// that must never appear in a message, log line or annotation.
func IsSecretKey(name string) bool {
	if len(name) > 40 {
		return false
	}
	// Normalise ASCII names on the stack: the decoder asks once per member
	// of every embedded document, so this must not allocate.
	var buf [40]byte
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-' || c == ' ' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c >= 0x80:
			return secretKeyNames[strings.ReplaceAll(normalizeName(name), ".", "")]
		}
		buf[n] = c
		n++
	}
	return secretKeyNames[string(buf[:n])]
}

// SecretValues walks a parsed JSON document and returns every non-empty string
// value stored under a secret key, longest first (so Scrub replaces a value
// before any of its substrings).
func SecretValues(root gjson.Result) []string {
	// Most documents hold no credential: nothing is allocated for them
	// beyond the walk itself.
	var seen map[string]bool
	var walk func(v gjson.Result)
	walk = func(v gjson.Result) {
		switch {
		case v.IsObject():
			v.ForEach(func(k, val gjson.Result) bool {
				if val.Type == gjson.String && val.Str != "" && IsSecretKey(k.String()) {
					if seen == nil {
						seen = map[string]bool{}
					}
					seen[val.Str] = true
				}
				if val.IsObject() || val.IsArray() {
					walk(val)
				}
				return true
			})
		case v.IsArray():
			v.ForEach(func(_, val gjson.Result) bool {
				if val.IsObject() || val.IsArray() {
					walk(val)
				}
				return true
			})
		}
	}
	walk(root)
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	if len(out) > 1 {
		sort.Slice(out, func(i, j int) bool {
			return len(out[i]) > len(out[j]) || (len(out[i]) == len(out[j]) && out[i] < out[j])
		})
	}
	return out
}

// secretMemberRE matches `"key": "value"` pairs in text that may not be
// valid JSON, so that secrets in a broken document are still found.
var secretMemberRE = regexp.MustCompile(`"([^"\\]{1,40})"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// SecretValuesInText finds `"secretKey": "value"` pairs in any text, valid
// JSON or not (a broken eni_conf still holds a real access_secret).
func SecretValuesInText(text string) []string {
	var out []string
	for _, m := range secretMemberRE.FindAllStringSubmatch(text, -1) {
		if IsSecretKey(m[1]) && m[2] != "" {
			out = append(out, m[2])
		}
	}
	return out
}

// Scrub replaces every occurrence of the given secret values in s: as is,
// escaped the way a message shows values (Go or JSON quoting), and cut off
// by a message's truncation mark ("NGSECRET-c2Vj…"; a checker showing a
// wrongly typed value that holds a credential truncates it to 60 runes).
func Scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if v == "" {
			continue
		}
		forms := []string{v}
		if q := strconv.Quote(v); q[1:len(q)-1] != v {
			forms = append(forms, q[1:len(q)-1])
		}
		if j, err := json.Marshal(v); err == nil && string(j[1:len(j)-1]) != v {
			forms = append(forms, string(j[1:len(j)-1]))
		}
		for _, f := range forms {
			if len(f) < shortSecret {
				s = replaceWords(s, f)
				continue
			}
			if strings.Contains(s, f) {
				s = strings.ReplaceAll(s, f, Redacted)
			}
			s = scrubCut(s, f)
		}
	}
	return s
}

// shortSecret is the length below which a secret value is replaced only
// where it stands as a word of its own: a two-letter access key "ak" must not
// turn "mistake" into "mist<redacted>e", and the word around it reveals
// nothing of the secret.
const shortSecret = 8

// replaceWords replaces the occurrences of v in s that are not glued to a
// letter or digit on either side.
func replaceWords(s, v string) string {
	var b strings.Builder
	for from := 0; ; {
		i := strings.Index(s[from:], v)
		if i < 0 {
			if b.Len() == 0 {
				return s
			}
			b.WriteString(s[from:])
			return b.String()
		}
		i += from
		end := i + len(v)
		b.WriteString(s[from:i])
		if isWordByte(s, i-1) || isWordByte(s, end) {
			b.WriteString(v)
		} else {
			b.WriteString(Redacted)
		}
		from = end
	}
}

// isWordByte reports whether s[i] exists and is an ASCII letter or digit.
func isWordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// scrubCut redacts a prefix (8 bytes or more) of v that ends where a
// truncation mark starts (or just before a closing quote and the mark).
func scrubCut(s, v string) string {
	const mark, minCut = "…", 8
	if len(v) < minCut {
		return s
	}
	for from := 0; ; {
		i := strings.Index(s[from:], mark)
		if i < 0 {
			return s
		}
		i += from
		from = i + len(mark)
		end := i
		if end > 0 && s[end-1] == '"' { // strconv.Quote(cut) + "…"
			end--
		}
		for k := min(len(v), end); k >= minCut; k-- {
			if strings.HasSuffix(s[:end], v[:k]) {
				s = s[:end-k] + Redacted + s[end:]
				from = end - k + len(Redacted) + (i - end) + len(mark)
				break
			}
		}
	}
}
