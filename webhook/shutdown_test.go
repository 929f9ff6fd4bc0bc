package webhook

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// TestShutdownFinishesAcceptedConnectionsIncludingTLSHandshakes: on
// SIGTERM netguard stops accepting, but every connection it already
// accepted is served to the end: the TLS handshake, the review and the
// answer, even when the client only starts its handshake after the
// listener closed (the API server dialled just before the endpoint went
// away). Start returns once they are done.
func TestShutdownFinishesAcceptedConnectionsIncludingTLSHandshakes(t *testing.T) {
	r := startServer(t)
	r.waitReady(t)
	addr := strings.TrimPrefix(r.base, "https://")
	const n = 16
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	// Let the server accept them (its handshakes now wait for our hello).
	time.Sleep(200 * time.Millisecond)
	r.cancel() // as on SIGTERM
	waitFor(t, "the listener closed", func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return false
		}
		return true
	})
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "x"}), nil))
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, raw := range conns {
		wg.Add(1)
		go func(raw net.Conn) {
			defer wg.Done()
			defer raw.Close()
			_ = raw.SetDeadline(time.Now().Add(20 * time.Second))
			c := tls.Client(raw, &tls.Config{RootCAs: r.ca.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
			if err := c.Handshake(); err != nil {
				errs <- fmt.Errorf("handshake after shutdown began: %w", err)
				return
			}
			req, _ := http.NewRequest(http.MethodPost, r.base+ValidatePath, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if err := req.Write(c); err != nil {
				errs <- err
				return
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), req)
			if err != nil {
				errs <- fmt.Errorf("no answer: %w", err)
				return
			}
			defer resp.Body.Close()
			var ar admissionv1.AdmissionReview
			if err := json.NewDecoder(resp.Body).Decode(&ar); err != nil || resp.StatusCode != 200 || ar.Response == nil || ar.Response.Allowed {
				errs <- fmt.Errorf("answer %d %v %+v, want the deny", resp.StatusCode, err, ar.Response)
			}
		}(raw)
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		failed++
		t.Error(err)
	}
	r.waitStopped(t, 15*time.Second, "Start did not return after the last connection")
	t.Logf("%d connections accepted before SIGTERM, handshaken and answered after it: %d failed", n, failed)
}

// serviceProxy stands in for a Service: it forwards each TCP connection to
// the next endpoint (round robin) of the current set, which the test edits
// as the endpoints controller would during a rolling restart.
type serviceProxy struct {
	ln        net.Listener
	mu        sync.Mutex
	endpoints []string
	next      int
}

func newServiceProxy(t *testing.T) *serviceProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &serviceProxy{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
	return p
}

func (p *serviceProxy) set(endpoints ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endpoints = endpoints
}

func (p *serviceProxy) forward(c net.Conn) {
	defer c.Close()
	p.mu.Lock()
	ep := p.endpoints[p.next%len(p.endpoints)]
	p.next++
	p.mu.Unlock()
	b, err := net.DialTimeout("tcp", ep, 5*time.Second)
	if err != nil {
		return
	}
	defer b.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, b); done <- struct{}{} }()
	<-done
}

// TestRollingRestartUnderLoadFailsNoReview: two replicas behind a Service
// are restarted one after the other, the way the chart's rollout does it
// (the endpoint is removed during the preStop delay, then SIGTERM, then a
// new pod becomes an endpoint), while reviews flow without pause. Every
// review is answered: none fails, none is refused, no handshake is cut.
func TestRollingRestartUnderLoadFailsNoReview(t *testing.T) {
	a, b := startServer(t), startServer(t)
	a.waitReady(t)
	b.waitReady(t)
	proxy := newServiceProxy(t)
	proxy.set(a.base[len("https://"):], b.base[len("https://"):])
	pool := a.ca.pool.Clone()
	pool.AddCert(b.ca.cert)
	svc := &running{base: "https://" + proxy.ln.Addr().String(), client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}}}
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"deny": "x"}), nil))
	stop := make(chan struct{})
	load, wg := runLoad(svc, ValidatePath, body, 4, 1<<30, stop)
	waitFor(t, "load running", func() bool { return load.requests.Load() > 50 })

	restart := func(old *running, other string) *running {
		t.Helper()
		proxy.set(other) // preStop: the endpoint goes away first
		time.Sleep(100 * time.Millisecond)
		old.cancel() // SIGTERM
		select {
		case err := <-old.done:
			if err != nil {
				t.Errorf("Start: %v", err)
			}
			old.done <- nil
		case <-time.After(15 * time.Second):
			t.Fatal("server did not stop")
		}
		dir := old.dir
		n := startServer(t, func(o *Options, _ *Server) { o.CertDir = dir }) // same Secret
		n.waitReady(t)
		proxy.set(other, n.base[len("https://"):])
		before := load.requests.Load()
		waitFor(t, "reviews through the new replica", func() bool { return load.requests.Load() > before+50 })
		return n
	}
	a = restart(a, b.base[len("https://"):])
	b = restart(b, a.base[len("https://"):])
	close(stop)
	wg.Wait()
	if load.failures.Load()+load.refused.Load()+load.handshake.Load() != 0 {
		t.Errorf("reviews failed across the rolling restart: %s", load)
	}
	t.Logf("rolling restart of both replicas under load: %s", load)
}

// TestShutdownDoesNotWaitForIdleKeepAliveConnections: the API server keeps
// HTTP/2 (and HTTP/1) connections to netguard open between calls. On
// SIGTERM those idle connections are closed (HTTP/2: GOAWAY) at once, so
// the process exits long before the shutdown timeout (the kubelet would
// kill it otherwise).
func TestShutdownDoesNotWaitForIdleKeepAliveConnections(t *testing.T) {
	r := startServer(t, func(o *Options, _ *Server) { o.ShutdownTimeout = time.Minute })
	r.waitReady(t)
	body := reviewBody(t, request(t, admissionv1.Create, flannelCM(map[string]string{"warn": "x"}), nil))
	protos := map[string]bool{}
	for _, h2 := range []bool{true, false} {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: r.ca.pool, MinVersion: tls.VersionTLS12}, ForceAttemptHTTP2: h2}
		if !h2 {
			tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
			tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
		}
		c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		resp, err := c.Post(r.base+ValidatePath, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("h2=%v: %v", h2, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		protos[resp.Proto] = true // the connection stays open, idle
	}
	if !protos["HTTP/2.0"] || !protos["HTTP/1.1"] {
		t.Fatalf("want one idle HTTP/2 and one idle HTTP/1.1 connection: %v", protos)
	}
	start := time.Now()
	r.cancel()
	r.waitStopped(t, 45*time.Second, "Start waited for idle keep-alive connections (shutdown timeout 1m)")
	t.Logf("stopped %s after SIGTERM with idle %v connections open", time.Since(start).Round(time.Millisecond), protos)
}
