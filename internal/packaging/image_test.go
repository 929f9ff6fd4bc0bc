package packaging

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/netguard/netguard/internal/image"
)

// parseLabels reads the arguments of LABEL instructions: key=value pairs,
// values optionally double-quoted with \" escapes.
func parseLabels(t *testing.T, args string) map[string]string {
	t.Helper()
	out := map[string]string{}
	s := strings.TrimSpace(args)
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok || strings.ContainsAny(k, " \t") {
			t.Fatalf("LABEL %q: want key=value pairs", args)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := 1
			for end < len(rest) && (rest[end] != '"' || rest[end-1] == '\\') {
				end++
			}
			if end == len(rest) {
				t.Fatalf("LABEL %q: unterminated quote", args)
			}
			uq, err := strconv.Unquote(rest[:end+1])
			if err != nil {
				t.Fatalf("LABEL value %s: %v", rest[:end+1], err)
			}
			v, rest = uq, rest[end+1:]
		} else {
			v, rest, _ = strings.Cut(rest, " ")
		}
		out[k] = v
		s = strings.TrimSpace(rest)
	}
	return out
}

func execForm(t *testing.T, what, args string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		t.Fatalf("%s %s: want the JSON exec form: %v", what, args, err)
	}
	return out
}

func last(t *testing.T, s *stage, cmd string) string {
	t.Helper()
	all := s.all(cmd)
	if len(all) == 0 {
		t.Fatalf("the runtime stage has no %s", cmd)
	}
	return all[len(all)-1]
}

// The Dockerfile and `make image` (internal/image) describe one image: a
// change to one without the other fails here.
func TestDockerfileAndMakeImageDescribeTheSameImage(t *testing.T) {
	_, stages := parseDockerfile(t, filepath.Join(root(t), "Dockerfile"))
	final := stages[len(stages)-1]
	m := image.Metadata{Version: "v9.8.7", Revision: "abc123", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	c := image.NetguardConfig(v1.Platform{OS: "linux", Architecture: "amd64"}, m)

	if u := last(t, final, "USER"); u != c.User {
		t.Errorf("Dockerfile USER %q, make image %q", u, c.User)
	}
	if ep := execForm(t, "ENTRYPOINT", last(t, final, "ENTRYPOINT")); !slices.Equal(ep, c.Entrypoint) {
		t.Errorf("Dockerfile ENTRYPOINT %q, make image %q", ep, c.Entrypoint)
	}
	if cmd := execForm(t, "CMD", last(t, final, "CMD")); !slices.Equal(cmd, c.Cmd) {
		t.Errorf("Dockerfile CMD %q, make image %q", cmd, c.Cmd)
	}
	var expose []string
	for _, p := range strings.Fields(strings.Join(final.all("EXPOSE"), " ")) {
		if !strings.Contains(p, "/") {
			p += "/tcp"
		}
		expose = append(expose, p)
	}
	slices.Sort(expose)
	if ports := slices.Sorted(slices.Values(c.ExposedPorts)); !slices.Equal(expose, ports) {
		t.Errorf("Dockerfile EXPOSE %q, make image %q", expose, ports)
	}
	copies := final.all("COPY")
	if len(copies) != 1 || !strings.HasSuffix(copies[0], " "+c.Entrypoint[0]) {
		t.Errorf("Dockerfile COPY %q, want the binary copied to the entrypoint %s", copies, c.Entrypoint[0])
	}

	// Labels: the same keys, and the same values once the build arguments
	// take the values make image stamps.
	args := map[string]string{"VERSION": m.Version, "REVISION": m.Revision, "CREATED": m.Created.Format(time.RFC3339)}
	labels := map[string]string{}
	for _, l := range final.all("LABEL") {
		maps.Copy(labels, parseLabels(t, l))
	}
	for _, a := range final.all("ARG") {
		k, _, _ := strings.Cut(a, "=")
		if _, ok := args[k]; !ok {
			t.Errorf("runtime stage ARG %s: make image has no counterpart", k)
		}
	}
	if dk, ik := slices.Sorted(maps.Keys(labels)), slices.Sorted(maps.Keys(c.Labels)); !slices.Equal(dk, ik) {
		t.Errorf("label keys differ:\nDockerfile %q\nmake image %q", dk, ik)
	}
	for k, v := range labels {
		for a, val := range args {
			v = strings.ReplaceAll(v, "${"+a+"}", val)
		}
		if strings.Contains(v, "${") {
			t.Errorf("label %s=%q uses a build argument this test does not know", k, labels[k])
		}
		if got, ok := c.Labels[k]; ok && got != v {
			t.Errorf("label %s: Dockerfile %q, make image %q", k, v, got)
		}
	}
}

func TestParseLabelsReadsQuotedAndBareValues(t *testing.T) {
	got := parseLabels(t, `a="x y" b=z c="q\"uote" d=""`)
	want := map[string]string{"a": "x y", "b": "z", "c": `q"uote`, "d": ""}
	if !maps.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}
