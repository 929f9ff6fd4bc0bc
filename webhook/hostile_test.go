package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/internal/growth"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Hostile input through the real handler and the real rules: every case
// must get a clear answer (HTTP 4xx with a reason, or an AdmissionReview
// that judges or cleanly skips the object) without hanging and within a
// memory bound. No wall-clock limit: a busy machine must not fail these
// tests. Hangs are caught by growth.NoHang (minutes), super-linear work by
// growth.Linear (cost at 8x the input vs 1x), alias expansion by the
// allocation bound; speed is measured by the benchmarks.

const (
	// API server limits: a request body is at most 3 MiB
	// (k8s.io/apiserver MaxRequestBodyBytes); a ConfigMap's data at most
	// 1 MiB (validation); etcd refuses objects over 1.5 MiB by default.
	apiServerMaxBody = 3 << 20
	mib              = 1 << 20
)

// aliasBomb is the YAML "billion laughs": nine levels of nine aliases each
// expand to 9^9 (387 million) strings when an alias is copied on use.
func aliasBomb(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// hostileValues are data values meant to break parsers. Each is tried
// under every data key a component reads.
func hostileValues() map[string]string {
	const kp = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
	return map[string]string{
		"YAML alias bomb":             aliasBomb(kp),
		"YAML alias bomb in a key":    kp + "mode: &m ipvs\nipvs: {scheduler: *m, excludeCIDRs: &x [*m, *m, *m]}\nfeatureGates: {<<: &g {A: true}, B: *m}\n" + aliasBomb(""),
		"YAML self-merge":             "a: &a {b: 1}\nc: {<<: [*a, *a, *a]}\n",
		"1 MiB JSON string":           `{"Network":"` + strings.Repeat("1", mib) + `","Backend":{"Type":"vxlan"},"vswitches":{"` + strings.Repeat("z", 100) + `":["vsw-1"]}}`,
		"1 MiB JSON key":              `{"` + strings.Repeat("k", mib) + `":1}`,
		"1 MiB YAML scalar":           kp + "clusterCIDR: " + strings.Repeat("1", mib) + "\n",
		"1 MiB of one-line keys":      kp + strings.Repeat("x: 1\n", mib/5),
		"100k array elements":         `{"security_groups":[` + strings.TrimSuffix(strings.Repeat(`"sg-1",`, 100000), ",") + `],"plugins":[` + strings.TrimSuffix(strings.Repeat(`{},`, 100000), ",") + `]}`,
		"10000-level JSON arrays":     strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"10000-level JSON objects":    strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
		"10000-level JSON in a field": `{"Network":"10.0.0.0/8","Backend":` + strings.Repeat(`{"Type":`, 10000) + `"vxlan"` + strings.Repeat("}", 10000) + `}`,
		"10000-level YAML flow":       kp + "ipvs: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n",
		"10000-level YAML block":      kp + nestedBlockYAML(10000),
		"unterminated nesting":        strings.Repeat(`{"a":[`, 50000),
		"invalid UTF-8":               "{\"Network\":\"10.0.0.0/8\xff\xfe\",\"Backend\":{\"Type\":\"vx\xc3\x28lan\"},\"\xff\":1}",
		"invalid UTF-8 YAML":          kp + "mode: \"ipvs\xff\"\nclusterCIDR: \xc3\x28\n",
		"UTF-8 BOM":                   "\xef\xbb\xbf{\"Network\":\"10.0.0.0/8\",\"Backend\":{\"Type\":\"vxlan\"}}",
		"UTF-8 BOM YAML":              "\xef\xbb\xbf" + kp + "mode: ipvs\n",
		"UTF-16 BOM":                  "\xff\xfe{\x00\"\x00}\x00",
		"duplicate keys":              `{"Network":"10.0.0.0/8","Network":"10.1.0.0/16","Backend":{"Type":"vxlan","Type":"host-gw"},"cniVersion":"0.3.1","cniVersion":"1.0.0"}`,
		"duplicate keys YAML":         kp + "mode: ipvs\nmode: iptables\nipvs: {scheduler: rr, scheduler: lc}\n",
		"10000 duplicate keys":        "{" + strings.TrimSuffix(strings.Repeat(`"Network":"10.0.0.0/8",`, 10000), ",") + "}",
		"NUL bytes":                   "{\"Network\":\"10.0.0.0/8\x00\",\"Backend\":{\"Type\":\"vxlan\"}}\x00\x00",
		"NUL bytes YAML":              kp + "mode: ipvs\x00\nclusterCIDR: \"\\0\"\n",
		"only NUL":                    strings.Repeat("\x00", 1000),
		"huge numbers":                `{"SubnetLen":1e400,"max_pool_size":99999999999999999999,"min_pool_size":-1e400,"mtu":1e-400,"Backend":{"Type":"vxlan","VNI":18446744073709551616,"Port":-99999999999999999999}}`,
		"huge numbers YAML":           kp + "conntrack: {maxPerCore: 99999999999999999999, min: 1e400}\niptables: {masqueradeBit: -1e400}\nipvs: {udpTimeout: 99999999999999999999h}\n",
		"10000-digit number":          `{"SubnetLen":` + strings.Repeat("9", 10000) + `}`,
		"control characters":          "{\"Network\":\"\\u0000\\u001b[31m\\u2028\",\"Backend\":{\"Type\":\"\\ud800\"}}",
		"empty":                       "",
		"whitespace":                  " \t\r\n",
		"null":                        "null",
		"YAML directives":             "%YAML 1.1\n%TAG ! tag:example.com,2000:\n---\n" + kp + "mode: !!binary aXB2cw==\n",
		"many documents":              strings.Repeat(kp+"---\n", 20000),
		"CRLF and tabs":               strings.ReplaceAll(kp, "\n", "\r\n") + "ipvs:\r\n\tscheduler: rr\r\n",
	}
}

// nestedBlockYAML nests n block sequences on one line ("- - - x"), and
// 1000 mappings indented one space each (10,000 would need 50 MB).
func nestedBlockYAML(n int) string {
	var b strings.Builder
	b.WriteString("ipvs:\n  excludeCIDRs:\n  " + strings.Repeat("- ", n) + "x\n")
	for i := 0; i < 1000; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	b.WriteString(strings.Repeat(" ", 1000) + "b\n")
	return b.String()
}

// hostileTarget is a targeted ConfigMap and the data keys its component
// reads.
type hostileTarget struct {
	ns, name string
	keys     []string
}

var hostileTargets = []hostileTarget{
	{"kube-system", "eni-config", []string{"eni_conf", "10-terway.conf"}},
	{"kube-system", "eni-config-pool-a", []string{"eni_conf"}},
	{"kube-flannel", "kube-flannel-cfg", []string{"cni-conf.json", "net-conf.json"}},
	{"kube-system", "kube-proxy-worker", []string{"config.conf"}},
	{"kube-system", "leader-election", []string{"x"}}, // not targeted
}

// allocated returns the bytes allocated while f runs (whole process: keep
// the test serial).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// serve posts body to a handler over the real engine and returns the
// recorded response.
func serve(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, ValidatePath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr
}

// checkAnswered asserts a 200 AdmissionReview whose response judged or
// cleanly skipped the object, never an internal error.
func checkAnswered(t *testing.T, what string, rr *httptest.ResponseRecorder) *admissionv1.AdmissionResponse {
	t.Helper()
	if rr.Code != http.StatusOK {
		t.Errorf("%s: HTTP %d %s", what, rr.Code, limit(rr.Body.String(), 300))
		return nil
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(rr.Body.Bytes(), &ar); err != nil || ar.Response == nil {
		t.Errorf("%s: undecodable response (%v): %s", what, err, limit(rr.Body.String(), 300))
		return nil
	}
	r := ar.Response
	ann := r.AuditAnnotations
	if strings.HasPrefix(ann[AnnotationSkip], "internal error") || strings.Contains(ann[AnnotationRules], "NG001") {
		t.Errorf("%s: netguard failed internally: %v", what, ann)
	}
	switch ann[AnnotationDecision] {
	case DecisionAllowed, DecisionDenied, DecisionMutated, DecisionSkipped:
	default:
		t.Errorf("%s: decision %q", what, ann[AnnotationDecision])
	}
	if !r.Allowed && (r.Result == nil || r.Result.Code != 422 || r.Result.Message == "") {
		t.Errorf("%s: denial without a reason: %+v", what, r.Result)
	}
	return r
}

func TestHostileDataValuesGetAnAnswerInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile corpus: seconds of CPU")
	}
	a := realAdmission()
	hooks := map[Hook]*Handler{Validating: {Hook: Validating, Admission: a}, Mutating: {Hook: Mutating, Admission: a}}
	values := hostileValues()
	var worst time.Duration
	var worstName, maxAllocName string
	var maxAlloc uint64
	for _, tg := range hostileTargets {
		for _, key := range tg.keys {
			for name, v := range values {
				cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Namespace: tg.ns, Name: tg.name}, Data: map[string]string{key: v}}
				old := cm.DeepCopy()
				old.Data[key] = "{}"
				for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update} {
					var oldObj any
					if op == admissionv1.Update {
						oldObj = old
					}
					body := reviewBody(t, request(t, op, cm, oldObj))
					for hook, h := range hooks {
						if op == admissionv1.Update && hook == Mutating {
							continue // the mutating hook does not look at the old object
						}
						what := fmt.Sprintf("%s/%s %s %s %s", tg.name, key, name, op, hook)
						var rr *httptest.ResponseRecorder
						start := time.Now()
						alloc := allocated(func() {
							growth.NoHang(t, what, func() { rr = serve(h, body) })
						})
						if d := time.Since(start); d > worst {
							worst, worstName = d, what
						}
						// Memory: cumulative allocation stays linear in the
						// input: at most 2 KiB per body byte plus 64 MiB. The
						// worst case (200,000 repeated config.conf keys, 200,000
						// findings) allocates ~1.9 GiB in total; an alias
						// bomb expanded would need tens of GiB.
						if alloc > maxAlloc {
							maxAlloc, maxAllocName = alloc, what
						}
						if bound := uint64(2048*len(body) + 64*mib); alloc > bound {
							t.Errorf("%s: allocated %d MiB for a %d KiB body (bound %d MiB)", what, alloc>>20, len(body)>>10, bound>>20)
						}
						r := checkAnswered(t, what, rr)
						if r == nil {
							continue
						}
						if tg.name == "leader-election" && r.AuditAnnotations[AnnotationSkip] != "not targeted" {
							t.Errorf("%s: untargeted object not skipped: %v", what, r.AuditAnnotations)
						}
						if r.Patch != nil && hook == Validating {
							t.Errorf("%s: validating hook patched", what)
						}
					}
				}
			}
		}
	}
	t.Logf("slowest: %v (%s); most allocation: %d MiB (%s)", worst, worstName, maxAlloc>>20, maxAllocName)
}

func TestHostileServicesGetAnAnswer(t *testing.T) {
	a := realAdmission()
	h := &Handler{Hook: Validating, Admission: a}
	m := &Handler{Hook: Mutating, Admission: a}
	const lb = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
	big := strings.Repeat("9", mib)
	for name, ann := range map[string]map[string]string{
		"1 MiB annotation values": {lb + "bandwidth": big, lb + "spec": big, lb + "health-check-flag": big},
		"invalid UTF-8 and NUL":   {lb + "address-type": "intra\xffnet\x00", lb + "\xff": "x", lb + "port\x00": "1"},
		"huge numbers":            {lb + "bandwidth": "99999999999999999999", lb + "health-check-interval": "1e400", lb + "connection-drain-timeout": "-99999999999999999999"},
		"long port lists":         {lb + "protocol-port": strings.Repeat("https:443,", 100000), lb + "forward-port": strings.Repeat("80:443,", 100000)},
		"BOM and control chars":   {lb + "address-type": "\ufeffinternet", lb + "spec": "\x1b[31mslb.s1.small\r\n"},
		"YAML-ish values":         {lb + "bandwidth": "&a [*a]", lb + "acl-status": "on"},
	} {
		svc := &corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", Annotations: ann},
			Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 443}}},
		}
		for _, hh := range []*Handler{h, m} {
			body := reviewBody(t, request(t, admissionv1.Create, svc, nil))
			growth.NoHang(t, name, func() { checkAnswered(t, name, serve(hh, body)) })
		}
	}
}

// TestHostileReviewBodies covers what is wrong with the AdmissionReview
// itself: each gets a clear HTTP error, or (where the API server could send
// it) a normal answer.
func TestHostileReviewBodies(t *testing.T) {
	a := realAdmission()
	h := &Handler{Hook: Validating, Admission: a}
	goodReq := request(t, admissionv1.Create, flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf}), nil)
	good := string(reviewBody(t, goodReq))
	obj := string(goodReq.Object.Raw)
	wrap := func(apiVersion, kind, request string) string {
		return fmt.Sprintf(`{"apiVersion":%q,"kind":%q,"request":%s}`, apiVersion, kind, request)
	}
	reqJSON := func(object string) string {
		return `{"uid":"u1","kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"namespace":"kube-flannel","name":"kube-flannel-cfg","operation":"CREATE","userInfo":{"username":"alice"},"object":` + object + `}`
	}
	type tc struct {
		body string
		code int
		// msg prefixes the plain-text error (4xx), or for 200 the decision.
		msg string
	}
	cases := map[string]tc{
		"well-formed":                {good, 200, DecisionDenied},
		"admission.k8s.io/v1beta1":   {wrap("admission.k8s.io/v1beta1", "AdmissionReview", reqJSON(obj)), 200, DecisionDenied},
		"admission.k8s.io/v2":        {wrap("admission.k8s.io/v2", "AdmissionReview", reqJSON(obj)), 400, "netguard: expected apiVersion admission.k8s.io/v1"},
		"no apiVersion":              {`{"kind":"AdmissionReview","request":` + reqJSON(obj) + `}`, 400, "netguard: expected apiVersion"},
		"kind AdmissionRequest":      {wrap("admission.k8s.io/v1", "AdmissionRequest", reqJSON(obj)), 400, "netguard: expected apiVersion admission.k8s.io/v1, kind AdmissionReview"},
		"kind case":                  {wrap("admission.k8s.io/v1", "admissionreview", reqJSON(obj)), 400, "netguard: expected"},
		"response instead":           {`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":true}}`, 400, "netguard: malformed AdmissionReview: no request"},
		"request null":               {wrap("admission.k8s.io/v1", "AdmissionReview", "null"), 400, "netguard: malformed AdmissionReview: no request"},
		"request a string":           {wrap("admission.k8s.io/v1", "AdmissionReview", `"x"`), 400, "netguard: malformed AdmissionReview: json: cannot unmarshal string"},
		"truncated":                  {good[:len(good)/2], 400, "netguard: malformed AdmissionReview: unexpected end of JSON input"},
		"trailing garbage":           {good + "}{", 400, "netguard: malformed AdmissionReview: invalid character"},
		"BOM":                        {"\xef\xbb\xbf" + good, 400, "netguard: malformed AdmissionReview: invalid character"},
		"NUL":                        {"\x00" + good, 400, "netguard: malformed AdmissionReview: invalid character"},
		"10000-level nesting":        {strings.Repeat("[", 10000) + strings.Repeat("]", 10000), 400, "netguard: malformed AdmissionReview: json: cannot unmarshal array"},
		"100000-level nesting":       {strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000), 400, "netguard: malformed AdmissionReview: invalid character '{' exceeded max depth"},
		"nested inside the object":   {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON(`{"data":{"x":"y"},"metadata":`+strings.Repeat(`{"a":`, 9000)+"1"+strings.Repeat("}", 9000)+`}`)), 200, DecisionSkipped},
		"huge number in the request": {wrap("admission.k8s.io/v1", "AdmissionReview", strings.Replace(reqJSON(obj), `"operation"`, `"options":{"x":1e400},"operation"`, 1)), 200, DecisionDenied},
		"huge number in the object":  {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON(`{"metadata":{"name":"kube-flannel-cfg","namespace":"kube-flannel","generation":99999999999999999999},"data":{}}`)), 200, DecisionSkipped},
		"duplicate uid":              {strings.Replace(good, `"uid":"uid-1"`, `"uid":"a","uid":"uid-1"`, 1), 200, DecisionDenied},
		"object not an object":       {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON(`"kube-flannel-cfg"`)), 200, DecisionSkipped},
		"object data not strings":    {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON(`{"metadata":{"name":"kube-flannel-cfg","namespace":"kube-flannel"},"data":{"net-conf.json":{"Network":1}}}`)), 200, DecisionSkipped},
		"invalid UTF-8 in object":    {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON("{\"metadata\":{\"name\":\"kube-flannel-cfg\",\"namespace\":\"kube-flannel\"},\"data\":{\"net-conf.json\":\"{\\\"Network\\\":\\\"\xff\\\"}\"}}")), 200, DecisionDenied},
		"empty object":               {wrap("admission.k8s.io/v1", "AdmissionReview", reqJSON(`{}`)), 200, DecisionSkipped},
		"unknown operation":          {strings.Replace(good, `"operation":"CREATE"`, `"operation":"PATCH"`, 1), 200, DecisionSkipped},
		"kind Pod":                   {strings.Replace(good, `"kind":"ConfigMap"}`, `"kind":"Pod"}`, 1), 200, DecisionSkipped},
		"kind from another group":    {strings.Replace(good, `"group":"","version":"v1","kind":"ConfigMap"`, `"group":"evil.example.com","version":"v1","kind":"ConfigMap"`, 1), 200, DecisionSkipped},
		"over the body limit":        {`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","object":{"data":{"k":"` + strings.Repeat("a", int(DefaultMaxRequestBytes)) + `"}}}}`, 413, "netguard: request body exceeds 7340032 bytes"},
		"8 MiB of whitespace":        {strings.Repeat(" ", 8*mib), 413, "netguard: request body exceeds"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var rr *httptest.ResponseRecorder
			growth.NoHang(t, name, func() { rr = serve(h, []byte(c.body)) })
			if rr.Code != c.code {
				t.Fatalf("HTTP %d, want %d: %s", rr.Code, c.code, limit(rr.Body.String(), 400))
			}
			if c.code != 200 {
				if !strings.HasPrefix(rr.Body.String(), c.msg) {
					t.Errorf("body %q, want prefix %q", limit(rr.Body.String(), 300), c.msg)
				}
				return
			}
			r := checkAnswered(t, name, rr)
			if r != nil && r.AuditAnnotations[AnnotationDecision] != c.msg {
				t.Errorf("decision %v, want %s", r.AuditAnnotations, c.msg)
			}
		})
	}
}

// TestBodiesUpToTheAPIServerLimitAreJudged: the largest object the API
// server would pass (a 3 MiB request body; mutating webhooks run before the
// 1 MiB ConfigMap validation) sent as an UPDATE with both copies is under
// the 7 MiB limit and is judged within the bound.
func TestBodiesUpToTheAPIServerLimitAreJudged(t *testing.T) {
	a := realAdmission()
	h := &Handler{Hook: Mutating, Admission: a}
	big := `{"Network":"10.0.0.0/8","Backend":{"Type":"vxlan"},"pad":"` + strings.Repeat("x", apiServerMaxBody-200) + `"}`
	cm := flannelCM(map[string]string{"net-conf.json": big, "cni-conf.json": realCNIConf})
	old := flannelCM(map[string]string{"net-conf.json": big[:len(big)-10] + `"}`, "cni-conf.json": realCNIConf})
	body := reviewBody(t, request(t, admissionv1.Update, cm, old))
	if len(body) > int(DefaultMaxRequestBytes) {
		t.Fatalf("body %d bytes exceeds the limit", len(body))
	}
	var rr *httptest.ResponseRecorder
	growth.NoHang(t, "3 MiB update", func() { rr = serve(h, body) })
	checkAnswered(t, "3 MiB update", rr)
}

// TestHostileInputCostGrowsLinearly: keys and duplicate keys, whose number
// an attacker controls, cost the handler linearly more as they grow; a
// quadratic step (re-scanning members for each one) shows ×64 for ×8 input.
// The check compares growth, not time, so a busy machine cannot fail it.
// Each family's small size needs tenths of a second: inputs that take a
// few milliseconds (array elements, documents) gave ratios of 25-48 on
// a loaded 2-core machine and pass on a rerun, i.e. noise, so they are
// left to the allocation bound above and to the benchmarks.
func TestHostileInputCostGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("growth: seconds of CPU")
	}
	const kp = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"
	h := &Handler{Hook: Validating, Admission: realAdmission()}
	families := []struct {
		name, ns, cm, key string
		n                 int
		value             func(n int) string
	}{
		{name: "one-line keys in config.conf", ns: "kube-system", cm: "kube-proxy-worker", key: "config.conf", n: 4000,
			value: func(n int) string { return kp + strings.Repeat("x: 1\n", n) }},
		{name: "duplicate keys in net-conf.json", ns: "kube-flannel", cm: "kube-flannel-cfg", key: "net-conf.json", n: 2000,
			value: func(n int) string {
				return "{" + strings.TrimSuffix(strings.Repeat(`"Network":"10.0.0.0/8",`, n), ",") + "}"
			},
		},
	}
	for _, fam := range families {
		t.Run(fam.name, func(t *testing.T) {
			build := func(n int) string {
				cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
					ObjectMeta: metav1.ObjectMeta{Namespace: fam.ns, Name: fam.cm}, Data: map[string]string{fam.key: fam.value(n)}}
				return string(reviewBody(t, request(t, admissionv1.Create, cm, nil)))
			}
			growth.Linear(t, fam.n, 24, build, func(body string) {
				checkAnswered(t, fam.name, serve(h, []byte(body)))
			})
		})
	}
}
