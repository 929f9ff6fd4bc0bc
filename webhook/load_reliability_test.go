package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/netguard/netguard/rules"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// A small bounded loopback load loop (127.0.0.1 only): a few workers post
// reviews until stop is closed or max requests were sent. Every request
// must get HTTP 200; a request refused at connect time (the listener is
// closed during shutdown) is counted separately: it never reached netguard,
// and the API server retries or applies the failurePolicy.
type loadResult struct {
	requests, failures, refused, handshake atomic.Int64
	lastErr, lastHandshakeErr              atomic.Value
}

func (l *loadResult) String() string {
	e, _ := l.lastErr.Load().(string)
	return fmt.Sprintf("%d requests, %d failed in flight, %d refused at connect, %d cut during the TLS handshake %s", l.requests.Load(), l.failures.Load(), l.refused.Load(), l.handshake.Load(), e)
}

func runLoad(r *running, path string, body []byte, workers, max int, stop <-chan struct{}) (*loadResult, *sync.WaitGroup) {
	res := &loadResult{}
	var wg sync.WaitGroup
	var sent atomic.Int64
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent.Add(1) <= int64(max) {
				select {
				case <-stop:
					return
				default:
				}
				res.requests.Add(1)
				// A review is in flight once its request was written on an
				// established TLS connection.
				var wrote atomic.Bool
				trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote.Store(i.Err == nil) }}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPost, r.base+path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := r.client.Do(req)
				if err != nil {
					var op *net.OpError
					if errors.As(err, &op) && op.Op == "dial" {
						res.refused.Add(1)
						continue
					}
					if !wrote.Load() {
						// Connection accepted, but the TLS handshake was cut
						// by the shutdown: the review was never sent.
						res.handshake.Add(1)
						res.lastHandshakeErr.Store(err.Error())
						continue
					}
					res.failures.Add(1)
					res.lastErr.Store(err.Error())
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || err != nil {
					res.failures.Add(1)
					res.lastErr.Store(resp.Status)
				}
			}
		}()
	}
	return res, &wg
}

// TestConfigReloadWithBadFileUnderLoad: while reviews flow, the
// configuration file is replaced by a good one, a broken one (YAML syntax),
// an invalid one (unknown rule) and an empty path: no review fails, the
// last good configuration stays in force, and the failure shows in the
// metrics and the log.
func TestConfigReloadWithBadFileUnderLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "netguard.yaml")
	writeAtomic(t, file, []byte("rules:\n  WT003: deny\n"))
	logs := &syncBuffer{}
	r := startServer(t, func(o *Options, _ *Server) { o.ConfigFile = file; o.Log = testLogger(logs) })
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil))
	stop := make(chan struct{})
	load, wg := runLoad(r, ValidatePath, body, 4, 400, stop)

	writeAtomic(t, file, []byte("rules:\n  WT003: warn\n"))
	waitFor(t, "good reload", func() bool { return r.srv.config.Load().Rules["WT003"] == "warn" })
	for _, bad := range []string{"rules: [\n  WT003: deny\n", "rules:\n  WT999: deny\n", "targets:\n  flannel: {namespace: [x]}\n"} {
		writeAtomic(t, file, []byte(bad))
		waitFor(t, "failed reload metric", func() bool {
			return metricValue(scrape(t, r.metrics), "netguard_config_last_reload_successful") == "0"
		})
		if got := r.srv.config.Load().Rules["WT003"]; got != "warn" {
			t.Fatalf("bad file %q replaced the configuration: WT003=%q", bad, got)
		}
		writeAtomic(t, file, []byte("rules:\n  WT003: warn\n# ok\n"))
		waitFor(t, "recovery", func() bool {
			return metricValue(scrape(t, r.metrics), "netguard_config_last_reload_successful") == "1"
		})
	}
	wg.Wait()
	close(stop)
	if load.failures.Load() != 0 || load.refused.Load() != 0 || load.handshake.Load() != 0 {
		t.Errorf("requests lost during reloads: %s", load)
	}
	if !strings.Contains(logs.String(), "configuration file rejected; keeping the last good configuration") {
		t.Errorf("log does not say the bad file was rejected:\n%s", logs.String())
	}
	t.Logf("config reloads under load: %s", load)
}

// TestShutdownUnderLoadAnswersEveryAcceptedReview: SIGTERM (context
// cancel) in the middle of a load loop: every review that was sent gets its
// answer; after the listener closes, new connections are refused.
//
// Known gap (docs/reliability.md): a connection whose TLS handshake is
// still running when SIGTERM arrives is closed (controller-runtime's
// webhook server handshakes with its base context, which shutdown
// cancels); its review was never sent, so the API server sees a connection
// error and applies the failurePolicy. The deployment mitigates it by
// failing readiness before the listener closes (preStop delay).
func TestShutdownUnderLoadAnswersEveryAcceptedReview(t *testing.T) {
	judged := &countingReporter{}
	r := startServer(t, func(_ *Options, s *Server) {
		if s != nil {
			s.admission.Reporter = judged
		}
	})
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "boom", "warn": "x"}), nil))
	stop := make(chan struct{})
	load, wg := runLoad(r, ValidatePath, body, 6, 600, stop)
	waitFor(t, "load running", func() bool { return load.requests.Load() > 100 })
	r.cancel() // as on SIGTERM
	r.waitStopped(t, 15*time.Second, "server did not stop")
	close(stop)
	wg.Wait()
	answered := load.requests.Load() - load.failures.Load() - load.refused.Load() - load.handshake.Load()
	if n := judged.n.Load(); n != answered {
		t.Errorf("netguard judged %d reviews but %d answers arrived: %s", n, answered, load)
	}
	t.Logf("shutdown under load: %d judged, %d answered; %s", judged.n.Load(), answered, load)
}

// countingReporter counts judged reviews (Handle reports every decision
// before the response is written).
type countingReporter struct{ n atomic.Int64 }

func (c *countingReporter) Decision(Hook, string)                           { c.n.Add(1) }
func (c *countingReporter) Finding(string, rules.Severity, rules.Component) {}
func (c *countingReporter) ConfigReload(bool)                               {}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
