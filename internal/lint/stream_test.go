package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/internal/manifest/testgen"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
)

// wholeRun is the run as it was before streaming: every file read whole,
// the cluster context built from all of them (fixRun without --fix).
func wholeRun(paths []string, opts Options) *Result {
	res := &Result{}
	cfg := opts.Config
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	names, err := manifest.Expand(paths)
	if err != nil {
		res.Errors = append(res.Errors, err)
	}
	eng := opts.Engine
	if eng == nil {
		eng = all.NewEngine(cfg)
	}
	fixRun(res, names, cfg, eng, "default", opts)
	return res
}

func sameResult(t *testing.T, name string, got, want *Result) {
	t.Helper()
	if fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) || got.Files != want.Files || got.Objects != want.Objects || got.Judged != want.Judged {
		t.Fatalf("%s: files %d objects %d judged %d errors %v; before streaming %d %d %d %v", name,
			got.Files, got.Objects, got.Judged, got.Errors, want.Files, want.Objects, want.Judged, want.Errors)
	}
	if !reflect.DeepEqual(got.Notices, want.Notices) {
		t.Fatalf("%s: notices %v, before streaming %v", name, got.Notices, want.Notices)
	}
	if len(got.Findings) != len(want.Findings) {
		t.Fatalf("%s: %d findings, before streaming %d:\n%v\n%v", name, len(got.Findings), len(want.Findings), got.Findings, want.Findings)
	}
	for i := range got.Findings {
		if got.Findings[i] != want.Findings[i] {
			t.Fatalf("%s: finding %d = %+v, before streaming %+v", name, i, got.Findings[i], want.Findings[i])
		}
	}
	for _, s := range []rules.Severity{rules.Deny, rules.Warn, rules.Info} {
		if got.Count(s) != want.Count(s) {
			t.Fatalf("%s: %d %s, before streaming %d", name, got.Count(s), s, want.Count(s))
		}
	}
}

const (
	baseCM     = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata:\n  eni_conf: '%s'\n"
	overrideCM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config-fixed, namespace: kube-system}\ndata:\n  eni_conf: '{}'\n"
	brokenCM   = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata:\n  eni_conf: true\n"
	badYAML    = "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n"
)

// TestStreamedRunReportsWhatTheWholeRunReports: where the related
// ConfigMap comes from (a later file, later in the same file, a file with a
// syntax error that is not part of the run, a ConfigMap the API server
// refuses) the streamed run and the whole run agree, with the fake
// checkers that echo the base they see and with the real rules.
func TestStreamedRunReportsWhatTheWholeRunReports(t *testing.T) {
	base := func(v string) string { return fmt.Sprintf(baseCM, v) }
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  map[string]string // file → ZZ002 message seen by the override
	}{
		{"base in a later file of the same directory",
			map[string]string{"a/1.yaml": overrideCM, "a/2.yaml": base("B"), "b/0.yaml": base("other dir")},
			map[string]string{"a/1.yaml": "base B"}},
		{"base later in the same file wins over an earlier file",
			map[string]string{"a/1.yaml": base("A"), "a/2.yaml": overrideCM + "---\n" + base("same file")},
			map[string]string{"a/2.yaml": "base same file"}},
		{"base in a later directory",
			map[string]string{"a/1.yaml": overrideCM, "z/9.yaml": base("Z")},
			map[string]string{"a/1.yaml": "base Z"}},
		{"a file with a syntax error is no context",
			map[string]string{"a/1.yaml": overrideCM, "a/2.yaml": base("bad file") + "---\n" + badYAML, "b/3.yaml": base("good")},
			map[string]string{"a/1.yaml": "base good"}},
		{"a base the API server refuses is skipped for the next one",
			map[string]string{"a/1.yaml": overrideCM + "---\n" + brokenCM + "---\n" + base("second")},
			map[string]string{"a/1.yaml": "base second"}},
		{"no base at all",
			map[string]string{"a/1.yaml": overrideCM},
			map[string]string{"a/1.yaml": "no base"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, text := range tc.files {
				write(t, dir, p, text)
			}
			for _, opts := range []Options{{Engine: fakeEngine()}, {}} {
				got, want := Run([]string{dir}, opts), wholeRun([]string{dir}, opts)
				sameResult(t, tc.name, got, want)
			}
			got := map[string]string{}
			for _, f := range find(Run([]string{dir}, Options{Engine: fakeEngine()}), "ZZ002") {
				rel, _ := filepath.Rel(dir, f.File)
				got[filepath.ToSlash(rel)] = f.Message
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestStdinContextFromALaterFile: stdin is read twice (judged, then
// searched for related ConfigMaps) through its spool.
func TestStdinContextFromALaterFile(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "base.yaml", fmt.Sprintf(baseCM, "from file"))
	res := Run([]string{"-", p}, Options{Engine: fakeEngine(), Stdin: strings.NewReader(overrideCM)})
	if f := find(res, "ZZ002"); len(f) != 1 || f[0].Message != "base from file" || f[0].File != "-" {
		t.Fatalf("findings %+v errors %v", res.Findings, res.Errors)
	}
}

// TestStreamedRunMatchesOnTheRepositoryManifests compares the streamed and
// the whole run on every manifest of the repository at once (one run, so
// that every ConfigMap is context for every file) and file by file.
func TestStreamedRunMatchesOnTheRepositoryManifests(t *testing.T) {
	cfg, err := rules.LoadConfig("../../examples/netguard-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	roots := []string{"../../examples", "../../test/realworld", "../../cmd/netguard/testdata"}
	for _, c := range []*rules.Config{nil, cfg} {
		opts := Options{Config: c}
		sameResult(t, "all", Run(roots, opts), wholeRun(roots, opts))
		files, _ := manifest.Expand(roots)
		for _, f := range files {
			sameResult(t, f, Run([]string{f}, opts), wholeRun([]string{f}, opts))
		}
	}
}

// TestAFileWithManyFindingsSpillsAndKeepsTheOrder: beyond spillAt findings
// a file's findings go through disk and come back in the same order.
func TestAFileWithManyFindingsSpillsAndKeepsTheOrder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "many.yaml")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	n, err := testgen.Write(f, 0, 2*spillAt/3+30) // 5 findings per 3 documents
	if err != nil || f.Close() != nil {
		t.Fatal(err)
	}
	got, want := Run([]string{p}, Options{}), wholeRun([]string{p}, Options{})
	if len(want.Findings) <= spillAt {
		t.Fatalf("%d documents give only %d findings", n, len(want.Findings))
	}
	sameResult(t, "spilled", got, want)
}

// heapPeak runs f while sampling the bytes of live and not yet collected
// heap objects, and returns the largest sample.
func heapPeak(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	return peak
}

// TestMemoryDoesNotGrowWithTheStream lints a 4 MB and a 16 MB stream of
// realistic ConfigMaps (text output, as `netguard lint` prints it) and
// compares the peak heap: a run that held the documents would need about
// four times as much for the larger one.
func TestMemoryDoesNotGrowWithTheStream(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 20 MB of manifests")
	}
	dir := t.TempDir()
	peak := map[int]uint64{}
	for _, mb := range []int{4, 16} {
		p := filepath.Join(dir, fmt.Sprintf("%d.yaml", mb))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := testgen.Write(f, int64(mb)<<20, 0)
		if err != nil || f.Close() != nil {
			t.Fatal(err)
		}
		eng := all.NewEngine(rules.DefaultConfig())
		findings := 0
		var res *Result
		peak[mb] = heapPeak(func() {
			res = Run([]string{p}, Options{Engine: eng, Emit: func(Finding) { findings++ }})
		})
		if res.Judged != docs || findings == 0 || len(res.Findings) != 0 {
			t.Fatalf("%d MB: judged %d of %d, %d findings emitted, %d kept", mb, res.Judged, docs, findings, len(res.Findings))
		}
		t.Logf("%d MB, %d documents: peak heap %.1f MiB", mb, docs, float64(peak[mb])/(1<<20))
	}
	if peak[16] > peak[4]*3/2+4<<20 {
		t.Errorf("peak heap grows with the stream: %d MiB for 4 MB, %d MiB for 16 MB", peak[4]>>20, peak[16]>>20)
	}
}

// TestNonStringsUnderKeysInAnotherCaseAreStillDenied: the check of data,
// annotation and label values matches keys ignoring case, like
// encoding/json; the API server's strict decoding does not, so it must not
// stand in for the check when it reports unknown fields.
func TestNonStringsUnderKeysInAnotherCaseAreStillDenied(t *testing.T) {
	for _, tc := range []struct{ name, doc, path string }{
		{"Data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nData:\n  k: true\n", "data.k"},
		{"Labels", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, Labels: {k: 1}}\n", "metadata.labels.k"},
		{"Annotations of a Service", "apiVersion: v1\nkind: Service\nmetadata: {name: s, ANNOTATIONS: {k: on}}\nspec: {ports: [{port: 80}]}\n", "metadata.annotations.k"},
	} {
		p := write(t, t.TempDir(), "m.yaml", tc.doc)
		res := Run([]string{p}, Options{})
		fs := find(res, RuleRejectedByAPIServer)
		if len(fs) != 1 || !strings.Contains(fs[0].Message, " k is ") {
			t.Errorf("%s: %+v", tc.name, res.Findings)
		}
	}
}
