// Package loadgen sends AdmissionReviews to a webhook server over HTTPS
// keep-alive connections at a fixed concurrency for a fixed duration and
// measures latency (per request, exact percentiles), throughput, and the
// server process's resident memory and CPU time (from /proc).
package loadgen

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	admissionv1 "k8s.io/api/admission/v1"
)

// Target is a running webhook server.
type Target struct {
	// URL is the base URL, https://127.0.0.1:PORT.
	URL string
	// CA verifies the server certificate (PEM).
	CA []byte
	// PID of the server process (for RSS and CPU); 0 disables sampling.
	PID int
}

// Client returns an HTTPS client that keeps up to conns connections alive
// (HTTP/1.1, as many connections as concurrent requests).
func (t Target) Client(conns int) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(t.CA) {
		return nil, errors.New("no CA certificate")
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12},
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// Result of one run.
type Result struct {
	Concurrency int
	Duration    time.Duration // measured wall time
	Requests    int
	Errors      int
	FirstError  string
	// Latency percentiles over every request of the run.
	Latency Percentiles
	// PerItem holds the percentiles of each corpus item.
	PerItem map[string]Percentiles
	// Throughput in requests per second.
	Throughput float64
	// Server process: peak resident set during the run, CPU seconds used
	// during the run, and CPU per request.
	PeakRSSBytes   int64
	CPUSeconds     float64
	CPUPerRequest  time.Duration
	ServerCPUShare float64 // CPU seconds / wall seconds (2.0 = two cores busy)
}

// Percentiles of a latency sample.
type Percentiles struct {
	N                         int
	Mean, P50, P90, P99, P999 time.Duration
	Min, Max                  time.Duration
}

// Summarize computes percentiles (nearest rank) of d, which it sorts.
func Summarize(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(d)))) - 1
		return d[max(0, min(i, len(d)-1))]
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return Percentiles{N: len(d), Mean: sum / time.Duration(len(d)), P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), P999: rank(0.999), Min: d[0], Max: d[len(d)-1]}
}

// Run sends items round robin (each worker starts at a different item) from
// concurrency workers for duration, after a warm-up of warmup (not
// measured).
func Run(ctx context.Context, t Target, items []corpus.Item, concurrency int, warmup, duration time.Duration) (Result, error) {
	if len(items) == 0 {
		return Result{}, errors.New("no items")
	}
	return RunStream(ctx, t, roundRobin(items), concurrency, warmup, duration)
}

// Stream hands out the requests of a run. Next is called concurrently by
// the workers (worker is the caller's index, k how many requests that
// worker has sent): it returns the request's statistics bucket (an index
// into Buckets), its path and its body.
type Stream interface {
	Buckets() []string
	Next(worker, k int) (bucket int, path string, body []byte)
}

// roundRobin is the corpus as a stream: worker w sends items w, w+1, ...
type roundRobin []corpus.Item

func (r roundRobin) Buckets() []string {
	names := make([]string, len(r))
	for i, it := range r {
		names[i] = it.Name
	}
	return names
}

func (r roundRobin) Next(worker, k int) (int, string, []byte) {
	i := (worker + k) % len(r)
	return i, r[i].Path, r[i].Body
}

// RunStream is Run with requests from s: the warm-up and the measured run
// draw from the same stream, so a stream that never repeats a body (one
// generated per request) stays unrepeated across both.
func RunStream(ctx context.Context, t Target, s Stream, concurrency int, warmup, duration time.Duration) (Result, error) {
	client, err := t.Client(concurrency)
	if err != nil {
		return Result{}, err
	}
	defer client.CloseIdleConnections()
	if warmup > 0 {
		if _, err := run(ctx, client, t, s, concurrency, warmup, nil); err != nil {
			return Result{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	sampler := startSampler(t.PID)
	res, err := run(ctx, client, t, s, concurrency, duration, sampler)
	return res, err
}

type workerOut struct {
	lat     []time.Duration
	perItem [][]time.Duration
	errs    int
	first   string
}

func run(ctx context.Context, client *http.Client, t Target, s Stream, concurrency int, duration time.Duration, smp *sampler) (Result, error) {
	outs := make([]workerOut, concurrency)
	buckets := s.Buckets()
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &outs[w]
			o.perItem = make([][]time.Duration, len(buckets))
			for k := 0; ctx.Err() == nil; k++ {
				i, path, body := s.Next(w, k)
				t0 := time.Now()
				err := post(ctx, client, t.URL+path, body)
				d := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						return // cut off by the end of the run: not counted
					}
					o.errs++
					if o.first == "" {
						o.first = buckets[i] + ": " + err.Error()
					}
					continue
				}
				o.lat = append(o.lat, d)
				o.perItem[i] = append(o.perItem[i], d)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	res := Result{Concurrency: concurrency, Duration: elapsed, PerItem: map[string]Percentiles{}}
	var all []time.Duration
	per := make([][]time.Duration, len(buckets))
	for _, o := range outs {
		all = append(all, o.lat...)
		res.Errors += o.errs
		if res.FirstError == "" {
			res.FirstError = o.first
		}
		for i := range buckets {
			per[i] = append(per[i], o.perItem[i]...)
		}
	}
	res.Requests = len(all)
	res.Latency = Summarize(all)
	for i, name := range buckets {
		res.PerItem[name] = Summarize(per[i])
	}
	res.Throughput = float64(res.Requests) / elapsed.Seconds()
	if smp != nil {
		rss, cpu := smp.stop()
		res.PeakRSSBytes = rss
		res.CPUSeconds = cpu
		if res.Requests > 0 {
			res.CPUPerRequest = time.Duration(cpu / float64(res.Requests) * 1e9)
		}
		res.ServerCPUShare = cpu / elapsed.Seconds()
	}
	if res.Requests == 0 {
		return res, fmt.Errorf("no request succeeded: %s", res.FirstError)
	}
	return res, nil
}

func post(ctx context.Context, c *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	return nil
}

// Answer is what the server said about one item.
type Answer struct {
	Item     string
	Allowed  bool
	Decision string // audit annotation "decision" (netguard), "" (baseline)
	Patched  bool
	Warnings int
}

// Check sends every item once and decodes the answers, so that a benchmark
// can prove the server really judged what it was sent.
func Check(ctx context.Context, t Target, items []corpus.Item) ([]Answer, error) {
	client, err := t.Client(1)
	if err != nil {
		return nil, err
	}
	defer client.CloseIdleConnections()
	var out []Answer
	for _, it := range items {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL+it.Path, bytes.NewReader(it.Body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.Name, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: HTTP %s: %s", it.Name, resp.Status, b)
		}
		var rev admissionv1.AdmissionReview
		if err := json.Unmarshal(b, &rev); err != nil || rev.Response == nil {
			return nil, fmt.Errorf("%s: bad response %.200s", it.Name, b)
		}
		out = append(out, Answer{Item: it.Name, Allowed: rev.Response.Allowed, Decision: rev.Response.AuditAnnotations["decision"],
			Patched: len(rev.Response.Patch) > 0, Warnings: len(rev.Response.Warnings)})
	}
	return out, nil
}

// sampler polls the server's /proc entries during a run.
type sampler struct {
	pid      int
	cpu0     float64
	peak     int64
	done     chan struct{}
	finished chan struct{}
}

func startSampler(pid int) *sampler {
	if pid <= 0 {
		return nil
	}
	s := &sampler{pid: pid, cpu0: CPUSeconds(pid), done: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if r := RSS(pid); r > s.peak {
				s.peak = r
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *sampler) stop() (peakRSS int64, cpu float64) {
	close(s.done)
	<-s.finished
	if r := RSS(s.pid); r > s.peak {
		s.peak = r
	}
	return s.peak, CPUSeconds(s.pid) - s.cpu0
}

// RSS returns the resident set size of pid in bytes (VmRSS), 0 if unknown.
func RSS(pid int) int64 {
	return statusKB(pid, "VmRSS:") * 1024
}

// PeakRSS returns the peak resident set size of pid over its life (VmHWM).
func PeakRSS(pid int) int64 {
	return statusKB(pid, "VmHWM:") * 1024
}

func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

// CPUSeconds returns the user+system CPU time pid has used.
func CPUSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may contain spaces; fields after ")".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / clockTicks
}
