package kubeproxy

import (
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kube-proxy/config/v1alpha1"
)

// TestValidationTextIsUpstreamRendering pins the texts validate and
// validateLogging produce, value kinds included (durations, pointers, lists,
// duplicates, unsupported values), to kube-proxy's wording: they are
// apimachinery field.Errors, so a change in field.Error's rendering shows
// here.
func TestValidationTextIsUpstreamRendering(t *testing.T) {
	v := generatedVersions[newestMinor]
	gates, _ := setFromMap(v, nil)
	bit := int32(40)
	c := defaulted(&v1alpha1.KubeProxyConfiguration{
		Mode:              "ipvs",
		IPTables:          v1alpha1.KubeProxyIPTablesConfiguration{MasqueradeBit: &bit},
		IPVS:              v1alpha1.KubeProxyIPVSConfiguration{TCPTimeout: metav1.Duration{Duration: -time.Second}, ExcludeCIDRs: []string{"10.0.0.0/8", "bad"}},
		NodePortAddresses: []string{"primary", "primary"},
		DetectLocalMode:   "Bogus",
	})
	c.Logging.VModule = slices.Grow(c.Logging.VModule, 1)[:1] // one item with an empty file pattern
	errs := append(validate(v, c, gates), validateLogging(c, gates)...)
	want := map[string]string{
		`KubeProxyConfiguration.KubeProxyIPTablesConfiguration.MasqueradeBit: Invalid value: 40: must be within the range [0, 31]`:                                      "iptables.masqueradeBit",
		`KubeProxyConfiguration.KubeProxyIPVSConfiguration.TCPTimeout: Invalid value: "-1s": must be greater than or equal to 0`:                                        "ipvs.tcpTimeout",
		`KubeProxyConfiguration.KubeProxyIPVSConfiguration.ExcludeCidrs[1]: Invalid value: "bad": must be a valid CIDR`:                                                 "ipvs.excludeCIDRs[1]",
		`KubeProxyConfiguration.NodePortAddresses[1]: Duplicate value: "primary"`:                                                                                       "nodePortAddresses[1]",
		`KubeProxyConfiguration.DetectLocalMode: Unsupported value: "Bogus": supported values: "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""`: "detectLocalMode",
		`logging.vmodule[0]: Required value: File pattern must not be empty`:                                                                                            "logging.vmodule[0]",
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Text] = e.Path
	}
	for text, path := range want {
		p, ok := got[text]
		if !ok {
			var all []string
			for _, e := range errs {
				all = append(all, e.Text)
			}
			t.Errorf("missing %q; got:\n%s", text, strings.Join(all, "\n"))
			continue
		}
		if p != path {
			t.Errorf("%q at path %q, want %q", text, p, path)
		}
	}
}
