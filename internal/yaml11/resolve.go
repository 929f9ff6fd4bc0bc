package yaml11

import (
	"encoding/base64"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Long tags as go-yaml v2's parser reports them.
const (
	longPrefix   = "tag:yaml.org,2002:"
	tagStr       = longPrefix + "str"
	tagBool      = longPrefix + "bool"
	tagInt       = longPrefix + "int"
	tagFloat     = longPrefix + "float"
	tagNull      = longPrefix + "null"
	tagTimestamp = longPrefix + "timestamp"
	tagBinary    = longPrefix + "binary"
	tagMerge     = longPrefix + "merge"
)

// words are the YAML 1.1 plain scalars go-yaml v2 resolves by table
// (go.yaml.in/yaml/v2 v2.4.4 resolve.go, init): note `y`/`n`, `on`/`off`.
var words = func() map[string]value {
	m := map[string]value{}
	add := func(v value, ss ...string) {
		for _, s := range ss {
			m[s] = v
		}
	}
	t, f := value{k: kBool, n: 1}, value{k: kBool}
	add(t, "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
	add(f, "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
	add(value{k: kNull}, "", "~", "null", "Null", "NULL")
	add(floatValue(math.NaN()), ".nan", ".NaN", ".NAN")
	add(floatValue(math.Inf(1)), ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")
	add(floatValue(math.Inf(-1)), "-.inf", "-.Inf", "-.INF")
	return m
}()

// wordTags are the tags of the table entries (for the explicit-tag check).
func wordTag(v value) string {
	switch v.k {
	case kBool:
		return tagBool
	case kNull:
		return tagNull
	}
	return tagFloat
}

// yamlStyleFloat is go-yaml v2's float pattern for digit/sign-led scalars.
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

func resolvable(tag string) bool {
	switch tag {
	case "", tagStr, tagBool, tagInt, tagFloat, tagNull, tagTimestamp:
		return true
	}
	return false
}

// resolve gives the value go-yaml v2 decodes a scalar to when the target is
// interface{}: tag is the long explicit tag ("" for none, "!" for the
// non-specific tag). It mirrors v2's resolve plus decoder.scalar: timestamps
// stay strings, !!binary is base64-decoded, an explicit tag the text does
// not match is an error.
func resolve(tag, in string) (value, error) {
	if !resolvable(tag) {
		if tag == tagBinary {
			b, err := base64.StdEncoding.DecodeString(in)
			if err != nil {
				return value{}, errorf("!!binary value contains invalid base64 data")
			}
			return stringValue(string(b)), nil
		}
		return stringValue(in), nil
	}
	rtag, v := resolvePlain(tag, in)
	switch tag {
	case "", rtag, tagStr:
	default:
		if tag == tagFloat && rtag == tagInt && v.k == kInt {
			return floatValue(float64(int64(v.n))), nil
		}
		return value{}, errorf("cannot decode %s `%s` as a %s", shortTag(rtag), in, shortTag(tag))
	}
	if rtag == tagTimestamp {
		// v2 keeps timestamp-like text as the original string in interface{}.
		return stringValue(in), nil
	}
	return v, nil
}

func shortTag(tag string) string {
	if strings.HasPrefix(tag, longPrefix) {
		return "!!" + tag[len(longPrefix):]
	}
	return tag
}

func hint(c byte) byte {
	switch {
	case c == '+' || c == '-':
		return 'S'
	case c >= '0' && c <= '9':
		return 'D'
	case c == '.':
		return '.'
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		return 'M'
	}
	return 0
}

// resolvePlain is v2's resolve for a resolvable tag: it returns the tag the
// text resolves to and the value.
func resolvePlain(tag, in string) (string, value) {
	h := byte('N')
	if in != "" {
		h = hint(in[0])
	}
	if h == 0 || tag == tagStr {
		return tagStr, stringValue(in)
	}
	if v, ok := words[in]; ok {
		return wordTag(v), v
	}
	if in == "<<" {
		return tagMerge, stringValue(in)
	}
	switch h {
	case '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return tagFloat, floatValue(f)
		}
	case 'D', 'S':
		if (tag == "" || tag == tagTimestamp) && isTimestamp(in) {
			return tagTimestamp, stringValue(in)
		}
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return tagInt, intValue(i)
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return tagInt, value{k: kUint, n: u}
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return tagFloat, floatValue(f)
			}
		}
		if strings.HasPrefix(plain, "0b") {
			if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return tagInt, intValue(i)
			}
			if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return tagInt, value{k: kUint, n: u}
			}
		} else if strings.HasPrefix(plain, "-0b") {
			if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return tagInt, intValue(i)
			}
		}
	}
	return tagStr, stringValue(in)
}

// timestampFormats are the layouts go-yaml v2 accepts for a plain timestamp.
var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, f := range timestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}
