//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/e2e/framework"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// faqENIConfig is the FAQ's kube-system/eni-config before the edit: the
// example with the line the FAQ adds (disable_network_policy or
// in_cluster_loadbalance) taken out again.
func faqENIConfig(t *testing.T, rel, line string) *corev1.ConfigMap {
	t.Helper()
	cm := readConfigMap(t, rel)
	if _, ok := cm.Data[line]; !ok {
		t.Fatalf("%s: no data key %s", rel, line)
	}
	delete(cm.Data, line)
	return cm
}

const terwayRestart = "TW090 ConfigMap kube-system/eni-config"

// ACK FAQ "a pod is not immediately ready for communication": `kubectl edit
// cm -n kube-system eni-config` and add `disable_network_policy: "true"`.
func TestFAQTerwayDisableNetworkPolicy(t *testing.T) {
	requireNetguard(t)
	base := faqENIConfig(t, "examples/faq/terway-disable-network-policy.yaml", "disable_network_policy")
	t.Cleanup(func() { remove(t, "kube-system", "eni-config") })

	t.Run(`the FAQ's line "true": accepted with the Terway restart advice`, func(t *testing.T) {
		before := seed(t, base)
		edit := Edit{Set: map[string]string{"disable_network_policy": "true"}}
		r := kubectlEdit(t, "kube-system", "eni-config", edit)
		assertEditAccepted(t, r, before, edit, []string{
			terwayRestart + ": Terway reads kube-system/eni-config only when its pods start",
		}, "TW030")
		if !strings.Contains(r.Stderr, "kubectl -n kube-system delete pod -l app=terway-eniip") {
			t.Errorf("the restart advice lacks the FAQ's restart command:\n%s", r.Stderr)
		}
	})

	t.Run("written as a | block (value \"false\\n\"): rejected, it would silently DISABLE network policy (TW030)", func(t *testing.T) {
		before := seed(t, base)
		// The editor writes the value "false\n", which YAML renders as
		//   disable_network_policy: |
		//     false
		edit := Edit{Set: map[string]string{"disable_network_policy": "false\n"}}
		r := kubectlEdit(t, "kube-system", "eni-config", edit)
		if len(r.Buffers) > 1 && !strings.Contains(r.Buffers[1], "disable_network_policy: |") {
			t.Errorf("the edit was not a | block:\n%s", r.Buffers[1])
		}
		assertEditRejected(t, r, before, "disable_network_policy",
			`[TW030]`, `disable_network_policy is "false\n"`, "DISABLES network policy",
			`Fix: use disable_network_policy: "false" (a quoted string on one line, not a | block)`)
	})
}

// ACK FAQ "enable load balancing within a cluster in Terway IPVLAN mode":
// add `in_cluster_loadbalance: "true"` aligned with eni_conf.
func TestFAQTerwayInClusterLoadBalance(t *testing.T) {
	requireNetguard(t)
	base := faqENIConfig(t, "examples/faq/terway-in-cluster-loadbalance.yaml", "in_cluster_loadbalance")
	t.Cleanup(func() { remove(t, "kube-system", "eni-config") })

	t.Run("aligned with eni_conf (a top-level key): accepted with the restart advice", func(t *testing.T) {
		before := seed(t, base)
		edit := Edit{Set: map[string]string{"in_cluster_loadbalance": "true"}}
		r := kubectlEdit(t, "kube-system", "eni-config", edit)
		assertEditAccepted(t, r, before, edit, []string{terwayRestart}, "TW008", "TW031", "TW032")
	})

	t.Run("misplaced inside eni_conf: rejected, Terway would silently ignore it (TW008)", func(t *testing.T) {
		before := seed(t, base)
		edit := Edit{Replace: []Replacement{{
			Key: "eni_conf",
			Old: `"vswitch_selection_policy": "ordered"`,
			New: `"vswitch_selection_policy": "ordered",` + "\n  " + `"in_cluster_loadbalance": "true"`,
		}}}
		edited := before.DeepCopy()
		if err := edit.Apply(edited.Data); err != nil {
			t.Fatal(err)
		}
		line := lineOf(edited.Data["eni_conf"], `"in_cluster_loadbalance"`)
		r := kubectlEdit(t, "kube-system", "eni-config", edit)
		assertEditRejected(t, r, before, "eni_conf",
			fmt.Sprintf("[TW008] line %d, col 3 (in_cluster_loadbalance)", line),
			"silently ignores it here",
			`Fix: move "in_cluster_loadbalance" out of eni_conf to a top-level ConfigMap data key`)
	})
}

// ACK FAQ "add the pod CIDR block to a whitelist": create
// kube-system/eni-config-fixed for nodes labelled
// terway-config=eni-config-fixed. netguard runs in online mode: the base
// eni-config it merges the override over and the labelled nodes come from
// the API server through its informers, not from its configuration file.
func TestFAQTerwayENIConfigFixed(t *testing.T) {
	requireNetguard(t)
	const manifest = "examples/faq/terway-eni-config-fixed.yaml"
	// The cluster's base eni-config: the FAQ's, with two security groups.
	base := faqENIConfig(t, "examples/faq/terway-disable-network-policy.yaml", "disable_network_policy")
	base = withData(t, base, "eni_conf", func(v string) string {
		return strings.Replace(v, `"security_group": "sg-2zeanr2mnbazsjpd1bzn",`,
			`"security_groups": ["sg-2zeanr2mnbazsjpd1bzn", "sg-2ze8b2qk1lk7c4oxp3vd"],`, 1)
	})
	seed(t, base)
	remove(t, "kube-system", "eni-config-fixed")
	t.Cleanup(func() {
		remove(t, "kube-system", "eni-config-fixed")
		remove(t, "kube-system", "eni-config")
	})

	t.Run("as printed, with the documentation's masked IDs: rejected (TW023), nothing stored", func(t *testing.T) {
		cm := readConfigMap(t, manifest)
		line := lineOf(cm.Data["eni_conf"], "vsw-2zem796p76viir02c****")
		r := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", s.path(manifest))
		if r.Err == nil {
			t.Fatalf("want the create rejected:\n%s", r)
		}
		for _, want := range []string{
			`The ConfigMap "eni-config-fixed" is invalid: `,
			fmt.Sprintf(`data[eni_conf]: [TW023] line %d, col `, line),
			`vSwitch ID "vsw-2zem796p76viir02c****" contains '*'`,
			"Fix: replace it with the real vSwitch ID",
			// every masked security group is a cause of its own
			`"sg-bp19k3sj8dk3dcd7****"`, `"sg-bp1b39sjf3v49c33****"`, `"sg-bp1bpdfg35tg****"`,
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("kubectl's output lacks %q:\n%s", want, r)
			}
		}
		if getConfigMap(t, "kube-system", "eni-config-fixed") != nil {
			t.Error("the rejected override was stored")
		}
	})

	real := readConfigMap(t, manifest)
	real = withData(t, real, "eni_conf", func(v string) string {
		return strings.NewReplacer(
			"vsw-2zem796p76viir02c****", "vsw-2zem796p76viir02c7k3x",
			"sg-bp19k3sj8dk3dcd7****", "sg-bp19k3sj8dk3dcd7q2wz",
			"sg-bp1b39sjf3v49c33****", "sg-bp1b39sjf3v49c33m8tn",
			"sg-bp1bpdfg35tg****", "sg-bp1bpdfg35tgx4r7e",
		).Replace(v)
	})
	realPath := writeManifest(t, real)

	t.Run("with real IDs: accepted, judged over the cluster's eni-config and nodes", func(t *testing.T) {
		// TW053 comes from the base eni-config in the API server (no file
		// netguard reads has one): the override's security_groups replace
		// the base's two groups. kubectl shows each warning shortened to
		// the API server's 256 characters; the audit log has the rules.
		has := func(r framework.KubectlResult) bool {
			return r.Err == nil && strings.Join(warningRules(r.Stderr), ",") == "TW053,TW090"
		}
		// netguard's informers follow the seeded base a moment later
		if r, ok := kubectlUntil(t, 30*time.Second, has, "", "apply", "--dry-run=server", "-f", realPath); !ok {
			t.Fatalf("netguard did not judge the override over the cluster's eni-config within 30s (want warnings TW053 and TW090):\n%s", r)
		}
		r := s.cp.Kubectl(t.Context(), "", nil, "apply", "-f", realPath)
		if r.Err != nil || !strings.Contains(r.Stdout, "configmap/eni-config-fixed created") {
			t.Fatalf("want the override created:\n%s", r)
		}
		t.Logf("%s", r)
		for _, w := range []string{
			"Warning: TW053 ConfigMap kube-system/eni-config-fixed key eni_conf, line 4, col 23 (security_groups): security_groups replaces the base list",
			"Warning: TW090 ConfigMap kube-system/eni-config-fixed key eni_conf: Terway reads eni-config-fixed only when a Terway pod starts",
		} {
			if !strings.Contains(r.Stderr, w) {
				t.Errorf("kubectl's output lacks %q:\n%s", w, r.Stderr)
			}
		}
		if rs := warningRules(r.Stderr); strings.Join(rs, ",") != "TW053,TW090" {
			t.Errorf("warnings %v, want exactly TW053 and TW090", rs)
		}
		got := getConfigMap(t, "kube-system", "eni-config-fixed")
		if got == nil || got.Data["eni_conf"] != real.Data["eni_conf"] || len(got.Data) != 1 {
			t.Errorf("stored override differs from the manifest: %v", got)
		}
	})

	t.Run("a node labelled later is seen by netguard without a restart", func(t *testing.T) {
		// Another node pool's override that no node references yet: TW054.
		pool := real.DeepCopy()
		pool.Name = "eni-config-pool-b"
		poolPath := writeManifest(t, pool)
		rulesOf := func(r framework.KubectlResult) string { return strings.Join(warningRules(r.Stderr), ",") }
		r := s.cp.Kubectl(t.Context(), "", nil, "apply", "--dry-run=server", "-f", poolPath)
		if r.Err != nil || rulesOf(r) != "TW053,TW054,TW090" || !strings.Contains(r.Stderr, "Warning: TW054 ConfigMap kube-system/eni-config-pool-b: no node references this override: none of the 2 known nodes") {
			t.Fatalf("want TW054 for an override no node references:\n%s", r)
		}
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name:   "cn-hangzhou.10.0.3.77",
			Labels: map[string]string{"terway-config": "eni-config-pool-b", "topology.kubernetes.io/zone": "cn-hangzhou-h"},
		}}
		if err := framework.EnsureNodes(t.Context(), s.seeder, []*corev1.Node{node}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = s.seeder.CoreV1().Nodes().Delete(ctx, node.Name, metav1.DeleteOptions{})
		})
		if r, ok := kubectlUntil(t, 30*time.Second, func(r framework.KubectlResult) bool {
			return r.Err == nil && rulesOf(r) == "TW053,TW090"
		}, "", "apply", "--dry-run=server", "-f", poolPath); !ok {
			t.Fatalf("TW054 still reported 30s after the node %s was labelled:\n%s", node.Name, r)
		}
		if getConfigMap(t, "kube-system", pool.Name) != nil {
			t.Error("the dry runs stored the override")
		}
	})
}
