package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The benchmarks below compare, in one run, what issue 15 asks for: the
// gjson reader against decoding the whole review (DecodeReview, the
// former path and still the no-op baseline's), the untargeted path against
// a no-op handler, and judging against decoding. Targets live here, not in
// timed tests; docs/benchmarks.md records the numbers.

const kubeProxyConf = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nclusterCIDR: 172.20.0.0/16\nconntrack:\n  maxPerCore: 32768\n  min: 131072\n"

func benchCM(ns, name, key, value string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"app": name}},
		Data:       map[string]string{key: value},
	}
}

type benchCase struct {
	name string
	body []byte
}

// benchReviews are UPDATE reviews (the object twice, as the API server
// sends them), typical and 1 MiB.
func benchReviews(b *testing.B) []benchCase {
	big := strings.Repeat("# padding line of a large but untargeted value \"quoted\"\n", (1<<20)/56)
	flannelOld := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf})
	flannelNew := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": strings.Replace(realNetConf, "172.20", "172.21", 1)})
	kp := func(v string) *corev1.ConfigMap { return benchCM("kube-system", "kube-proxy", "config.conf", v) }
	body := func(obj, old *corev1.ConfigMap) []byte {
		return reviewBody(b, request(b, admissionv1.Update, obj, old))
	}
	return []benchCase{
		{"untargeted", body(benchCM("default", "app-settings", "settings.yaml", "a: 1\n"), benchCM("default", "app-settings", "settings.yaml", "a: 2\n"))},
		{"untargeted-1MiB", body(benchCM("default", "app-settings", "settings.yaml", big+"a: 1\n"), benchCM("default", "app-settings", "settings.yaml", big+"a: 2\n"))},
		{"flannel", body(flannelNew, flannelOld)},
		{"kube-proxy", body(kp(kubeProxyConf), kp(strings.Replace(kubeProxyConf, "32768", "65536", 1)))},
	}
}

// typedHandler is the former Handler (and the no-op baseline's decoding):
// DecodeReview, then json.Marshal of the response. judge=false answers
// allowed without judging: the no-op handler.
func typedHandler(a *Admission, hook Hook, judge bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		_, _ = body.ReadFrom(r.Body)
		review, err := DecodeReview(body.Bytes())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp := &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
		if judge {
			resp = a.Handle(hook, review.Request).Response
		}
		data, _ := json.Marshal(admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(data)
	}
}

func serveBench(b *testing.B, h http.Handler, body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
		if rr.Code != http.StatusOK {
			b.Fatalf("HTTP %d: %s", rr.Code, rr.Body)
		}
	}
}

// BenchmarkHandler: the whole in-process request path (read, decode,
// judge, encode, log, count) of /validate. "noop" is the baseline's work
// (decode the review, answer allowed); "typed" the former handler;
// "netguard" the current one. For untargeted objects netguard must cost no
// more than noop.
func BenchmarkHandler(b *testing.B) {
	a := realAdmission()
	for _, c := range benchReviews(b) {
		b.Run(c.name+"/noop", func(b *testing.B) { serveBench(b, typedHandler(a, Validating, false), c.body) })
		b.Run(c.name+"/typed", func(b *testing.B) { serveBench(b, typedHandler(a, Validating, true), c.body) })
		b.Run(c.name+"/netguard", func(b *testing.B) { serveBench(b, &Handler{Hook: Validating, Admission: a}, c.body) })
	}
}

// BenchmarkReadReview: reading the review alone, typed decoding (before)
// against the gjson reader (after).
func BenchmarkReadReview(b *testing.B) {
	for _, c := range benchReviews(b) {
		b.Run(c.name+"/DecodeReview", func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeReview(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/readReview", func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := readReview(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJudge: judging a read request (Review: decode the object(s),
// judge, build the response) — the target is that this costs no
// more than decoding the review (BenchmarkReadReview/*/DecodeReview).
func BenchmarkJudge(b *testing.B) {
	a := realAdmission()
	for _, c := range benchReviews(b) {
		b.Run(c.name, func(b *testing.B) {
			rv, err := readReview(c.body)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				a.Review(Validating, rv.Request)
			}
		})
	}
}

// BenchmarkEncodeResponse: json.Marshal (before) against appendReview.
func BenchmarkEncodeResponse(b *testing.B) {
	a := realAdmission()
	cm := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": strings.Replace(realNetConf, "vxlan", "vxlann", 1)})
	resp := a.Review(Validating, request(b, admissionv1.Create, cm, nil)).Response
	tm := metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(admissionv1.AdmissionReview{TypeMeta: tm, Response: resp})
		}
	})
	b.Run("appendReview", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			buf = appendReview(buf[:0], tm.APIVersion, tm.Kind, resp)
		}
	})
}
