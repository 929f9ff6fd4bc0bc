package flannel

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
)

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
	fs := New().Validate(&rules.Request{Operation: rules.Create, Object: cm, Config: rules.DefaultConfig()})
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
