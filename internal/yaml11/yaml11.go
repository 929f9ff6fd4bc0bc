// Package yaml11 parses a YAML document once and yields both what
// sigs.k8s.io/yaml.YAMLToJSON returns for it (go-yaml v2 semantics: YAML 1.1
// `yes`/`on`/`y` booleans, `010` octals, `~` nulls, `.inf`, last duplicate
// key wins, anchors and aliases, `<<` merge keys, non-string keys turned into
// strings, 64-bit integers kept, timestamps kept as text) and the
// go.yaml.in/yaml/v3 node tree with the line and column of every key and
// value, for findings.
//
// Why this design (measured, see docs/benchmarks.md): linting and the
// kube-proxy decoder used to parse every document twice, once with yaml.v3
// for positions and once with sigs.k8s.io/yaml (go-yaml v2 → reflection →
// map[interface{}]interface{} → encoding/json) for the values. go-yaml v2
// and v3 share their scanner and parser (both are ports of libyaml; v3 adds
// comment handling), so one v3 parse gives the same event structure v2
// sees; what differs is the resolution of scalars and the decoding rules.
// This package therefore walks the v3 nodes exactly as v2's decoder walks
// its nodes when unmarshalling into interface{} (same calls in the same
// order: v2's alias-expansion limits, merge order and failures are
// reproduced), resolves scalars with v2's rules (resolve.go), converts keys
// as sigs.k8s.io/yaml's convertToJSONableObject does and writes the JSON
// as encoding/json would (json.go), without reflection. The go-yaml v2
// parser itself is internal to its module and cannot be reused for
// positions, and vendoring a fork of it is not allowed here.
//
// Equivalence is checked by FuzzYAMLToJSON (byte-for-byte JSON and the
// same error/no-error decision as sigs.k8s.io/yaml v1.6.0 on
// go.yaml.in/yaml/v2 v2.4.4), seeded with the project's parity corpora.
// The one case that cannot be equal is sigs.k8s.io/yaml's own randomness:
// distinct keys that become the same string (`1` and "1") are written in
// Go map iteration order; Parse keeps the later one.
//
// Two places where the v3 nodes do not carry what v2 sees: yaml.v3 drops the
// non-specific tag `!` (v2 keeps `! 010` a string), so the text at a node's
// position is consulted when the document contains a `!` (source.go); and
// yaml.v3 scans one token further past the first document than v2, so
// trailing text v2 never reads can make v3 fail (`"","`): Parse then returns
// sigs.k8s.io/yaml's own value without positions (Result.NodeErr), which is
// what the callers did before when yaml.v3 failed.
//
// Most real documents never reach yaml.v3's parser: fast.go builds the
// same node tree for the block-YAML subset config files use and hands
// everything else to yaml.v3.
//
// An error's text is the one sigs.k8s.io/yaml gives (the input is parsed a
// second time on that path only), as callers show it to users.
package yaml11

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// Result is one parsed document.
type Result struct {
	// Root is the content node of the first document (a mapping, sequence,
	// scalar or alias), with yaml.v3 positions; nil when the text holds no
	// document.
	Root *yaml.Node
	// JSON is exactly sigs.k8s.io/yaml.YAMLToJSON's output.
	JSON []byte
	// Duplicates are the keys set twice in one mapping (including through
	// merges), in the order go-yaml v2's strict mode reports them.
	Duplicates []Duplicate
	// NodeErr is set when yaml.v3 could not parse what sigs.k8s.io/yaml
	// accepts (see Parse): JSON and Duplicates are right, Root is nil.
	NodeErr error
	// ambiguous: distinct keys of one mapping collide as strings.
	ambiguous bool
	// value is the decoded document (hasValue: from the one pass), for
	// Generic.
	value    value
	hasValue bool
}

// Duplicate is one `line N: key %#v already set in map` of go-yaml v2's
// strict decoding (sigs.k8s.io/yaml.YAMLToJSONStrict).
type Duplicate struct {
	Key       string // the key as %#v prints it ("a", 1, true)
	String    bool   // the key is a string
	StringKey string // the key when String
	Line      int    // 1-based line of the repeated key's value, as v2 reports
}

// Parse parses the first YAML document of data.
func Parse(data []byte) (*Result, error) {
	r, err := parse(data)
	if err == nil {
		return r, nil
	}
	// Error path: give sigs.k8s.io/yaml's own message (callers quote it).
	js, refErr := referenceJSON(data)
	if refErr != nil {
		return nil, refErr
	}
	var ne *nodeError
	if errors.As(err, &ne) {
		// yaml.v3 looks one token further past the first document than
		// v2 does ("\"\",\"": v2 stops after the scalar, v3 then fails on
		// the unterminated quote), so text v2 never reads can make v3 fail.
		// The value is then sigs.k8s.io/yaml's own, without positions.
		return &Result{JSON: js, Duplicates: strictDuplicates(data), NodeErr: ne.err}, nil
	}
	var ke *keyError
	if errors.As(err, &ke) {
		// yaml.v3 built a collection key where v2 reads something else
		// (`{}:` is the document `{}` to v2, which stops there; found by
		// FuzzYAMLToJSON): v2's value, without positions, as above.
		return &Result{JSON: js, Duplicates: strictDuplicates(data), NodeErr: ke.err}, nil
	}
	// sigs.k8s.io/yaml accepts what the one pass refused (a difference
	// FuzzYAMLToJSON has not found): report it rather than hide it.
	return nil, err
}

// nodeError is yaml.v3 failing to parse.
type nodeError struct{ err error }

func (e *nodeError) Error() string { return e.err.Error() }
func (e *nodeError) Unwrap() error { return e.err }

var dupKeyRE = regexp.MustCompile(`line (\d+): key (.*) already set in map`)

// strictDuplicates reads the duplicate keys from YAMLToJSONStrict's error
// (only on the fallback path above).
func strictDuplicates(data []byte) (out []Duplicate) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	_, err := sigsyaml.YAMLToJSONStrict(data)
	if err == nil {
		return nil
	}
	for _, m := range dupKeyRE.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		d := Duplicate{Key: m[2], Line: line}
		if s, uerr := strconv.Unquote(m[2]); uerr == nil && strings.HasPrefix(m[2], `"`) {
			d.String, d.StringKey = true, s
		}
		out = append(out, d)
	}
	return out
}

// parse is the one-pass implementation (FuzzYAMLToJSON tests it).
func parse(data []byte) (r *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok && errors.As(e, new(*decodeError)) {
				r, err = nil, e
				return
			}
			r, err = nil, fmt.Errorf("yaml: %v", p)
		}
	}()
	r = &Result{}
	hasDoc := true
	if r.Root, hasDoc = fastParse(data); !hasDoc {
		var doc yaml.Node
		if err := parseNodes(data, &doc); err != nil {
			return nil, &nodeError{err}
		}
		hasDoc = doc.Kind != 0
		if doc.Kind == yaml.DocumentNode {
			if len(doc.Content) == 1 {
				r.Root = doc.Content[0]
			}
		} else if hasDoc {
			r.Root = &doc
		}
	}
	d := &decoder{src: newSource(data)}
	var v value
	if hasDoc {
		d.count() // v2's unmarshal of the document node
		if r.Root != nil {
			v = d.unmarshal(r.Root)
		}
	}
	r.Duplicates = d.dups
	e := encoder{buf: make([]byte, 0, len(data)+len(data)/4+16)}
	if err := e.value(v); err != nil {
		return nil, err
	}
	r.JSON, r.ambiguous = e.buf, e.ambiguous
	r.value, r.hasValue = v, true
	return r, nil
}

// IsJSONObject reports whether the JSON is an object.
func (r *Result) IsJSONObject() bool { return len(r.JSON) > 0 && r.JSON[0] == '{' }

// parseNodes is yaml.v3's parse; a panic inside it (a parser bug on hostile
// input) is an error, never a crash of the webhook.
func parseNodes(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("yaml: %v", p)
		}
	}()
	return yaml.Unmarshal(data, doc)
}

// referenceJSON is sigs.k8s.io/yaml.YAMLToJSON, with go-yaml v2's panics
// turned into errors likewise.
func referenceJSON(data []byte) (js []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			js, err = nil, fmt.Errorf("yaml: %v", p)
		}
	}()
	return sigsyaml.YAMLToJSON(data)
}
