package terway

import (
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
)

type C = rulestest.Case

func TestRules(t *testing.T) {
	v1166 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.16.6"}}
	v1175 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.17.5"}}
	v1132 := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.13.2"}}
	labelled := rules.Node{Name: "cn-hangzhou.10.0.0.7", Labels: map[string]string{"terway-config": "eni-config-pool-a"}}
	other := rules.Node{Name: "cn-hangzhou.10.0.0.8", Labels: map[string]string{"terway-config": "eni-config-other"}}
	baseSGs := `{"security_groups": ["sg-bp1aaaaaaaaaaaaaaaaaa", "sg-bp1bbbbbbbbbbbbbbbbbb"], "max_pool_size": 5}`

	rulestest.Run(t, New(), []C{
		// TW001 eni_conf presence and shape.
		{Name: "missing eni_conf crashes terway", Rule: "TW001", Fire: true, Object: baseCM(map[string]string{"eni_conf": "<delete>"}), Contains: []string{"missing"}},
		{Name: "empty eni_conf crashes terway", Rule: "TW001", Fire: true, Object: eni("  \n"), Contains: []string{"empty"}},
		{Name: "null eni_conf silently yields defaults", Rule: "TW001", Fire: true, Object: eni("null"), Contains: []string{"all-default"}},
		{Name: "array eni_conf is not an object", Rule: "TW001", Fire: true, Object: eni(`[{"max_pool_size": 5}]`), Contains: []string{"JSON array"}},
		{Name: "null override replaces the whole base", Rule: "TW001", Fire: true, Object: override("eni-config-pool-a", "null"), Contains: []string{"REPLACES the whole base"}},
		{Name: "object eni_conf is fine", Rule: "TW001", Object: eni(goodENIConf)},

		// TW002 syntax.
		{Name: "comment in eni_conf", Rule: "TW002", Fire: true, Object: eni("{\n  \"max_pool_size\": 5, // pool\n  \"min_pool_size\": 0\n}"), Contains: []string{"no comments"},
			Check: func(t *testing.T, res engineResult) { wantLine(t, res, "TW002", 2) }},
		{Name: "trailing comma in eni_conf", Rule: "TW002", Fire: true, Object: eni("{\"max_pool_size\": 5,\n}"), Contains: []string{"trailing comma"}},
		{Name: "syntax error in an override fails the merge", Rule: "TW002", Fire: true, Object: override("eni-config-pool-a", `{"max_pool_size": 10,}`), Contains: []string{"Invalid JSON Patch"}},
		{Name: "valid JSON has no syntax finding", Rule: "TW002", Object: eni(goodENIConf)},

		// TW003/TW004 duplicates.
		{Name: "duplicate key with different values: last wins", Rule: "TW003", Fire: true, Object: eni(`{"max_pool_size": 5, "min_pool_size": 0, "max_pool_size": 10}`), Contains: []string{"LAST", "10"}},
		{Name: "nested duplicate zone with different lists", Rule: "TW003", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa"], "cn-hangzhou-j": ["vsw-bp1bbbbbbbbbbbbbbbbbb"]}}`), Contains: []string{"vswitches.cn-hangzhou-j"}},
		{Name: "identical duplicate is not a conflict", Rule: "TW003", Object: eni(`{"max_pool_size": 5, "max_pool_size": 5}`)},
		{Name: "identical duplicate is warned", Rule: "TW004", Fire: true, Object: eni(`{"max_pool_size": 5, "max_pool_size":  5}`)},
		{Name: "no duplicate, no warning", Rule: "TW004", Object: eni(goodENIConf)},

		// TW005 types.
		{Name: "quoted integer is a type error", Rule: "TW005", Fire: true, Object: eni(`{"max_pool_size": "5"}`), Contains: []string{"cannot unmarshal string", `"max_pool_size": 5`}},
		{Name: "quoted bool is a type error", Rule: "TW005", Fire: true, Object: eni(`{"enable_eni_trunking": "true"}`), Contains: []string{`"enable_eni_trunking": true`}},
		{Name: "numeric version is a type error", Rule: "TW005", Fire: true, Object: eni(`{"version": 1}`), Contains: []string{`"version": "1"`}},
		{Name: "5.0 does not decode into an int", Rule: "TW005", Fire: true, Object: eni(`{"max_pool_size": 5.0}`), Contains: []string{"fraction"}},
		{Name: "integer overflow", Rule: "TW005", Fire: true, Object: eni(`{"max_pool_size": 99999999999999999999}`), Contains: []string{"64 bits"}},
		{Name: "float32 overflow in kube_client_qps", Rule: "TW005", Fire: true, Object: eni(`{"kube_client_qps": 1e40}`)},
		{Name: "jitter factor as a number is a type error", Rule: "TW005", Fire: true, Object: eni(`{"idle_ip_reclaim_jitter_factor": 0.1}`), Contains: []string{`"0.1"`}},
		{Name: "string instead of security_groups array", Rule: "TW005", Fire: true, Object: eni(`{"security_groups": "sg-bp1abcdefghijklmnopq"}`), Contains: []string{`["sg-bp1abcdefghijklmnopq"]`}},
		{Name: "vswitch list given as a string", Rule: "TW005", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-j": "vsw-bp1aaaaaaaaaaaaaaaaaa"}}`)},
		{Name: "eni_tags value must be a string", Rule: "TW005", Fire: true, Object: eni(`{"eni_tags": {"team": 7}}`)},
		{Name: "backoff Duration is integer nanoseconds", Rule: "TW005", Fire: true, Object: eni(`{"backoff_override": {"eni_create": {"Duration": "10s"}}}`)},
		{Name: "rate_limit values are ints", Rule: "TW005", Fire: true, Object: eni(`{"rate_limit": {"CreateNetworkInterface": "600"}}`)},
		{Name: "extra_routes entries need a string dst", Rule: "TW005", Fire: true, Object: eni(`{"extra_routes": [{"dst": 10}]}`)},
		{Name: "well-typed fields including null", Rule: "TW005", Object: eni(`{"version": "1", "max_pool_size": 5, "eni_cap_ratio": 1.5, "kube_client_qps": 20, "enable_eni_trunking": true, "ip_warm_up_size": null,
			"idle_ip_reclaim_jitter_factor": "0.1", "eni_tags": {"team": "net"}, "rate_limit": {"CreateNetworkInterface": 600},
			"backoff_override": {"eni_create": {"InitialDelay": 0, "Duration": 10000000000, "Factor": 2, "Jitter": 0.3, "Steps": 2, "Cap": 60000000000}},
			"extra_routes": [{"dst": "10.0.0.0/8"}], "eni_tag_block_list": [{"key": "owner", "value": "other"}], "custom_stateful_workload_kinds": ["CloneSet"]}`)},

		// TW006 unknown keys.
		{Name: "case variant is silently discarded", Rule: "TW006", Fire: true, Object: eni(`{"Max_Pool_Size": 5}`), Contains: []string{`rename "Max_Pool_Size" to "max_pool_size"`, "case-sensitively"}},
		{Name: "typo gets a did-you-mean", Rule: "TW006", Fire: true, Object: eni(`{"max_pool_sise": 5}`), Contains: []string{`"max_pool_size"`}},
		{Name: "unknown key without suggestion", Rule: "TW006", Fire: true, Object: eni(`{"flux_capacitor": true}`), Contains: []string{"no effect"}},
		{Name: "lower-case backoff field is ignored", Rule: "TW006", Fire: true, Object: eni(`{"backoff_override": {"eni_create": {"duration": 10000000000}}}`), Contains: []string{`"Duration"`}},
		{Name: "unknown backoff name", Rule: "TW006", Fire: true, Object: eni(`{"backoff_override": {"eni_creat": {"Steps": 3}}}`), Contains: []string{`"eni_create"`}},
		{Name: "misspelt rate_limit action", Rule: "TW006", Fire: true, Object: eni(`{"rate_limit": {"CreateNetworkinterface": 600}}`), Contains: []string{"CreateNetworkInterface"}},
		{Name: "tag block list item key case", Rule: "TW006", Fire: true, Object: eni(`{"eni_tag_block_list": [{"Key": "a", "value": "b"}]}`)},
		{Name: "known keys only", Rule: "TW006", Object: eni(goodENIConf)},

		// TW007 removed.
		{Name: "hot_plug was removed", Rule: "TW007", Fire: true, Object: eni(`{"max_pool_size": 5, "hot_plug": true}`), Contains: []string{"removed"}},
		{Name: "eni_cap_policy was removed", Rule: "TW007", Fire: true, Object: eni(`{"eni_cap_policy": "preferred"}`)},
		// Upstream shape: docs/eip.md (v1.8.x) sets enable_eip_pool "true" and enable_eip_migrate true.
		{Name: "a field the cluster's Terway still reads is not called removed", Rule: "TW007", Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.8.18"}}, Object: eni(`{"enable_eip_pool": "true", "enable_eip_migrate": true}`)},
		{Name: "a removed field is type-checked where it still exists", Rule: "TW005", Fire: true, Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.8.18"}}, Object: eni(`{"enable_eip_migrate": "true"}`), Contains: []string{`"enable_eip_migrate": true`}},
		{Name: "a removed field under a later Terway names that version", Rule: "TW007", Fire: true, Cluster: v1166, Object: eni(`{"enable_eip_pool": "true"}`), Contains: []string{"not read by Terway v1.16.6", "until v1.9.6"}},
		{Name: "current fields are not removed", Rule: "TW007", Object: eni(`{"eni_cap_ratio": 1}`)},

		// TW008 misplaced.
		{Name: "in_cluster_loadbalance inside eni_conf", Rule: "TW008", Fire: true, Object: eni(`{"max_pool_size": 5, "in_cluster_loadbalance": "true"}`), Contains: []string{"top-level"}},
		{Name: "disable_network_policy inside eni_conf", Rule: "TW008", Fire: true, Object: eni(`{"disable_network_policy": "true"}`)},
		{Name: "eniip_virtual_type inside eni_conf", Rule: "TW008", Fire: true, Object: eni(`{"eniip_virtual_type": "ipvlan"}`), Contains: []string{"10-terway.conf"}},
		{Name: "felix_relay_service inside eni_conf", Rule: "TW008", Fire: true, Object: eni(`{"felix_relay_service": "calico-typha"}`)},
		{Name: "ip_stack in 10-terway.conf while eni_conf has none", Rule: "TW008", Fire: true, Object: baseCM(map[string]string{"eni_conf": `{"max_pool_size": 5}`, "10-terway.conf": `{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "ip_stack": "dual"}`}), Contains: []string{"eni_conf"}},
		// Upstream shape: terway-multiip.yml v1.1.0-v1.6.0 ships "ip_stack": "ipv4" in 10-terway.conf and none in eni_conf.
		{Name: "ip_stack in 10-terway.conf equal to the default stack is no misread", Rule: "TW008", Object: baseCM(map[string]string{"eni_conf": `{"max_pool_size": 5}`, "10-terway.conf": `{"cniVersion": "0.3.1", "name": "terway", "type": "terway", "eniip_virtual_type": "Veth", "ip_stack": "ipv4"}`})},
		{Name: "ip_stack in 10-terway.conf equal to eni_conf's dual is no misread", Rule: "TW008", Object: baseCM(map[string]string{"eni_conf": `{"ip_stack": "dual"}`, "10-terway.conf": `{"type": "terway", "ip_stack": "dual"}`})},
		{Name: "ip_stack in 10-terway.conf differing from eni_conf's", Rule: "TW008", Fire: true, Object: baseCM(map[string]string{"eni_conf": `{"ip_stack": "dual"}`, "10-terway.conf": `{"type": "terway", "ip_stack": "ipv4"}`}), Contains: []string{`"dual"`}},
		{Name: "vswitches inside the CNI config", Rule: "TW008", Fire: true, Object: cni(`{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "vswitches": {}}`)},
		{Name: "top-level keys in their place", Rule: "TW008", Object: baseCM(map[string]string{"in_cluster_loadbalance": "true", "felix_relay_service": "calico-typha"})},

		// TW009 eni_conf / CNI fields at top level.
		{Name: "vswitches as a top-level key", Rule: "TW009", Fire: true, Object: baseCM(map[string]string{"vswitches": `{"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]}`}), Contains: []string{"into the eni_conf JSON"}},
		{Name: "max_pool_size as a top-level key", Rule: "TW009", Fire: true, Object: baseCM(map[string]string{"max_pool_size": "10"})},
		{Name: "eniip_virtual_type as a top-level key", Rule: "TW009", Fire: true, Object: baseCM(map[string]string{"eniip_virtual_type": "datapathv2"}), Contains: []string{"10-terway.conf"}},
		{Name: "regular top-level keys", Rule: "TW009", Object: baseCM(map[string]string{"in_cluster_loadbalance": "true"})},

		// TW010/TW011 unknown top-level keys.
		{Name: "misspelt disable_network_policy", Rule: "TW010", Fire: true, Object: baseCM(map[string]string{"disable_network_polcy": "true"}), Contains: []string{`"disable_network_policy"`}},
		{Name: "in_cluster_load_balance spelled apart", Rule: "TW010", Fire: true, Object: baseCM(map[string]string{"in_cluster_load_balance": "true"}), Contains: []string{`"in_cluster_loadbalance"`}},
		{Name: "correct key is not a typo", Rule: "TW010", Object: baseCM(map[string]string{"disable_network_policy": "true"})},
		{Name: "unrelated top-level key is ignored", Rule: "TW011", Fire: true, Object: baseCM(map[string]string{"notes": "pool for batch jobs"})},
		{Name: "static-rules.json is a Windows key", Rule: "TW011", Object: baseCM(map[string]string{"static-rules.json": "[]"})},

		// TW012 ip_stack.
		{Name: "ipv6 passes the control plane but crashes the daemon", Rule: "TW012", Fire: true, Object: eni(`{"ip_stack": "ipv6"}`), Contains: []string{"unsupported ipStack ipv6"}},
		{Name: "ip_stack is case-sensitive", Rule: "TW012", Fire: true, Object: eni(`{"ip_stack": "IPv4"}`), Contains: []string{`"ip_stack": "ipv4"`}},
		{Name: "ip_stack is not read by Terway v1.0.x", Rule: "TW018", Fire: true, Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.0.10.0-g7da5160-aliyun"}}, Object: eni(`{"ip_stack": "dual"}`), Contains: []string{"v1.1.0"}},
		{Name: "dual stack is supported", Rule: "TW012", Object: eni(`{"ip_stack": "dual"}`)},

		// TW013/TW014 security groups.
		{Name: "eleven security groups are refused", Rule: "TW013", Fire: true, Object: eni(`{"security_groups": ` + sgList(11) + `}`), Contains: []string{"11 distinct"}},
		{Name: "security_group counts toward the union", Rule: "TW013", Fire: true, Object: eni(`{"security_group": "sg-bp1zzzzzzzzzzzzzzzzzz", "security_groups": ` + sgList(10) + `}`)},
		{Name: "terway before v1.13.7 allows only five", Rule: "TW013", Fire: true, Cluster: v1132, Object: eni(`{"security_groups": ` + sgList(6) + `}`), Contains: []string{"at most 5"}},
		{Name: "ten security groups are accepted", Rule: "TW013", Object: eni(`{"security_groups": ` + sgList(10) + `}`)},
		{Name: "six security groups exceed the ECS default", Rule: "TW014", Fire: true, Object: eni(`{"security_groups": ` + sgList(6) + `}`)},
		{Name: "duplicates are counted once", Rule: "TW014", Object: eni(`{"security_group": "sg-bp1abcdefghijklmnoa", "security_groups": ` + sgList(5) + `}`)},

		// TW015 durations.
		{Name: "days are not a Go duration", Rule: "TW015", Fire: true, Object: eni(`{"idle_ip_reclaim_after": "1d"}`), Contains: []string{`"1h"`}},
		{Name: "interval without unit", Rule: "TW015", Fire: true, Object: eni(`{"idle_ip_reclaim_interval": "600"}`)},
		{Name: "invalid ip_pool_sync_period is silently 120s", Rule: "TW015", Fire: true, Object: eni(`{"ip_pool_sync_period": "2 minutes"}`), Contains: []string{"120s"}},
		{Name: "valid durations", Rule: "TW015", Object: eni(`{"idle_ip_reclaim_after": "1h30m", "idle_ip_reclaim_interval": "10m", "ip_pool_sync_period": ""}`)},

		// TW016 jitter.
		{Name: "jitter factor as a percentage", Rule: "TW016", Fire: true, Object: eni(`{"idle_ip_reclaim_jitter_factor": "10%"}`)},
		{Name: "jitter factor as a float string", Rule: "TW016", Object: eni(`{"idle_ip_reclaim_jitter_factor": "0.1"}`)},

		// TW017 prefix.
		{Name: "two IPv6 prefixes in prefix mode", Rule: "TW017", Fire: true, Object: eni(`{"enable_ip_prefix": true, "ipv6_prefix_count": 2}`)},
		{Name: "override sets the count, base enables prefix mode", Rule: "TW017", Fire: true, Cluster: withBase(`{"enable_ip_prefix": true}`), Object: override("eni-config-pool-a", `{"ipv6_prefix_count": 3}`), Contains: []string{"comes from the base"}},
		{Name: "two IPv6 prefixes without prefix mode are unused", Rule: "TW017", Object: eni(`{"enable_ip_prefix": false, "ipv6_prefix_count": 2}`)},
		{Name: "one IPv6 prefix is allowed", Rule: "TW017", Object: eni(`{"enable_ip_prefix": true, "ipv6_prefix_count": 1, "ipv4_prefix_count": 5}`)},

		// TW018 versions.
		{Name: "prefix mode on terway v1.16.6", Rule: "TW018", Fire: true, Cluster: v1166, Object: eni(`{"enable_ip_prefix": true}`), Contains: []string{"v1.17.1"}},
		{Name: "prefix mode on terway v1.17.5", Rule: "TW018", Cluster: v1175, Object: eni(`{"enable_ip_prefix": true}`)},
		{Name: "unknown terway version stays silent", Rule: "TW018", Object: eni(`{"enable_ip_prefix": true}`)},

		// TW019 negative sizes.
		{Name: "negative min_pool_size", Rule: "TW019", Fire: true, Object: eni(`{"min_pool_size": -1}`)},
		{Name: "zero is fine", Rule: "TW019", Object: eni(`{"min_pool_size": 0, "ip_warm_up_size": 0}`)},

		// TW020 min > max.
		{Name: "min above max", Rule: "TW020", Fire: true, Object: eni(`{"min_pool_size": 10, "max_pool_size": 5}`)},
		{Name: "min above max across override and base", Rule: "TW020", Fire: true, Cluster: withBase(`{"max_pool_size": 5}`), Object: override("eni-config-pool-a", `{"min_pool_size": 8}`)},
		{Name: "min below max", Rule: "TW020", Object: eni(`{"min_pool_size": 2, "max_pool_size": 5}`)},

		// TW021/TW022 enums.
		{Name: "capitalised policy silently becomes random", Rule: "TW021", Fire: true, Object: eni(`{"vswitch_selection_policy": "Ordered"}`), Contains: []string{`"random"`, `"ordered"`}},
		{Name: "least-ips with a dash", Rule: "TW021", Fire: true, Object: eni(`{"eni_selection_policy": "least-ips"}`)},
		{Name: "CRD in capitals means legacy IPAM", Rule: "TW021", Fire: true, Object: eni(`{"ipam_type": "CRD"}`)},
		{Name: "eBPF provider silently means iptables", Rule: "TW021", Fire: true, Object: cni(`{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "network_policy_provider": "eBPF"}`)},
		{Name: "valid enum values", Rule: "TW021", Object: eni(`{"vswitch_selection_policy": "random", "eni_selection_policy": "least_ips", "ipam_type": "crd"}`)},
		{Name: "unrelated policy value falls back", Rule: "TW022", Fire: true, Object: eni(`{"eni_selection_policy": "balanced"}`), Contains: []string{`"most_ips"`}},
		{Name: "unrelated provider value", Rule: "TW022", Fire: true, Object: cni(`{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "network_policy_provider": "calico"}`)},
		{Name: "near misses are not merely warned", Rule: "TW022", Object: eni(`{"vswitch_selection_policy": "Ordered"}`)},

		// TW023/TW024/TW025 IDs.
		{Name: "masked vSwitch ID from the docs", Rule: "TW023", Fire: true, Object: eni(`{"vswitches": {"cn-beijing-h": ["vsw-2zem796p76viir02c****"]}}`), Contains: []string{"masked ID copied from documentation", "Terway will fail to find it"}},
		{Name: "masked security group ID", Rule: "TW023", Fire: true, Object: eni(`{"security_group": "sg-bp19k3sj8dk3dcd7****"}`)},
		{Name: "real IDs are not masked", Rule: "TW023", Object: eni(goodENIConf)},
		{Name: "security group without prefix", Rule: "TW024", Fire: true, Object: eni(`{"security_group": "bp1abcdefghijklmnopq"}`)},
		{Name: "vSwitch ID with a trailing space", Rule: "TW024", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-j": ["vsw-bp1aaaaaaaaaaaaaaaaaa "]}}`), Contains: []string{"whitespace"}},
		{Name: "security group in the vswitch list", Rule: "TW024", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-j": ["sg-bp1abcdefghijklmnopq"]}}`)},
		{Name: "well-formed IDs", Rule: "TW024", Object: eni(goodENIConf)},
		{Name: "region instead of zone", Rule: "TW025", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]}}`)},
		{Name: "zone key with a trailing dash", Rule: "TW025", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]}}`)},
		{Name: "upper-case zone", Rule: "TW025", Fire: true, Object: eni(`{"vswitches": {"cn-hangzhou-J": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]}}`)},
		{Name: "digit-suffixed zones", Rule: "TW025", Object: eni(`{"vswitches": {"eu-central-1a": ["vsw-gw8aaaaaaaaaaaaaaaaaa"], "cn-north-2-gov-1a": ["vsw-2zeaaaaaaaaaaaaaaaaaa"], "cn-shanghai-finance-1z": ["vsw-uf6aaaaaaaaaaaaaaaaaa"], "cn-hangzhou-finance-k": ["vsw-bp1aaaaaaaaaaaaaaaaaa"]}}`)},

		// TW026/TW027 service_cidr.
		{Name: "three-octet CIDR from terway issue 522", Rule: "TW026", Fire: true, Object: eni(`{"service_cidr": "172.16.0/16"}`), Contains: []string{"DROPS", "172.16.0.0/16"}},
		{Name: "space after the comma", Rule: "TW026", Fire: true, Object: eni(`{"service_cidr": "192.168.0.0/16, fd00::/112"}`), Contains: []string{`"fd00::/112"`},
			Check: func(t *testing.T, res engineResult) { wantColumn(t, res, "TW026", 34) }},
		{Name: "dual-stack service CIDR", Rule: "TW026", Object: eni(`{"service_cidr": "192.168.0.0/16,fd00::/112"}`)},
		{Name: "two IPv4 service CIDRs", Rule: "TW027", Fire: true, Object: eni(`{"service_cidr": "192.168.0.0/16,172.21.0.0/20"}`), Contains: []string{"172.21.0.0/20"}},
		{Name: "one per family", Rule: "TW027", Object: eni(`{"service_cidr": "192.168.0.0/16,fd00::/112"}`)},

		// TW030 disable_network_policy.
		{Name: "block scalar newline disables policy", Rule: "TW030", Fire: true, Object: baseCM(map[string]string{"disable_network_policy": "false\n"}), Contains: []string{`"false\n"`, "DISABLES", `use disable_network_policy: "false"`, "block scalar"}},
		{Name: "False with a capital disables policy", Rule: "TW030", Fire: true, Object: baseCM(map[string]string{"disable_network_policy": "False"}), Contains: []string{`"False"`}},
		{Name: "no disables policy", Rule: "TW030", Fire: true, Object: baseCM(map[string]string{"disable_network_policy": "no"})},
		{Name: "FAQ value true is deliberate", Rule: "TW030", Object: baseCM(map[string]string{"disable_network_policy": "true"})},
		{Name: "zero keeps policy", Rule: "TW030", Object: baseCM(map[string]string{"disable_network_policy": "0"})},

		// TW031/TW032 in_cluster_loadbalance.
		{Name: "True with a capital stays off", Rule: "TW031", Fire: true, Object: baseCM(map[string]string{"in_cluster_loadbalance": "True"}), Contains: []string{"OFF", `in_cluster_loadbalance: "true"`}},
		{Name: "block scalar true stays off", Rule: "TW031", Fire: true, Object: baseCM(map[string]string{"in_cluster_loadbalance": "true\n"}), Contains: []string{`"true\n"`}},
		{Name: "yes stays off", Rule: "TW031", Fire: true, Object: baseCM(map[string]string{"in_cluster_loadbalance": "yes"})},
		{Name: "1 stays off", Rule: "TW031", Fire: true, Object: baseCM(map[string]string{"in_cluster_loadbalance": "1"})},
		{Name: "FAQ value true", Rule: "TW031", Object: baseCM(map[string]string{"in_cluster_loadbalance": "true"})},
		{Name: "veth without ebpf has no cilium", Rule: "TW032", Fire: true, Object: baseCM(map[string]string{"10-terway.conf": vethCNI, "in_cluster_loadbalance": "true"})},
		{Name: "ebpf provider runs cilium", Rule: "TW032", Object: baseCM(map[string]string{"in_cluster_loadbalance": "true"})},
		{Name: "datapathv2 runs cilium", Rule: "TW032", Object: baseCM(map[string]string{"10-terway.conf": `{"cniVersion": "0.4.0", "name": "terway", "eniip_virtual_type": "datapathv2", "type": "terway"}`, "in_cluster_loadbalance": "true"})},

		// TW040/TW041 CNI config presence and shape.
		{Name: "missing 10-terway.conf", Rule: "TW040", Fire: true, Object: baseCM(map[string]string{"10-terway.conf": "<delete>"})},
		{Name: "conflist does not replace 10-terway.conf", Rule: "TW040", Fire: true, Object: baseCM(map[string]string{"10-terway.conf": "<delete>", "10-terway.conflist": `{"plugins": [{"type": "terway"}]}`}), Contains: []string{"even when"}},
		{Name: "10-terway.conf present", Rule: "TW040", Object: baseCM(nil)},
		{Name: "comment copied from the hubble doc", Rule: "TW041", Fire: true, Object: cni("{\n  \"type\": \"terway\",\n  \"cilium_enable_hubble\": \"true\" // enable hubble\n}"), Contains: []string{"comments"},
			Check: func(t *testing.T, res engineResult) { wantLine(t, res, "TW041", 3) }},
		{Name: "plugin without type", Rule: "TW041", Fire: true, Object: cni(`{"cniVersion": "0.4.0", "name": "terway"}`), Contains: []string{"type not found"}},
		{Name: "conflist plugin with numeric type", Rule: "TW041", Fire: true, Object: baseCM(map[string]string{"10-terway.conflist": `{"plugins": [{"type": "terway"}, {"type": 7}]}`})},
		{Name: "conflist plugins not an array", Rule: "TW041", Fire: true, Object: baseCM(map[string]string{"10-terway.conflist": `{"plugins": {"type": "terway"}}`})},
		{Name: "custom chain from docs/cni-chain.md", Rule: "TW041", Object: baseCM(map[string]string{"10-terway.conflist": `{"plugins": [{"type": "terway"}, {"type": "cilium-cni"}, {"type": "portmap", "capabilities": {"portMappings": true}, "externalSetMarkChain": "KUBE-MARK-MASQ"}]}`})},

		// TW042/TW043 datapath.
		{Name: "ebpf is not a datapath", Rule: "TW042", Fire: true, Object: cni(`{"type": "terway", "eniip_virtual_type": "ebpf"}`), Contains: []string{"invalid datapath"}},
		{Name: "datapath names are case-insensitive", Rule: "TW042", Object: cni(`{"type": "terway", "eniip_virtual_type": "DataPathV2"}`)},
		{Name: "ipvlan needs the feature gate", Rule: "TW043", Fire: true, Object: cni(`{"type": "terway", "eniip_virtual_type": "IPVlan"}`), Contains: []string{"ipvlan is unsupported"}},
		{Name: "veth is fine", Rule: "TW043", Object: cni(vethCNI)},
		// Upstream shape: terway-cilium.yml v1.1.0-v1.6.0 and the v1.6-v1.12 chart (enableIPvlan) ship "IPVlan".
		{Name: "ipvlan before the AutoDataPathV2 gate existed is a datapath of its own", Rule: "TW043", Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.6.0"}}, Object: cni(ipvlanCNI),
			Check: func(t *testing.T, res engineResult) { wantNoMention(t, res, "AutoDataPathV2") }},
		{Name: "ipvlan while the gate is off by default stays ipvlan", Rule: "TW043", Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.12.1"}}, Object: cni(ipvlanCNI)},
		{Name: "ipvlan from v1.13.2 runs datapathv2 on new nodes", Rule: "TW043", Fire: true, Cluster: v1132, Object: cni(ipvlanCNI), Contains: []string{"on by default", "datapathv2 instead of IPvlan"},
			Check: func(t *testing.T, res engineResult) { wantNoMention(t, res, "ipvlan is unsupported") }},
		{Name: "ipvlan on v1.17.5 is still accepted", Rule: "TW043", Fire: true, Cluster: v1175, Object: cni(ipvlanCNI), Contains: []string{"nodes already running IPvlan keep it"},
			Check: func(t *testing.T, res engineResult) { wantNoMention(t, res, "ipvlan is unsupported") }},
		{Name: "ipvlan after v1.17.5 fails without the gate", Rule: "TW043", Fire: true, Cluster: &rules.ClusterContext{Facts: map[string]string{VersionFact: "v1.18.0"}}, Object: cni(ipvlanCNI), Contains: []string{"ipvlan is unsupported"}},
		{Name: "ipvlan without a version is phrased for every version", Rule: "TW043", Fire: true, Object: cni(ipvlanCNI), Contains: []string{"depends on the Terway version", "before v1.13.2", "--terway-version"}},

		// TW044 CNI types.
		{Name: "mtu as a string fails pod creation", Rule: "TW044", Fire: true, Object: cni(`{"type": "terway", "mtu": "1500"}`), Contains: []string{`"mtu": 1500`}},
		{Name: "hubble switch as a bool", Rule: "TW044", Fire: true, Object: cni(`{"type": "terway", "cilium_enable_hubble": true}`), Contains: []string{"failed to unmarshal args"}},
		{Name: "policy provider must be a string", Rule: "TW044", Fire: true, Object: cni(`{"type": "terway", "network_policy_provider": true}`), Contains: []string{"network_policy_provider type error"}},
		{Name: "symmetric routing mark as a string", Rule: "TW044", Fire: true, Object: cni(`{"type": "terway", "symmetric_routing_config": {"mark": "0x10"}}`)},
		{Name: "well-typed CNI fields", Rule: "TW044", Object: cni(`{"type": "terway", "mtu": 1500, "cilium_enable_hubble": "true", "host_stack_cidrs": ["169.254.20.10/32"], "symmetric_routing_config": {"interface": "eth0", "mark": 16, "table_id": 100, "backend": "nftables"}}`)},

		// TW045 ignored CNI settings.
		{Name: "auto_mtu as a string is ignored", Rule: "TW045", Fire: true, Object: cni(`{"type": "terway", "auto_mtu": "true"}`)},
		{Name: "hairpinMode does not exist in terway", Rule: "TW045", Fire: true, Object: cni(`{"type": "terway", "hairpinMode": true}`)},
		{Name: "ip_stack repeated in the CNI config", Rule: "TW045", Fire: true, Object: baseCM(map[string]string{"10-terway.conf": `{"type": "terway", "ip_stack": "ipv4"}`})},
		{Name: "ip_stack in the CNI config matching the default is only dead", Rule: "TW045", Fire: true, Object: baseCM(map[string]string{"eni_conf": `{"max_pool_size": 5}`, "10-terway.conf": `{"type": "terway", "ip_stack": "ipv4"}`}), Contains: []string{"harmless", `"ipv4"`}},
		{Name: "auto_mtu boolean", Rule: "TW045", Object: cni(`{"type": "terway", "auto_mtu": true}`)},

		// TW046 host_stack_cidrs.
		{Name: "host stack address without prefix length", Rule: "TW046", Fire: true, Object: cni(`{"type": "terway", "host_stack_cidrs": ["169.254.20.10"]}`)},
		{Name: "host stack CIDR", Rule: "TW046", Object: cni(`{"type": "terway", "host_stack_cidrs": ["169.254.20.10/32"]}`)},

		// TW047 CNI typos.
		{Name: "misspelt eniip_virtual_type", Rule: "TW047", Fire: true, Object: cni(`{"type": "terway", "eniip_virtual_typ": "datapathv2"}`), Contains: []string{`"eniip_virtual_type"`}},
		{Name: "cniVersion typo is moot: terway-init drops it", Rule: "TW047", Object: cni(`{"type": "terway", "cniversion": "0.4.0"}`)},
		{Name: "unrelated plugin keys are allowed", Rule: "TW047", Object: cni(`{"type": "terway", "cilium_args": "--enable-bpf-masquerade=true", "prevResult": {}}`)},

		// TW050..TW055 overrides.
		{Name: "override keys other than eni_conf are ignored", Rule: "TW050", Fire: true, Object: rulestest.ConfigMap("kube-system", "eni-config-pool-a", map[string]string{"eni_conf": `{"max_pool_size": 10}`, "disable_network_policy": "true"})},
		{Name: "override with only eni_conf", Rule: "TW050", Object: override("eni-config-pool-a", `{"max_pool_size": 10}`)},
		{Name: "override with empty eni_conf", Rule: "TW051", Fire: true, Object: override("eni-config-pool-a", "")},
		{Name: "override with content", Rule: "TW051", Object: override("eni-config-pool-a", `{"max_pool_size": 10}`)},
		{Name: "ipam_type in an override has no effect", Rule: "TW052", Fire: true, Object: override("eni-config-pool-a", `{"ipam_type": "crd"}`)},
		{Name: "override ip_stack differs from the base", Rule: "TW052", Fire: true, Cluster: withBase(`{"ip_stack": "ipv4"}`), Object: override("eni-config-pool-a", `{"ip_stack": "dual"}`), Contains: []string{"partly"}},
		{Name: "override repeats the default ip_stack", Rule: "TW052", Cluster: withBase(`{"max_pool_size": 5}`), Object: override("eni-config-pool-a", `{"ip_stack": "ipv4"}`)},
		{Name: "override of per-node fields", Rule: "TW052", Cluster: withBase(`{"ip_stack": "dual"}`), Object: override("eni-config-pool-a", `{"ip_stack": "dual", "max_pool_size": 10}`)},
		{Name: "override drops base security groups", Rule: "TW053", Fire: true, Cluster: withBase(baseSGs), Object: override("eni-config-pool-a", `{"security_groups": ["sg-bp1cccccccccccccccccc"]}`), Contains: []string{"sg-bp1aaaaaaaaaaaaaaaaaa", "sg-bp1bbbbbbbbbbbbbbbbbb"}},
		{Name: "override keeps base security groups", Rule: "TW053", Cluster: withBase(baseSGs), Object: override("eni-config-pool-a", `{"security_groups": ["sg-bp1aaaaaaaaaaaaaaaaaa", "sg-bp1bbbbbbbbbbbbbbbbbb", "sg-bp1cccccccccccccccccc"]}`)},
		{Name: "no node carries the label", Rule: "TW054", Fire: true, Cluster: &rules.ClusterContext{Nodes: []rules.Node{other}}, Object: override("eni-config-pool-a", `{"max_pool_size": 10}`)},
		{Name: "a node carries the label", Rule: "TW054", Cluster: &rules.ClusterContext{Nodes: []rules.Node{other, labelled}}, Object: override("eni-config-pool-a", `{"max_pool_size": 10}`)},
		{Name: "name too long for a label value", Rule: "TW055", Fire: true, Object: override("eni-config-"+longName, `{"max_pool_size": 10}`)},
		{Name: "short name", Rule: "TW055", Object: override("eni-config-pool-a", `{"max_pool_size": 10}`)},

		// TW056 prefix mode change.
		{Name: "flipping enable_ip_prefix on existing nodes", Rule: "TW056", Fire: true, Old: eni(`{"max_pool_size": 5}`), Object: eni(`{"max_pool_size": 5, "enable_ip_prefix": true}`), Contains: []string{"PrefixModeImmutable"}},
		{Name: "other changes keep the prefix mode", Rule: "TW056", Old: eni(`{"max_pool_size": 5, "enable_ip_prefix": true}`), Object: eni(`{"max_pool_size": 8, "enable_ip_prefix": true}`)},

		// TW060 access keys.
		{Name: "static AccessKey in eni_conf", Rule: "TW060", Fire: true, Object: eni(`{"access_key": "LTAI5tAbCdEfGhIjKlMnOpQr", "access_secret": "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3t"}`), Contains: []string{"credential_path"}},
		{Name: "credential_path instead of keys", Rule: "TW060", Object: eni(goodENIConf)},

		// TW090 restart.
		{Name: "create needs a terway restart", Rule: "TW090", Fire: true, Object: eni(goodENIConf), Contains: []string{"kubectl -n kube-system delete pod -l app=terway-eniip"}},
		{Name: "data change needs a restart", Rule: "TW090", Fire: true, Old: eni(goodENIConf), Object: baseCM(map[string]string{"disable_network_policy": "true"})},
		{Name: "override restart targets the labelled nodes", Rule: "TW090", Fire: true, Cluster: &rules.ClusterContext{Nodes: []rules.Node{labelled}}, Object: override("eni-config-pool-a", `{"max_pool_size": 10}`), Contains: []string{"terway-config=eni-config-pool-a", "cn-hangzhou.10.0.0.7", "re-labelling"}},
		{Name: "label-only update needs no restart", Rule: "TW090", Old: eni(goodENIConf), Object: relabelled(eni(goodENIConf))},
	})
}
