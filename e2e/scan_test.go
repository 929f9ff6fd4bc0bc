//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/lint"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// `netguard scan` against the test cluster: objects that exist from before
// netguard (seeded past the webhook) are judged with the cluster context the
// API server gives, and reported like lint.
func TestScanReportsPreExistingObjects(t *testing.T) {
	requireNetguard(t)
	ctx := t.Context()
	// A clean slate of targeted ConfigMaps (earlier tests leave some).
	for _, n := range []string{"kube-proxy-worker", "kube-proxy-master", "kube-proxy", "kube-flannel-cfg", "eni-config", "eni-config-fixed", "eni-config-pool-b"} {
		remove(t, "kube-system", n)
	}
	remove(t, "kube-flannel", "kube-flannel-cfg")

	// The FAQ's kube-proxy-worker (maxPerCore with a // comment), Flannel
	// without cniVersion, a base eni-config and the FAQ's override with
	// real IDs, and a SingleStack Service: all created before netguard.
	seed(t, readConfigMap(t, "examples/faq/kube-proxy-maxpercore.yaml"))
	seed(t, readConfigMap(t, "examples/flannel/missing-cniversion.yaml"))
	base := faqENIConfig(t, "examples/faq/terway-disable-network-policy.yaml", "disable_network_policy")
	seed(t, withData(t, base, "eni_conf", func(v string) string {
		return strings.Replace(v, `"security_group": "sg-2zeanr2mnbazsjpd1bzn",`,
			`"security_groups": ["sg-2zeanr2mnbazsjpd1bzn", "sg-2ze8b2qk1lk7c4oxp3vd"],`, 1)
	}))
	fixed := readConfigMap(t, "examples/faq/terway-eni-config-fixed.yaml")
	seed(t, fixed)
	ensureNamespace(t, "shop")
	single := corev1.IPFamilyPolicySingleStack
	deleteService(t, "shop", "legacy")
	if _, err := s.seeder.CoreV1().Services("shop").Create(ctx, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "legacy"},
		Spec:       corev1.ServiceSpec{IPFamilyPolicy: &single, Ports: []corev1.ServicePort{{Port: 5432}}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, n := range []string{"kube-proxy-worker", "kube-flannel-cfg", "eni-config", "eni-config-fixed"} {
			remove(t, "kube-system", n)
		}
		deleteService(t, "shop", "legacy")
	})

	scan := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.CommandContext(ctx, s.netguardBin, append([]string{"scan", "--kubeconfig", s.cp.KubeconfigPath, "--config", s.configFile}, args...)...)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}

	out, errOut, code := scan("-o", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (denied)\n%s\n%s", code, out, errOut)
	}
	var fs []lint.Finding
	if err := json.Unmarshal([]byte(out), &fs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	type where struct {
		file string
		line int
	}
	got := map[string][]where{}
	for _, f := range fs {
		got[f.Rule] = append(got[f.Rule], where{f.File, f.DocLine})
		if strings.HasSuffix(f.Rule, "090") {
			t.Errorf("the scan reports restart advice %s", f.Rule)
		}
	}
	maxPerCore := readConfigMap(t, "examples/faq/kube-proxy-maxpercore.yaml").Data["config.conf"]
	masked := fixed.Data["eni_conf"]
	for rule, want := range map[string]where{
		"KP002": {"kube-system/configmap/kube-proxy-worker[config.conf]", lineOf(maxPerCore, "maxPerCore: 65536 //")},
		"TW023": {"kube-system/configmap/eni-config-fixed[eni_conf]", lineOf(masked, "vsw-2zem796p76viir02c****")},
		// judged over the cluster's eni-config: its security groups are replaced
		"TW053": {"kube-system/configmap/eni-config-fixed[eni_conf]", lineOf(masked, `"security_groups"`)},
		// the dual-stack ServiceCIDR of the API server
		"SV001": {"shop/service/legacy", 0},
	} {
		found := false
		for _, w := range got[rule] {
			found = found || w == want
		}
		if !found {
			t.Errorf("%s: want at %v, got %v", rule, want, got[rule])
		}
	}
	// Flannel without cniVersion, judged as stored: the mutation would only
	// fix it on the next write, so the scan says what kubelet sees now.
	flannel := false
	for rule, ws := range got {
		for _, w := range ws {
			if strings.HasPrefix(rule, "FL") && w.file == "kube-system/configmap/kube-flannel-cfg[cni-conf.json]" {
				flannel = true
			}
		}
	}
	if !flannel {
		t.Errorf("no finding about kube-flannel-cfg's missing cniVersion: %v", got)
	}

	text, _, code := scan()
	if code != 1 {
		t.Errorf("text: exit %d, want 1", code)
	}
	t.Logf("netguard scan:\n%s", text)
	for _, want := range []string{
		fmt.Sprintf("kube-system/configmap/kube-proxy-worker[config.conf]:%d:", lineOf(maxPerCore, "maxPerCore: 65536 //")) + "21: KP002 deny ConfigMap kube-system/kube-proxy-worker config.conf: kube-proxy would exit at start-up",
		"    hint: `//` is not a YAML comment",
		"shop/service/legacy: SV001 warn Service shop/legacy (spec.ipFamilyPolicy)",
		"netguard: scanned https://127.0.0.1:",
		"(Kubernetes v1.37.2, 2 node(s))",
		": denied\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text output lacks %q", want)
		}
	}

	// After the operator fixes the denied objects, the scan passes.
	for _, n := range []string{"kube-proxy-worker", "eni-config-fixed", "kube-flannel-cfg"} {
		remove(t, "kube-system", n)
	}
	if out, errOut, code := scan(); code != 0 || !strings.Contains(out, ": ok\n") {
		t.Errorf("after removing the denied objects: exit %d, want 0\n%s%s", code, out, errOut)
	}
}
