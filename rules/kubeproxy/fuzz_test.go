package kubeproxy

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// fzExampleConfigs returns the config.conf values of examples/kube-proxy.
func fzExampleConfigs(t testing.TB) []string {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.yaml"))
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var cm corev1.ConfigMap
			if sigsyaml.Unmarshal([]byte(doc), &cm) == nil && cm.Data[ConfigKey] != "" {
				out = append(out, cm.Data[ConfigKey])
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d config.conf examples", len(out))
	}
	return out
}

// FuzzConfigConf feeds config.conf text to the kube-proxy checker directly
// (no engine recovery): it must not panic, must return within the bound,
// and must judge the same text the same way twice.
func FuzzConfigConf(f *testing.F) {
	for _, s := range append(fzExampleConfigs(f), faqMaxPerCore, faqScheduler, faqUDPTimeout, kubeadmDefault,
		hostileHead+"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		hostileHead+"mode: ipvs\nmode: iptables\nipvs: {scheduler: rr, scheduler: lc}\n",
		hostileHead+"conntrack: {maxPerCore: 99999999999999999999, min: 1e400}\n",
		hostileHead+"ipvs: "+strings.Repeat("[", 500)+strings.Repeat("]", 500)+"\n",
		"\xef\xbb\xbf"+hostileHead+"mode: \"ipvs\xff\"\x00\n",
		hostileHead+"featureGates: {<<: {A: true}, B: yes}\nnodePortAddresses: [0777, 0x1F]\n---\nmode: x\n",
		"", "{", "null", "[]", "%YAML 1.1\n---\n",
	) {
		f.Add(s, uint8(5))
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, text string, minor uint8) {
		cm := rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
		versions := []string{"", "1.20", "1.26", "1.29", "1.31", "1.33", "1.34", "1.37", "1.99"}
		cl := &rules.ClusterContext{KubernetesVersion: versions[int(minor)%len(versions)], ServiceCIDRs: []string{"10.96.0.0/12"}}
		cl.AddConfigMap(rulestest.ConfigMap("kube-system", "kube-proxy-master", map[string]string{ConfigKey: text + "\n"}))
		req := &rules.Request{Operation: rules.Update, Target: rules.Target{Component: Component}, Object: cm, OldObject: rulestest.ConfigMap("kube-system", "kube-proxy-worker", nil), Cluster: cl}
		start := time.Now()
		a := New().Validate(req)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Validate took %v", d)
		}
		if b := New().Validate(req); !reflect.DeepEqual(a, b) {
			t.Fatalf("not deterministic:\n%v\n%v", rulestest.Describe(a), rulestest.Describe(b))
		}
		for _, f := range a {
			if f.Key != ConfigKey && f.Rule != RuleMissingKey {
				t.Fatalf("finding without the data key: %+v", f)
			}
		}
	})
}
