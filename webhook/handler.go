package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"sync"

	admissionv1 "k8s.io/api/admission/v1"
)

// DefaultMaxRequestBytes bounds an AdmissionReview body. A ConfigMap is at
// most 1 MiB; an UPDATE review carries it twice, JSON-escaped (controller-
// runtime uses the same 7 MiB bound).
const DefaultMaxRequestBytes int64 = 7 << 20

// Handler serves one hook over HTTP: it decodes the AdmissionReview, judges
// it and writes the AdmissionReview response. A malformed body gets HTTP 400
// with a plain-text reason (the API server then applies the hook's
// failurePolicy); it never panics.
type Handler struct {
	Hook      Hook
	Admission *Admission
	// MaxRequestBytes bounds the body; 0 means DefaultMaxRequestBytes.
	MaxRequestBytes int64
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "netguard: admission reviews must be POSTed", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			http.Error(w, fmt.Sprintf("netguard: content type %q is not application/json", ct), http.StatusUnsupportedMediaType)
			return
		}
	}
	limit := h.MaxRequestBytes
	if limit <= 0 {
		limit = DefaultMaxRequestBytes
	}
	buf := getBuffer()
	defer putBuffer(buf)
	// No Grow to the declared Content-Length: a client could then make
	// the webhook allocate the limit without sending it. A pooled buffer
	// has usually grown to the size of the reviews already.
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("netguard: request body exceeds %d bytes", limit), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "netguard: reading request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	// The request's Object/OldObject point into buf: they must not be
	// used after this function returns (Handle keeps neither).
	review, err := readReview(buf.Bytes())
	if err != nil {
		h.Admission.Log.Info("malformed admission review", "webhook", string(h.Hook), "error", err.Error())
		http.Error(w, "netguard: "+err.Error(), http.StatusBadRequest)
		return
	}
	out := h.Admission.Handle(h.Hook, review.Request)
	resp := getBuffer()
	defer putBuffer(resp)
	resp.Write(appendReview(resp.AvailableBuffer(), review.APIVersion, review.Kind, out.Response))
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(resp.Bytes())
}

// buffers holds request bodies and encoded responses between requests,
// so that a busy webhook does not allocate (and collect) a body-sized
// buffer per review.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps a rare near-limit body (7 MiB) from being held by
// the pool; a 1 MiB ConfigMap's UPDATE review fits.
const maxPooledBuffer = 4 << 20

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// DecodeReview parses an AdmissionReview of admission.k8s.io/v1 (or v1beta1,
// which has the same shape) and checks that it carries a request with a UID.
func DecodeReview(body []byte) (*admissionv1.AdmissionReview, error) {
	if len(body) == 0 {
		return nil, errors.New("empty request body: expected an admission.k8s.io/v1 AdmissionReview")
	}
	review := &admissionv1.AdmissionReview{}
	if err := json.Unmarshal(body, review); err != nil {
		return nil, fmt.Errorf("malformed AdmissionReview: %v", err)
	}
	if review.Kind != "AdmissionReview" || (review.APIVersion != "admission.k8s.io/v1" && review.APIVersion != "admission.k8s.io/v1beta1") {
		return nil, fmt.Errorf("expected apiVersion admission.k8s.io/v1, kind AdmissionReview; got apiVersion %q, kind %q", review.APIVersion, review.Kind)
	}
	if review.Request == nil {
		return nil, errors.New("malformed AdmissionReview: no request")
	}
	if review.Request.UID == "" {
		return nil, errors.New("malformed AdmissionReview: request.uid is empty")
	}
	return review, nil
}
