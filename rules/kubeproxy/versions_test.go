package kubeproxy

import (
	"testing"

	"github.com/netguard/netguard/rules"
)

// TestGeneratedTables checks the generated per-minor tables against facts
// documented in the Kubernetes release history.
func TestGeneratedTables(t *testing.T) {
	for m := oldestMinor; m <= newestMinor; m++ {
		v := generatedVersions[m]
		if v == nil || v.Minor != m {
			t.Fatalf("no table for 1.%d", m)
		}
		if _, ok := v.Gates["IPv6DualStack"]; ok {
			t.Errorf("1.%d: IPv6DualStack must be unknown (removed in 1.25)", m)
		}
		if _, ok := v.Gates["AllAlpha"]; !ok {
			t.Errorf("1.%d: AllAlpha missing", m)
		}
		nft, ok := v.Gates["NFTablesProxyMode"]
		switch {
		case m < 29 && ok:
			t.Errorf("1.%d: NFTablesProxyMode must not exist", m)
		case m >= 33 && (!nft.Locked || !nft.Default):
			t.Errorf("1.%d: NFTablesProxyMode must be locked on: %+v", m, nft)
		case m >= 29 && m < 33 && (!ok || nft.Locked):
			t.Errorf("1.%d: NFTablesProxyMode must be settable: %+v", m, nft)
		}
		if _, ok := v.Gates["KubeProxyIPVS"]; ok != (m >= 37) {
			t.Errorf("1.%d: KubeProxyIPVS known=%v", m, ok)
		}
		if _, ok := v.Gates["TopologyAwareHints"]; ok != (m < 36) {
			t.Errorf("1.%d: TopologyAwareHints known=%v", m, ok)
		}
		for field, since := range map[string]int{"nftables": 29, "conntrack.udpTimeout": 29, "conntrack.tcpBeLiberal": 29, "logging": 28, "iptables.localhostNodePorts": 26, "windowsRunAsService": 31, "ipvs.udpTimeout": 0, "conntrack.maxPerCore": 0} {
			if _, ok := v.Fields[field]; ok != (m >= since) {
				t.Errorf("1.%d: field %s present=%v, want since 1.%d", m, field, ok, since)
			}
		}
		if _, ok := v.Fields["udpIdleTimeout"]; ok {
			t.Errorf("1.%d: udpIdleTimeout was removed in 1.26", m)
		}
		hasIPVS, nftGate := false, ""
		for _, mode := range v.Modes {
			if mode.Name == "ipvs" {
				hasIPVS = true
			}
			if mode.Name == "nftables" {
				nftGate = mode.Gate
			}
		}
		if !hasIPVS {
			t.Errorf("1.%d: ipvs mode missing", m)
		}
		if (m == 29 || m == 30) && nftGate != "NFTablesProxyMode" {
			t.Errorf("1.%d: nftables mode must be gated, got %q", m, nftGate)
		}
		if (len(v.NodePortKeywords) > 0) != (m >= 31) || v.NodePortMixing != (m >= 37) {
			t.Errorf("1.%d: nodePortAddresses keywords %v mixing %v", m, v.NodePortKeywords, v.NodePortMixing)
		}
		if (v.Schedulers != nil) != (m == 26) {
			t.Errorf("1.%d: scheduler validation list %v", m, v.Schedulers)
		}
	}
	if n := len(generatedVersions[37].Gates); n != 253 {
		t.Errorf("1.37 knows %d gates, kube-proxy v1.37.2 knows 253", n)
	}
	if generatedHistoricalFields["udpIdleTimeout"] == "" || generatedHistoricalFields["resourceContainer"] == "" {
		t.Errorf("historical fields incomplete")
	}
}

func TestTargetFor(t *testing.T) {
	if tg := targetFor(nil); !tg.Assumed || tg.Minor != 37 {
		t.Errorf("nil context: %+v", tg)
	}
	if tg := targetFor(&rules.ClusterContext{KubernetesVersion: "v1.30.4-aliyun.1"}); tg.Assumed || tg.Minor != 30 {
		t.Errorf("1.30: %+v", tg)
	}
	if tg := targetFor(&rules.ClusterContext{KubernetesVersion: "1.20"}); tg.Minor != 26 || tg.assumedNote() == "" {
		t.Errorf("1.20: %+v", tg)
	}
}

func TestSetFromMap(t *testing.T) {
	v := generatedVersions[37]
	if _, errs := setFromMap(v, map[string]bool{"Nope": true}); len(errs) != 1 || errs[0].Msg != "unrecognized feature gate: Nope" {
		t.Errorf("unknown gate: %+v", errs)
	}
	if _, errs := setFromMap(v, map[string]bool{"nftablesproxymode": true}); len(errs) != 1 {
		t.Errorf("gate names are case-sensitive: %+v", errs)
	}
	if _, errs := setFromMap(v, map[string]bool{"AllBeta": true, "KubeProxyIPVS": false}); len(errs) != 0 {
		t.Errorf("AllBeta must be accepted: %+v", errs)
	}
	g, errs := setFromMap(v, map[string]bool{"KubeProxyIPVS": false})
	if len(errs) != 0 || g.Enabled("KubeProxyIPVS") {
		t.Errorf("KubeProxyIPVS=false: %+v", errs)
	}
}
