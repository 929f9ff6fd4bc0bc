package terway

import (
	"fmt"
	"maps"
	"slices"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
)

// Terway's Go types, as the shared decoder (rules/schema) checks them.
var (
	tString  = schema.TString
	tInt     = schema.TInt
	tInt64   = &schema.Type{Kind: schema.Int, GoType: "time.Duration"}
	tFloat64 = schema.TFloat64
	tFloat32 = schema.TFloat32
	tBool    = schema.TBool

	tStrings     = schema.ArrayOf("[]string", tString)
	tStringMap   = schema.MapOf("map[string]string", tString)
	tIntMap      = schema.MapOf("map[string]int", tInt)
	tVSwitchMap  = schema.MapOf("map[string][]string", tStrings)
	tBackoffItem = schema.StructOf("backoff.ExtendedBackoff", map[string]*schema.Type{
		// Untagged Go fields: the JSON keys are the Go field names, matched
		// case-sensitively. Durations are integer nanoseconds.
		"InitialDelay": tInt64, "Duration": tInt64, "Cap": tInt64,
		"Factor": tFloat64, "Jitter": tFloat64, "Steps": tInt,
	})
	tBackoffMap = schema.MapOf("map[string]backoff.ExtendedBackoff", tBackoffItem)
	tRoutes     = schema.ArrayOf("[]route.Route", schema.StructOf("route.Route", map[string]*schema.Type{"dst": tString}))
	tTagItems   = schema.ArrayOf("[]v1beta1.ENITagBlockListItem", schema.StructOf("v1beta1.ENITagBlockListItem", map[string]*schema.Type{"key": tString, "value": tString}))
)

// eniField is one eni_conf key of Terway's types/daemon/config.go Config.
type eniField struct {
	t *schema.Type
	// since is the first Terway release with the field ("" = always there).
	since string
	// baseOnly fields are read from the base eni-config only, before the
	// per-node override is merged.
	baseOnly bool
}

// eniConfFields is the Config struct of Terway (HEAD 89aadf8b), key by key.
var eniConfFields = map[string]eniField{
	"version":                        {t: tString},
	"access_key":                     {t: tString},
	"access_secret":                  {t: tString},
	"region_id":                      {t: tString},
	"credential_path":                {t: tString},
	"service_cidr":                   {t: tString},
	"vswitches":                      {t: tVSwitchMap},
	"eni_tags":                       {t: tStringMap},
	"max_pool_size":                  {t: tInt},
	"min_pool_size":                  {t: tInt},
	"ip_warm_up_size":                {t: tInt, since: "1.16.4"},
	"idle_ip_reclaim_after":          {t: tString, since: "1.16.0"},
	"idle_ip_reclaim_batch_size":     {t: tInt, since: "1.16.0"},
	"idle_ip_reclaim_interval":       {t: tString, since: "1.16.0"},
	"idle_ip_reclaim_jitter_factor":  {t: tString, since: "1.16.0"},
	"min_eni":                        {t: tInt},
	"max_eni":                        {t: tInt},
	"prefix":                         {t: tString},
	"security_group":                 {t: tString},
	"security_groups":                {t: tStrings},
	"eni_cap_ratio":                  {t: tFloat64},
	"eni_cap_shift":                  {t: tInt},
	"vswitch_selection_policy":       {t: tString},
	"eni_selection_policy":           {t: tString, since: "1.9.6"},
	"ip_stack":                       {t: tString, since: "1.1.0"},
	"enable_eni_trunking":            {t: tBool},
	"enable_erdma":                   {t: tBool, since: "1.8.0"},
	"custom_stateful_workload_kinds": {t: tStrings},
	"ipam_type":                      {t: tString, baseOnly: true},
	"backoff_override":               {t: tBackoffMap},
	"extra_routes":                   {t: tRoutes},
	"disable_device_plugin":          {t: tBool},
	"eni_tag_filter":                 {t: tStringMap},
	"eni_tag_block_list":             {t: tTagItems, since: "1.17.6"},
	"kube_client_qps":                {t: tFloat32, since: "1.8.0", baseOnly: true},
	"kube_client_burst":              {t: tInt, since: "1.8.0", baseOnly: true},
	"resource_group_id":              {t: tString, since: "1.8.0"},
	"rate_limit":                     {t: tIntMap, since: "1.10.0"},
	"enable_patch_pod_ips":           {t: tBool, since: "1.13.4", baseOnly: true},
	"ip_pool_sync_period":            {t: tString, since: "1.15.0"},
	"enable_ip_prefix":               {t: tBool, since: "1.17.1"},
	"ipv4_prefix_count":              {t: tInt, since: "1.17.1"},
	"ipv6_prefix_count":              {t: tInt, since: "1.17.1"},
}

// removedField is a Config field Terway once had: it is read by the
// releases in [since, gone) and silently ignored by every later one.
type removedField struct {
	t     *schema.Type
	since string // first release with the field ("" = from the start)
	gone  string // first release without it
}

// removedFields were Config fields once (types/config.go, later
// types/daemon/config.go, checked at every release tag).
var removedFields = map[string]removedField{
	"hot_plug":                     {t: tString, gone: "1.1.0"},
	"enable_eip_pool":              {t: tString, since: "1.1.0", gone: "1.9.6"},
	"allow_eip_rob":                {t: tString, since: "1.1.0", gone: "1.9.6"},
	"enable_eip_migrate":           {t: tBool, since: "1.6.0", gone: "1.9.6"},
	"wait_trunk_eni":               {t: tBool, since: "1.3.0", gone: "1.9.6"},
	"disable_security_group_check": {t: tBool, since: "1.3.0", gone: "1.9.6"},
	"eni_cap_policy":               {t: tString, since: "1.2.0", gone: "1.11.1"},
}

// lifetime says which releases read the field.
func (f removedField) lifetime() string {
	if f.since == "" {
		return fmt.Sprintf("it existed until v%s", f.gone)
	}
	return fmt.Sprintf("it existed from v%s until v%s", f.since, f.gone)
}

// liveIn reports whether Terway version v still reads the field.
func (f removedField) liveIn(v rules.Version) bool {
	gone, _ := rules.ParseVersion(f.gone)
	if !v.Less(gone) {
		return false
	}
	if f.since == "" {
		return true
	}
	since, _ := rules.ParseVersion(f.since)
	return !v.Less(since)
}

// backoffKeys are the backoff_override names Terway looks up
// (pkg/backoff/backoff.go); "" is the default entry.
var backoffKeys = []string{
	"", "eni_create", "eni_ops", "eni_release", "eni_ip_ops", "eni_delete_confirm",
	"wait_eni_ip_removed", "wait_eni_status", "wait_member_eni_status", "wait_leni_status",
	"wait_hdeni_status", "wait_ecs_leni_status", "wait_ecs_hdeni_status", "wait_podeni_status",
	"wait_networkinterface_status", "meta_assign_private_ip", "meta_unassign_private_ip",
	"wait_sts_token_ready", "wait_node_status",
}

// topLevelKeys are the ConfigMap data keys Terway reads.
var topLevelKeys = []string{
	"eni_conf", "10-terway.conf", "10-terway.conflist", "disable_network_policy",
	"in_cluster_loadbalance", "felix_relay_service", "static-rules.json",
}

// cniFields are the members of the terway plugin in 10-terway.conf(list)
// that Terway's cli, CNI binary and policy container decode.
var cniFields = map[string]*schema.Type{
	"cniVersion":              tString,
	"name":                    tString,
	"type":                    tString,
	"capabilities":            schema.MapOf("map[string]bool", tBool),
	"network_policy_provider": tString,
	"host_stack_cidrs":        tStrings,
	"veth_prefix":             tString,
	"disable_host_peer":       tBool,
	"vlan_strip_type":         tString,
	"mtu":                     tInt,
	"runtimeConfig":           {Kind: schema.Struct, GoType: "cni.RuntimeConfig", Open: true},
	"bandwidth_mode":          tString,
	"enable_network_priority": tBool,
	"debug":                   tBool,
	"symmetric_routing":       tBool,
	"symmetric_routing_config": schema.StructOf("types.SymmetricRoutingConfig", map[string]*schema.Type{
		"interface": tString, "mark": tInt, "mask": tInt, "table_id": tInt,
		"rule_priority": tInt, "comment": tString, "backend": tString,
	}),
	"cilium_args":                  tString,
	"cilium_enable_hubble":         tString,
	"cilium_hubble_metrics":        tString,
	"cilium_hubble_listen_address": tString,
	"cilium_hubble_metrics_server": tString,
}

// misplacedInENIConf are keys that people put into eni_conf but that Terway
// reads elsewhere; the value says where.
var misplacedInENIConf = map[string]string{
	"in_cluster_loadbalance": "a top-level ConfigMap data key (next to eni_conf)",
	"disable_network_policy": "a top-level ConfigMap data key (next to eni_conf)",
	"felix_relay_service":    "a top-level ConfigMap data key (next to eni_conf)",
}

func init() {
	for _, k := range append(sortedKeys(cniFields), "eniip_virtual_type", "auto_mtu") {
		switch k {
		case "cniVersion", "name", "type", "capabilities", "runtimeConfig":
			continue
		}
		misplacedInENIConf[k] = "the terway plugin in 10-terway.conf (or 10-terway.conflist)"
	}
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// eniConfCandidates are every name an eni_conf key could have been meant as.
var eniConfCandidates = sortedKeys(eniConfFields)
