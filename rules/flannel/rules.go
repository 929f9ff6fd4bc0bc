package flannel

import "github.com/netguard/netguard/rules"

// Rule IDs of the Flannel checker. They are stable forever.
const (
	// cni-conf.json (libcni, the flannel CNI plugin, bridge)
	RuleCNIConfInvalid    = "FL001"
	RuleCNIListKeyCase    = "FL002"
	RuleCNIName           = "FL003"
	RuleCNIVersion        = "FL004"
	RuleCNIVersionMissing = "FL005"
	RuleCNIVersionNew     = "FL006"
	RuleCNIForm           = "FL007"
	RuleCNIPlugins        = "FL008"
	RuleCNIPortmapOrder   = "FL009"
	RuleCNIPortMappings   = "FL010"
	RuleCNIListFlags      = "FL011"
	RuleDelegate          = "FL012"
	RuleDelegateType      = "FL013"
	RuleHairpinPromisc    = "FL014"
	RuleDelegateIgnored   = "FL015"
	RuleDelegateKeyCase   = "FL016"
	RuleFlannelPlugin     = "FL017"
	RuleCNIUnknownKey     = "FL018"
	RuleCNINameChanged    = "FL019"
	RuleCNIDirChanged     = "FL020"
	RuleCNIInstallTarget  = "FL021"
	RuleDuplicateKey      = "FL025"

	// net-conf.json (flanneld)
	RuleNetConfInvalid     = "FL030"
	RuleNetConfType        = "FL031"
	RuleNetworkMissing     = "FL032"
	RuleNetworkHostBits    = "FL033"
	RuleSubnetIPv4         = "FL034"
	RuleSubnetIPv6         = "FL035"
	RuleNoStack            = "FL036"
	RuleIPv6Backend        = "FL037"
	RuleBackendMissing     = "FL040"
	RuleBackendInvalid     = "FL041"
	RuleBackendType        = "FL042"
	RuleBackendObsolete    = "FL043"
	RuleBackendField       = "FL044"
	RuleBackendUnknownKey  = "FL045"
	RuleBackendOtherKey    = "FL048"
	RuleNetConfVersionKey  = "FL046"
	RuleNetConfUnknownKey  = "FL047"
	RuleNodePodCIDR        = "FL050"
	RuleServiceOverlap     = "FL051"
	RuleClusterCIDR        = "FL052"
	RuleNetworkChanged     = "FL053"
	RuleRestart            = "FL090"
	RuleInjectCNIVersion   = "FL101"
	RuleInjectHairpin      = "FL102"
	RuleHairpinNotInjected = "FL103"
)

const upstreamConflist = `{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`

func init() {
	r := func(id string, sev rules.Severity, title, rationale, good, bad string) rules.Rule {
		return rules.Rule{ID: id, Title: title, Severity: sev, Component: Component, Rationale: rationale, Good: good, Bad: bad}
	}
	rules.Register(
		r(RuleCNIConfInvalid, rules.Deny, "cni-conf.json is missing or is not a JSON object",
			"The install-cni init container copies cni-conf.json into /etc/cni/net.d; without the key the copy fails and the flannel pod never starts. A body that is not a JSON object makes libcni skip the file (kubelet dockershim, CRI-O: the node goes NotReady with `cni config uninitialized`) or fail the whole configuration load (containerd).",
			"cni-conf.json: "+upstreamConflist,
			`cni-conf.json: {"name":"cbr0","type":"flannel",}`),
		r(RuleCNIListKeyCase, rules.Deny, "conflist top-level key spelled with the wrong case",
			"libcni reads the top level of a .conflist through map lookups, so `name`, `cniVersion`, `plugins`, `disableCheck` are case-sensitive: `Name` gives `no name`, `CNIVersion` is ignored and leaves the version empty (nodes go NotReady on kubelet ≥1.16).",
			`{"name":"cbr0","cniVersion":"0.3.1","plugins":[...]}`,
			`{"Name":"cbr0","CNIVersion":"0.3.1","plugins":[...]}`),
		r(RuleCNIName, rules.Deny, "CNI network name missing or invalid",
			"libcni (≥0.8) and the plugins reject a missing name (`missing network name`) or one that does not match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$ (`invalid characters found in network name`); the name is also a directory name under /var/lib/cni/networks.",
			`"name": "cbr0"`, `"name": "flannel net"`),
		r(RuleCNIVersion, rules.Deny, "cniVersion is not a supported exact version string",
			"Runtimes and plugins compare cniVersion as an exact string against the versions each plugin reports (0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0). `0.3` or `v0.3.1` match none: `plugin flannel does not support config version` and the runtime skips the config, so the node goes NotReady.",
			`"cniVersion": "0.3.1"`, `"cniVersion": "0.3"`),
		r(RuleCNIVersionMissing, rules.Deny, "cniVersion is missing",
			"Kubelet ≥1.16 (dockershim) and runtimes with libcni <0.8 validate the config against each plugin's VERSION output; an empty version matches nothing (`plugin flannel does not support config version \"\"`), the config is skipped and the node goes NotReady. containerd 1.6.0–1.6.3 fails pod deletion with `invalid version \"\"`. netguard injects the version when the FL101 mutation is on.",
			`"name": "cb0", "cniVersion": "0.3.1", "type": "flannel"`,
			`"name": "cb0", "type": "flannel"`),
		r(RuleCNIVersionNew, rules.Warn, "cniVersion 1.0.0/1.1.0 needs CNI 1.x plugins and runtime",
			"With cniVersion 1.0.0 or 1.1.0 every plugin in the chain (flannel, bridge, host-local, portmap) must be built with libcni ≥1.0 (1.1.0: ≥1.2) and the runtime must speak CNI 1.0 (containerd ≥1.6.4, CRI-O ≥1.23; dockershim rejects it): otherwise `incompatible CNI versions` and pods cannot start.",
			`"cniVersion": "0.3.1"`, `"cniVersion": "1.0.0"`),
		r(RuleCNIForm, rules.Deny, "cni-conf.json is neither a flannel .conf nor a .conflist",
			"A single-plugin config (10-flannel.conf) must have `\"type\": \"flannel\"`; a list (10-flannel.conflist) must have `plugins`. Without either libcni fails with `missing 'type'` / `no 'plugins' key` and the node has no network.",
			`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"isDefaultGateway":true}}`,
			`{"name":"cb0","cniVersion":"0.3.1","type":"Flannel"}`),
		r(RuleCNIPlugins, rules.Deny, "conflist plugins are malformed",
			"libcni needs `plugins` to be a non-empty array of objects, each with a string `type` naming a binary (no path separators); exactly one `flannel` plugin must be present, otherwise there is no pod network or it is set up twice.",
			upstreamConflist,
			`{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"portmap","capabilities":{"portMappings":true}}]}`),
		r(RuleCNIPortmapOrder, rules.Deny, "portmap runs before flannel",
			"portmap is a chained plugin: it needs the previous plugin's result (`must be called as chained plugin`), so it must come after flannel in the list; before it every pod start fails.",
			upstreamConflist,
			`"plugins":[{"type":"portmap","capabilities":{"portMappings":true}},{"type":"flannel"}]`),
		r(RuleCNIPortMappings, rules.Warn, "portMappings capability without a portmap plugin",
			"Only the portmap plugin implements hostPort. Declaring `capabilities.portMappings` on the flannel plugin (or in the single .conf form, which cannot chain portmap) makes the runtime pass the mappings to flannel and bridge, which ignore them: hostPort silently does not work.",
			upstreamConflist,
			`{"name":"cb0","cniVersion":"0.3.1","type":"flannel","capabilities":{"portMappings":true}}`),
		r(RuleCNIListFlags, rules.Deny, "conflist flag or cniVersions has the wrong type",
			"libcni fails the whole list when `disableCheck`, `disableGC` or `loadOnlyInlinedPlugins` is not a boolean (libcni ≥1.2 also takes \"true\"/\"false\") or `cniVersions` is not an array of version strings: `invalid type ... for disableCheck`.",
			`"disableCheck": true`, `"disableCheck": "yes"`),
		r(RuleDelegate, rules.Deny, "flannel delegate is not an object or sets name/ipam/type wrongly",
			"The flannel CNI plugin refuses a delegate that is not an object (`failed to load netconf`), that has `name` or `ipam` (`'delegate' dictionary must not have 'name' field, it'll be set by flannel`), or whose `type` is not a string. Every pod start on every node fails.",
			`"delegate": {"hairpinMode": true, "isDefaultGateway": true}`,
			`"delegate": {"type": "bridge", "ipam": {"type": "host-local"}}`),
		r(RuleDelegateType, rules.Deny, "bridge delegate field has the wrong JSON type",
			"flannel passes the delegate to the bridge plugin, which decodes it strictly: `\"hairpinMode\": \"true\"` (a string) fails with `failed to load netconf: json: cannot unmarshal string ... of type bool`, so no pod gets a network. `mtu`/`vlan` must be integers, vlan 0–4094.",
			`"hairpinMode": true`, `"hairpinMode": "true"`),
		r(RuleHairpinPromisc, rules.Deny, "hairpinMode and promiscMode both enabled",
			"The bridge plugin refuses `cannot set hairpin mode and promiscuous mode at the same time`, so every pod start fails.",
			`"delegate": {"hairpinMode": true}`, `"delegate": {"hairpinMode": true, "promiscMode": true}`),
		r(RuleDelegateIgnored, rules.Deny, "delegate key is silently overridden by flannel",
			"The flannel plugin looks up `type`, `ipMasq`, `mtu`, `isGateway`, `name`, `ipam` with exact-case map lookups. A key spelled differently (`IPMasq`, `MTU`, `Type`) is not seen, flannel adds its own value, and the delegate uses flannel's value: the setting is silently ignored.",
			`"delegate": {"ipMasq": false}`, `"delegate": {"IPMasq": false}`),
		r(RuleDelegateKeyCase, rules.Warn, "delegate key works only through case-insensitive decoding",
			"flannel passes unknown delegate keys through and bridge decodes them case-insensitively, so `HairpinMode` happens to work. But flannel's own lookups, the FAQ procedures and netguard's mutations look for the exact key; with two spellings the one sorting last in byte order wins, not the last written.",
			`"hairpinMode": true`, `"HairpinMode": true`),
		r(RuleFlannelPlugin, rules.Deny, "flannel plugin field has the wrong JSON type",
			"The flannel CNI plugin decodes its config strictly into a struct: `dataDir`/`subnetFile` must be strings, `ipam`/`runtimeConfig`/`capabilities` objects. Otherwise every ADD and DEL fails with `failed to load flannel netconf file`.",
			`{"type":"flannel","dataDir":"/var/lib/cni/flannel"}`, `{"type":"flannel","dataDir":true}`),
		r(RuleCNIUnknownKey, rules.Deny, "unknown key in the flannel plugin or bridge delegate",
			"The flannel plugin and bridge ignore keys they do not know, so a typo (`hairpin`, `delegates`, `subnet_file`) silently loses the setting.",
			`"delegate": {"hairpinMode": true}`, `"delegate": {"hairpin": true}`),
		r(RuleCNINameChanged, rules.Deny, "CNI network name changed on a live cluster",
			"host-local stores pod IP allocations in /var/lib/cni/networks/<name> and libcni caches results per network name. Renaming the network (e.g. cbr0 → cb0) on running nodes orphans every existing allocation: new pods get IPs that running pods still use (duplicate pod IPs) and deletions leak. Denied because the breakage is silent; for a planned migration (drain each node first) override FL019 to warn.",
			`name unchanged ("cbr0" → "cbr0")`, `"name": "cbr0" → "name": "cb0"`),
		r(RuleCNIDirChanged, rules.Warn, "flannel dataDir or subnetFile changed",
			"The flannel plugin saves each pod's delegate config in dataDir and reads it back on DEL; after a change DEL finds nothing and silently skips the cleanup (leaked IPs and veths). subnetFile must be where flanneld writes subnet.env, otherwise ADD fails.",
			`"dataDir" unchanged`, `"dataDir": "/var/lib/cni/flannel" → "/var/run/cni/flannel"`),
		r(RuleCNIInstallTarget, rules.Warn, "cni-conf.json form does not match the install target",
			"The file name decides how libcni parses it: the upstream kube-flannel.yml (flannel ≥v0.10) and the Helm chart copy cni-conf.json to 10-flannel.conflist, where a single-plugin body fails with `no 'plugins' key` (libcni ≤1.2) or `no plugin configs found`; kube-flannel-legacy.yml, kube-flannel-aliyun.yml, minikube.yml and ACK copy it to 10-flannel.conf, where a list body fails with `missing 'type'`. The ConfigMap does not name its target, so the message says which manifests use which file.",
			"kube-flannel/kube-flannel-cfg with a conflist body",
			`kube-flannel/kube-flannel-cfg with {"name":"cbr0","type":"flannel"}`),
		r(RuleDuplicateKey, rules.Warn, "duplicate key in cni-conf.json or net-conf.json",
			"encoding/json keeps the last of duplicate keys (for flanneld's struct fields also across case variants such as `Network`/`network`), so the earlier value is silently ignored while it looks effective to a reader.",
			`{"Network":"10.244.0.0/16"}`, `{"Network":"10.244.0.0/16","network":"172.20.0.0/16"}`),

		r(RuleNetConfInvalid, rules.Deny, "net-conf.json is missing or is not a JSON object",
			"flanneld reads net-conf.json once at start-up; a missing key gives `failed to read net conf`, invalid JSON `error parsing subnet config: invalid character ...`: the pod crash-loops and no node gets a pod subnet.",
			`net-conf.json: {"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}`,
			`net-conf.json: {"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"},}`),
		r(RuleNetConfType, rules.Deny, "net-conf.json field has a type or format flanneld cannot decode",
			"subnet.ParseConfig decodes into typed fields and any error is fatal (`error parsing subnet config: json: cannot unmarshal string into Go struct field Config.SubnetLen of type uint`, `invalid CIDR address`, `invalid IPv4 CIDR format`); Go ≥1.17 also rejects IPv4 octets with leading zeros. flanneld crash-loops.",
			`"SubnetLen": 24`, `"SubnetLen": "24"`),
		r(RuleNetworkMissing, rules.Deny, "Network is missing while IPv4 is enabled",
			"EnableIPv4 defaults to true and then Network is required: `please define a correct Network parameter` (etcd mode), and in kube mode no node PodCIDR is contained in an empty network (≥v0.18: crash-loop).",
			`{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}`, `{"Backend":{"Type":"vxlan"}}`),
		r(RuleNetworkHostBits, rules.Warn, "Network has host bits set",
			"flannel masks the address silently (10.244.1.5/16 becomes 10.244.0.0/16); what is written is not what is used.",
			`"Network": "10.244.0.0/16"`, `"Network": "10.244.1.5/16"`),
		r(RuleSubnetIPv4, rules.Deny, "SubnetLen/SubnetMin/SubnetMax do not fit Network",
			"flannel (≤v0.19 in every mode, etcd mode later) refuses: `SubnetLen must be less than /31`, `network must be able to accommodate at least four subnets`, `network is too small. Minimum useful network prefix is /28`, `SubnetMin is not in the range of the Network`, `SubnetMin is not on a SubnetLen boundary`.",
			`"Network":"10.244.0.0/16","SubnetLen":24`, `"Network":"10.244.0.0/24","SubnetLen":24`),
		r(RuleSubnetIPv6, rules.Deny, "IPv6 network settings invalid",
			"With EnableIPv6 flannel needs IPv6Network (`please define a correct IPv6Network parameter`), IPv6SubnetLen ≤126 and ≥ prefix+2, a network no smaller than /124, and IPv6SubnetMin/Max inside the network on a subnet boundary; an IPv4 CIDR in IPv6Network never contains the nodes' IPv6 PodCIDRs.",
			`"EnableIPv6":true,"IPv6Network":"fd00:10:244::/56"`, `"EnableIPv6":true`),
		r(RuleNoStack, rules.Deny, "both EnableIPv4 and EnableIPv6 are false",
			"flanneld exits with `none defined stack`: no address family is left.",
			`"EnableIPv4": true`, `"EnableIPv4": false`),
		r(RuleIPv6Backend, rules.Warn, "EnableIPv6 with a backend that has no dual-stack support",
			"Only vxlan, host-gw and wireguard support dual stack; for any other backend flannel forces EnableIPv6 off in the lease, so pods get no IPv6 route between nodes.",
			`"EnableIPv6":true,"Backend":{"Type":"vxlan"}`, `"EnableIPv6":true,"Backend":{"Type":"udp"}`),
		r(RuleBackendMissing, rules.Warn, "Backend is missing: flannel defaults to udp",
			"Without `Backend` flanneld uses the udp backend (userspace encapsulation, amd64 only, slow), not vxlan as Documentation/configuration.md says.",
			`"Backend": {"Type": "vxlan"}`, `{"Network": "10.244.0.0/16"}`),
		r(RuleBackendInvalid, rules.Deny, "Backend is not an object with a Type",
			"`\"Backend\": \"vxlan\"` fails with `error decoding Backend property of config`; `{}`, `null` or an empty Type fail with `unknown backend type: `; flanneld exits.",
			`"Backend": {"Type": "vxlan"}`, `"Backend": "vxlan"`),
		r(RuleBackendType, rules.Deny, "Backend type unknown to this flannel version",
			"flanneld lowercases Backend.Type and looks it up among the registered backends: `unknown backend type: ali-vpc` (ali-vpc, aws-vpc, gce were removed in v0.20.0; wireguard exists since v0.16.0, tencent-vpc since v0.14.0) and it exits.",
			`"Type": "vxlan"`, `"Type": "vxlan-gbp"`),
		r(RuleBackendObsolete, rules.Warn, "Backend type removed in newer flannel versions",
			"ali-vpc, aws-vpc and gce were removed in flannel v0.20.0. The flannel version is not known, so netguard cannot tell whether this image still has the backend; with v0.20+ flanneld exits with `unknown backend type`.",
			`"Type": "alloc"`, `"Type": "ali-vpc"`),
		r(RuleBackendField, rules.Deny, "Backend field has the wrong type or value",
			"Each backend decodes its own fields from the Backend object and a type error is fatal (`error decoding VXLAN backend config`); ipsec needs a PSK of at least 96 characters (`password is too short`), wireguard a Mode of separate/auto/ipv4/ipv6 (`no valid Mode configured`) and a base64 32-byte PSK, vxlan a VNI in 0–16777215.",
			`"Backend": {"Type": "vxlan", "VNI": 1, "Port": 8472}`, `"Backend": {"Type": "vxlan", "VNI": "1"}`),
		r(RuleBackendUnknownKey, rules.Deny, "unknown key in Backend",
			"Backends ignore keys they do not know, so a typo (`DirectRoute`, `VNl`) silently loses the setting. Keys of another backend type (`VNI` with host-gw) are FL048, not this rule.",
			`"Backend": {"Type": "vxlan", "DirectRouting": true}`, `"Backend": {"Type": "vxlan", "DirectRoute": true}`),
		r(RuleBackendOtherKey, rules.Warn, "Backend key of another backend type",
			"Each backend decodes only its own fields from the Backend object and ignores the rest, so a setting of another backend (VNI or Port with host-gw, as RKE renders them for every type) has no effect but breaks nothing. Unlike an unknown key (FL045) it is not a typo, so netguard warns instead of denying.",
			`"Backend": {"Type": "host-gw"}`, `"Backend": {"Type": "host-gw", "VNI": 1, "Port": 8472}`),
		r(RuleNetConfVersionKey, rules.Warn, "net-conf.json field not supported by this flannel version",
			"The field was removed (Networks/IPv6Networks: only v0.20–v0.24) or does not exist yet in the flannel version in use (EnableIPv6/IPv6Network: v0.15+, EnableNFTables: v0.25+); flanneld ignores it.",
			`"EnableNFTables": false (flannel v0.25+)`, `"Networks": ["10.244.0.0/16"] (flannel v0.25+)`),
		r(RuleNetConfUnknownKey, rules.Deny, "unknown key in net-conf.json",
			"flanneld ignores unknown keys, so a typo (`Netwrok`, `SubnetLength`, `BackendType`) silently falls back to the default.",
			`"SubnetLen": 24`, `"SubnetLength": 24`),
		r(RuleNodePodCIDR, rules.Deny, "Network does not contain every node podCIDR",
			"In kube-subnet-mgr mode each node's lease is its spec.podCIDR. flannel ≥0.18 crash-loops with `subnet ... specified in the flannel net config doesn't contain ... PodCIDR of the ... node`; older versions start with FLANNEL_NETWORK and FLANNEL_SUBNET disagreeing and cross-node routing breaks.",
			`Network 10.244.0.0/16, node podCIDR 10.244.3.0/24`, `Network 10.244.0.0/16, node podCIDR 172.20.1.0/24`),
		r(RuleServiceOverlap, rules.Deny, "pod addresses overlap the Service CIDR",
			"Pod addresses and ClusterIPs from the same range make kube-proxy's rules and the pod routes collide: traffic to Services or pods is misrouted (DNS typically fails first). flanneld reads net-conf.json only with --kube-subnet-mgr, where each node's lease is its spec.podCIDR; kube-controller-manager never allocates podCIDRs inside the Service range. So netguard denies a Network inside the Service CIDR, or a node podCIDR overlapping it, but not a Network that merely contains the Service CIDR (kops: Network 100.64.0.0/10, Services 100.64.0.0/13, pods 100.96.0.0/11).",
			`Network 100.64.0.0/10 with Services 100.64.0.0/13 and node podCIDRs in 100.96.0.0/11`, `Network 172.21.0.0/20 inside Service CIDR 172.16.0.0/12, or node podCIDR 100.64.1.0/24 with Services 100.64.0.0/13`),
		r(RuleClusterCIDR, rules.Warn, "Network does not contain the cluster pod CIDR",
			"kube-controller-manager allocates node podCIDRs from --cluster-cidr; when flannel's Network does not contain that range, new nodes get podCIDRs flannel does not expect (crash-loop on ≥0.18, broken routing before). A Network that contains the cluster CIDR is fine (kops: Network 100.64.0.0/10 over --cluster-cidr 100.96.0.0/11).",
			`Network 10.244.0.0/16, cluster CIDR 10.244.0.0/16 (or Network 100.64.0.0/10, cluster CIDR 100.96.0.0/11)`, `Network 10.244.0.0/16, cluster CIDR 172.20.0.0/16`),
		r(RuleNetworkChanged, rules.Warn, "Network or Backend changed on a live cluster",
			"flanneld reads net-conf.json only at start-up. After a Network change existing nodes keep cni0 with the old gateway (`\"cni0\" already has an IP address different from ...`) until cleaned; a Backend change leaves the old backend running until every flannel pod restarts, and nodes on different backends cannot talk (\"Once set, the backend should not be changed at runtime\").",
			`Backend.Type "vxlan" → "vxlan"`, `Backend.Type "vxlan" → "host-gw"`),
		r(RuleRestart, rules.Info, "flannel pods must be restarted for the change to take effect",
			"flanneld reads net-conf.json and the install-cni init container copies cni-conf.json only when the pod starts, so nothing changes until the flannel pods are recreated; a hairpinMode change only applies to pods created afterwards.",
			"(no change to kube-flannel-cfg)", "(any change to kube-flannel-cfg)").WithRestartAdvice(),
		r(RuleHairpinNotInjected, rules.Warn, "hairpinMode not injected because promiscMode is on",
			"The hairpin mutation is configured, but the delegate enables promiscMode and bridge refuses both together; netguard leaves the delegate alone, so a pod still cannot reach itself through its own Service unless promiscMode is turned off.",
			`"delegate": {"isDefaultGateway": true}`, `"delegate": {"promiscMode": true}`),
	)
	rules.Register(
		rules.Rule{ID: RuleInjectCNIVersion, Title: "inject cniVersion when missing", Severity: rules.Info, Component: Component, Mutation: true,
			Rationale: "A cni-conf.json without cniVersion makes kubelet ≥1.16 / libcni <0.8 skip the config (`plugin flannel does not support config version \"\"`) and the node goes NotReady — the ACK FAQ fix. netguard inserts `\"cniVersion\": \"0.3.1\"` (configurable) right after `name`, leaving the rest of the document untouched.",
			Good:      `{"name":"cb0","cniVersion":"0.3.1","type":"flannel"}`, Bad: `{"name":"cb0","type":"flannel"}`},
		rules.Rule{ID: RuleInjectHairpin, Title: "inject delegate.hairpinMode: true", Severity: rules.Info, Component: Component, Mutation: true,
			Rationale: "Without hairpinMode a pod cannot reach itself through its own Service ClusterIP (the kubelet --hairpin-mode flag has no effect with CNI). When configured, netguard adds `\"hairpinMode\": true` to the bridge delegate (creating `delegate` if needed) unless hairpinMode is already set or promiscMode is on.",
			Good:      `"delegate": {"isDefaultGateway": true, "hairpinMode": true}`, Bad: `"delegate": {"isDefaultGateway": true}`},
	)
}
