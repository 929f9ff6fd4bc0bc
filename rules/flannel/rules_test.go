package flannel

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// single builds an ACK-style ConfigMap with the given cni-conf.json.
func single(cni string) *corev1.ConfigMap { return cfgMap("kube-system", cni, ackNet) }

// withNet builds an ACK-style ConfigMap with the given net-conf.json.
func withNet(net string) *corev1.ConfigMap { return cfgMap("kube-system", ackCNI, net) }

func only(key, val string) *corev1.ConfigMap {
	return rulestest.ConfigMap("kube-system", "kube-flannel-cfg", map[string]string{key: val})
}

func cluster(f func(c *rules.ClusterContext)) *rules.ClusterContext {
	c := &rules.ClusterContext{}
	f(c)
	return c
}

func hasChange(path string) func(t *testing.T, res engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, c := range res.Changes {
			if c.Path == path {
				return
			}
		}
		t.Errorf("no change at %s: %+v", path, res.Changes)
	}
}

func noChanges(t *testing.T, res engine.Result) {
	t.Helper()
	if len(res.Changes) > 0 || res.Mutated != nil {
		t.Errorf("unexpected changes: %+v", res.Changes)
	}
}

func at(line, col int, path string) func(t *testing.T, res engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.Path == path && f.Line == line && (col == 0 || f.Column == col) {
				return
			}
		}
		t.Errorf("no finding at line %d col %d path %s: %s", line, col, path, rulestest.Describe(res.Findings))
	}
}

func TestRules(t *testing.T) {
	v019 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.19.2"}}
	v020 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.20.0"}}
	v015ack := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.15.1.22-aliyun"}}
	v011ack := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.11.0.1-g6e46593e-aliyun"}}
	v028 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.28.9"}}

	cases := []rulestest.Case{
		// FL001
		{Name: "missing cni-conf.json key fails install-cni", Rule: RuleCNIConfInvalid, Fire: true, Object: only(NetConfKey, ackNet), Contains: []string{"install-cni"}},
		{Name: "trailing comma in cni-conf.json is a syntax error with position", Rule: RuleCNIConfInvalid, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel",}`), Contains: []string{"error parsing configuration"}},
		{Name: "FAQ snippet pasted with non-breaking spaces", Rule: RuleCNIConfInvalid, Fire: true, Object: single("{\n  \"name\": \"cb0\",\u00a0 \u00a0\n  \"cniVersion\":\"0.3.0\",\n  \"type\": \"flannel\"\n}"), Contains: []string{"non-breaking spaces (U+00A0"}, Check: at(2, 17, "")},
		{Name: "cni-conf.json array is not an object", Rule: RuleCNIConfInvalid, Fire: true, Object: single(`[]`)},
		{Name: "upstream conflist parses", Rule: RuleCNIConfInvalid, Fire: false, Object: upstreamCM()},
		// FL002
		{Name: "conflist CNIVersion key is ignored by libcni", Rule: RuleCNIListKeyCase, Fire: true, NoMutate: true,
			Object: single(`{"name":"cbr0","CNIVersion":"0.3.1","plugins":[{"type":"flannel"}]}`), Contains: []string{`rename "CNIVersion" to "cniVersion"`}},
		{Name: "conflist Name key gives no name", Rule: RuleCNIListKeyCase, Fire: true, Object: single(`{"Name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"}]}`), Contains: []string{"no name"}},
		{Name: "single form keys are struct-decoded and case-insensitive", Rule: RuleCNIListKeyCase, Fire: false, Object: single(`{"Name":"cb0","CNIVersion":"0.3.1","type":"flannel"}`)},
		// FL003
		{Name: "network name with a space is rejected", Rule: RuleCNIName, Fire: true, Object: single(`{"name":"flannel net","cniVersion":"0.3.1","type":"flannel"}`), Contains: []string{"invalid characters"}},
		{Name: "conflist without name", Rule: RuleCNIName, Fire: true, Object: single(`{"cniVersion":"0.3.1","plugins":[{"type":"flannel"}]}`), Contains: []string{"no name"}},
		{Name: "numeric name", Rule: RuleCNIName, Fire: true, Object: single(`{"name":5,"cniVersion":"0.3.1","plugins":[{"type":"flannel"}]}`)},
		{Name: "cb0 and cbr0 are valid names", Rule: RuleCNIName, Fire: false, Object: upstreamCM()},
		// FL004
		{Name: "cniVersion 0.3 is not an exact version", Rule: RuleCNIVersion, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3","type":"flannel"}`), Contains: []string{`"0.3.1"`, "does not support config version"}},
		{Name: "cniVersion v0.3.1 has a v prefix", Rule: RuleCNIVersion, Fire: true, Object: single(`{"name":"cb0","cniVersion":"v0.3.1","type":"flannel"}`), Contains: []string{`use "cniVersion": "0.3.1"`}},
		{Name: "cniVersion as number", Rule: RuleCNIVersion, Fire: true, Object: single(`{"name":"cb0","cniVersion":0.3,"plugins":[{"type":"flannel"}]}`)},
		{Name: "FAQ cniVersion 0.3.0 is exact", Rule: RuleCNIVersion, Fire: false, Object: single(faqVersionCNI)},
		// FL005
		{Name: "missing cniVersion denied when the mutation is off", Rule: RuleCNIVersionMissing, Fire: true, Config: noMutationConfig(), Object: single(communityCNI), Contains: []string{"NotReady", `"cniVersion": "0.3.1"`}},
		{Name: "missing cniVersion judged as written (--no-mutate)", Rule: RuleCNIVersionMissing, Fire: true, NoMutate: true, Object: single(communityCNI)},
		{Name: "empty cniVersion is as bad as missing", Rule: RuleCNIVersionMissing, Fire: true, Object: single(`{"name":"cb0","cniVersion":"","type":"flannel"}`)},
		{Name: "missing cniVersion is injected by default, so not denied", Rule: RuleCNIVersionMissing, Fire: false, Object: single(communityCNI), Check: hasChange("cniVersion")},
		// FL006
		{Name: "cniVersion 1.0.0 needs CNI 1.x plugins", Rule: RuleCNIVersionNew, Fire: true, Object: single(`{"name":"cb0","cniVersion":"1.0.0","type":"flannel"}`), Contains: []string{"containerd ≥1.6.4"}},
		{Name: "cniVersion 0.3.1 is safe", Rule: RuleCNIVersionNew, Fire: false, Object: upstreamCM()},
		// FL007
		{Name: "single form with type Flannel (binary names are case-sensitive)", Rule: RuleCNIForm, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"Flannel"}`), Contains: []string{`use "flannel"`}},
		{Name: "neither type nor plugins", Rule: RuleCNIForm, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","plugin":[{"type":"flannel"}]}`), Contains: []string{`rename "plugin" to "plugins"`}},
		{Name: "single type bridge is not flannel", Rule: RuleCNIForm, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"bridge"}`)},
		{Name: "ACK single form is a flannel .conf", Rule: RuleCNIForm, Fire: false, Object: ackCM()},
		// FL008
		{Name: "portmap capabilities as a string fails libcni's PluginConf decode", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"portmap","capabilities":"x"}]}`), Contains: []string{"failed to parse plugin config 1", "cannot unmarshal string"}},
		{Name: "portmap capability value must be a boolean", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"portmap","capabilities":{"portMappings":"true"}}]}`), Contains: []string{"portMappings"}},
		{Name: "portmap with boolean capabilities and its own options is fine", Rule: RuleCNIPlugins, Fire: false, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"portmap","capabilities":{"portMappings":true},"snat":true,"externalSetMarkChain":"KUBE-MARK-MASQ"}]}`)},
		{Name: "empty plugin list", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[]}`), Contains: []string{"no plugins in list"}},
		{Name: "plugins is an object", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":{"type":"flannel"}}`)},
		{Name: "plugin without type", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"capabilities":{"portMappings":true}}]}`), Contains: []string{"missing 'type'"}},
		{Name: "plugin type with a path", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"/opt/cni/bin/flannel"}]}`), Contains: []string{"invalid plugin name"}},
		{Name: "no flannel plugin in the list", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"portmap","capabilities":{"portMappings":true}}]}`)},
		{Name: "two flannel plugins", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"flannel"}]}`)},
		{Name: "plugin type Portmap does not exist", Rule: RuleCNIPlugins, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"Portmap"}]}`), Contains: []string{`did you mean "portmap"`}},
		{Name: "upstream plugin list is fine", Rule: RuleCNIPlugins, Fire: false, Object: upstreamCM()},
		// FL009
		{Name: "portmap before flannel", Rule: RuleCNIPortmapOrder, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"portmap","capabilities":{"portMappings":true}},{"type":"flannel"}]}`), Contains: []string{"chained plugin"}},
		{Name: "portmap after flannel", Rule: RuleCNIPortmapOrder, Fire: false, Object: upstreamCM()},
		// FL010
		{Name: "portMappings capability in the single form does nothing", Rule: RuleCNIPortMappings, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","capabilities":{"portMappings":true}}`), Contains: []string{"hostPort"}},
		{Name: "portMappings on flannel in a list without portmap", Rule: RuleCNIPortMappings, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","capabilities":{"portMappings":true}}]}`)},
		{Name: "portmap plugin carries the capability", Rule: RuleCNIPortMappings, Fire: false, Object: upstreamCM()},
		// FL011
		{Name: "disableCheck yes", Rule: RuleCNIListFlags, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","disableCheck":"yes","plugins":[{"type":"flannel"}]}`)},
		{Name: "disableCheck string true fails on libcni 1.1", Rule: RuleCNIListFlags, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","disableCheck":"true","plugins":[{"type":"flannel"}]}`), Contains: []string{"libcni ≤1.1"}},
		{Name: "cniVersions entry invalid", Rule: RuleCNIListFlags, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","cniVersions":["0.3.1","1.0"],"plugins":[{"type":"flannel"}]}`)},
		{Name: "disableCheck boolean", Rule: RuleCNIListFlags, Fire: false, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","disableCheck":true,"plugins":[{"type":"flannel"}]}`)},
		// FL012
		{Name: "delegate with ipam is refused by flannel", Rule: RuleDelegate, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"ipam":{"type":"host-local"}}}`), Contains: []string{"must not have 'ipam' field"}},
		{Name: "delegate with name is refused by flannel", Rule: RuleDelegate, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"name":"cb0"}}`)},
		{Name: "delegate type number", Rule: RuleDelegate, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"type":1}}`), Contains: []string{"(string) 'type' field"}},
		{Name: "delegate is a string", Rule: RuleDelegate, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":"bridge"}`)},
		{Name: "ACK delegate is fine", Rule: RuleDelegate, Fire: false, Object: ackCM()},
		// FL013
		{Name: "hairpinMode string true breaks bridge", Rule: RuleDelegateType, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"hairpinMode":"true"}}`), Contains: []string{"of type bool", `"hairpinMode": true (no quotes)`}, Check: at(1, 79, "delegate.hairpinMode")},
		{Name: "mtu fraction", Rule: RuleDelegateType, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"mtu":1450.5}}`)},
		{Name: "vlan out of range", Rule: RuleDelegateType, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"vlan":5000}}`)},
		{Name: "mtu 1450.0 survives flannel's float round trip", Rule: RuleDelegateType, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"mtu":1450.0,"hairpinMode":true}}`)},
		{Name: "non-bridge delegate types are not judged as bridge", Rule: RuleDelegateType, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"type":"ipvlan","mode":"l2","hairpinMode":"x"}}`)},
		// FL014
		{Name: "hairpin and promiscuous together", Rule: RuleHairpinPromisc, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"hairpinMode":true,"promiscMode":true}}`), Contains: []string{"cannot set hairpin mode and promiscuous mode at the same time"}},
		{Name: "hairpin via case variant and promiscuous together", Rule: RuleHairpinPromisc, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"HairpinMode":true,"promiscMode":true}}`)},
		{Name: "promiscuous alone", Rule: RuleHairpinPromisc, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"promiscMode":true}}`)},
		// FL015
		{Name: "IPMasq is overridden by flannel's ipMasq", Rule: RuleDelegateIgnored, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"IPMasq":false}}`), Contains: []string{`rename it to "ipMasq"`}},
		{Name: "MTU is overridden by flannel's mtu", Rule: RuleDelegateIgnored, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"MTU":1400}}`)},
		{Name: "Type is ignored: flannel invokes bridge", Rule: RuleDelegateIgnored, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"Type":"ipvlan"}}`)},
		{Name: "ipmasq sorts after flannel's ipMasq and wins (warn, not deny)", Rule: RuleDelegateIgnored, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"ipmasq":false}}`)},
		// FL016
		{Name: "HairpinMode works only case-insensitively", Rule: RuleDelegateKeyCase, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"HairpinMode":true}}`), Contains: []string{`rename it to "hairpinMode"`}},
		{Name: "ipmasq wins over flannel's value but is misspelled", Rule: RuleDelegateKeyCase, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"ipmasq":false}}`)},
		{Name: "exact delegate keys", Rule: RuleDelegateKeyCase, Fire: false, Object: upstreamCM()},
		// FL017
		{Name: "dataDir boolean breaks the plugin", Rule: RuleFlannelPlugin, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","dataDir":true}`), Contains: []string{"failed to load flannel netconf file"}},
		{Name: "capabilities value string", Rule: RuleFlannelPlugin, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","capabilities":{"portMappings":"true"}},{"type":"portmap"}]}`)},
		{Name: "dataDir string", Rule: RuleFlannelPlugin, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","dataDir":"/var/lib/cni/flannel","subnetFile":"/run/flannel/subnet.env"}`)},
		// FL018
		{Name: "hairpin typo in delegate", Rule: RuleCNIUnknownKey, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"hairpin":true}}`), Contains: []string{`did you mean "hairpinMode"?`}},
		{Name: "delegates typo in flannel plugin", Rule: RuleCNIUnknownKey, Fire: true, Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegates":{"hairpinMode":true}}]}`), Contains: []string{`did you mean "delegate"?`}},
		{Name: "list key in the single form", Rule: RuleCNIUnknownKey, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","disableCheck":true}`), Contains: []string{".conflist key"}},
		{Name: "known keys only", Rule: RuleCNIUnknownKey, Fire: false, Object: ackCM()},
		// FL019
		{Name: "renaming cbr0 to cb0 orphans IP allocations", Rule: RuleCNINameChanged, Fire: true,
			Old: cfgMap("kube-system", aliyunCNI, ackNet), Object: single(ackCNI), Contains: []string{"/var/lib/cni/networks/cbr0", "duplicate pod IPs"}, Check: at(2, 11, "name")},
		{Name: "same name, other delegate", Rule: RuleCNINameChanged, Fire: false, Old: single(faqVersionCNI), Object: single(ackCNI)},
		// FL020
		{Name: "dataDir moved", Rule: RuleCNIDirChanged, Fire: true, Old: single(ackCNI),
			Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","dataDir":"/var/run/cni/flannel","delegate":{"isDefaultGateway":true,"hairpinMode":true}}`), Contains: []string{"/var/lib/cni/flannel"}},
		{Name: "subnetFile moved", Rule: RuleCNIDirChanged, Fire: true, Old: single(ackCNI),
			Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","subnetFile":"/run/flannel/other.env","delegate":{"isDefaultGateway":true,"hairpinMode":true}}`)},
		{Name: "explicit default dataDir is no change", Rule: RuleCNIDirChanged, Fire: false, Old: single(ackCNI),
			Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","dataDir":"/var/lib/cni/flannel","delegate":{"isDefaultGateway":true,"hairpinMode":true}}`)},
		// FL021
		{Name: "single form in the upstream kube-flannel namespace", Rule: RuleCNIInstallTarget, Fire: true, Object: cfgMap("kube-flannel", ackCNI, upstreamNet), Contains: []string{"10-flannel.conflist"}},
		{Name: "single form with an upstream flannel version names both install targets", Rule: RuleCNIInstallTarget, Fire: true, Cluster: v028, Object: single(ackCNI),
			Contains: []string{"works only if the DaemonSet's install-cni copies it to a .conf file", "kube-flannel-legacy.yml", "kube-flannel.yml of flannel v0.28.9 copies it to 10-flannel.conflist"}},
		{Name: "list form with the ACK v0.11 addon (10-flannel.conf)", Rule: RuleCNIInstallTarget, Fire: true, Cluster: v011ack, Object: cfgMap("kube-system", upstreamCNI, ackNet), Contains: []string{"missing 'type'"}},
		{Name: "single form on ACK v0.15 flannel", Rule: RuleCNIInstallTarget, Fire: false, Cluster: v015ack, Object: ackCM()},
		{Name: "no hint without context", Rule: RuleCNIInstallTarget, Fire: false, Object: cfgMap("kube-system", upstreamCNI, upstreamNet)},
		// FL025
		{Name: "duplicate Network keys differing in case", Rule: RuleDuplicateKey, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","network":"172.20.0.0/16","Backend":{"Type":"alloc"}}`), Contains: []string{"10.244.0.0/16"}},
		{Name: "duplicate delegate key", Rule: RuleDuplicateKey, Fire: true, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"hairpinMode":false,"hairpinMode":true}}`)},
		{Name: "no duplicates", Rule: RuleDuplicateKey, Fire: false, Object: upstreamCM()},

		// FL030
		{Name: "missing net-conf.json", Rule: RuleNetConfInvalid, Fire: true, Object: only(CNIConfKey, ackCNI), Contains: []string{"failed to read net conf"}},
		{Name: "unquoted MacPrefix (chart bug)", Rule: RuleNetConfInvalid, Fire: true, Object: withNet("{\n  \"Network\": \"10.244.0.0/16\",\n  \"Backend\": {\"Type\": \"vxlan\", \"MacPrefix\": 0E-2A}\n}"), Check: at(3, 0, "")},
		{Name: "valid net-conf", Rule: RuleNetConfInvalid, Fire: false, Object: upstreamCM()},
		// FL031
		{Name: "SubnetLen as a string", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetLen":"24","Backend":{"Type":"vxlan"}}`), Contains: []string{"of type uint"}},
		{Name: "SubnetLen negative", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetLen":-1,"Backend":{"Type":"vxlan"}}`)},
		{Name: "EnableIPv4 string", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv4":"true","Backend":{"Type":"vxlan"}}`)},
		{Name: "IPv6 CIDR in Network", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"fd00::/56","Backend":{"Type":"vxlan"}}`), Contains: []string{"invalid IPv4 CIDR format"}},
		{Name: "leading zeros in Network", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"010.244.0.0/16","Backend":{"Type":"vxlan"}}`), Contains: []string{"leading zeros"}},
		{Name: "Network null", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":null,"Backend":{"Type":"vxlan"}}`), Contains: []string{"invalid CIDR address: null"}},
		{Name: "SubnetMin IPv6", Rule: RuleNetConfType, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetMin":"fd00::","Backend":{"Type":"vxlan"}}`), Contains: []string{"invalid IPv4 address format"}},
		{Name: "lowercase keys decode fine", Rule: RuleNetConfType, Fire: false, Object: withNet(`{"network":"10.244.0.0/16","subnetLen":24,"enableIPv6":false,"backend":{"type":"vxlan"}}`)},
		// FL032
		{Name: "no Network", Rule: RuleNetworkMissing, Fire: true, Object: withNet(`{"Backend":{"Type":"vxlan"}}`), Contains: []string{"please define a correct Network parameter"}},
		{Name: "IPv6 config without EnableIPv4 false runs dual-stack", Rule: RuleNetworkMissing, Fire: true, Cluster: v028,
			Object:   withNet(`{"EnableIPv6":true,"IPv6Network":"fd85:ee78:d8a6:8607::1:0/112","Backend":{"Type":"vxlan"}}`),
			Contains: []string{"EnableIPv4 defaults to true", "failed to get default interface", `add "EnableIPv4": false`}},
		{Name: "dual-stack config missing Network keeps the generic advice", Rule: RuleNetworkMissing, Fire: true,
			Object:   withNet(`{"EnableIPv4":true,"EnableIPv6":true,"IPv6Network":"fd00:10:244::/56","Backend":{"Type":"vxlan"}}`),
			Contains: []string{"please define a correct Network parameter"}},
		{Name: "IPv6-only needs no Network", Rule: RuleNetworkMissing, Fire: false, Object: withNet(`{"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fd00:10:244::/56","Backend":{"Type":"vxlan"}}`)},
		// FL033
		{Name: "host bits set", Rule: RuleNetworkHostBits, Fire: true, Object: withNet(`{"Network":"10.244.1.5/16","Backend":{"Type":"vxlan"}}`), Contains: []string{"10.244.0.0/16"}},
		{Name: "clean network", Rule: RuleNetworkHostBits, Fire: false, Object: upstreamCM()},
		// FL034
		{Name: "SubnetLen 31", Rule: RuleSubnetIPv4, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetLen":31,"Backend":{"Type":"vxlan"}}`), Contains: []string{"SubnetLen must be less than /31"}},
		{Name: "SubnetLen equal to prefix", Rule: RuleSubnetIPv4, Fire: true, Object: withNet(`{"Network":"10.244.0.0/24","SubnetLen":24,"Backend":{"Type":"vxlan"}}`), Contains: []string{"at least four subnets"}},
		{Name: "network /29 too small", Rule: RuleSubnetIPv4, Fire: true, Object: withNet(`{"Network":"10.244.0.0/29","Backend":{"Type":"vxlan"}}`), Contains: []string{"Minimum useful network prefix is /28"}},
		{Name: "SubnetMin outside", Rule: RuleSubnetIPv4, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetMin":"10.245.0.0","Backend":{"Type":"vxlan"}}`), Contains: []string{"not in the range of the Network"}},
		{Name: "SubnetMax unaligned", Rule: RuleSubnetIPv4, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","SubnetMax":"10.244.200.7","Backend":{"Type":"vxlan"}}`), Contains: []string{"not on a SubnetLen boundary", "10.244.200.0"}},
		{Name: "SubnetLen 26 in a /16 with aligned bounds", Rule: RuleSubnetIPv4, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","SubnetLen":26,"SubnetMin":"10.244.0.64","SubnetMax":"10.244.255.192","Backend":{"Type":"vxlan"}}`)},
		// FL035
		{Name: "EnableIPv6 without IPv6Network", Rule: RuleSubnetIPv6, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"Backend":{"Type":"vxlan"}}`), Contains: []string{"IPv6Network parameter"}},
		{Name: "IPv6SubnetLen 127", Rule: RuleSubnetIPv6, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/56","IPv6SubnetLen":127,"Backend":{"Type":"vxlan"}}`)},
		{Name: "IPv4 CIDR as IPv6Network", Rule: RuleSubnetIPv6, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"10.245.0.0/16","Backend":{"Type":"vxlan"}}`)},
		{Name: "dual stack vxlan", Rule: RuleSubnetIPv6, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00:10:244::/56","IPv6SubnetLen":64,"Backend":{"Type":"vxlan"}}`)},
		// FL036
		{Name: "both stacks off", Rule: RuleNoStack, Fire: true, Object: withNet(`{"EnableIPv4":false,"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}`), Contains: []string{"none defined stack"}},
		{Name: "IPv4 default on", Rule: RuleNoStack, Fire: false, Object: upstreamCM()},
		// FL037
		{Name: "EnableIPv6 with udp", Rule: RuleIPv6Backend, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/56","Backend":{"Type":"udp"}}`)},
		{Name: "EnableIPv6 with host-gw", Rule: RuleIPv6Backend, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00::/56","Backend":{"Type":"host-gw"}}`)},
		// FL040
		{Name: "no Backend means udp", Rule: RuleBackendMissing, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16"}`), Contains: []string{"udp", `"Backend": {"Type": "vxlan"}`}},
		{Name: "explicit backend", Rule: RuleBackendMissing, Fire: false, Object: upstreamCM()},
		// FL041
		{Name: "Backend as a string", Rule: RuleBackendInvalid, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":"vxlan"}`), Contains: []string{"error decoding Backend property", `{"Type": "vxlan"}`}},
		{Name: "Backend empty object", Rule: RuleBackendInvalid, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{}}`), Contains: []string{"unknown backend type: "}},
		{Name: "Backend null", Rule: RuleBackendInvalid, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":null}`)},
		{Name: "Backend Type number", Rule: RuleBackendInvalid, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":1}}`)},
		{Name: "Backend type lowercased key", Rule: RuleBackendInvalid, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"type":"VXLAN"}}`)},
		// FL042
		{Name: "ali-vpc on flannel v0.20", Rule: RuleBackendType, Fire: true, Cluster: v020, Object: cfgMap("kube-system", aliyunCNI, aliyunNet), Contains: []string{"unknown backend type: ali-vpc", `"alloc"`}},
		{Name: "wireguard on ACK v0.15.1", Rule: RuleBackendType, Fire: true, Cluster: v015ack, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard"}}`), Contains: []string{"since v0.16.0"}},
		{Name: "unknown backend type with did-you-mean", Rule: RuleBackendType, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxaln"}}`), Contains: []string{`did you mean "vxlan"`}},
		{Name: "ali-vpc on flannel v0.19", Rule: RuleBackendType, Fire: false, Cluster: v019, Object: cfgMap("kube-system", aliyunCNI, aliyunNet)},
		{Name: "VXLAN upper case is lowercased by flannel", Rule: RuleBackendType, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"VXLAN"}}`)},
		// FL043
		{Name: "ali-vpc with unknown version", Rule: RuleBackendObsolete, Fire: true, Object: cfgMap("kube-system", aliyunCNI, aliyunNet), Contains: []string{"v0.20.0"}},
		{Name: "ali-vpc with known old version", Rule: RuleBackendObsolete, Fire: false, Cluster: v015ack, Object: cfgMap("kube-system", aliyunCNI, aliyunNet)},
		// FL044
		{Name: "VNI as string", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","VNI":"1"}}`), Contains: []string{"error decoding VXLAN backend config"}},
		{Name: "VNI too large", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","VNI":16777216}}`)},
		{Name: "DirectRouting string", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","DirectRouting":"true"}}`)},
		{Name: "wireguard Mode Auto is case-sensitive", Rule: RuleBackendField, Fire: true, Cluster: v028, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","Mode":"Auto"}}`), Contains: []string{"no valid Mode configured", `use "auto"`}},
		{Name: "ipsec PSK too short", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec","PSK":"tooShortSecret"}}`), Contains: []string{"14 characters, needs at least 96"}},
		{Name: "ipsec without PSK", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"ipsec"}}`)},
		{Name: "wireguard PSK not a key", Rule: RuleBackendField, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","PSK":"notbase64!"}}`), Contains: []string{"could not parse psk"}},
		{Name: "typed vxlan fields", Rule: RuleBackendField, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","VNI":1,"Port":8472,"GBP":false,"DirectRouting":true,"MTU":1450}}`)},
		{Name: "wireguard with valid PSK and mode", Rule: RuleBackendField, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"wireguard","PSK":"` + validWGKey + `","Mode":"auto","PersistentKeepaliveInterval":25}}`)},
		// FL045
		{Name: "DirectRoute typo", Rule: RuleBackendUnknownKey, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","DirectRoute":true}}`), Contains: []string{`did you mean "DirectRouting"`}},
		{Name: "RKE host-gw with VNI and Port is not a typo", Rule: RuleBackendUnknownKey, Fire: false, Object: withNet(`{"Network":"10.42.0.0/16","Backend":{"Type":"host-gw","VNI":1,"Port":8472}}`)},
		{Name: "VNl typo on vxlan", Rule: RuleBackendUnknownKey, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan","VNl":1}}`), Contains: []string{`did you mean "VNI"`}},
		{Name: "AccessKeyID belongs to ali-vpc", Rule: RuleBackendUnknownKey, Fire: false, Cluster: v015ack, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"ali-vpc","AccessKeyID":"LTAI5tExample","AccessKeySecret":"s3cr3tValue"}}`)},
		// FL048
		{Name: "RKE host-gw keeps the vxlan VNI and Port", Rule: RuleBackendOtherKey, Fire: true, Object: withNet(`{"Network":"10.42.0.0/16","Backend":{"Type":"host-gw","VNI":1,"Port":8472}}`),
			Contains: []string{`"VNI" is a setting of the vxlan backend; the host-gw backend ignores it`, `"Port" is a setting of the udp/vxlan backend`}},
		{Name: "vxlan Port is its own field", Rule: RuleBackendOtherKey, Fire: false, Object: withNet(`{"Network":"10.42.0.0/16","Backend":{"Type":"vxlan","VNI":1,"Port":8472}}`)},
		{Name: "a typo is not another backend's field", Rule: RuleBackendOtherKey, Fire: false, Object: withNet(`{"Network":"10.244.0.0/16","Backend":{"Type":"host-gw","Prot":8472}}`)},
		// FL046
		{Name: "Networks after v0.25", Rule: RuleNetConfVersionKey, Fire: true, Cluster: v028, Object: withNet(`{"Network":"10.244.0.0/16","Networks":["10.244.0.0/16"],"Backend":{"Type":"vxlan"}}`), Contains: []string{"removed in flannel v0.25.0"}},
		{Name: "Networks with unknown version", Rule: RuleNetConfVersionKey, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","Networks":["10.244.0.0/16"],"Backend":{"Type":"vxlan"}}`)},
		{Name: "EnableNFTables on v0.15", Rule: RuleNetConfVersionKey, Fire: true, Cluster: v015ack, Object: withNet(`{"Network":"10.244.0.0/16","EnableNFTables":true,"Backend":{"Type":"vxlan"}}`), Contains: []string{"v0.25.0 or later"}},
		{Name: "EnableIPv6 on ACK v0.11", Rule: RuleNetConfVersionKey, Fire: true, Cluster: v011ack, Object: withNet(`{"Network":"10.244.0.0/16","EnableIPv6":false,"Backend":{"Type":"alloc"}}`)},
		{Name: "Networks on v0.22", Rule: RuleNetConfVersionKey, Fire: false, Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.22.0"}}, Object: withNet(`{"Network":"10.244.0.0/16","Networks":["10.244.0.0/16"],"Backend":{"Type":"vxlan"}}`)},
		{Name: "EnableNFTables on HEAD", Rule: RuleNetConfVersionKey, Fire: false, Cluster: v028, Object: upstreamCM()},
		// FL047
		{Name: "Netwrok typo", Rule: RuleNetConfUnknownKey, Fire: true, Object: withNet(`{"Netwrok":"10.244.0.0/16","Backend":{"Type":"vxlan"}}`), Contains: []string{`did you mean "Network"?`}},
		{Name: "BackendType is not a field", Rule: RuleNetConfUnknownKey, Fire: true, Object: withNet(`{"Network":"10.244.0.0/16","BackendType":"vxlan"}`), Contains: []string{`"Backend": {"Type": "vxlan"}`}},
		{Name: "known keys", Rule: RuleNetConfUnknownKey, Fire: false, Object: upstreamCM()},
		// FL050
		{Name: "node podCIDR outside Network", Rule: RuleNodePodCIDR, Fire: true, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) {
				c.Nodes = []rules.Node{{Name: "node-a", PodCIDRs: []string{"10.244.1.0/24"}}, {Name: "node-b", PodCIDRs: []string{"172.20.1.0/24"}}}
			}), Contains: []string{"node-b (172.20.1.0/24)", "doesn't contain"}},
		{Name: "node podCIDRs inside Network", Rule: RuleNodePodCIDR, Fire: false, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) {
				c.Nodes = []rules.Node{{Name: "node-a", PodCIDRs: []string{"10.244.1.0/24", "fd00::/64"}}}
			})},
		// FL051
		{Name: "Network inside the Service CIDR", Rule: RuleServiceOverlap, Fire: true, Object: withNet(`{"Network":"172.21.0.0/20","Backend":{"Type":"alloc"}}`),
			Cluster: cluster(func(c *rules.ClusterContext) { c.ServiceCIDRs = []string{"172.16.0.0/12"} }), Contains: []string{"lies inside the Service CIDR 172.16.0.0/12"}},
		{Name: "Network equal to the Service CIDR", Rule: RuleServiceOverlap, Fire: true, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) { c.ServiceCIDRs = []string{"10.244.0.0/16"} })},
		{Name: "kops defaults: Network a supernet of the Service CIDR, no node podCIDR in it", Rule: RuleServiceOverlap, Fire: false, Object: cfgMap("kube-system", upstreamCNI, `{"Network":"100.64.0.0/10","Backend":{"Type":"vxlan"}}`),
			Cluster: cluster(func(c *rules.ClusterContext) {
				c.ServiceCIDRs = []string{"100.64.0.0/13"}
				c.PodCIDRs = []string{"100.96.0.0/11"}
				c.Nodes = []rules.Node{{Name: "node-a", PodCIDRs: []string{"100.96.1.0/24"}}, {Name: "node-b", PodCIDRs: []string{"100.96.2.0/24"}}}
			})},
		{Name: "supernet Network and a node podCIDR inside the Service CIDR", Rule: RuleServiceOverlap, Fire: true, Object: cfgMap("kube-system", upstreamCNI, `{"Network":"100.64.0.0/10","Backend":{"Type":"vxlan"}}`),
			Cluster: cluster(func(c *rules.ClusterContext) {
				c.ServiceCIDRs = []string{"100.64.0.0/13"}
				c.Nodes = []rules.Node{{Name: "node-a", PodCIDRs: []string{"100.96.1.0/24"}}, {Name: "node-b", PodCIDRs: []string{"100.64.3.0/24"}}}
			}), Contains: []string{"node-b (100.64.3.0/24) overlaps the Service CIDR 100.64.0.0/13"}},
		{Name: "supernet IPv6Network with a node IPv6 podCIDR in the Service CIDR", Rule: RuleServiceOverlap, Fire: true,
			Object: cfgMap("kube-flannel", upstreamCNI, `{"Network":"10.244.0.0/16","EnableIPv6":true,"IPv6Network":"fd00:10::/48","Backend":{"Type":"vxlan"}}`),
			Cluster: cluster(func(c *rules.ClusterContext) {
				c.ServiceCIDRs = []string{"10.96.0.0/12", "fd00:10::/112"}
				c.Nodes = []rules.Node{{Name: "node-a", PodCIDRs: []string{"10.244.1.0/24", "fd00:10::/64"}}}
			}), Contains: []string{"node-a (fd00:10::/64)"}},
		{Name: "disjoint Service CIDR", Rule: RuleServiceOverlap, Fire: false, Object: ackCM(),
			Cluster: cluster(func(c *rules.ClusterContext) { c.ServiceCIDRs = []string{"192.168.0.0/16", "fd00:1::/112"} })},
		// FL052
		{Name: "Network differs from cluster CIDR", Rule: RuleClusterCIDR, Fire: true, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) { c.PodCIDRs = []string{"172.20.0.0/16"} })},
		{Name: "kops: Network contains the cluster CIDR", Rule: RuleClusterCIDR, Fire: false, Object: cfgMap("kube-system", upstreamCNI, `{"Network":"100.64.0.0/10","Backend":{"Type":"vxlan"}}`),
			Cluster: cluster(func(c *rules.ClusterContext) { c.PodCIDRs = []string{"100.96.0.0/11"} })},
		{Name: "Network inside a larger cluster CIDR", Rule: RuleClusterCIDR, Fire: true, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) { c.PodCIDRs = []string{"10.0.0.0/8"} }), Contains: []string{"does not contain the cluster pod CIDR 10.0.0.0/8"}},
		{Name: "Network equals cluster CIDR", Rule: RuleClusterCIDR, Fire: false, Object: upstreamCM(),
			Cluster: cluster(func(c *rules.ClusterContext) { c.PodCIDRs = []string{"10.244.0.0/16"} })},
		// FL053
		{Name: "backend changed vxlan to host-gw", Rule: RuleNetworkChanged, Fire: true, Old: upstreamCM(), Object: cfgMap("kube-flannel", upstreamCNI, strings.Replace(upstreamNet, "vxlan", "host-gw", 1)), Contains: []string{"Once set, the backend should not be changed at runtime"}},
		{Name: "Network changed", Rule: RuleNetworkChanged, Fire: true, Old: upstreamCM(), Object: cfgMap("kube-flannel", upstreamCNI, strings.Replace(upstreamNet, "10.244.0.0/16", "10.96.0.0/12", 1)), Contains: []string{"cni0"}},
		{Name: "only cni-conf.json changed", Rule: RuleNetworkChanged, Fire: false, Old: upstreamCM(), Object: cfgMap("kube-flannel", strings.Replace(upstreamCNI, `"isDefaultGateway": true`, `"isDefaultGateway": false`, 1), upstreamNet)},
		// FL090
		{Name: "create asks for a flannel restart", Rule: RuleRestart, Fire: true, Object: ackCM(), Contains: []string{"kubectl -n kube-system delete pod -l app=flannel"}},
		{Name: "hairpin change asks to recreate pods", Rule: RuleRestart, Fire: true, Old: single(faqVersionCNI), Object: ackCM(), Contains: []string{"hairpinMode changed", "recreate the existing pods"}},
		{Name: "update of net-conf.json only", Rule: RuleRestart, Fire: true, Old: upstreamCM(), Object: cfgMap("kube-flannel", upstreamCNI, strings.Replace(upstreamNet, "vxlan", "VXLAN", 1)), Contains: []string{"kubectl -n kube-flannel delete pod -l app=flannel"}},
		{Name: "update of an unrelated key", Rule: RuleRestart, Fire: false, Old: ackCM(), Object: func() *corev1.ConfigMap { c := ackCM(); c.Data["README"] = "x"; return c }()},
		// FL101
		{Name: "cniVersion injected into the community manifest", Rule: RuleInjectCNIVersion, Fire: true, Object: single(communityCNI), Check: hasChange("cniVersion")},
		{Name: "cniVersion not injected when the switch is off", Rule: RuleInjectCNIVersion, Fire: false, Config: noMutationConfig(), Object: single(communityCNI), Check: noChanges},
		{Name: "cniVersion not injected into broken JSON", Rule: RuleInjectCNIVersion, Fire: false, Object: single(`{"name":"cb0","type":"flannel",}`), Check: noChanges},
		{Name: "present cniVersion kept", Rule: RuleInjectCNIVersion, Fire: false, Object: upstreamCM(), Check: noChanges},
		// FL102
		{Name: "hairpin injected into the FAQ config", Rule: RuleInjectHairpin, Fire: true, Config: hairpinConfig(), Object: single(faqVersionCNI), Check: hasChange("delegate.hairpinMode")},
		{Name: "hairpin injected into the flannel plugin of a list", Rule: RuleInjectHairpin, Fire: true, Config: hairpinConfig(),
			Object: single(`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel"},{"type":"portmap","capabilities":{"portMappings":true}}]}`), Check: hasChange("plugins[0].delegate.hairpinMode")},
		{Name: "hairpin not injected by default", Rule: RuleInjectHairpin, Fire: false, Object: single(faqVersionCNI), Check: noChanges},
		{Name: "hairpin false kept", Rule: RuleInjectHairpin, Fire: false, Config: hairpinConfig(), Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"hairpinMode":false}}`), Check: noChanges},
		// FL103
		{Name: "promiscuous delegate blocks the hairpin mutation", Rule: RuleHairpinNotInjected, Fire: true, Config: hairpinConfig(), Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"promiscMode":true}}`), Check: noChanges},
		{Name: "no warning when the hairpin mutation is off", Rule: RuleHairpinNotInjected, Fire: false, Object: single(`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"promiscMode":true}}`)},
	}
	rulestest.Run(t, New(), cases)
}

// validWGKey is a base64 32-byte key (not a real secret).
const validWGKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
