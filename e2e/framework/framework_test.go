package framework

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/service"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

func TestGlobToCELAgreesWithPathMatch(t *testing.T) {
	names := []string{"eni-config", "eni-config-", "eni-config-fixed", "eni-config-a1", "xeni-config-a", "kube-proxy", "kube-proxy-worker", "a.b", "axb", "c", "eni-configfixed"}
	for _, pat := range []string{"eni-config", "eni-config-*", "kube-proxy-?orker", "a.b", "[ab]*", "eni-config*fixed", `a\.b`} {
		kind, arg, err := globToCEL(pat)
		if err != nil {
			t.Fatalf("%q: %v", pat, err)
		}
		for _, n := range names {
			want, _ := path.Match(pat, n)
			var got bool
			switch {
			case kind == "exact":
				got = n == arg
			case strings.HasPrefix(arg, "request.name.startsWith("):
				got = strings.HasPrefix(n, unquoteCEL(t, strings.TrimSuffix(strings.TrimPrefix(arg, "request.name.startsWith("), ")")))
			case strings.HasPrefix(arg, "request.name.matches("):
				re := regexp.MustCompile(unquoteCEL(t, strings.TrimSuffix(strings.TrimPrefix(arg, "request.name.matches("), ")")))
				got = re.MatchString(n)
			default:
				t.Fatalf("%q: unexpected predicate %s", pat, arg)
			}
			if got != want {
				t.Errorf("pattern %q, name %q: CEL %s gives %v, path.Match %v", pat, n, arg, got, want)
			}
		}
	}
}

func unquoteCEL(t *testing.T, s string) string {
	t.Helper()
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		t.Fatalf("not a CEL single-quoted string: %s", s)
	}
	return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(s[1 : len(s)-1])
}

func TestConfigMapMatchExpressionCoversDefaultTargets(t *testing.T) {
	expr, err := ConfigMapMatchExpression(rules.DefaultConfig().Targets)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`(request.namespace == 'kube-flannel' && (request.name in ['kube-flannel-cfg']))`,
		`(request.namespace == 'kube-system' && (request.name in ['eni-config', 'kube-flannel-cfg', 'kube-proxy', 'kube-proxy-worker', 'kube-proxy-master', 'coredns', 'node-local-dns'] || request.name.startsWith('eni-config-')))`,
	} {
		if !strings.Contains(expr, want) {
			t.Errorf("expression lacks %s:\n%s", want, expr)
		}
	}
	if none, _ := ConfigMapMatchExpression(rules.Targets{}); none != "false" {
		t.Errorf("no targets: %q, want false", none)
	}
}

func TestWebhookConfigurations(t *testing.T) {
	on := true
	cfg := rules.DefaultConfig()
	svc := cfg.TargetsOf(service.Component).(*rules.NamespaceTargets)
	svc.Enabled = &on
	svc.ExcludeNamespaces = []string{"kube-public"}
	m, v, err := WebhookConfigurations(WebhookOptions{URL: "https://127.0.0.1:9443/", CABundle: []byte("ca"), Config: cfg, BypassGroups: []string{"ops:break-glass"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Webhooks) != 2 || len(v.Webhooks) != 2 {
		t.Fatalf("webhooks: %d mutating, %d validating, want 2 each", len(m.Webhooks), len(v.Webhooks))
	}
	check := func(name, url string, cc admissionregistrationv1.WebhookClientConfig, fp *admissionregistrationv1.FailurePolicyType, wantFP admissionregistrationv1.FailurePolicyType, se *admissionregistrationv1.SideEffectClass, to *int32, conds []admissionregistrationv1.MatchCondition) {
		t.Helper()
		if cc.URL == nil || *cc.URL != url || string(cc.CABundle) != "ca" || cc.Service != nil {
			t.Errorf("%s: client config %+v, want URL %s", name, cc, url)
		}
		if fp == nil || *fp != wantFP {
			t.Errorf("%s: failurePolicy %v, want %s", name, fp, wantFP)
		}
		if se == nil || *se != admissionregistrationv1.SideEffectClassNone {
			t.Errorf("%s: sideEffects %v, want None", name, se)
		}
		if to == nil || *to != DefaultTimeoutSeconds {
			t.Errorf("%s: timeout %v", name, to)
		}
		if len(conds) == 0 || !strings.Contains(conds[len(conds)-1].Expression, "'ops:break-glass'") {
			t.Errorf("%s: matchConditions %+v lack the bypass group", name, conds)
		}
	}
	for _, w := range m.Webhooks {
		fp := DefaultConfigMapMutatingFailurePolicy
		if w.Name == ServicesMutatingWebhook {
			fp = DefaultServiceFailurePolicy
		}
		check(w.Name, "https://127.0.0.1:9443/mutate", w.ClientConfig, w.FailurePolicy, fp, w.SideEffects, w.TimeoutSeconds, w.MatchConditions)
		if w.ReinvocationPolicy == nil || *w.ReinvocationPolicy != admissionregistrationv1.IfNeededReinvocationPolicy {
			t.Errorf("%s: reinvocationPolicy %v, want IfNeeded", w.Name, w.ReinvocationPolicy)
		}
	}
	for _, w := range v.Webhooks {
		fp := DefaultConfigMapValidatingFailurePolicy
		if w.Name == ServicesValidatingWebhook {
			fp = DefaultServiceFailurePolicy
			if !strings.Contains(w.MatchConditions[0].Expression, "'kube-public'") {
				t.Errorf("services webhook does not exclude kube-public: %+v", w.MatchConditions)
			}
		}
		check(w.Name, "https://127.0.0.1:9443/validate", w.ClientConfig, w.FailurePolicy, fp, w.SideEffects, w.TimeoutSeconds, w.MatchConditions)
	}

	strict, _, err := WebhookConfigurations(WebhookOptions{URL: "https://127.0.0.1:9443", CABundle: []byte("ca"), Config: cfg, ConfigMapValidatingFailurePolicy: admissionregistrationv1.Fail})
	if err != nil {
		t.Fatal(err)
	}
	_, strictV, _ := WebhookConfigurations(WebhookOptions{URL: "https://127.0.0.1:9443", CABundle: []byte("ca"), Config: cfg, ConfigMapValidatingFailurePolicy: admissionregistrationv1.Fail})
	if *strictV.Webhooks[0].FailurePolicy != admissionregistrationv1.Fail || *strictV.Webhooks[1].FailurePolicy != admissionregistrationv1.Ignore || *strict.Webhooks[0].FailurePolicy != admissionregistrationv1.Ignore {
		t.Errorf("strict mode: want Fail only on the ConfigMap validating hook")
	}

	off := false
	cfg.TargetsOf(service.Component).(*rules.NamespaceTargets).Enabled = &off
	m, v, _ = WebhookConfigurations(WebhookOptions{URL: "https://127.0.0.1:9443", CABundle: []byte("ca"), Config: cfg})
	if len(m.Webhooks) != 1 || len(v.Webhooks) != 1 || m.Webhooks[0].Name != ConfigMapsMutatingWebhook {
		t.Errorf("services disabled: want only the ConfigMap webhooks, got %d/%d", len(m.Webhooks), len(v.Webhooks))
	}
}

func TestGenerateCertsServes127001(t *testing.T) {
	c, err := GenerateCerts(time.Hour, "127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.X509KeyPair(c.ServerCert, c.ServerKey); err != nil {
		t.Fatalf("key pair: %v", err)
	}
	pool, err := certPool(c.CACert)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(c.ServerCert)
	leaf, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "10.0.0.1"}); err == nil {
		t.Error("the certificate also verifies for 10.0.0.1")
	}
	other, _ := GenerateCerts(time.Hour, "127.0.0.1")
	otherPool, _ := certPool(other.CACert)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: otherPool, DNSName: "127.0.0.1"}); err == nil {
		t.Error("a fresh CA also verifies this certificate")
	}
}

func TestHermeticEnvDropsTheCallersKubeSettings(t *testing.T) {
	got := hermeticEnv([]string{"PATH=/bin", "KUBECONFIG=/root/.kube/config", "KUBE_EDITOR=vim", "EDITOR=nano", "HOME=/root", "TMPDIR=/tmp", "GOFLAGS=-x"})
	if strings.Join(got, " ") != "PATH=/bin GOFLAGS=-x" {
		t.Errorf("hermeticEnv = %q", got)
	}
}

func TestFindAssetsPrefersACompleteKubebuilderAssets(t *testing.T) {
	root := t.TempDir()
	mk := func(dir string, names ...string) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	ext := filepath.Join(root, "ext")
	mk(ext, "kube-apiserver", "etcd", "kubectl")
	t.Setenv("KUBEBUILDER_ASSETS", ext)
	if got, err := FindAssets(root); err != nil || got != ext {
		t.Errorf("complete KUBEBUILDER_ASSETS: %q, %v; want %s", got, err, ext)
	}

	partial := filepath.Join(root, "partial")
	mk(partial, "etcd")
	t.Setenv("KUBEBUILDER_ASSETS", partial)
	_, err := FindAssets(root)
	if err == nil || !strings.Contains(err.Error(), "lacks kube-apiserver, kubectl") || !strings.Contains(err.Error(), "hack/build-test-binaries.sh") {
		t.Errorf("partial KUBEBUILDER_ASSETS and no bin/k8s: err %v", err)
	}
	own := filepath.Join(root, "bin", "k8s")
	mk(own, "kube-apiserver", "etcd", "kubectl")
	if got, err := FindAssets(root); err != nil || got != own {
		t.Errorf("partial KUBEBUILDER_ASSETS, complete bin/k8s: %q, %v; want %s", got, err, own)
	}
}

func TestNodesFromConfig(t *testing.T) {
	cfg := rules.DefaultConfig()
	cfg.Cluster.Nodes = []rules.Node{
		{Name: "cn-hangzhou.10.0.1.15", PodCIDRs: []string{"172.20.1.0/24", "fd00:20:1::/64"}, CPUs: 8, Labels: map[string]string{"terway-config": "eni-config-fixed"}},
		{Name: "bare"},
	}
	nodes := NodesFromConfig(cfg)
	if len(nodes) != 2 {
		t.Fatalf("%d nodes", len(nodes))
	}
	n := nodes[0]
	cpu := n.Status.Capacity["cpu"]
	if n.Name != "cn-hangzhou.10.0.1.15" || n.Spec.PodCIDR != "172.20.1.0/24" || len(n.Spec.PodCIDRs) != 2 || cpu.Value() != 8 || n.Labels["terway-config"] != "eni-config-fixed" {
		t.Errorf("node %+v", n)
	}
	if b := nodes[1]; b.Spec.PodCIDR != "" || len(b.Status.Capacity) != 0 {
		t.Errorf("a node without facts got some: %+v", b)
	}
}

func TestDefaultAuditPolicyCoversTheDefaultTargetNamespaces(t *testing.T) {
	for _, want := range []string{`namespaces: ['kube-flannel', 'kube-system']`, `resources: ["configmaps"]`, `resources: ["services"]`} {
		if !strings.Contains(DefaultAuditPolicy, want) {
			t.Errorf("DefaultAuditPolicy lacks %s:\n%s", want, DefaultAuditPolicy)
		}
	}
}
