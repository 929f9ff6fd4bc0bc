package webhook

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/healthz"
)

// TestReadyzAddsTheContextLineOnlyToAPassingVerboseAnswer: probes (no
// ?verbose) get exactly the checks' answer; a human asking ?verbose sees
// the context line before the closing line; a failing readiness is passed
// through untouched.
func TestReadyzAddsTheContextLineOnlyToAPassingVerboseAnswer(t *testing.T) {
	s := &Server{}
	s.opts.Offline = true
	failing := false
	checks := &healthz.Handler{Checks: map[string]healthz.Checker{"webhook": func(*http.Request) error {
		if failing {
			return errString("not started")
		}
		return nil
	}}}
	h := s.readyWithContext(checks)
	serve := func(url string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	for _, c := range []struct {
		url     string
		failing bool
		code    int
		body    string
	}{
		{"/", false, 200, "ok"},
		{"/?verbose", false, 200, "[+]webhook ok\n[+]context ok: offline, the configuration file is the cluster context\nhealthz check passed\n"},
		{"/webhook?verbose", false, 200, "ok"},
		{"/?verbose", true, 500, "[-]webhook failed: reason withheld\nhealthz check failed\n"},
	} {
		failing = c.failing
		if code, body := serve(c.url); code != c.code || body != c.body {
			t.Errorf("%s (failing %v): %d %q, want %d %q", c.url, c.failing, code, body, c.code, c.body)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
