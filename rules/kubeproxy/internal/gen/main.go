// Command gen writes zz_generated_versions.go: the per-minor tables of the
// kube-proxy rules (feature gates known to kube-proxy's global registry with
// their default / lock / stage, feature-gate dependencies, the v1alpha1 JSON
// field paths of KubeProxyConfiguration, the valid proxy modes and the
// nodePortAddresses keywords), extracted from the Kubernetes sources of the
// latest patch release of every minor 1.26..1.37.
//
// Sources come from the Go module proxy through `go mod download -json`
// (they land in the module cache; nothing is committed). Everything is read
// with go/ast; no Kubernetes code is compiled or run.
//
// Run it with `go generate ./rules/kubeproxy` (network access to the module
// proxy needed).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	firstMinor = 26
	lastMinor  = 37
)

// minPatch is the newest patch known to exist for each minor when this
// generator was written. The module proxy's version list may be incomplete
// (it only lists versions it has seen), so the generator uses the newest of
// the listed versions and this floor.
var minPatch = map[int]int{
	26: 15, 27: 16, 28: 15, 29: 15, 30: 14, 31: 14,
	32: 13, 33: 13, 34: 4, 35: 4, 36: 3, 37: 2,
}

// historicalKubeProxy are releases of k8s.io/kube-proxy older than
// firstMinor whose v1alpha1 fields are recorded, so that a field the
// component once had is recognised as removed rather than as a typo.
var historicalKubeProxy = []string{"v0.15.12", "v0.20.15", "v0.24.17", "v0.25.16"}

func main() {
	out := flag.String("o", "zz_generated_versions.go", "output file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")

	var tables []*table
	for minor := firstMinor; minor <= lastMinor; minor++ {
		t, err := extract(minor)
		if err != nil {
			log.Fatalf("1.%d: %v", minor, err)
		}
		log.Printf("1.%d: %s, %d gates, %d fields, modes %v, nodePortAddresses keywords %v",
			minor, t.Kubernetes, len(t.Gates), len(t.Fields), t.Modes, t.NodePortKeywords)
		tables = append(tables, t)
	}
	hist := map[string]string{}
	for _, v := range historicalKubeProxy {
		dir, used, err := downloadMinor("k8s.io/kube-proxy", v)
		if err != nil {
			log.Fatal(err)
		}
		m := strings.Split(strings.TrimPrefix(v, "v0."), ".")[0]
		fields, err := extractFields(dir, used, func(mod string) (string, error) {
			d, _, err := downloadMinor(mod, used)
			return d, err
		})
		if err != nil {
			log.Fatalf("kube-proxy %s: %v", v, err)
		}
		for f := range fields {
			hist[f] = "1." + m
		}
	}
	src := render(tables, hist)
	formatted, err := format.Source(src)
	if err != nil {
		os.WriteFile(*out+".broken", src, 0o644)
		log.Fatalf("format: %v", err)
	}
	if err := os.WriteFile(*out, formatted, 0o644); err != nil {
		log.Fatal(err)
	}
}

// table is what one minor contributes.
type table struct {
	Minor            int
	Kubernetes       string
	KubeProxy        string
	Gates            map[string]gateSpec
	Deps             map[string][]string
	Fields           map[string]string
	Modes            []modeSpec
	ModeSeparator    string
	NodePortKeywords []string
	NodePortMixing   bool // keywords may be mixed with CIDRs
	NodePortDupCheck bool // a repeated keyword is an error
	Schedulers       []string
}

type gateSpec struct {
	Default bool
	Locked  bool
	Stage   string
}

type modeSpec struct {
	Name string
	Gate string
}

// ---------------------------------------------------------------- download

func goCmd(args ...string) ([]byte, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		cmd := exec.Command("go", args...)
		cmd.Dir = os.TempDir() // outside any module
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=on")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err == nil {
			return out, nil
		}
		lastErr = fmt.Errorf("go %s: %v: %s %s", strings.Join(args, " "), err, stderr.String(), out)
		if bytes.Contains(out, []byte("not available")) || bytes.Contains(stderr.Bytes(), []byte("not available")) {
			if attempt >= 1 {
				break
			}
		}
		time.Sleep(time.Duration(attempt+1) * time.Second)
	}
	return nil, lastErr
}

var dlCache = map[string]string{}

func download(mod, version string) (string, error) {
	key := mod + "@" + version
	if d, ok := dlCache[key]; ok {
		return d, nil
	}
	out, err := goCmd("mod", "download", "-json", key)
	if err != nil {
		return "", err
	}
	var res struct{ Dir, Error string }
	if err := json.Unmarshal(out, &res); err != nil {
		return "", err
	}
	if res.Error != "" || res.Dir == "" {
		return "", fmt.Errorf("%s: %s", key, res.Error)
	}
	dlCache[key] = res.Dir
	return res.Dir, nil
}

// downloadMinor downloads a staging module at version, or, when the proxy
// refuses that exact version, at the newest other patch of the same minor it
// serves (API types do not change within a minor).
func downloadMinor(mod, version string) (dir, used string, err error) {
	if dir, err = download(mod, version); err == nil {
		return dir, version, nil
	}
	firstErr := err
	parts := strings.Split(version, ".")
	prefix := parts[0] + "." + parts[1] + "."
	var cands []int
	if out, lerr := goCmd("list", "-m", "-versions", mod); lerr == nil {
		for _, v := range strings.Fields(string(out)) {
			if p, ok := strings.CutPrefix(v, prefix); ok {
				if n, aerr := strconv.Atoi(p); aerr == nil {
					cands = append(cands, n)
				}
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(cands)))
	cands = append(cands, 1, 0)
	for _, n := range cands {
		v := prefix + strconv.Itoa(n)
		if v == version {
			continue
		}
		if dir, err = download(mod, v); err == nil {
			log.Printf("%s@%s is not available; using %s", mod, version, v)
			return dir, v, nil
		}
	}
	return "", "", firstErr
}

func resolvePatch(minor int) int {
	best := minPatch[minor]
	out, err := goCmd("list", "-m", "-versions", "k8s.io/kubernetes")
	if err != nil {
		log.Printf("listing versions: %v (using the known patch floor)", err)
		return best
	}
	prefix := fmt.Sprintf("v1.%d.", minor)
	for _, v := range strings.Fields(string(out)) {
		if !strings.HasPrefix(v, prefix) {
			continue
		}
		if p, err := strconv.Atoi(strings.TrimPrefix(v, prefix)); err == nil && p > best {
			best = p
		}
	}
	return best
}

// ---------------------------------------------------------------- per minor

func extract(minor int) (*table, error) {
	patch := resolvePatch(minor)
	kver := fmt.Sprintf("v1.%d.%d", minor, patch)
	sver := fmt.Sprintf("v0.%d.%d", minor, patch)
	kdir, err := download("k8s.io/kubernetes", kver)
	if err != nil {
		return nil, err
	}
	t := &table{Minor: minor, Kubernetes: kver, KubeProxy: sver}
	staging := func(mod string) (string, error) {
		d, v, err := downloadMinor(mod, sver)
		if err == nil && mod == "k8s.io/kube-proxy" {
			t.KubeProxy = v
		}
		return d, err
	}
	pkgDir := func(importPath string) (string, error) {
		if rest, ok := strings.CutPrefix(importPath, "k8s.io/kubernetes/"); ok {
			return filepath.Join(kdir, rest), nil
		}
		parts := strings.SplitN(importPath, "/", 3)
		if len(parts) < 2 || parts[0] != "k8s.io" {
			return "", fmt.Errorf("unexpected import %s", importPath)
		}
		d, err := staging(parts[0] + "/" + parts[1])
		if err != nil {
			return "", err
		}
		if len(parts) == 3 {
			d = filepath.Join(d, parts[2])
		}
		return d, nil
	}
	l := &loader{pkgDir: pkgDir, pkgs: map[string]*pkg{}}

	if err := extractGates(l, t); err != nil {
		return nil, fmt.Errorf("feature gates: %w", err)
	}
	kpdir, err := staging("k8s.io/kube-proxy")
	if err != nil {
		return nil, err
	}
	if t.Fields, err = extractFields(kpdir, sver, staging); err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	if err := extractValidation(l, t); err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	return t, nil
}

// ---------------------------------------------------------------- packages

type pkg struct {
	path    string
	files   []*ast.File
	consts  map[string]string // constant name -> string value
	imports map[string]string // per package: alias -> import path (union of files)
}

type loader struct {
	pkgDir func(string) (string, error)
	pkgs   map[string]*pkg
}

// load parses the non-test Go files of a package that build on linux.
func (l *loader) load(importPath string) (*pkg, error) {
	if p, ok := l.pkgs[importPath]; ok {
		return p, nil
	}
	dir, err := l.pkgDir(importPath)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	p := &pkg{path: importPath, consts: map[string]string{}, imports: map[string]string{}}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasSuffix(name, "_windows.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if !buildsOnLinux(f) {
			continue
		}
		p.files = append(p.files, f)
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			alias := filepath.Base(path)
			if im.Name != nil {
				alias = im.Name.Name
			}
			p.imports[alias] = path
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := stringLit(vs.Values[i]); ok {
							p.consts[n.Name] = v
						}
					}
				}
			}
		}
	}
	l.pkgs[importPath] = p
	return p, nil
}

func buildsOnLinux(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if s, ok := strings.CutPrefix(c.Text, "//go:build "); ok {
				s = strings.TrimSpace(s)
				if s == "windows" || s == "!linux" || strings.HasPrefix(s, "!linux ") {
					return false
				}
			}
		}
	}
	return true
}

// stringLit evaluates "x", featuregate.Feature("x"), Type("x").
func stringLit(e ast.Expr) (string, bool) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if v.Kind == token.STRING {
			s, err := strconv.Unquote(v.Value)
			return s, err == nil
		}
	case *ast.CallExpr:
		if len(v.Args) == 1 {
			return stringLit(v.Args[0])
		}
	}
	return "", false
}

// resolve evaluates a constant reference (X, alias.X, Type(alias.X)) in p.
func (l *loader) resolve(p *pkg, e ast.Expr) (string, error) {
	switch v := e.(type) {
	case *ast.BasicLit:
		if s, ok := stringLit(v); ok {
			return s, nil
		}
	case *ast.Ident:
		if s, ok := p.consts[v.Name]; ok {
			return s, nil
		}
		return "", fmt.Errorf("%s: unknown constant %s", p.path, v.Name)
	case *ast.SelectorExpr:
		x, ok := v.X.(*ast.Ident)
		if !ok {
			break
		}
		path, ok := p.imports[x.Name]
		if !ok {
			return "", fmt.Errorf("%s: unknown import %s", p.path, x.Name)
		}
		q, err := l.load(path)
		if err != nil {
			return "", err
		}
		if s, ok := q.consts[v.Sel.Name]; ok {
			return s, nil
		}
		return "", fmt.Errorf("%s: unknown constant %s.%s", p.path, x.Name, v.Sel.Name)
	case *ast.CallExpr:
		if len(v.Args) == 1 {
			return l.resolve(p, v.Args[0])
		}
	case *ast.ParenExpr:
		return l.resolve(p, v.X)
	}
	return "", fmt.Errorf("%s: cannot evaluate %T", p.path, e)
}

// ---------------------------------------------------------------- gates

type rawSpec struct {
	Default, Locked bool
	Stage           string
	Version         [2]int // 0,0 = unversioned
	MinCompat       [2]int
}

type registration struct {
	specs       map[string][]rawSpec
	versioned   bool
	unversioned bool // registered through Add(): only the latest spec counts
}

func typeName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return v.Sel.Name
	case *ast.ArrayType:
		return "[]" + typeName(v.Elt)
	}
	return ""
}

// specMaps finds map literals of feature specs and dependencies in p.
func (l *loader) specMaps(p *pkg) (specs []registration, deps map[string][]string, err error) {
	deps = map[string][]string{}
	for _, f := range p.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if err != nil {
				return false
			}
			cl, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			mt, ok := cl.Type.(*ast.MapType)
			if !ok {
				return true
			}
			vt := typeName(mt.Value)
			switch vt {
			case "FeatureSpec", "VersionedSpecs":
				reg := registration{specs: map[string][]rawSpec{}, versioned: vt == "VersionedSpecs"}
				for _, el := range cl.Elts {
					kv := el.(*ast.KeyValueExpr)
					name, e := l.resolve(p, kv.Key)
					if e != nil {
						err = e
						return false
					}
					val := kv.Value.(*ast.CompositeLit)
					if reg.versioned {
						for _, s := range val.Elts {
							reg.specs[name] = append(reg.specs[name], parseSpec(s.(*ast.CompositeLit)))
						}
					} else {
						reg.specs[name] = []rawSpec{parseSpec(val)}
					}
				}
				specs = append(specs, reg)
				return false
			case "[]Feature":
				for _, el := range cl.Elts {
					kv := el.(*ast.KeyValueExpr)
					name, e := l.resolve(p, kv.Key)
					if e != nil {
						err = e
						return false
					}
					for _, d := range kv.Value.(*ast.CompositeLit).Elts {
						dn, e := l.resolve(p, d)
						if e != nil {
							err = e
							return false
						}
						deps[name] = append(deps[name], dn)
					}
				}
				return false
			}
			return true
		})
	}
	return specs, deps, err
}

func parseSpec(cl *ast.CompositeLit) rawSpec {
	var s rawSpec
	for _, el := range cl.Elts {
		kv := el.(*ast.KeyValueExpr)
		key := kv.Key.(*ast.Ident).Name
		switch key {
		case "Default":
			s.Default = identName(kv.Value) == "true"
		case "LockToDefault":
			s.Locked = identName(kv.Value) == "true"
		case "PreRelease":
			s.Stage = identName(kv.Value)
		case "Version":
			s.Version = parseVersion(kv.Value)
		case "MinCompatibilityVersion":
			s.MinCompat = parseVersion(kv.Value)
		}
	}
	return s
}

func identName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return v.Sel.Name
	}
	return ""
}

func parseVersion(e ast.Expr) [2]int {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return [2]int{}
	}
	switch identName(call.Fun) {
	case "MustParse", "MustParseGeneric", "MustParseSemantic":
		s, _ := stringLit(call.Args[0])
		parts := strings.Split(strings.TrimPrefix(s, "v"), ".")
		a, _ := strconv.Atoi(parts[0])
		b := 0
		if len(parts) > 1 {
			b, _ = strconv.Atoi(parts[1])
		}
		return [2]int{a, b}
	case "MajorMinor":
		a, _ := strconv.Atoi(call.Args[0].(*ast.BasicLit).Value)
		b, _ := strconv.Atoi(call.Args[1].(*ast.BasicLit).Value)
		return [2]int{a, b}
	}
	return [2]int{}
}

func less(a, b [2]int) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// atVersion mirrors featureSpecAtEmulationAndMinCompatVersion with the
// emulation version 1.minor and the minimum compatibility version 1.(minor-1).
func atVersion(specs []rawSpec, minor int) rawSpec {
	emu := [2]int{1, minor}
	minCompat := [2]int{1, minor - 1}
	for i := len(specs) - 1; i >= 0; i-- {
		if less(emu, specs[i].Version) {
			continue
		}
		if specs[i].MinCompat != ([2]int{}) && less(minCompat, specs[i].MinCompat) {
			continue
		}
		return specs[i]
	}
	return rawSpec{Stage: "PreAlpha"}
}

var addCalls = map[string]bool{
	"AddFeatureGates":                            true,
	"AddFeaturesToExistingFeatureGates":          true,
	"AddVersionedFeaturesToExistingFeatureGates": true,
}

// extractGates collects what kube-proxy's global feature gate knows: the
// component-base built-ins (AllAlpha, AllBeta), pkg/features (including the
// apiserver/apiextensions/controller-manager gates it lists), and every
// package whose AddFeatureGates-style function pkg/features or
// cmd/kube-proxy/app calls.
func extractGates(l *loader, t *table) error {
	sources := []struct {
		path        string
		unversioned bool
	}{{"k8s.io/component-base/featuregate", false}, {"k8s.io/kubernetes/pkg/features", false}}
	seen := map[string]bool{}
	for _, caller := range []string{"k8s.io/kubernetes/pkg/features", "k8s.io/kubernetes/cmd/kube-proxy/app"} {
		p, err := l.load(caller)
		if err != nil {
			return err
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !addCalls[sel.Sel.Name] {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				path := p.imports[x.Name]
				if path == "" || seen[path] {
					return true
				}
				seen[path] = true
				sources = append(sources, struct {
					path        string
					unversioned bool
				}{path, sel.Sel.Name == "AddFeaturesToExistingFeatureGates"})
				return true
			})
		}
	}
	t.Gates = map[string]gateSpec{}
	t.Deps = map[string][]string{}
	for _, src := range sources {
		p, err := l.load(src.path)
		if err != nil {
			return err
		}
		regs, deps, err := l.specMaps(p)
		if err != nil {
			return err
		}
		for _, reg := range regs {
			for name, specs := range reg.specs {
				if _, dup := t.Gates[name]; dup {
					continue
				}
				var s rawSpec
				switch {
				case !reg.versioned:
					s = specs[0]
				case src.unversioned:
					s = specs[len(specs)-1]
				default:
					s = atVersion(specs, t.Minor)
				}
				if s.Stage == "" {
					s.Stage = "GA"
				}
				t.Gates[name] = gateSpec{Default: s.Default, Locked: s.Locked, Stage: s.Stage}
			}
		}
		for k, v := range deps {
			t.Deps[k] = append(t.Deps[k], v...)
		}
	}
	for k, v := range t.Deps {
		sort.Strings(v)
		t.Deps[k] = compact(v)
	}
	return nil
}

func compact(v []string) []string {
	out := v[:0]
	for i, s := range v {
		if i == 0 || s != v[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// ---------------------------------------------------------------- fields

// extractFields lists the JSON paths of v1alpha1.KubeProxyConfiguration with
// their Go types ("[]" marks list elements).
func extractFields(kpdir, sver string, staging func(string) (string, error)) (map[string]string, error) {
	type typeDecls map[string]ast.Expr
	parsed := map[string]typeDecls{}
	parseDir := func(dir string) (typeDecls, error) {
		if d, ok := parsed[dir]; ok {
			return d, nil
		}
		d := typeDecls{}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		fset := token.NewFileSet()
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, s := range gd.Specs {
					ts := s.(*ast.TypeSpec)
					d[ts.Name.Name] = ts.Type
				}
			}
		}
		parsed[dir] = d
		return d, nil
	}
	// Leaf types decoded by a custom UnmarshalJSON or from another API group.
	leaf := map[string]string{
		"metav1.Duration": "duration", "metav1.TypeMeta": "", "resource.QuantityValue": "quantity",
		"TimeOrMetaDuration": "duration|nanoseconds",
	}
	cbDir := func(sub string) (string, error) {
		d, err := staging("k8s.io/component-base")
		return filepath.Join(d, sub), err
	}
	aliases := map[string]func() (string, error){
		"componentbaseconfigv1alpha1": func() (string, error) { return cbDir("config/v1alpha1") },
		"logsapi":                     func() (string, error) { return cbDir("logs/api/v1") },
	}
	fields := map[string]string{}
	var walk func(dir string, t ast.Expr, prefix string) error
	walk = func(dir string, t ast.Expr, prefix string) error {
		decls, err := parseDir(dir)
		if err != nil {
			return err
		}
		switch v := t.(type) {
		case *ast.StructType:
			for _, f := range v.Fields.List {
				tag := ""
				if f.Tag != nil {
					s, _ := strconv.Unquote(f.Tag.Value)
					tag = reflect.StructTag(s).Get("json")
				}
				name := strings.Split(tag, ",")[0]
				if name == "-" {
					continue
				}
				if len(f.Names) == 0 && name == "" { // embedded: inline
					if ts := exprString(f.Type); ts == "metav1.TypeMeta" {
						fields[join(prefix, "apiVersion")] = "string"
						fields[join(prefix, "kind")] = "string"
						continue
					}
					if err := walk(dir, f.Type, prefix); err != nil {
						return err
					}
					continue
				}
				if name == "" {
					name = f.Names[0].Name
				}
				p := join(prefix, name)
				fields[p] = describe(f.Type, decls)
				if err := walk(dir, f.Type, p); err != nil {
					return err
				}
			}
		case *ast.Ident:
			if u, ok := decls[v.Name]; ok {
				if _, isLeaf := leaf[v.Name]; isLeaf {
					return nil
				}
				return walk(dir, u, prefix)
			}
		case *ast.StarExpr:
			return walk(dir, v.X, prefix)
		case *ast.ArrayType:
			return walk(dir, v.Elt, prefix+"[]")
		case *ast.SelectorExpr:
			if _, isLeaf := leaf[exprString(v)]; isLeaf {
				return nil
			}
			if _, isLeaf := leaf[v.Sel.Name]; isLeaf {
				return nil
			}
			get, ok := aliases[identName(v.X)]
			if !ok {
				return nil
			}
			d, err := get()
			if err != nil {
				return err
			}
			od, err := parseDir(d)
			if err != nil {
				return err
			}
			if u, ok := od[v.Sel.Name]; ok {
				return walk(d, u, prefix)
			}
			return fmt.Errorf("type %s not found in %s", exprString(v), d)
		}
		return nil
	}
	root := filepath.Join(kpdir, "config/v1alpha1")
	decls, err := parseDir(root)
	if err != nil {
		return nil, err
	}
	if err := walk(root, decls["KubeProxyConfiguration"], ""); err != nil {
		return nil, err
	}
	_ = sver
	return fields, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func exprString(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return exprString(v.X) + "." + v.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(v.X)
	case *ast.ArrayType:
		return "[]" + exprString(v.Elt)
	case *ast.MapType:
		return "map[" + exprString(v.Key) + "]" + exprString(v.Value)
	}
	return fmt.Sprintf("%T", e)
}

// describe renders a field's Go type, resolving local named basic types
// (ProxyMode -> string).
func describe(t ast.Expr, decls map[string]ast.Expr) string {
	s := exprString(t)
	switch s {
	case "TimeOrMetaDuration":
		return "duration|nanoseconds"
	case "VerbosityLevel":
		return "uint32"
	}
	if id, ok := t.(*ast.Ident); ok {
		if u, ok := decls[id.Name]; ok {
			switch u.(type) {
			case *ast.Ident, *ast.ArrayType:
				return describe(u, decls)
			case *ast.StructType:
				return "object"
			}
		}
	}
	if st, ok := t.(*ast.StarExpr); ok {
		return "*" + describe(st.X, decls)
	}
	if at, ok := t.(*ast.ArrayType); ok {
		return "[]" + describe(at.Elt, decls)
	}
	switch s {
	case "metav1.Duration":
		return "duration"
	case "resource.QuantityValue":
		return "quantity"
	case "TimeOrMetaDuration":
		return "duration|nanoseconds"
	}
	if sel, ok := t.(*ast.SelectorExpr); ok {
		return "object:" + sel.Sel.Name
	}
	return s
}

// ---------------------------------------------------------------- validation.go

func extractValidation(l *loader, t *table) error {
	const vpath = "k8s.io/kubernetes/pkg/proxy/apis/config/validation"
	p, err := l.load(vpath)
	if err != nil {
		return err
	}
	fn := func(name string) *ast.FuncDecl {
		for _, f := range p.files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
					return fd
				}
			}
		}
		return nil
	}
	constRef := func(e ast.Expr, prefix string) (string, bool) {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, prefix) {
			return "", false
		}
		v, err := l.resolve(p, sel)
		return v, err == nil
	}

	// Modes: ProxyMode constants in validateProxyModeLinux; those inside an
	// `if ...Enabled(features.X)` are gated by X.
	pm := fn("validateProxyModeLinux")
	if pm == nil {
		return fmt.Errorf("validateProxyModeLinux not found")
	}
	var visit func(n ast.Node, gate string)
	visit = func(n ast.Node, gate string) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch v := m.(type) {
			case *ast.IfStmt:
				g := gate
				ast.Inspect(v.Cond, func(c ast.Node) bool {
					if call, ok := c.(*ast.CallExpr); ok && identName(call.Fun) == "Enabled" && len(call.Args) == 1 {
						if s, err := l.resolve(p, call.Args[0]); err == nil {
							g = s
						}
					}
					return true
				})
				visit(v.Body, g)
				if v.Else != nil {
					visit(v.Else, gate)
				}
				return false
			case *ast.CallExpr:
				if identName(v.Fun) == "Join" && len(v.Args) == 2 {
					if s, ok := stringLit(v.Args[1]); ok {
						t.ModeSeparator = s
					}
				}
			case *ast.SelectorExpr:
				if name, ok := constRef(v, "ProxyMode"); ok {
					t.Modes = append(t.Modes, modeSpec{Name: name, Gate: gate})
				}
			}
			return true
		})
	}
	visit(pm.Body, "")
	sort.Slice(t.Modes, func(i, j int) bool { return t.Modes[i].Name < t.Modes[j].Name })

	np := fn("validateKubeProxyNodePortAddress")
	if np == nil {
		return fmt.Errorf("validateKubeProxyNodePortAddress not found")
	}
	mixing := true
	ast.Inspect(np, func(n ast.Node) bool {
		switch v := n.(type) {
		case *ast.SelectorExpr:
			if name, ok := constRef(v, "NodePortAddresses"); ok && !contains(t.NodePortKeywords, name) {
				t.NodePortKeywords = append(t.NodePortKeywords, name)
			}
			if identName(v.X) == "field" && v.Sel.Name == "Duplicate" {
				t.NodePortDupCheck = true
			}
		case *ast.BasicLit:
			if s, ok := stringLit(v); ok && strings.Contains(s, "can't use both") {
				mixing = false
			}
		}
		return true
	})
	t.NodePortMixing = mixing && len(t.NodePortKeywords) > 0
	sort.Strings(t.NodePortKeywords)

	if sm := fn("validateIPVSSchedulerMethod"); sm != nil {
		ast.Inspect(sm, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				for _, el := range cl.Elts {
					if s, err := l.resolve(p, el); err == nil {
						t.Schedulers = append(t.Schedulers, s)
					}
				}
				return false
			}
			return true
		})
		if t.Schedulers == nil {
			t.Schedulers = []string{}
		}
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- output

func render(tables []*table, hist map[string]string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gen from the Kubernetes sources; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package kubeproxy\n\n")
	fmt.Fprintf(&b, "// generatedVersions holds one table per Kubernetes minor.\n")
	fmt.Fprintf(&b, "var generatedVersions = map[int]*versionTable{\n")
	for _, t := range tables {
		fmt.Fprintf(&b, "%d: {\nMinor: %d,\nKubernetes: %q,\nKubeProxy: %q,\n", t.Minor, t.Minor, t.Kubernetes, t.KubeProxy)
		fmt.Fprintf(&b, "Modes: []modeSpec{")
		for _, m := range t.Modes {
			fmt.Fprintf(&b, "{Name: %q, Gate: %q},", m.Name, m.Gate)
		}
		fmt.Fprintf(&b, "},\nModeSeparator: %q,\n", t.ModeSeparator)
		fmt.Fprintf(&b, "NodePortKeywords: %#v,\nNodePortMixing: %v,\nNodePortDupCheck: %v,\n", t.NodePortKeywords, t.NodePortMixing, t.NodePortDupCheck)
		if t.Schedulers != nil {
			fmt.Fprintf(&b, "Schedulers: %#v,\n", t.Schedulers)
		}
		fmt.Fprintf(&b, "Gates: map[string]gateSpec{\n")
		for _, name := range sortedKeys(t.Gates) {
			g := t.Gates[name]
			fmt.Fprintf(&b, "%q: {Default: %v, Locked: %v, Stage: stage%s},\n", name, g.Default, g.Locked, g.Stage)
		}
		fmt.Fprintf(&b, "},\nDeps: map[string][]string{\n")
		for _, name := range sortedKeys(t.Deps) {
			fmt.Fprintf(&b, "%q: %#v,\n", name, t.Deps[name])
		}
		fmt.Fprintf(&b, "},\nFields: map[string]string{\n")
		for _, name := range sortedKeys(t.Fields) {
			fmt.Fprintf(&b, "%q: %q,\n", name, t.Fields[name])
		}
		fmt.Fprintf(&b, "},\n},\n")
	}
	fmt.Fprintf(&b, "}\n\n")
	fmt.Fprintf(&b, "// generatedHistoricalFields maps v1alpha1 fields of kube-proxy releases\n// before 1.%d to the newest of the sampled releases (%s) that had them.\n", firstMinor, strings.Join(historicalKubeProxy, ", "))
	fmt.Fprintf(&b, "var generatedHistoricalFields = map[string]string{\n")
	for _, name := range sortedKeys(hist) {
		fmt.Fprintf(&b, "%q: %q,\n", name, hist[name])
	}
	fmt.Fprintf(&b, "}\n")
	return b.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
