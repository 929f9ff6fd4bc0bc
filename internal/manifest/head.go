package manifest

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// head is what the reader needs of a document before the object is decoded:
// kind, apiVersion, name and namespace, and a List's items.
type head struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Items      []json.RawMessage `json:"items"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// headOf reads the head of kubectl's JSON of a document exactly as
// json.Unmarshal into head (errors ignored) does, without decoding the rest
// of the document: keys match case-insensitively (strings.EqualFold is
// encoding/json's folding), a later key wins, a value of the wrong type
// leaves the field as it was, null empties only items, and metadata
// objects merge.
func headOf(js []byte) head {
	var h head
	if !gjson.ValidBytes(js) {
		_ = json.Unmarshal(js, &h) // never for the reader's own JSON; keeps the exact semantics anyway
		return h
	}
	gjson.ParseBytes(js).ForEach(func(k, v gjson.Result) bool {
		key := k.String()
		switch {
		case strings.EqualFold(key, "kind"):
			setString(&h.Kind, v)
		case strings.EqualFold(key, "apiVersion"):
			setString(&h.APIVersion, v)
		case strings.EqualFold(key, "items"):
			switch {
			case v.Type == gjson.Null:
				h.Items = nil
			case v.IsArray():
				h.Items = []json.RawMessage{}
				v.ForEach(func(_, item gjson.Result) bool {
					h.Items = append(h.Items, json.RawMessage(item.Raw))
					return true
				})
			}
		case strings.EqualFold(key, "metadata") && v.IsObject():
			v.ForEach(func(k, v gjson.Result) bool {
				switch key := k.String(); {
				case strings.EqualFold(key, "name"):
					setString(&h.Metadata.Name, v)
				case strings.EqualFold(key, "namespace"):
					setString(&h.Metadata.Namespace, v)
				}
				return true
			})
		}
		return true
	})
	return h
}

func setString(dst *string, v gjson.Result) {
	if v.Type == gjson.String {
		*dst = v.String()
		if !utf8.ValidString(*dst) {
			*dst = replaceInvalid(*dst)
		}
	}
}

// replaceInvalid replaces every byte that is not UTF-8 with U+FFFD, as
// encoding/json does when it unquotes a string.
func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
