// Package packaging checks the container image recipe (Dockerfile,
// .dockerignore), its agreement with the image `make image` builds without
// Docker (internal/image), and the Helm chart's static properties without a
// Docker engine or helm. The chart's rendering is tested against a real API server
// in e2e/chart_test.go.
package packaging

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	Cmd  string // upper case
	Args string
}

type stage struct {
	From, Name string
	Ins        []instruction
}

func parseDockerfile(t *testing.T, path string) (args map[string]string, stages []*stage) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	args = map[string]string{}
	var lines []string
	var cur strings.Builder
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if l, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(l + " ")
			continue
		}
		cur.WriteString(line)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	for _, l := range lines {
		cmd, rest, _ := strings.Cut(l, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(rest)}
		switch {
		case in.Cmd == "FROM":
			fields := strings.Fields(in.Args)
			st := &stage{}
			for i := 0; i < len(fields); i++ {
				switch {
				case strings.HasPrefix(fields[i], "--"):
				case strings.EqualFold(fields[i], "AS") && i+1 < len(fields):
					st.Name = fields[i+1]
					i++
				case st.From == "":
					st.From = fields[i]
				}
			}
			stages = append(stages, st)
		case in.Cmd == "ARG" && len(stages) == 0:
			k, v, _ := strings.Cut(in.Args, "=")
			args[k] = v
		case len(stages) > 0:
			last := stages[len(stages)-1]
			last.Ins = append(last.Ins, in)
		}
	}
	return args, stages
}

func (s *stage) all(cmd string) []string {
	var out []string
	for _, in := range s.Ins {
		if in.Cmd == cmd {
			out = append(out, in.Args)
		}
	}
	return out
}

func TestDockerfileBuildsAStaticBinaryIntoANonRootDistrolessImage(t *testing.T) {
	r := root(t)
	args, stages := parseDockerfile(t, filepath.Join(r, "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build (builder + runtime)", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	// Builder: the Go version of go.mod.
	gomod, err := os.ReadFile(filepath.Join(r, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("no go directive in go.mod")
	}
	from := strings.ReplaceAll(build.From, "${GO_VERSION}", args["GO_VERSION"])
	if from != "golang:"+string(m[1]) {
		t.Errorf("builder image %q (GO_VERSION=%q), want golang:%s as in go.mod", build.From, args["GO_VERSION"], m[1])
	}

	// The build: static, reproducible, version stamped, the right package.
	runs := strings.Join(build.all("RUN"), "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.version=${VERSION}", "./cmd/netguard", "go build"} {
		if !strings.Contains(runs, want) {
			t.Errorf("builder RUN lacks %q:\n%s", want, runs)
		}
	}
	mainGo, err := os.ReadFile(filepath.Join(r, "cmd", "netguard", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^var version = `).Match(mainGo) {
		t.Error("cmd/netguard has no `var version` for -X main.version to set")
	}

	// Runtime: distroless static (or scratch), non-root, only the binary.
	if !strings.HasPrefix(final.From, "gcr.io/distroless/static") && final.From != "scratch" {
		t.Errorf("runtime image %q, want distroless static or scratch", final.From)
	}
	users := final.all("USER")
	if len(users) == 0 {
		t.Fatal("the runtime stage has no USER: it would run as root")
	}
	user := strings.Split(users[len(users)-1], ":")[0]
	if user == "0" || user == "root" || user == "" {
		t.Errorf("USER %q is root", users[len(users)-1])
	}
	if !strings.Contains(final.From, "nonroot") && user != "65532" && user != "nonroot" {
		t.Errorf("USER %q: want the distroless nonroot user (65532)", user)
	}
	copies := final.all("COPY")
	if len(copies) != 1 || !strings.Contains(copies[0], "--from="+build.Name) {
		t.Errorf("runtime stage COPY %q, want exactly the binary from the %q stage", copies, build.Name)
	}
	if len(final.all("RUN")) > 0 {
		t.Error("the runtime stage runs commands: distroless has no shell")
	}
	eps := final.all("ENTRYPOINT")
	if len(eps) != 1 || !strings.HasPrefix(eps[0], "[") {
		t.Errorf("ENTRYPOINT %q, want the exec form", eps)
	}

	// The image's ports are the chart's defaults.
	var values struct {
		Ports map[string]int `json:"ports"`
	}
	vb, err := os.ReadFile(filepath.Join(r, "charts", "netguard", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(vb, &values); err != nil {
		t.Fatal(err)
	}
	expose := strings.Fields(strings.Join(final.all("EXPOSE"), " "))
	for name, port := range values.Ports {
		if !slices.Contains(expose, itoa(port)) {
			t.Errorf("chart port %s=%d is not EXPOSEd (%v)", name, port, expose)
		}
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// The build context keeps every source file the binary needs and drops the
// rest.
func TestDockerignoreKeepsWhatTheBuildNeeds(t *testing.T) {
	r := root(t)
	b, err := os.ReadFile(filepath.Join(r, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "!") {
			t.Fatalf("negated pattern %q: extend this test's matcher first", l)
		}
		patterns = append(patterns, strings.TrimPrefix(l, "/"))
	}
	ignored := func(rel string) bool {
		parts := strings.Split(rel, "/")
		for _, p := range patterns {
			for i := 1; i <= len(parts); i++ {
				prefix := strings.Join(parts[:i], "/")
				if ok, _ := filepath.Match(p, prefix); ok {
					return true
				}
				if rest, ok := strings.CutPrefix(p, "**/"); ok {
					if ok, _ := filepath.Match(rest, parts[i-1]); ok {
						return true
					}
				}
			}
		}
		return false
	}
	for _, must := range []string{".git/HEAD", "bin/helm", "e2e/main_test.go", "charts/netguard/values.yaml", "webhook/server_test.go"} {
		if !ignored(must) {
			t.Errorf("%s reaches the build context", must)
		}
	}
	cmd := exec.Command("go", "list", "-e", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{end}}", "./cmd/netguard")
	cmd.Dir = r
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || !strings.HasPrefix(f[0], r+string(filepath.Separator)) {
			continue
		}
		rel, _ := filepath.Rel(r, f[0])
		for _, g := range f[1:] {
			n++
			if p := filepath.ToSlash(filepath.Join(rel, g)); ignored(p) {
				t.Errorf("%s is needed by ./cmd/netguard but .dockerignore drops it", p)
			}
		}
	}
	if n == 0 {
		t.Fatal("go list found no source file of the module")
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if ignored(f) {
			t.Errorf("%s is dropped from the build context", f)
		}
	}
}

func TestChartSchemaIsValidJSONAndCoversEveryTopLevelValue(t *testing.T) {
	r := root(t)
	sb, err := os.ReadFile(filepath.Join(r, "charts", "netguard", "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		AdditionalProperties *bool          `json:"additionalProperties"`
		Properties           map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(sb, &schema); err != nil {
		t.Fatalf("values.schema.json: %v", err)
	}
	if schema.AdditionalProperties == nil || *schema.AdditionalProperties {
		t.Error("the schema must reject unknown top-level values (typos)")
	}
	vb, err := os.ReadFile(filepath.Join(r, "charts", "netguard", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(vb, &values); err != nil {
		t.Fatal(err)
	}
	for k := range values {
		if _, ok := schema.Properties[k]; !ok {
			t.Errorf("values.yaml key %q is not in values.schema.json", k)
		}
	}
}

// TestChartReadmeDocumentsEveryValue: every value of values.yaml (each
// leaf, by its dotted path) appears in the chart README's text, either in
// full (`a.b.c`) or as a sibling listed after its parent on the same line
// (`a.b.c` / `d`), so a new knob cannot ship undocumented.
func TestChartReadmeDocumentsEveryValue(t *testing.T) {
	r := root(t)
	vb, err := os.ReadFile(filepath.Join(r, "charts", "netguard", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rb, err := os.ReadFile(filepath.Join(r, "charts", "netguard", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(rb)
	var values map[string]any
	if err := yaml.Unmarshal(vb, &values); err != nil {
		t.Fatal(err)
	}
	var leaves []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 && !strings.HasPrefix(p, "config.") && p != "resources" && p != "podSecurityContext" && p != "securityContext" {
				walk(p, sub)
				continue
			}
			leaves = append(leaves, p)
		}
	}
	walk("", values)
	lines := strings.Split(readme, "\n")
	for _, p := range leaves {
		if strings.Contains(readme, "`"+p+"`") || strings.HasPrefix(p, "config.") {
			continue
		}
		parent, leaf := p[:max(0, strings.LastIndex(p, "."))], p[strings.LastIndex(p, ".")+1:]
		ok := false
		for _, l := range lines {
			ok = ok || (parent != "" && strings.Contains(l, "`"+parent+".") && strings.Contains(l, "`"+leaf+"`"))
		}
		if !ok {
			t.Errorf("values.yaml %s is not documented in charts/netguard/README.md", p)
		}
	}
}
