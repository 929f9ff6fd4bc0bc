package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/bench/loadgen"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// StreamResult is `netguard lint -o json` on one large multi-document file
// of realistic ConfigMaps: its peak memory (the kernel's max RSS of the
// child, getrusage) and its CPU and wall time.
type StreamResult struct {
	Bytes       int64 // size of the stream
	Objects     int
	MaxRSSBytes int64
	CPU, Wall   time.Duration
	ExitCode    int
	OutputBytes int64
	// Stopped: the child passed streamKill and was killed (the machine is
	// shared; MaxRSSBytes is then what it had reached).
	Stopped bool
}

// streamKill stops a lint whose memory grows far past the bound.
const streamKill = 2 << 30

// streamLimit is the bound for a 100 MB stream.
const streamLimit = 256 << 20

// mixObjects returns the typical ConfigMaps of the three ConfigMap families
// netguard judges (kube-proxy, Flannel, Terway), in that order: the objects
// of the Kyverno comparison and of the lint stream.
func (b *bench) mixObjects() ([]*corev1.ConfigMap, error) {
	if err := b.corpus(); err != nil {
		return nil, err
	}
	var out []*corev1.ConfigMap
	for _, name := range []string{"kube-proxy", "flannel", "terway"} {
		for _, o := range b.objects {
			if o.Name == name && o.Size == corpus.Typical {
				out = append(out, o.Obj.(*corev1.ConfigMap))
			}
		}
	}
	if len(out) != 3 {
		return nil, fmt.Errorf("corpus: %d of the 3 typical ConfigMap families", len(out))
	}
	return out, nil
}

// writeMix writes ConfigMaps as one YAML stream: objs[i%len(objs)] named
// NAME-i (distinct names, as `kyverno apply` requires), until n objects or,
// when n is 0, until at least size bytes. It returns how many it wrote.
func writeMix(w io.Writer, objs []*corev1.ConfigMap, n int, size int64) (int, int64, error) {
	docs := make([][]byte, len(objs))
	for k, o := range objs {
		x := o.DeepCopy()
		x.Name += "-@@I@@"
		x.UID, x.ResourceVersion = "", ""
		y, err := yaml.Marshal(runtime.Object(x))
		if err != nil {
			return 0, 0, err
		}
		docs[k] = append([]byte("---\n"), y...)
	}
	var written int64
	i := 0
	for ; (n > 0 && i < n) || (n == 0 && written < size); i++ {
		d := bytes.Replace(docs[i%len(docs)], []byte("@@I@@"), fmt.Appendf(nil, "%d", i), 1)
		k, err := w.Write(d)
		written += int64(k)
		if err != nil {
			return i, written, err
		}
	}
	return i, written, nil
}

// writeMixFile is writeMix into a new file at path.
func writeMixFile(path string, objs []*corev1.ConfigMap, n int, size int64) (int, int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	n, written, err := writeMix(bw, objs, n, size)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, written, err
}

// lintStream generates about size bytes of ConfigMaps into a file under
// the output directory (removed afterwards) and runs the built netguard
// lint -o json on it.
func (b *bench) lintStream(ctx context.Context, size int64) (*StreamResult, error) {
	objs, err := b.mixObjects()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(b.out, "lint-stream.yaml")
	defer os.Remove(path)
	n, written, err := writeMixFile(path, objs, 0, size)
	if err != nil {
		return nil, err
	}
	logf("stream: netguard lint -o json on %.1f MB (%d ConfigMaps)", float64(written)/1e6, n)
	cmd := exec.CommandContext(ctx, b.netguardBin, "lint", "-o", "json", "--config", filepath.Join(b.root, "bench", "kyverno", "netguard-config.yaml"), path)
	var out countingWriter
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stopped := watchRSS(cmd.Process, streamKill)
	err = cmd.Wait()
	wall := time.Since(t0)
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			return nil, err
		}
	}
	res := &StreamResult{Bytes: written, Objects: n, Wall: wall, ExitCode: cmd.ProcessState.ExitCode(), OutputBytes: out.n, Stopped: stopped(),
		CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSBytes = ru.Maxrss * 1024 // kilobytes on Linux
	}
	// Every object is valid: anything but exit 0 means the run did not
	// lint what it was given.
	if res.Stopped {
		logf("  stopped: its resident set passed %s", mib(streamKill))
		return res, nil
	}
	if res.ExitCode != 0 || !bytes.HasPrefix(out.head, []byte("[")) {
		return nil, fmt.Errorf("netguard lint on the stream: exit %d, output %q…, stderr %s", res.ExitCode, out.head, tailStr(stderr.String(), 800))
	}
	logf("  max RSS %.1f MiB, CPU %v, wall %v", float64(res.MaxRSSBytes)/(1<<20), res.CPU, res.Wall)
	return res, nil
}

// watchRSS kills p when its resident set passes limit; the returned
// function, called after p has exited, reports whether it did.
func watchRSS(p *os.Process, limit int64) func() bool {
	var killed atomic.Bool
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if loadgen.RSS(p.Pid) > limit {
				killed.Store(true)
				_ = p.Kill()
				return
			}
		}
	}()
	return func() bool { close(done); return killed.Load() }
}

// countingWriter counts bytes and keeps the first few.
type countingWriter struct {
	n    int64
	head []byte
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if len(c.head) < 64 {
		c.head = append(c.head, p[:min(len(p), 64-len(c.head))]...)
	}
	c.n += int64(len(p))
	return len(p), nil
}
