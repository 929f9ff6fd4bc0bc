package terway

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// Validate must never panic, whatever the object or context.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		goodENIConf, "", "null", "[]", "{", `{"vswitches": {"": [null, 1, {}]}}`,
		`{"security_groups": [null, 1], "security_group": 5}`, `{"backoff_override": {"eni_create": []}}`,
		`{"service_cidr": ",,,\u00e9/\u0000"}`, `{"a":{"a":{"a":{"a":[[[[[]]]]]}}}}`, strings.Repeat("[", 5000),
		`{"max_pool_size": 1e999, "kube_client_qps": -1e-400, "min_pool_size": -0}`,
		`{"enable_ip_prefix": true, "ipv6_prefix_count": 99999999999999999999}`,
	} {
		f.Add(s, goodCNI, "false", true)
		f.Add(goodENIConf, s, "true\n", false)
	}
	f.Fuzz(func(t *testing.T, eniConf, cniConf, policy string, isOverride bool) {
		role := RoleBase
		name := "eni-config"
		if isOverride {
			role, name = RoleOverride, "eni-config-pool-a"
		}
		cm := rulestest.ConfigMap("kube-system", name, map[string]string{"eni_conf": eniConf, "10-terway.conf": cniConf, "10-terway.conflist": cniConf, "disable_network_policy": policy})
		cluster := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.13.2"}, Nodes: []rules.Node{{Name: "n1"}}}
		cluster.AddConfigMap(rulestest.ConfigMap("kube-system", "eni-config", map[string]string{"eni_conf": cniConf}))
		req := &rules.Request{Operation: rules.Update, Target: rules.Target{Component: Component, Role: role}, Object: cm, OldObject: eni(cniConf), Cluster: cluster}
		New().Validate(req)
	})
}

func TestDegenerateRequests(t *testing.T) {
	c := New()
	reqs := []*rules.Request{
		nil,
		{},
		{Object: &corev1.ConfigMap{}},
		{Target: rules.Target{Role: RoleOverride}, Object: &corev1.ConfigMap{}},
		{Operation: rules.Update, Object: &corev1.ConfigMap{}, OldObject: &corev1.ConfigMap{}},
		{Operation: rules.Create, Target: rules.Target{Role: RoleOverride}, Object: override("eni-config-x", `{"max_pool_size": 1}`), Cluster: &rules.ClusterContext{}},
	}
	for i, r := range reqs {
		_ = c.Validate(r)
		if m := c.Mutate(r); m.Object != nil || len(m.Changes) != 0 {
			t.Errorf("request %d: Terway has no mutations, got %+v", i, m)
		}
	}
	if c.Component() != Component {
		t.Errorf("component %q", c.Component())
	}
	// A base eni-config without any data is judged, not skipped.
	fs := c.Validate(&rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleBase}, Object: &corev1.ConfigMap{}})
	if !hasRule(fs, "TW001") || !hasRule(fs, "TW040") {
		t.Errorf("empty ConfigMap: %s", rulestest.Describe(fs))
	}
}
