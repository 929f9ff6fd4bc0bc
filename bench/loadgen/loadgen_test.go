package loadgen

import (
	"context"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counter is a Stream whose every request is a new body ("0", "1", ...);
// odd ones go to the second bucket.
type counter struct{ next atomic.Int64 }

func (c *counter) Buckets() []string { return []string{"even", "odd"} }

func (c *counter) Next(_, _ int) (int, string, []byte) {
	i := c.next.Add(1) - 1
	return int(i % 2), "/validate", []byte(strconv.FormatInt(i, 10))
}

func TestRunStreamSendsEveryGeneratedBodyOnceAcrossWarmUpAndRun(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[string(b)]++
		mu.Unlock()
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	s := &counter{}
	res, err := RunStream(context.Background(), Target{URL: srv.URL, CA: ca}, s, 4, 50*time.Millisecond, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for body, n := range seen {
		if n != 1 {
			t.Errorf("body %s received %d times", body, n)
		}
	}
	// Requests cut off by the end of a run may or may not have reached
	// the server; every measured one did.
	if res.Requests == 0 || res.Requests > len(seen) || len(seen) > int(s.next.Load()) {
		t.Errorf("measured %d requests, server saw %d distinct bodies, stream handed out %d", res.Requests, len(seen), s.next.Load())
	}
	if res.PerItem["even"].N+res.PerItem["odd"].N != res.Requests || res.PerItem["odd"].N == 0 {
		t.Errorf("per bucket %d + %d, want %d in all and both used", res.PerItem["even"].N, res.PerItem["odd"].N, res.Requests)
	}
}

func TestRunRoundRobinStartsEachWorkerAtADifferentItem(t *testing.T) {
	r := roundRobin{{Name: "a", Path: "/a"}, {Name: "b", Path: "/b"}, {Name: "c", Path: "/c"}}
	for _, tc := range []struct{ worker, k, want int }{{0, 0, 0}, {1, 0, 1}, {2, 2, 1}, {0, 4, 1}} {
		if i, path, _ := r.Next(tc.worker, tc.k); i != tc.want || path != r[tc.want].Path {
			t.Errorf("worker %d request %d: item %d (%s), want %d", tc.worker, tc.k, i, path, tc.want)
		}
	}
}
