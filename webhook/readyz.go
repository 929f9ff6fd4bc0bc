package webhook

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// readyWithContext serves /readyz: the readiness checks decide the status
// (webhook, certificate, first attempt at every context source, shutdown),
// and the verbose body adds one line on the cluster context. A degraded
// context is reported there, never by failing readiness: an unready
// netguard leaves its Service, the API server can no longer call it and
// fails open, which would stop every rule, including the many that need no
// context. The rules that need a missing source fall back to the
// configuration file and the validating hook warns (docs/operations.md).
func (s *Server) readyWithContext(checks http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, verbose := r.URL.Query()["verbose"]
		if !verbose || strings.Trim(r.URL.Path, "/") != "" {
			checks.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		checks.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			// Before the closing "readyz check passed" line, like a check.
			if i := bytes.LastIndexByte(bytes.TrimSuffix(body, []byte("\n")), '\n'); i >= 0 {
				body = append(append(append([]byte{}, body[:i+1]...), s.contextLine()...), body[i+1:]...)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// contextLine summarises the cluster context sources for /readyz?verbose.
func (s *Server) contextLine() string {
	if s.opts.Offline {
		return "[+]context ok: offline, the configuration file is the cluster context\n"
	}
	sources := s.cluster.Sources()
	var down []string
	for _, src := range sources {
		if !src.InUse {
			d := src.Name
			if src.LastError != "" {
				d += " (" + src.LastError + ")"
			}
			down = append(down, d)
		}
	}
	if len(down) == 0 {
		return fmt.Sprintf("[+]context ok: %d of %d sources in use\n", len(sources), len(sources))
	}
	return fmt.Sprintf("[+]context degraded, still ready (rules needing these use the configuration file and warn; see /contextz): %s not in use\n",
		strings.Join(down, ", "))
}
