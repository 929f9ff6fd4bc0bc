package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
	admissionv1 "k8s.io/api/admission/v1"
)

// CostRow is where the server's CPU goes for one review, in-process (no
// TLS, no HTTP server): netguard's webhook.Handler against a handler that
// only decodes the AdmissionReview and answers allowed (the baseline's
// work).
type CostRow struct {
	Item                 string
	Family               string // corpus family ("none": untargeted)
	Size                 string // corpus size (typical, 1MiB)
	Netguard, DecodeOnly time.Duration
}

// costs measures every item of the corpus (typical and 1 MiB).
func (b *bench) costs() ([]CostRow, error) {
	if err := b.corpus(); err != nil {
		return nil, err
	}
	cfg, err := rules.LoadConfig(b.config)
	if err != nil {
		return nil, err
	}
	snap := webhook.Snapshot{Engine: engine.New(cfg, all.Checkers()...), Cluster: &cfg.Cluster}
	adm := &webhook.Admission{Snapshot: func() webhook.Snapshot { return snap }, Ratcheting: true, InfoWarnings: true}
	handlers := map[string]http.Handler{
		webhook.ValidatePath: &webhook.Handler{Hook: webhook.Validating, Admission: adm},
		webhook.MutatePath:   &webhook.Handler{Hook: webhook.Mutating, Admission: adm},
	}
	budget := 200 * time.Millisecond
	if b.res.Quick {
		budget = 40 * time.Millisecond
	}
	var out []CostRow
	for _, it := range b.items {
		ng := measure(budget, func() {
			req := httptest.NewRequest(http.MethodPost, it.Path, bytes.NewReader(it.Body))
			req.Header.Set("Content-Type", "application/json")
			handlers[it.Path].ServeHTTP(httptest.NewRecorder(), req)
		})
		dec := measure(budget, func() {
			req := httptest.NewRequest(http.MethodPost, it.Path, bytes.NewReader(it.Body))
			body, _ := io.ReadAll(req.Body)
			rev, err := webhook.DecodeReview(body)
			if err != nil {
				panic(err)
			}
			resp := admissionv1.AdmissionReview{TypeMeta: rev.TypeMeta, Response: &admissionv1.AdmissionResponse{UID: rev.Request.UID, Allowed: true}}
			data, _ := json.Marshal(resp)
			_, _ = httptest.NewRecorder().Write(data)
		})
		out = append(out, CostRow{Item: it.Name, Family: it.Family, Size: it.Size, Netguard: ng.CPU, DecodeOnly: dec.CPU})
	}
	return out, nil
}
