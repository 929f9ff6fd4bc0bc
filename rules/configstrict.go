package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// ConfigProblem is one mistake in a configuration file, located in it.
type ConfigProblem struct {
	Line, Column int
	// Path is the field path, e.g. "cluster.kubernetesVersion".
	Path string
	Msg  string
}

// ConfigError lists the problems of a configuration file, each with its
// line and column; File is set by LoadConfig.
type ConfigError struct {
	File     string
	Problems []ConfigProblem
}

func (e *ConfigError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		if e.File != "" {
			parts = append(parts, fmt.Sprintf("%s:%d:%d: %s", e.File, p.Line, p.Column, p.Msg))
		} else {
			parts = append(parts, fmt.Sprintf("line %d, column %d: %s", p.Line, p.Column, p.Msg))
		}
	}
	if e.File != "" {
		return strings.Join(parts, "\n")
	}
	return "netguard config: " + strings.Join(parts, "; ")
}

// checkConfigYAML walks the YAML of a configuration file against the Config
// type before it is decoded, to answer the mistakes people make with their
// position: unknown fields (with the field probably meant), unknown rule IDs,
// and YAML 1.1 traps. The configuration is decoded the way kubectl decodes
// manifests (YAML 1.1: yes/no/on/off are booleans, 1.30 is the number 1.3),
// so an unquoted version or "off" would silently become something else or
// fail with a Go type error; they are refused with the quoted form to write.
func checkConfigYAML(data []byte) []ConfigProblem {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // syntax errors are left to the decoder's message
	}
	var probs []ConfigProblem
	walkConfig(doc.Content[0], reflect.TypeOf(Config{}), "", &probs)
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].Line != probs[j].Line {
			return probs[i].Line < probs[j].Line
		}
		return probs[i].Column < probs[j].Column
	})
	return probs
}

var (
	severityType  = reflect.TypeOf(Severity(""))
	targetsType   = reflect.TypeOf(Targets{})
	mutationsType = reflect.TypeOf(Mutations{})
	clusterType   = reflect.TypeOf(ClusterContext{})
)

// walkSections checks targets: or mutations:, whose keys are the registered
// components' configuration keys and whose values are each component's own
// section type.
func walkSections(n *yamlv3.Node, targets bool, path string, probs *[]ConfigProblem) {
	if n.Kind != yamlv3.MappingNode {
		return // a type error: the decoder says it
	}
	types := map[string]reflect.Type{}
	for _, d := range sortedComponents() {
		switch {
		case targets:
			types[d.TargetsKey] = reflect.TypeOf(d.Targets())
		case d.MutationsKey != "":
			types[d.MutationsKey] = reflect.TypeOf(d.Mutations())
		}
	}
	walkFields(n, types, path, probs)
}

func walkConfig(n *yamlv3.Node, t reflect.Type, path string, probs *[]ConfigProblem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yamlv3.AliasNode || (n.Kind == yamlv3.ScalarNode && n.Tag == "!!null") {
		return
	}
	add := func(n *yamlv3.Node, path, msg string) {
		*probs = append(*probs, ConfigProblem{Line: n.Line, Column: n.Column, Path: path, Msg: msg})
	}
	if t == targetsType || t == mutationsType {
		walkSections(n, t == targetsType, path, probs)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yamlv3.MappingNode {
			return // a type error: the decoder says it
		}
		fields := jsonFields(t)
		if t == clusterType {
			for k := range factKeys() {
				fields[k] = reflect.TypeOf("")
			}
		}
		walkFields(n, fields, path, probs)
	case reflect.Map:
		if n.Kind != yamlv3.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if path == "rules" || strings.HasSuffix(path, ".rules") {
				checkRuleID(k, p, add)
			}
			walkConfig(v, t.Elem(), p, probs)
		}
	case reflect.Slice:
		if n.Kind != yamlv3.SequenceNode {
			return
		}
		for i, item := range n.Content {
			walkConfig(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), probs)
		}
	case reflect.String:
		if n.Kind != yamlv3.ScalarNode || n.Style != 0 {
			return // quoted or a block scalar: a string
		}
		key := path
		if i := strings.LastIndexAny(key, ".]"); i >= 0 {
			key = key[i+1:]
		}
		if read, trap := yaml11Reading(n); trap {
			what := "must be a string"
			if t == severityType {
				what = "severities are strings"
			}
			add(n, path, fmt.Sprintf("%s: %s is %s in YAML; %s, quote it: %s: %q", path, n.Value, read, what, key, n.Value))
		}
	}
}

// walkFields checks the keys of a mapping against the known fields (JSON
// name to type), answering an unknown one with the field probably meant.
func walkFields(n *yamlv3.Node, fields map[string]reflect.Type, path string, probs *[]ConfigProblem) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", join(path, k.Value))
			if s := Suggest(k.Value, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += fmt.Sprintf(" (known fields here: %s)", strings.Join(names, ", "))
			}
			*probs = append(*probs, ConfigProblem{Line: k.Line, Column: k.Column, Path: join(path, k.Value), Msg: msg})
			continue
		}
		walkConfig(v, ft, join(path, k.Value), probs)
	}
}

// yaml11Reading says what an unquoted scalar is in YAML 1.1 when it is not a
// string: "the boolean false", "the number 1.3".
func yaml11Reading(n *yamlv3.Node) (string, bool) {
	switch strings.ToLower(n.Value) {
	case "y", "yes", "on", "true":
		return "the boolean true", true
	case "n", "no", "off", "false":
		return "the boolean false", true
	}
	switch n.Tag {
	case "!!int":
		return "a number", true
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err == nil && strconv.FormatFloat(f, 'f', -1, 64) != n.Value {
			return fmt.Sprintf("the number %s", strconv.FormatFloat(f, 'f', -1, 64)), true
		}
		return "a number", true
	case "!!bool":
		return "a boolean", true
	}
	return "", false
}

func checkRuleID(k *yamlv3.Node, path string, add func(*yamlv3.Node, string, string)) {
	all := All()
	if len(all) == 0 {
		return // no rules registered (a test of the config alone)
	}
	if _, ok := Lookup(k.Value); ok {
		return
	}
	ids := make([]string, 0, len(all))
	for _, r := range all {
		ids = append(ids, r.ID)
	}
	msg := fmt.Sprintf("%s: unknown rule ID", path)
	if s := Suggest(k.Value, ids); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	} else if up := strings.ToUpper(k.Value); up != k.Value {
		if _, ok := Lookup(up); ok {
			msg += fmt.Sprintf(" (did you mean %s?)", up)
		}
	}
	add(k, path, msg)
}

// jsonFields maps the JSON names of a struct's fields (inline structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if (f.Anonymous && name == "") || strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
