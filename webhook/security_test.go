package webhook

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/tidwall/gjson"
	"go.uber.org/zap/zapcore"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	sigsyaml "sigs.k8s.io/yaml"
)

// testLogger is the production logger (controller-runtime zap, JSON) at
// debug level, so that V(1) lines (skipped reviews) are captured too.
func testLogger(w io.Writer) logr.Logger {
	return zap.New(zap.WriteTo(w), zap.UseDevMode(false), zap.Level(zapcore.DebugLevel))
}

// examplesCorpus decodes every ConfigMap and Service of examples/.
func examplesCorpus(t testing.TB) (objs []any) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := manifest.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range mf.Objects {
			switch o.Kind {
			case "ConfigMap":
				cm := &corev1.ConfigMap{}
				if json.Unmarshal(o.JSON, cm) == nil {
					cm.APIVersion, cm.Kind = "v1", "ConfigMap"
					objs = append(objs, cm)
				}
			case "Service":
				s := &corev1.Service{}
				if json.Unmarshal(o.JSON, s) == nil {
					s.APIVersion, s.Kind = "v1", "Service"
					objs = append(objs, s)
				}
			}
		}
	}
	if len(objs) < 20 {
		t.Fatalf("examples/: only %d objects", len(objs))
	}
	return objs
}

// secretCorpus adds credential-bearing objects: every credential field
// netguard knows, valid and broken, placed where checkers echo values.
func secretCorpus() []any {
	const s1, s2, s3 = "NGSECRET-ak-LTAI5tQ8mZrN3pXk", "NGSECRET-sk-wJ4kP9qX2vL7nR5tY8bM3cF6hD1sG0aZ", "NGSECRET-psk-" + "c2VjcmV0LXByZS1zaGFyZWQta2V5LTIwMjQ=c2VjcmV0LXByZS1zaGFyZWQta2V5LTIwMjQ="
	cm := func(ns, name string, data map[string]string) any {
		return &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}
	}
	return []any{
		cm("kube-system", "eni-config", map[string]string{"eni_conf": `{"access_key":"` + s1 + `","access_secret":"` + s2 + `","vswitches":{"cn-a":["vsw-1"]},"security_group":"sg-1","max_pool_size":"` + s2 + `"}`}),
		cm("kube-system", "eni-config", map[string]string{"eni_conf": `{"access_key":"` + s1 + `","access_secret":"` + s2 + `",`}),
		cm("kube-system", "eni-config", map[string]string{"eni_conf": `{"access_key":{"v":"` + s1 + `"},"access_secret":["` + s2 + `"],"service_cidr":{"access_secret":"` + s2 + `"}}`}),
		cm("kube-system", "eni-config-pool-a", map[string]string{"eni_conf": `{"access_secret":"` + s2 + `","acess_secret":"x","Access_Secret":"` + s2 + `"}`}),
		cm("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": `{"Network":"10.0.0.0/8","Backend":{"Type":"ipsec","PSK":"` + s3 + `"}}`}),
		cm("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": `{"Network":{"PSK":"` + s3 + `"},"Backend":{"Type":"wireguard","PSK":"` + s3 + `","ListenPort":"` + s3 + `"}}`}),
		cm("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": `{"Network":"10.0.0.0/8","Backend":{"Type":"ali-vpc","AccessKeyID":"` + s1 + `","AccessKeySecret":"` + s2 + `","Route":"` + s2 + `"}}`}),
		cm("kube-flannel", "kube-flannel-cfg", map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": `{"Network":"10.0.0.0/8","Backend":{"Type":"ipsec","PSK":"` + s3 + `"`}),
	}
}

// TestNoSecretInResponsesLogsOrAnnotations sends the whole corpus
// (examples/, credential-bearing objects, hostile values) through the real
// handler with the production logger, as CREATE and UPDATE to both hooks,
// and scans every response body (status message, causes, warnings, audit
// annotations, patch) and every log line for every credential value the
// corpus contains.
func TestNoSecretInResponsesLogsOrAnnotations(t *testing.T) {
	logs := &syncBuffer{}
	e := all.NewEngine(nil)
	a := &Admission{Snapshot: func() Snapshot { return Snapshot{Engine: e} }, Ratcheting: true, InfoWarnings: true, Log: testLogger(logs)}
	hooks := []*Handler{{Hook: Validating, Admission: a}, {Hook: Mutating, Admission: a}}

	corpus := append(examplesCorpus(t), secretCorpus()...)
	for name, v := range hostileValues() {
		if len(v) < 64<<10 { // the large ones are covered by the hostile tests
			corpus = append(corpus, &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "eni-config", Annotations: map[string]string{"case": name}},
				Data: map[string]string{"eni_conf": strings.Replace(v, "{", `{"access_secret":"NGSECRET-hostile-0123456789",`, 1)}})
		}
	}
	secrets := map[string]bool{}
	for _, o := range corpus {
		cm, ok := o.(*corev1.ConfigMap)
		if !ok {
			continue
		}
		for _, v := range cm.Data {
			var found []string
			if gjson.Valid(v) {
				found = rules.SecretValues(gjson.Parse(v))
			}
			for _, s := range append(found, rules.SecretValuesInText(v)...) {
				if len(s) >= 8 {
					secrets[s] = true
				}
			}
		}
	}
	if len(secrets) < 5 {
		t.Fatalf("corpus holds only %d secrets", len(secrets))
	}
	var responses bytes.Buffer
	reviews := 0
	for _, o := range corpus {
		var old any
		switch x := o.(type) {
		case *corev1.ConfigMap:
			c := x.DeepCopy()
			c.Data = map[string]string{"x": "y"}
			old = c
		case *corev1.Service:
			old = x.DeepCopy()
		}
		for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update} {
			var prev any
			if op == admissionv1.Update {
				prev = old
			}
			body := reviewBody(t, request(t, op, o, prev))
			for _, h := range hooks {
				rr := serve(h, body)
				responses.Write(rr.Body.Bytes())
				responses.WriteByte('\n')
				reviews++
			}
		}
	}
	out := responses.String()
	log := logs.String()
	if !strings.Contains(log, `"admission decision"`) {
		t.Fatalf("no decision was logged:\n%.500s", log)
	}
	// What the API server copies into the audit log and the client's
	// terminal is in the response; decode its strings too, so that JSON
	// escaping cannot hide a value.
	var decoded strings.Builder
	for _, line := range strings.Split(out, "\n") {
		var ar admissionv1.AdmissionReview
		if json.Unmarshal([]byte(line), &ar) == nil && ar.Response != nil {
			r := ar.Response
			decoded.WriteString(strings.Join(r.Warnings, "\n"))
			for _, v := range r.AuditAnnotations {
				decoded.WriteString(v + "\n")
			}
			if r.Result != nil {
				decoded.WriteString(r.Result.Message + "\n")
				if r.Result.Details != nil {
					for _, c := range r.Result.Details.Causes {
						decoded.WriteString(c.Message + c.Field + "\n")
					}
				}
			}
		}
	}
	leaks := 0
	for s := range secrets {
		for where, text := range map[string]string{"response": out, "decoded response": decoded.String(), "log": log} {
			if strings.Contains(text, s) || strings.Contains(text, s[:8]+s[len(s)/2:]) {
				leaks++
				t.Errorf("%s contains the credential %.12s…", where, s)
			}
		}
	}
	if strings.Contains(decoded.String(), "NGSECRET") || strings.Contains(log, "NGSECRET") {
		t.Errorf("a (partial) marker credential reached a response or log line")
	}
	t.Logf("%d reviews, %d distinct credentials, %d KiB of responses and %d KiB of logs scanned: %d leaks", reviews, len(secrets), len(out)>>10, len(log)>>10, leaks)
}

// The server's TLS configuration: TLS 1.2 minimum and only AEAD suites
// with forward secrecy (TLS 1.3 suites are not configurable in Go and are
// all AEAD).
func TestTLSConfigHasNoWeakSuites(t *testing.T) {
	s := &Server{}
	c := &tls.Config{}
	s.tlsConfig(c)
	if c.MinVersion < tls.VersionTLS12 {
		t.Errorf("MinVersion %x", c.MinVersion)
	}
	insecure := map[uint16]bool{}
	for _, cs := range tls.InsecureCipherSuites() {
		insecure[cs.ID] = true
	}
	for _, id := range c.CipherSuites {
		name := tls.CipherSuiteName(id)
		if insecure[id] || !strings.HasPrefix(name, "TLS_ECDHE_") || !(strings.Contains(name, "_GCM_") || strings.Contains(name, "CHACHA20")) {
			t.Errorf("weak suite %s", name)
		}
	}
	if len(c.CipherSuites) == 0 || c.GetCertificate == nil {
		t.Errorf("config %+v", c)
	}
}

// Handshakes with what the configuration forbids fail against the running
// server (TLS 1.1 and CBC are covered by TestServerOverTLS).
func TestTLSHandshakeRefusesLegacyClients(t *testing.T) {
	r := startServer(t)
	r.waitReady(t)
	addr := strings.TrimPrefix(r.base, "https://")
	for name, cfg := range map[string]*tls.Config{
		"TLS 1.0":            {RootCAs: r.ca.pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10},
		"RC4":                {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA, tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA, tls.TLS_RSA_WITH_RC4_128_SHA}},
		"3DES":               {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}},
		"RSA key exchange":   {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_AES_256_GCM_SHA384}},
		"CBC-SHA256":         {RootCAs: r.ca.pool, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}},
		"untrusted (no CAs)": {MaxVersion: tls.VersionTLS13},
	} {
		if c, err := tls.Dial("tcp", addr, cfg); err == nil {
			c.Close()
			t.Errorf("%s: handshake succeeded", name)
		}
	}
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: r.ca.pool, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatalf("TLS 1.3: %v", err)
	}
	c.Close()
}

// requiredPermissions is everything netguard asks of the API server
// besides authentication and discovery: the cluster context (cluster.go:
// informers list and watch, probes list) and the self-managed certificate
// mode (internal/certs/rotator.go). Keys are "group/resource verb".
var requiredPermissions = map[string]string{
	"/nodes list": "cluster.go", "/nodes watch": "cluster.go",
	"/configmaps list": "cluster.go (Role per target namespace)", "/configmaps watch": "cluster.go (Role per target namespace)",
	"networking.k8s.io/servicecidrs list": "cluster.go", "networking.k8s.io/servicecidrs watch": "cluster.go",
	"/secrets get": "certs (self-managed, one name)", "/secrets update": "certs (self-managed, one name)", "/secrets create": "certs (self-managed)",
	"admissionregistration.k8s.io/validatingwebhookconfigurations get":    "certs (self-managed, one name)",
	"admissionregistration.k8s.io/validatingwebhookconfigurations update": "certs (self-managed, one name)",
	"admissionregistration.k8s.io/mutatingwebhookconfigurations get":      "certs (self-managed, one name)",
	"admissionregistration.k8s.io/mutatingwebhookconfigurations update":   "certs (self-managed, one name)",
	"authentication.k8s.io/tokenreviews create":                           "secure metrics (server.go: controller-runtime's metrics filter authenticates scrapers)",
	"authorization.k8s.io/subjectaccessreviews create":                    "secure metrics (server.go: controller-runtime's metrics filter authorizes scrapers)",
}

// codePermissions derives the API calls from the source: cluster.go's
// client probes and informer objects (an informer lists and watches), and
// the typed-client verbs of the certificate rotator.
func codePermissions(t *testing.T) map[string]bool {
	t.Helper()
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	got := map[string]bool{}
	cluster := read("cluster.go") + read("cluster_source.go")
	for marker, res := range map[string]string{
		"Nodes()": "/nodes", "&corev1.Node{}": "/nodes", "ConfigMaps(": "/configmaps", "&corev1.ConfigMap{}": "/configmaps",
		"ServiceCIDRs()": "networking.k8s.io/servicecidrs", "&networkingv1.ServiceCIDR{}": "networking.k8s.io/servicecidrs",
	} {
		if strings.Contains(cluster, marker) {
			got[res+" list"], got[res+" watch"] = true, true
		}
	}
	for _, verb := range []string{".Get(", ".Create(", ".Update(", ".Patch(", ".Delete(", "Pods()", "Secrets("} {
		if strings.Contains(cluster, verb) {
			t.Errorf("cluster.go or cluster_source.go calls %s: add it to requiredPermissions and the chart", verb)
		}
	}
	if strings.Contains(read("server.go"), "FilterProvider: metricsAuthFilter") {
		auth := read("metricsauth.go")
		got["authentication.k8s.io/tokenreviews create"] = strings.Contains(auth, "TokenAccessReviewClient:")
		got["authorization.k8s.io/subjectaccessreviews create"] = strings.Contains(auth, "SubjectAccessReviewClient:")
	}
	certs := read(filepath.Join("..", "internal", "certs", "rotator.go"))
	verbRE := regexp.MustCompile(`(secrets|ValidatingWebhookConfigurations\(\)|MutatingWebhookConfigurations\(\))\.(Get|List|Watch|Create|Update|Patch|Delete)\(`)
	for _, m := range verbRE.FindAllStringSubmatch(certs, -1) {
		res := map[string]string{"secrets": "/secrets", "ValidatingWebhookConfigurations()": "admissionregistration.k8s.io/validatingwebhookconfigurations", "MutatingWebhookConfigurations()": "admissionregistration.k8s.io/mutatingwebhookconfigurations"}[m[1]]
		got[res+" "+strings.ToLower(m[2])] = true
	}
	return got
}

// TestRBACMatchesWhatTheCodeReads: the declared table is exactly what the
// code calls, so a new read cannot ship without its RBAC row and no row
// outlives its call.
func TestRBACMatchesWhatTheCodeReads(t *testing.T) {
	code := codePermissions(t)
	for p := range requiredPermissions {
		if !code[p] {
			t.Errorf("requiredPermissions has %q, which the code no longer uses", p)
		}
	}
	for p := range code {
		if _, ok := requiredPermissions[p]; !ok {
			t.Errorf("the code uses %q, missing from requiredPermissions", p)
		}
	}
}

type chartRule struct {
	APIGroups     []string `json:"apiGroups"`
	Resources     []string `json:"resources"`
	Verbs         []string `json:"verbs"`
	ResourceNames []string `json:"resourceNames"`
}

// chartRBAC reads the rules of every ClusterRole and Role in the chart's
// rbac.yaml and metrics-rbac.yaml without helm: template comments and control lines are dropped
// and expressions replaced, so conditional rules (self-managed mode) are
// all included.
func chartRBAC(t *testing.T) map[string][]chartRule {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "charts", "netguard", "templates", "rbac.yaml"))
	if err != nil {
		t.Skipf("chart not present: %v", err)
	}
	m, err := os.ReadFile(filepath.Join("..", "charts", "netguard", "templates", "metrics-rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b = append(append(b, "\n---\n"...), m...)
	text := regexp.MustCompile(`(?s)\{\{-? */\*.*?\*/ *-?\}\}`).ReplaceAllString(string(b), "")
	text = regexp.MustCompile(`(?m)^\s*\{\{[^}]*\}\}\s*$`).ReplaceAllString(text, "")
	text = regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(text, "x")
	out := map[string][]chartRule{}
	for _, doc := range strings.Split(text, "\n---") {
		var obj struct {
			Kind  string      `json:"kind"`
			Rules []chartRule `json:"rules"`
		}
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("rbac.yaml: %v\n%s", err, doc)
		}
		if obj.Kind == "ClusterRole" || obj.Kind == "Role" {
			out[obj.Kind] = append(out[obj.Kind], obj.Rules...)
		}
	}
	return out
}

// TestChartRBACIsLeastPrivilege: the chart grants every permission the
// code needs, and nothing else, except "get" next to "list" on the same
// resource (list already returns every object in full). No wildcards;
// secrets and webhook configurations only by name (create cannot be).
func TestChartRBACIsLeastPrivilege(t *testing.T) {
	roles := chartRBAC(t)
	granted := map[string]bool{}
	for kind, rs := range roles {
		for _, r := range rs {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						p := g + "/" + res + " " + v
						granted[p] = true
						if g == "*" || res == "*" || v == "*" {
							t.Errorf("%s grants a wildcard: %+v", kind, r)
						}
						if _, ok := requiredPermissions[p]; !ok && !(v == "get" && requiredPermissions[g+"/"+res+" list"] != "") {
							t.Errorf("%s grants %q, which netguard never uses", kind, p)
						}
						if (res == "secrets" || strings.HasSuffix(res, "webhookconfigurations")) && v != "create" && len(r.ResourceNames) == 0 {
							t.Errorf("%s grants %s on every %s; restrict it with resourceNames", kind, v, res)
						}
						if res == "configmaps" && kind != "Role" {
							t.Errorf("configmaps granted cluster-wide (%s); netguard reads only the target namespaces", kind)
						}
					}
				}
			}
		}
	}
	for p, why := range requiredPermissions {
		if !granted[p] {
			t.Errorf("the chart does not grant %q (needed by %s)", p, why)
		}
	}
}

// TestChartSecurityContext: the container runs as non-root with a read-only
// root filesystem, no privilege escalation, no capabilities and the runtime
// seccomp profile.
func TestChartSecurityContext(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "charts", "netguard", "values.yaml"))
	if err != nil {
		t.Skipf("chart not present: %v", err)
	}
	var v struct {
		Pod       corev1.PodSecurityContext `json:"podSecurityContext"`
		Container corev1.SecurityContext    `json:"securityContext"`
	}
	if err := sigsyaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	p, c := v.Pod, v.Container
	if p.RunAsNonRoot == nil || !*p.RunAsNonRoot || p.RunAsUser == nil || *p.RunAsUser == 0 {
		t.Errorf("pod may run as root: %+v", p)
	}
	if p.SeccompProfile == nil || p.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("seccomp profile %+v", p.SeccompProfile)
	}
	if c.AllowPrivilegeEscalation == nil || *c.AllowPrivilegeEscalation || c.ReadOnlyRootFilesystem == nil || !*c.ReadOnlyRootFilesystem || (c.Privileged != nil && *c.Privileged) {
		t.Errorf("container security context %+v", c)
	}
	if c.Capabilities == nil || !slices.Contains(c.Capabilities.Drop, "ALL") || len(c.Capabilities.Add) > 0 {
		t.Errorf("capabilities %+v", c.Capabilities)
	}
	d, err := os.ReadFile(filepath.Join("..", "charts", "netguard", "templates", "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"toYaml .Values.podSecurityContext", "toYaml .Values.securityContext"} {
		if !strings.Contains(string(d), want) {
			t.Errorf("deployment.yaml does not apply %s", want)
		}
	}
}
