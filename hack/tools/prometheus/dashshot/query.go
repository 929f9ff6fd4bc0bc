package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// Prom is a client of Prometheus's HTTP API (/api/v1); only what Grafana's
// Prometheus data source calls for these panels.
type Prom struct {
	URL    string
	Client *http.Client
}

// Series is one result series of a range query.
type Series struct {
	Labels map[string]string
	T      []time.Time
	V      []float64
}

func (p Prom) get(ctx context.Context, path string, q url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	var env struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%s: HTTP %d: %.200s", path, resp.StatusCode, b)
	}
	if env.Status != "success" {
		return fmt.Errorf("%s %s: %s", path, q.Get("query"), env.Error)
	}
	return json.Unmarshal(env.Data, out)
}

// QueryRange runs expr over q's range at q's step.
func (p Prom) QueryRange(ctx context.Context, expr string, q Query) ([]Series, error) {
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		} `json:"result"`
	}
	v := url.Values{"query": {expr}, "start": {unix(q.From)}, "end": {unix(q.To)}, "step": {strconv.FormatFloat(q.Step.Seconds(), 'f', -1, 64)}}
	if err := p.get(ctx, "/api/v1/query_range", v, &data); err != nil {
		return nil, err
	}
	out := make([]Series, 0, len(data.Result))
	for _, r := range data.Result {
		s := Series{Labels: r.Metric}
		for _, pt := range r.Values {
			ts, _ := pt[0].(float64)
			str, _ := pt[1].(string)
			f, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: sample %v: %w", expr, pt, err)
			}
			s.T = append(s.T, time.Unix(0, int64(ts*1e9)))
			s.V = append(s.V, f)
		}
		out = append(out, s)
	}
	return out, nil
}

var labelValuesDef = regexp.MustCompile(`^label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)$`)

// LabelValues answers Grafana's label_values(selector, label) variable query
// with /api/v1/label/<label>/values?match[]=selector over [from, to].
func (p Prom) LabelValues(ctx context.Context, def string, from, to time.Time) ([]string, error) {
	m := labelValuesDef.FindStringSubmatch(def)
	if m == nil {
		return nil, fmt.Errorf("variable query %q: only label_values(selector, label) is supported", def)
	}
	var vals []string
	v := url.Values{"match[]": {m[1]}, "start": {unix(from)}, "end": {unix(to)}}
	if err := p.get(ctx, "/api/v1/label/"+m[2]+"/values", v, &vals); err != nil {
		return nil, err
	}
	sort.Strings(vals)
	return vals, nil
}

// BuildInfo returns Prometheus's own version (/api/v1/status/buildinfo).
func (p Prom) BuildInfo(ctx context.Context) (string, error) {
	var bi struct {
		Version string `json:"version"`
	}
	err := p.get(ctx, "/api/v1/status/buildinfo", url.Values{}, &bi)
	return bi.Version, err
}

func unix(t time.Time) string { return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64) }

// QueryInstant runs expr at t (a table panel's instant query).
func (p Prom) QueryInstant(ctx context.Context, expr string, t time.Time) ([]Series, error) {
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := p.get(ctx, "/api/v1/query", url.Values{"query": {expr}, "time": {unix(t)}}, &data); err != nil {
		return nil, err
	}
	out := make([]Series, 0, len(data.Result))
	for _, r := range data.Result {
		str, _ := r.Value[1].(string)
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: sample %v: %w", expr, r.Value, err)
		}
		out = append(out, Series{Labels: r.Metric, T: []time.Time{t}, V: []float64{f}})
	}
	return out, nil
}
