package flannel

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
)

// TestLastFoldMatchesEncodingJSON: struct decoding assigns every
// case-insensitive match in document order.
func TestLastFoldMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{"Network":"a","network":"b"}`,
		`{"network":"b","Network":"a"}`,
		`{"NETWORK":"c","Network":"a","network":"b"}`,
		`{"Network":"a"}`,
		`{"other":"x"}`,
	}
	for _, d := range docs {
		var s struct{ Network string }
		if err := json.Unmarshal([]byte(d), &s); err != nil {
			t.Fatal(err)
		}
		m, ok := lastFold(gjson.Parse(d), "Network")
		got := ""
		if ok {
			got = m.Value.Str
		}
		if got != s.Network {
			t.Errorf("%s: lastFold %q, encoding/json %q", d, got, s.Network)
		}
	}
}

// TestSortedFoldWinnerMatchesBridge: flannel re-marshals the delegate map
// (sorted keys) and bridge decodes it into a struct.
func TestSortedFoldWinnerMatchesBridge(t *testing.T) {
	for _, d := range []map[string]any{
		{"HairpinMode": true, "hairpinMode": false},
		{"hairpinmode": true, "hairpinMode": false},
		{"HAIRPINMODE": false, "hairpinmode": true},
		{"ipMasq": true, "ipmasq": false},
		{"IPMasq": false, "ipMasq": true},
	} {
		b, _ := json.Marshal(d)
		var s struct {
			HairpinMode bool `json:"hairpinMode"`
			IPMasq      bool `json:"ipMasq"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for field, want := range map[string]bool{"hairpinMode": s.HairpinMode, "ipMasq": s.IPMasq} {
			w, ok := sortedFoldWinner(keys, field)
			if !ok {
				continue
			}
			if d[w].(bool) != want {
				t.Errorf("%s: winner %s=%v, bridge sees %v", b, w, d[w], want)
			}
		}
	}
}

func TestParseHelpers(t *testing.T) {
	for raw, want := range map[string]string{
		`"10.244.0.0/16"`: "10.244.0.0/16",
		`"10.244.1.5/16"`: "10.244.1.5/16",
		`"fd00::/56"`:     "",
		`"010.0.0.0/8"`:   "",
		`null`:            "",
		`10`:              "",
	} {
		p, ok := parseFlannelCIDR(gjson.Parse(raw), true)
		got := ""
		if ok {
			got = p.String()
		}
		if got != want {
			t.Errorf("parseFlannelCIDR(%s) = %q, want %q", raw, got, want)
		}
	}
	for raw, want := range map[string]bool{"1450": true, "1450.0": true, "1.45e3": true, "1450.5": false, `"1450"`: false, "1e400": false} {
		if _, ok := integralNumber(gjson.Parse(raw)); ok != want {
			t.Errorf("integralNumber(%s) = %v", raw, ok)
		}
	}
	if !leadingZeros("10.244.00.0/16") || leadingZeros("10.244.0.0/16") {
		t.Error("leadingZeros")
	}
	if !ValidNetworkName("cbr0") || !ValidNetworkName("cb0.net-1_x") || ValidNetworkName("-cb0") || ValidNetworkName("a b") || ValidNetworkName("") {
		t.Error("ValidNetworkName")
	}
	if IsSupportedCNIVersion("0.3") || !IsSupportedCNIVersion("0.3.1") {
		t.Error("IsSupportedCNIVersion")
	}
	if got := strings.Join(BackendTypes("v0.15.1.22-aliyun"), ","); got != "ali-vpc,alloc,aws-vpc,extension,gce,host-gw,ipip,ipsec,tencent-vpc,udp,vxlan" {
		t.Errorf("BackendTypes(v0.15.1) = %s", got)
	}
	if got := strings.Join(BackendTypes(""), ","); got != "alloc,extension,host-gw,ipip,ipsec,tencent-vpc,udp,vxlan,wireguard" {
		t.Errorf("BackendTypes(newest) = %s", got)
	}
	if didYouMean("hairpin", bridgeKeys()) != `did you mean "hairpinMode"?` {
		t.Error("didYouMean prefix")
	}
}

func TestFindingsCarryPositions(t *testing.T) {
	cm := cfgMap("kube-system", "{\n  \"name\": \"cb0\",\n  \"cniVersion\": \"0.3.1\",\n  \"type\": \"flannel\",\n  \"delegate\": {\n    \"hairpinMode\": \"true\"\n  }\n}\n", ackNet)
	fs := New().Validate(&rules.Request{Operation: rules.Create, ConfigMap: cm, Config: rules.DefaultConfig()})
	for _, f := range fs {
		if f.Rule == RuleDelegateType {
			if f.Key != CNIConfKey || f.Path != "delegate.hairpinMode" || f.Line != 6 || f.Column != 20 {
				t.Errorf("position: %+v", f)
			}
			return
		}
	}
	t.Fatal("no FL013 finding")
}
