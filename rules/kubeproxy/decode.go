package kubeproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/netguard/netguard/internal/yaml11"
	"github.com/netguard/netguard/rules"
	kjson "sigs.k8s.io/json"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kube-proxy/config/v1alpha1"
)

const (
	apiVersion = "kubeproxy.config.k8s.io/v1alpha1"
	kindName   = "KubeProxyConfiguration"
)

// fatalKind classifies a decoding failure kube-proxy exits on.
type fatalKind int

const (
	fatalYAML     fatalKind = iota + 1 // YAML syntax
	fatalType                          // JSON type error or bad value (durations)
	fatalTypeMeta                      // apiVersion / kind
	fatalJSON                          // text starting with '{' that is not strict JSON
)

// decodeError is a failure of kube-proxy's non-strict decoding pass:
// kube-proxy exits with `failed complete: failed to decode: <Msg>`.
type decodeError struct {
	Kind fatalKind
	Msg  string
	Path string
	Line int
	Col  int
}

// duplicateKey is a key repeated in one YAML mapping (a strict-only error:
// the last value wins).
type duplicateKey struct {
	Key  string
	Line int
}

// decoded is config.conf decoded the way kube-proxy decodes it.
type decoded struct {
	text string
	pos  *yamlPos
	// generic is the first YAML document as JSON values (nil when fatal).
	generic any
	// cfg is the leniently decoded configuration kube-proxy would run with,
	// before defaulting (nil when fatal).
	cfg   *v1alpha1.KubeProxyConfiguration
	fatal *decodeError
	// Strict-only problems (kube-proxy logs one Info line and goes on).
	unknown    []string // JSON paths unknown to the target version
	duplicates []duplicateKey
	// byLine indexes the scalars by line (see scalarsOn).
	byLine map[int][]lineScalar
}

var (
	yamlLineRE    = regexp.MustCompile(`^yaml: line (\d+):`)
	durationValRE = regexp.MustCompile(`in duration "((?:[^"\\]|\\.)*)"`)
)

// decode runs kube-proxy's decoding (apimachinery's strict YAML serializer
// with the lenient fallback) against the fields of target version v.
func decode(text string, v *versionTable) *decoded {
	d := &decoded{text: text}
	data := []byte(text)

	// 0. Text that starts with '{' is recognised as JSON by apimachinery's
	// universal deserializer (utilyaml.IsJSONBuffer) and parsed as strict
	// JSON, so a trailing comma that YAML's flow syntax would forgive is fatal.
	if t := bytes.TrimLeftFunc(data, unicode.IsSpace); len(t) > 0 && t[0] == '{' {
		var probe any
		if err := json.Unmarshal(data, &probe); err != nil {
			d.pos = newYAMLPos(text)
			d.fatal = &decodeError{Kind: fatalJSON, Msg: "couldn't get version/kind; json parse error: " + err.Error()}
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off := max(int(se.Offset)-1, 0)
				li := rules.NewLineIndex(text)
				d.fatal.Line, d.fatal.Col = li.Position(off)
			}
			return d
		}
	}

	// 1. YAML → JSON (go-yaml v2 semantics, first document only) and the
	// node tree for positions, from one parse (internal/yaml11 is
	// sigs.k8s.io/yaml.YAMLToJSON's output, byte for byte).
	parsed, err := yaml11.Parse(data)
	if err != nil {
		// Positions of what yaml.v3 can still read (the error path only).
		d.pos = newYAMLPos(text)
		d.fatal = &decodeError{Kind: fatalYAML, Msg: err.Error()}
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			d.fatal.Line, _ = strconv.Atoi(m[1])
		}
		return d
	}
	d.pos = &yamlPos{root: parsed.Root}
	js := parsed.JSON

	// The JSON as generic values (encoding/json with UseNumber), taken from
	// yaml11's decoded values when it can vouch for them (most documents)
	// rather than decoding its JSON output again.
	generic, fromParse := parsed.Generic()

	// 2. apiVersion / kind (encoding/json, as the serializer's meta factory).
	av, kind, err := typeMeta(js, generic, fromParse)
	if err != nil {
		d.fatal = &decodeError{Kind: fatalTypeMeta, Msg: "couldn't get version/kind; json parse error: " + err.Error()}
		return d
	}
	if msg, path := checkTypeMeta(av, kind, text); msg != "" {
		d.fatal = &decodeError{Kind: fatalTypeMeta, Msg: msg, Path: path}
		d.fatal.Line, d.fatal.Col = d.pos.at(path)
		return d
	}

	if !fromParse {
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.UseNumber()
		if err := dec.Decode(&generic); err != nil {
			d.fatal = &decodeError{Kind: fatalType, Msg: err.Error()}
			return d
		}
	}

	// 3. Fields the target kube-proxy does not know are dropped before the
	// typed decode, as that kube-proxy would never look at them. When none
	// is, re-encoding the values would give back yaml11's JSON byte for
	// byte (sorted unique keys, the same number text, encoding/json's
	// string escapes; Generic declines the cases where it would not).
	d.unknown = pruneUnknown(generic, "", v)
	pruned := js
	if !fromParse || len(d.unknown) > 0 {
		if pruned, err = json.Marshal(generic); err != nil {
			d.fatal = &decodeError{Kind: fatalType, Msg: err.Error()}
			return d
		}
	}

	// 4. Typed decode, case-sensitive, strict (sigs.k8s.io/json).
	cfg := &v1alpha1.KubeProxyConfiguration{}
	if _, err := kjson.UnmarshalStrict(pruned, cfg); err != nil {
		d.fatal = d.locateTypeError(err)
		return d
	}
	d.generic = generic
	d.cfg = cfg

	// 5. Duplicate keys (strict-only): what YAMLToJSONStrict would report,
	// `line N: key "k" already set in map` for string keys, from the same
	// parse.
	for _, dup := range parsed.Duplicates {
		if dup.String {
			d.duplicates = append(d.duplicates, duplicateKey{Key: dup.StringKey, Line: dup.Line})
		}
	}
	return d
}

// typeMeta reads apiVersion and kind as encoding/json.Unmarshal into the
// serializer's TypeMeta struct does. From the generic values only when the
// answer is certain: an object whose keys are ASCII (encoding/json matches
// field names case-insensitively, with Unicode folding) and none of which
// is another spelling of apiVersion or kind, holding strings or null;
// anything else is decoded from the JSON as before.
func typeMeta(js []byte, generic any, fromParse bool) (av, kind string, err error) {
	if m, ok := generic.(map[string]any); ok && fromParse {
		if av, kind, ok := plainTypeMeta(m); ok {
			return av, kind, nil
		}
	}
	var meta struct {
		APIVersion string `json:"apiVersion,omitempty"`
		Kind       string `json:"kind,omitempty"`
	}
	err = json.Unmarshal(js, &meta)
	return meta.APIVersion, meta.Kind, err
}

func plainTypeMeta(m map[string]any) (av, kind string, ok bool) {
	for k, val := range m {
		for i := 0; i < len(k); i++ {
			if k[i] >= utf8.RuneSelf {
				return "", "", false
			}
		}
		var dst *string
		switch {
		case k == "apiVersion":
			dst = &av
		case k == "kind":
			dst = &kind
		case strings.EqualFold(k, "apiVersion"), strings.EqualFold(k, "kind"):
			return "", "", false
		default:
			continue
		}
		switch x := val.(type) {
		case string:
			*dst = x
		case nil:
		default:
			return "", "", false // a type error: encoding/json words it
		}
	}
	return av, kind, true
}

// checkTypeMeta mirrors the serializer: missing kind, missing apiVersion,
// then the scheme lookup.
func checkTypeMeta(av, kind, text string) (msg, path string) {
	doc := strings.TrimSpace(text)
	if len(doc) > 60 {
		doc = doc[:60] + "..."
	}
	switch {
	case kind == "":
		return fmt.Sprintf("Object 'Kind' is missing in '%s'", doc), "kind"
	case av == "":
		return fmt.Sprintf("Object 'apiVersion' is missing in '%s'", doc), "apiVersion"
	case av != apiVersion || kind != kindName:
		path := "apiVersion"
		if av == apiVersion {
			path = "kind"
		}
		return fmt.Sprintf("no kind %q is registered for version %q in scheme \"k8s.io/kubernetes/pkg/proxy/apis/config/scheme/scheme.go:29\"", kind, av), path
	}
	return "", ""
}

// pruneUnknown deletes members of obj that the version's v1alpha1 type does
// not have and returns their paths (sorted). typePrefix is the key of the
// generated version table ("a.b", "list[]"), not a field path.
func pruneUnknown(obj any, prefix string, v *versionTable) []string {
	var out []string
	var root *field.Path
	if prefix != "" {
		root = field.NewPath(prefix)
	}
	var walk func(o any, path *field.Path, typePrefix string)
	walk = func(o any, path *field.Path, typePrefix string) {
		switch x := o.(type) {
		case map[string]any:
			for k, val := range x {
				tp := k
				if typePrefix != "" {
					tp = typePrefix + "." + k
				}
				p := childPath(path, k)
				typ, ok := v.Fields[tp]
				if !ok {
					out = append(out, p.String())
					delete(x, k)
					continue
				}
				switch {
				case strings.HasPrefix(typ, "object"):
					walk(val, p, tp)
				case typ == "[]object":
					if list, ok := val.([]any); ok {
						for i, e := range list {
							walk(e, p.Index(i), tp+"[]")
						}
					}
				}
			}
		}
	}
	walk(obj, root, "")
	sort.Strings(out)
	return out
}

// locateTypeError turns a typed-decoding error into a decodeError with the
// field's position.
func (d *decoded) locateTypeError(err error) *decodeError {
	de := &decodeError{Kind: fatalType, Msg: err.Error()}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		de.Path = te.Field
		de.Line, de.Col = d.pos.at(te.Field)
		return de
	}
	if m := durationValRE.FindStringSubmatch(err.Error()); m != nil {
		val, uerr := strconv.Unquote(`"` + m[1] + `"`)
		if uerr != nil {
			val = m[1]
		}
		d.pos.walkScalars(func(path string, n *yamlNode) {
			if de.Path == "" && n.Value == val {
				de.Path = path
				de.Line, de.Col = n.Line, n.Column
			}
		})
	}
	return de
}

// documents returns the 1-based lines of `---` document markers that start
// a second (or later) non-empty document.
func extraDocuments(text string) []int {
	var out []int
	lines := strings.Split(text, "\n")
	seenContent := false
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t") {
			if seenContent && hasContentAfter(lines[i+1:]) {
				out = append(out, i+1)
			}
			if rest := strings.TrimSpace(strings.TrimPrefix(l, "---")); rest != "" && !strings.HasPrefix(rest, "#") {
				seenContent = true
			}
			continue
		}
		if isContent(l) {
			seenContent = true
		}
	}
	return out
}

func isContent(l string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
	return t != "" && !strings.HasPrefix(t, "#") && t != "..." && !strings.HasPrefix(t, "%")
}

func hasContentAfter(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "---") {
			return false
		}
		if isContent(l) {
			return true
		}
	}
	return false
}

// slashCommentCol returns the 1-based column of a comment-like `//` on a
// line, or 0.
func slashCommentCol(l string) int {
	t := strings.TrimLeft(l, " \t")
	if strings.HasPrefix(t, "//") {
		return len(l) - len(t) + 1
	}
	if strings.HasPrefix(t, "#") {
		return 0
	}
	inS, inD := false, false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\'' && !inD:
			inS = !inS
		case c == '"' && !inS:
			inD = !inD
		case c == '#' && !inS && !inD && i > 0 && (l[i-1] == ' ' || l[i-1] == '\t'):
			return 0
		case c == '/' && !inS && !inD && i > 0 && (l[i-1] == ' ' || l[i-1] == '\t') && strings.HasPrefix(l[i:], "//"):
			return i + 1
		}
	}
	return 0
}

var octalRE = regexp.MustCompile(`^[-+]?0[0-7]+$`)

// yaml11Octal reports whether a plain scalar is a YAML 1.1 octal integer
// (`010` = 8).
func yaml11Octal(s string) bool { return octalRE.MatchString(strings.ReplaceAll(s, "_", "")) }

// lineOf returns line n (1-based) of text without its newline.
func lineOf(text string, n int) string {
	if n < 1 {
		return ""
	}
	i := 0
	for cur := 1; cur < n; cur++ {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return ""
		}
		i += j + 1
	}
	rest := text[i:]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimRight(rest, "\r")
}
