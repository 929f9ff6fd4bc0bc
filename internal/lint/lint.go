// Package lint implements `netguard lint`: it reads manifests, judges every
// targeted ConfigMap and Service with the same engine the webhook uses, maps
// every finding to its position in the file, and optionally writes the
// configured mutations back (--fix).
package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"
)

// Rules about the manifest itself, before any component sees it.
const (
	// RuleRejectedByAPIServer: the object cannot be decoded as its type.
	RuleRejectedByAPIServer = "NG002"
	// RuleUnknownField: strict field validation rejects the object.
	RuleUnknownField = "NG003"
)

func init() {
	rules.Register(
		rules.Rule{
			ID:        RuleRejectedByAPIServer,
			Title:     "the API server rejects the object",
			Severity:  rules.Deny,
			Component: "netguard",
			Rationale: "Every value under a ConfigMap's data must be a string. An unquoted YAML scalar such as `true`, `1` or `0.3` is a boolean or a number after kubectl converts the manifest to JSON, and the API server refuses the whole object (`cannot unmarshal bool into Go struct field ConfigMap.data of type string`). The same happens for a Service field of the wrong type. Nothing reaches the component: the apply fails.",
			Good:      "data:\n  in_cluster_loadbalance: \"true\"",
			Bad:       "data:\n  in_cluster_loadbalance: true",
		},
		rules.Rule{
			ID:        RuleUnknownField,
			Title:     "unknown field in the Kubernetes object",
			Severity:  rules.Warn,
			Component: "netguard",
			Rationale: "kubectl (1.27+) asks the API server for strict field validation and fails on a field the type does not have, such as `metadata.lables` or a `data:` key indented one level too deep; clients without strict validation (older kubectl, `--validate=false`, many controllers) silently drop the field instead.",
			Good:      "metadata:\n  labels: {app: web}",
			Bad:       "metadata:\n  lables: {app: web}",
		},
	)
}

// Options configure a lint run.
type Options struct {
	// Config is netguard's configuration (nil: defaults).
	Config *rules.Config
	// NoMutate judges objects as written, without the configured mutations.
	NoMutate bool
	// Fix writes the configured mutations back to the files.
	Fix bool
	// DefaultNamespace is the namespace of objects that have none
	// (kubectl's default: "default").
	DefaultNamespace string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// WriteFile writes a fixed file (nil: os.WriteFile keeping the mode).
	WriteFile func(name string, data []byte) error
	// Engine judges the objects (nil: all.NewEngine(Config)); tests use it
	// to plug in fake checkers.
	Engine *engine.Engine
	// Emit, when set, receives every finding in report order as soon as
	// its file has been read to the end, instead of Result.Findings (which
	// stays empty; Result.Count still counts them). Not with Fix.
	Emit func(Finding)
}

// Finding is one finding with its position in the file.
type Finding struct {
	Rule     string         `json:"rule"`
	Severity rules.Severity `json:"severity"`
	File     string         `json:"file"`
	Object   string         `json:"object"`
	Kind     string         `json:"kind"`
	Key      string         `json:"key"`
	Path     string         `json:"path"`
	// Line and Column are 1-based positions in File.
	Line   int `json:"line"`
	Column int `json:"column"`
	// DocLine and DocColumn are the position inside the embedded document
	// (the ConfigMap value of Key), 0 when not applicable.
	DocLine   int    `json:"docLine"`
	DocColumn int    `json:"docColumn"`
	Message   string `json:"message"`
	Hint      string `json:"hint"`
	// Context is the kubeconfig context of a multi-cluster scan.
	Context string `json:"context,omitempty"`

	fileIndex int
}

// Result is the outcome of a lint run.
type Result struct {
	Findings []Finding
	// Files read, Objects found, Judged objects (targeted by a rule family).
	Files, Objects, Judged int
	// Errors are unreadable inputs (missing files, YAML syntax errors) and
	// refused fixes.
	Errors []error
	// Fixed lists the files written by --fix with the number of changes.
	Fixed []Fixed
	// Notices are objects with a targeted name in a namespace that is not
	// judged (nothing about them was checked), in input order.
	Notices []Notice

	// tally counts the findings by severity when they are handed to
	// Options.Emit instead of kept in Findings (nil: count Findings).
	tally map[rules.Severity]int
}

// Fixed is a file rewritten by --fix.
type Fixed struct {
	File    string
	Changes int
}

// Count returns the number of findings of a severity.
func (r *Result) Count(s rules.Severity) int {
	if r.tally != nil {
		return r.tally[s]
	}
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// ExitCode is 2 when some input was unreadable, 1 when a finding denies,
// else 0.
func (r *Result) ExitCode() int {
	switch {
	case len(r.Errors) > 0:
		return 2
	case r.Count(rules.Deny) > 0:
		return 1
	}
	return 0
}

// ErrFixStdin is returned when --fix is combined with stdin.
var ErrFixStdin = errors.New("--fix cannot write back to stdin; lint files instead")

type parsed struct {
	file  *manifest.File
	index int
	objs  []decoded
}

type decoded struct {
	obj *manifest.Object
	// object is the decoded object of a registered kind (nil when the
	// kind is not judged or the API server would refuse it); cm and svc
	// are the same object when it is a ConfigMap or a Service, for the
	// kind-specific work of lint (related ConfigMaps, --fix).
	object rules.Object
	cm     *corev1.ConfigMap
	svc    *corev1.Service
	// noNamespace: the manifest gave none; DefaultNamespace was used.
	noNamespace bool
}

// Run lints the given paths.
func Run(paths []string, opts Options) *Result {
	res := &Result{}
	cfg := opts.Config
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	ns := opts.DefaultNamespace
	if ns == "" {
		ns = "default"
	}
	if opts.Fix && opts.NoMutate {
		res.Errors = append(res.Errors, errors.New("--fix and --no-mutate contradict each other"))
		return res
	}
	names, err := manifest.Expand(paths)
	if err != nil {
		res.Errors = append(res.Errors, err)
	}
	if opts.Fix && contains(names, "-") {
		res.Errors = append(res.Errors, ErrFixStdin)
		return res
	}
	eng := opts.Engine
	if eng == nil {
		eng = all.NewEngine(cfg)
	}
	if !opts.Fix {
		srcs, cleanup := sources(names, opts.Stdin)
		defer cleanup()
		s := &streamer{cfg: cfg, eng: eng, opts: opts, ns: ns, rel: newRelated(srcs, ns)}
		for i := range srcs {
			s.clusters = append(s.clusters, s.clusterFor(i))
		}
		s.run(srcs, newCollector(res, opts.Emit))
		return res
	}
	fixRun(res, names, cfg, eng, ns, opts)
	return res
}

// fixRun is Run with --fix: every file is read whole (edits rewrite it),
// and the cluster context is built from all of them (contextFor).
func fixRun(res *Result, names []string, cfg *rules.Config, eng *engine.Engine, ns string, opts Options) {
	var files []*parsed
	for i, read := range manifest.ReadFiles(names, opts.Stdin) {
		f, err := read.File, read.Err
		if err != nil {
			res.Errors = append(res.Errors, err)
			continue
		}
		res.Files++
		p := &parsed{file: f, index: i}
		for _, o := range f.Objects {
			res.Objects++
			noNamespace := o.Namespace == ""
			if noNamespace {
				o.Namespace = ns
			}
			d, fs := decode(o)
			d.noNamespace = noNamespace
			res.Findings = append(res.Findings, withIndex(fs, i)...)
			p.objs = append(p.objs, d)
		}
		files = append(files, p)
	}

	for _, p := range files {
		cluster := contextFor(cfg, p, files)
		var edits []manifest.Edit
		var fixed []fixCheck
		for _, d := range p.objs {
			if d.object == nil {
				continue
			}
			r := eng.Judge(engine.Input{Operation: rules.Create, Object: d.object, Cluster: cluster, NoMutate: opts.NoMutate})
			if !r.Judged {
				if n, ok := notice(cfg, d); ok {
					res.Notices = append(res.Notices, n)
				}
				continue
			}
			res.Judged++
			for _, f := range r.Findings {
				res.Findings = append(res.Findings, place(d.obj, f, p.index))
			}
			if opts.Fix {
				es, chk, err := fixEdits(d, r)
				if err != nil {
					res.Errors = append(res.Errors, err)
					continue
				}
				edits = append(edits, es...)
				if len(es) > 0 {
					fixed = append(fixed, chk)
				}
			}
		}
		if len(edits) > 0 {
			if err := writeFix(p.file, edits, fixed, opts.WriteFile); err != nil {
				res.Errors = append(res.Errors, err)
			} else {
				res.Fixed = append(res.Fixed, Fixed{File: p.file.Name, Changes: len(edits)})
			}
		}
	}
	SortFindings(res.Findings)
}

// SortFindings is the order of every report (lint, scan; text, json,
// sarif, junit): by input (the order the files were given, then the
// location a scan gives as File), then position in the file, position
// inside the embedded document, and rule. One object's findings come from
// the engine in rules.SortFindings' order (severity first, the order of a
// webhook's denial message); a report re-sorts them by where they are.
// The sort is stable: findings at the same place keep the engine's order.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.fileIndex != b.fileIndex:
			return a.fileIndex < b.fileIndex
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.Column != b.Column:
			return a.Column < b.Column
		case a.DocLine != b.DocLine:
			return a.DocLine < b.DocLine
		case a.DocColumn != b.DocColumn:
			return a.DocColumn < b.DocColumn
		}
		return a.Rule < b.Rule
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func withIndex(fs []Finding, i int) []Finding {
	for k := range fs {
		fs[k].fileIndex = i
	}
	return fs
}

// decode turns a manifest object into the typed object the API server
// would store, or findings saying why the API server would refuse it.
func decode(o *manifest.Object) (decoded, []Finding) {
	d := decoded{obj: o}
	// The kinds the components judge (rules.RegisterKind); an apiVersion
	// left out is taken as the kind's.
	k, ok := rules.LookupKind(o.Kind)
	if !ok || (o.APIVersion != "" && o.APIVersion != k.Version && o.APIVersion != k.Group+"/"+k.Version) {
		return d, nil // not judged by netguard
	}
	target := k.New()
	d.cm, _ = target.(*corev1.ConfigMap)
	d.svc, _ = target.(*corev1.Service)
	finding := func(rule string, path []string, msg, hint string) Finding {
		line, col, _ := o.Position(path...)
		rl, _ := rules.Lookup(rule)
		return Finding{Rule: rule, Severity: rl.Severity, File: o.File.Name, Object: o.Namespace + "/" + o.Name, Kind: o.Kind,
			Path: strings.Join(path, "."), Line: line, Column: col, Message: msg, Hint: hint}
	}
	// The object as the API server decodes it. When that succeeds without a
	// single unknown field, every key matched a field exactly, so every data,
	// annotation and label value was a string or null, and the check below
	// (which runs first, and matches keys as encoding/json does, ignoring
	// case) can find nothing: it is skipped. Otherwise it runs, as before,
	// and this decoding is the one it would do next.
	strict, err := sigsjson.UnmarshalStrict(o.JSON, target, sigsjson.DisallowUnknownFields)
	var out []Finding
	if err != nil || len(strict) > 0 {
		out = nonStrings(o, d.cm != nil, finding)
	}
	if len(out) > 0 {
		d.cm, d.svc = nil, nil
		return d, out
	}
	if err != nil {
		d.cm, d.svc = nil, nil
		return d, []Finding{finding(RuleRejectedByAPIServer, nil,
			fmt.Sprintf("the API server cannot decode this %s: %v", o.Kind, err),
			"fix the field type named in the message; see the Kubernetes API reference for "+o.Kind)}
	}
	target.SetNamespace(o.Namespace)
	d.object = target
	for _, e := range strict {
		msg := e.Error()
		path := []string(nil)
		if i := strings.Index(msg, `unknown field "`); i >= 0 {
			field := strings.TrimSuffix(msg[i+len(`unknown field "`):], `"`)
			path = strings.Split(field, ".")
		}
		out = append(out, finding(RuleUnknownField, path,
			fmt.Sprintf("%s: kubectl apply fails with strict field validation (the default since 1.27); without it the field is silently dropped", msg),
			"remove the field or fix its spelling and indentation"))
	}
	return d, out
}

// nonStrings reports the string map values (ConfigMap data when isCM,
// annotations, labels) that the API server refuses.
func nonStrings(o *manifest.Object, isCM bool, finding func(rule string, path []string, msg, hint string) Finding) []Finding {
	var out []Finding
	// The classic mistake, located precisely: a string map value (ConfigMap
	// data, annotations, labels) that kubectl's YAML 1.1 decoding turns into
	// a boolean, number, null-less list or map (`true`, `on`, `yes`, `8080`).
	var maps struct {
		Data     map[string]any `json:"data"`
		Metadata struct {
			Annotations map[string]any `json:"annotations"`
			Labels      map[string]any `json:"labels"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(o.JSON, &maps)
	for _, m := range []struct {
		path  []string
		field string
		vals  map[string]any
	}{
		{[]string{"data"}, o.Kind + ".data", maps.Data},
		{[]string{"metadata", "annotations"}, "ObjectMeta.annotations", maps.Metadata.Annotations},
		{[]string{"metadata", "labels"}, "ObjectMeta.labels", maps.Metadata.Labels},
	} {
		if m.path[0] == "data" && !isCM {
			continue
		}
		keys := make([]string, 0, len(m.vals))
		for k := range m.vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var what string
			switch v := m.vals[k].(type) {
			case string, nil:
				continue
			case bool:
				what = fmt.Sprintf("the boolean %v", v)
			case float64:
				what = "a number"
			default:
				what = "a YAML mapping or list"
			}
			raw := ""
			if _, n := o.Node(append(m.path, k)...); n != nil && n.Kind == yaml.ScalarNode {
				raw = n.Value
			}
			hint := "write the value as a quoted string"
			if raw != "" {
				hint = fmt.Sprintf("quote the value: %s: %q", k, raw)
			}
			f := finding(RuleRejectedByAPIServer, append(append([]string(nil), m.path...), k),
				fmt.Sprintf("%s value %s is %s after kubectl's YAML decoding (YAML 1.1: true/false, yes/no, on/off and numbers are not strings): the API server rejects the whole %s (cannot unmarshal into %s of type string) and nothing reaches the component",
					strings.Join(m.path, "."), k, what, o.Kind, m.field),
				hint)
			if m.path[0] == "data" || m.path[1] == "annotations" {
				f.Key, f.Path = k, ""
			}
			out = append(out, f)
		}
	}
	return out
}

// place converts an engine finding into a file finding.
func place(o *manifest.Object, f rules.Finding, fileIndex int) Finding {
	out := Finding{Rule: f.Rule, Severity: f.Severity, File: o.File.Name, Object: f.Object, Kind: f.Kind, Key: f.Key, Path: f.Path,
		Message: f.Message, Hint: f.Hint, fileIndex: fileIndex}
	switch {
	case f.Kind == "ConfigMap" && f.Key != "":
		out.Line, out.Column, _ = o.DataPosition(f.Key, f.Line, f.Column)
		out.DocLine, out.DocColumn = f.Line, f.Column
	case f.Kind == "Service" && f.Key != "":
		out.Line, out.Column, _ = o.Position("metadata", "annotations", f.Key)
	case f.Path != "":
		out.Line, out.Column, _ = o.Position(manifest.SplitFieldPath(f.Path)...)
	default:
		out.Line, out.Column = o.Line(), o.Column()
	}
	return out
}

// contextFor builds the cluster context of one file: the configuration's
// cluster facts plus every ConfigMap of the run as a related object. When
// several ConfigMaps have the same namespace/name, one from the same file
// wins over one from the same directory, which wins over any other (the
// first in path order).
func contextFor(cfg *rules.Config, p *parsed, files []*parsed) *rules.ClusterContext {
	c := cfg.Cluster
	c.ConfigMaps = map[string]*corev1.ConfigMap{}
	for k, v := range cfg.Cluster.ConfigMaps {
		c.ConfigMaps[k] = v
	}
	dir := filepath.Dir(p.file.Name)
	rank := map[string]int{}
	for _, q := range files {
		r := 0
		switch {
		case q == p:
			r = 3
		case filepath.Dir(q.file.Name) == dir:
			r = 2
		default:
			r = 1
		}
		for _, d := range q.objs {
			if d.cm == nil {
				continue
			}
			key := d.cm.Namespace + "/" + d.cm.Name
			if r > rank[key] {
				rank[key] = r
				c.ConfigMaps[key] = d.cm
			}
		}
	}
	return &c
}
