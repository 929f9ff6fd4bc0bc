package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// object is one example manifest, ready for a server-side apply.
type object struct {
	file, kind, ns, name string
	json                 []byte
}

// loadObjects reads the single-document ConfigMap/Service manifests of
// examples/ (the shipped examples, also what the playground applies).
func loadObjects(root string, files ...string) ([]object, error) {
	var out []object
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, "examples", f))
		if err != nil {
			return nil, err
		}
		for _, doc := range strings.Split(string(b), "\n---") {
			var meta struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name, Namespace string
				} `json:"metadata"`
			}
			j, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil || yaml.Unmarshal(j, &meta) != nil || meta.Metadata.Name == "" {
				continue // a comment-only document or not YAML (the broken examples are broken inside data)
			}
			if meta.Kind != "ConfigMap" && meta.Kind != "Service" {
				continue
			}
			ns := meta.Metadata.Namespace
			if ns == "" {
				ns = "default"
			}
			out = append(out, object{file: f, kind: meta.Kind, ns: ns, name: meta.Metadata.Name, json: j})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no ConfigMap or Service in %v", files)
	}
	return out, nil
}

// apply server-side-applies o; dryRun keeps the cluster unchanged, while
// the request still passes every admission webhook.
func apply(ctx context.Context, c kubernetes.Interface, o object, dryRun bool) error {
	opts := metav1.PatchOptions{FieldManager: "netguard-dashshot", Force: ptr(true)}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	var err error
	switch o.kind {
	case "ConfigMap":
		_, err = c.CoreV1().ConfigMaps(o.ns).Patch(ctx, o.name, types.ApplyPatchType, o.json, opts)
	case "Service":
		_, err = c.CoreV1().Services(o.ns).Patch(ctx, o.name, types.ApplyPatchType, o.json, opts)
	}
	return err
}

// touch changes only a label of o (dry run): netguard skips such updates
// ("update changes only metadata or status").
func touch(ctx context.Context, c kubernetes.Interface, o object, n int) error {
	patch := fmt.Sprintf(`{"metadata":{"labels":{"dashshot-touch":"%d"}}}`, n)
	opts := metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}}
	var err error
	switch o.kind {
	case "ConfigMap":
		_, err = c.CoreV1().ConfigMaps(o.ns).Patch(ctx, o.name, types.MergePatchType, []byte(patch), opts)
	case "Service":
		_, err = c.CoreV1().Services(o.ns).Patch(ctx, o.name, types.MergePatchType, []byte(patch), opts)
	}
	return err
}

func ptr[T any](v T) *T { return &v }

// mix is one phase of the load: requests per second and the share of
// requests that are bad changes (the rest: good changes and label-only
// edits, 4:1).
type mix struct {
	name     string
	duration time.Duration
	rps      int
	badShare float64
}

// tally counts what the API server answered.
type tally struct {
	mu                     sync.Mutex
	ok, denied, otherError int
	firstOther             string
}

func (t *tally) add(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err == nil:
		t.ok++
	case apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || strings.Contains(err.Error(), "denied the request"):
		t.denied++
	default:
		t.otherError++
		if t.firstOther == "" {
			t.firstOther = err.Error()
		}
	}
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := fmt.Sprintf("%d accepted, %d denied, %d other errors", t.ok, t.denied, t.otherError)
	if t.firstOther != "" {
		s += " (first: " + t.firstOther + ")"
	}
	return s
}

// runPhase sends m.rps requests per second for m.duration from 4 workers:
// bad and good changes (dry-run applies) and label-only edits of the
// existing objects.
func runPhase(ctx context.Context, c kubernetes.Interface, m mix, good, bad, existing []object, t *tally) {
	ctx, cancel := context.WithTimeout(ctx, m.duration)
	defer cancel()
	var wg sync.WaitGroup
	const workers = 4
	every := time.Second * workers / time.Duration(m.rps)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(every)
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				rctx, rcancel := context.WithTimeout(ctx, 15*time.Second)
				var err error
				switch r := rand.Float64(); {
				case r < m.badShare:
					err = apply(rctx, c, bad[rand.IntN(len(bad))], true)
				case r < m.badShare+(1-m.badShare)*0.8:
					err = apply(rctx, c, good[rand.IntN(len(good))], true)
				default:
					err = touch(rctx, c, existing[rand.IntN(len(existing))], w*1_000_000+n)
				}
				rcancel()
				// A request the phase's end cut short (or that client-go's
				// limiter would not start because the phase ends first) was
				// never answered by the API server: not counted.
				if ctx.Err() == nil && (err == nil || !strings.Contains(err.Error(), "would exceed context deadline")) {
					t.add(err)
				}
			}
		}()
	}
	wg.Wait()
}
