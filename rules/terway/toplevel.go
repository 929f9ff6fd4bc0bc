package terway

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
)

const blockScalarNote = "; a YAML block scalar (`key: |`) adds a trailing newline to the value"

// checkTopLevel judges the data keys of the base eni-config other than
// eni_conf and the CNI configs.
func checkTopLevel(r *rules.Report, data map[string]string, cni *cniInfo) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := data[k]
		loc := rules.Loc{Key: k}
		switch k {
		case "eni_conf", "10-terway.conf", "10-terway.conflist", "felix_relay_service", "static-rules.json":
		case "disable_network_policy":
			checkDisablePolicy(r, v, loc)
		case "in_cluster_loadbalance":
			checkInClusterLB(r, v, loc, cni)
		default:
			checkUnknownTopKey(r, k, loc)
		}
	}
}

func hasSpaceEdge(v string) bool { return strings.TrimSpace(v) != v }

func checkDisablePolicy(r *rules.Report, v string, loc rules.Loc) {
	switch v {
	case "false", "0", "", "true", "1":
		return
	}
	cause := ""
	if hasSpaceEdge(v) {
		cause = blockScalarNote
	}
	word := strings.ToLower(strings.TrimSpace(v))
	hint := `use disable_network_policy: "false" to enforce NetworkPolicy or disable_network_policy: "true" to turn it off (a quoted string on one line, not a | block)`
	switch word {
	case "false", "0", "no", "off", "n", "disabled", "f":
		hint = `use disable_network_policy: "false" (a quoted string on one line, not a | block)`
	case "true", "1", "yes", "on", "y", "enabled", "t":
		hint = `use disable_network_policy: "true" (a quoted string on one line, not a | block)`
	}
	r.Add(RuleDisablePolicy, loc, fmt.Sprintf("disable_network_policy is %s: Terway compares the value byte for byte and only \"false\", \"0\" or \"\" keep NetworkPolicy enforced, so this value DISABLES network policy on every node (Windows nodes read it differently)%s", rules.Quote(v), cause), hint)
}

func checkInClusterLB(r *rules.Report, v string, loc rules.Loc, cni *cniInfo) {
	switch v {
	case "true":
		if cni != nil && cni.known && !cni.cilium() {
			r.Add(RuleInClusterLBVeth, loc, fmt.Sprintf("in_cluster_loadbalance is \"true\" but %s uses the veth datapath without the ebpf network policy provider: in-cluster load balancing is implemented by cilium (IPVLAN/datapathv2/ebpf) and has no effect here", cni.key),
				`set "eniip_virtual_type": "datapathv2" (or "network_policy_provider": "ebpf") in the terway plugin, or remove in_cluster_loadbalance`)
		}
		return
	case "false", "":
		return
	}
	cause := ""
	if hasSpaceEdge(v) {
		cause = blockScalarNote
	}
	word := strings.ToLower(strings.TrimSpace(v))
	hint := `use in_cluster_loadbalance: "true" to enable it, or "false" (a quoted string on one line, not a | block)`
	switch word {
	case "true", "1", "yes", "on", "y", "enabled", "t":
		hint = `use in_cluster_loadbalance: "true" (exactly, quoted, on one line, not a | block)`
	case "false", "0", "no", "off", "n", "disabled", "f":
		hint = `use in_cluster_loadbalance: "false" or remove the key`
	}
	r.Add(RuleInClusterLB, loc, fmt.Sprintf("in_cluster_loadbalance is %s: Terway enables in-cluster load balancing only when the value is exactly \"true\", so it stays OFF%s", rules.Quote(v), cause), hint)
}

// checkUnknownTopKey judges a data key Terway does not read.
func checkUnknownTopKey(r *rules.Report, k string, loc rules.Loc) {
	if _, ok := eniConfFields[k]; ok || isRemoved(k) {
		r.Add(RuleTopLevelField, loc, fmt.Sprintf("%q is an eni_conf field but is set as a top-level ConfigMap key: Terway reads eni_conf fields only from inside the eni_conf JSON, so this setting has no effect", k),
			fmt.Sprintf("move it into the eni_conf JSON as %q: <value> (mind the JSON type)", k))
		return
	}
	if where, ok := misplacedInENIConf[k]; ok && strings.HasPrefix(where, "the terway plugin") {
		r.Add(RuleTopLevelField, loc, fmt.Sprintf("%q is a field of the terway CNI plugin but is set as a top-level ConfigMap key: Terway ignores it here, so this setting has no effect", k),
			fmt.Sprintf("move it into %s", where))
		return
	}
	if sug := rules.Suggest(k, append(append([]string{}, topLevelKeys...), eniConfCandidates...)); sug != "" {
		where := "a top-level key"
		if _, ok := eniConfFields[sug]; ok {
			where = "an eni_conf field (inside the eni_conf JSON)"
		}
		r.Add(RuleTopLevelTypo, loc, fmt.Sprintf("%q is not a key Terway reads, so it has no effect; did you mean %q (%s)?", k, sug, where),
			fmt.Sprintf("rename %q to %q", k, sug))
		return
	}
	r.Add(RuleTopLevelUnknown, loc, fmt.Sprintf("%q is not a key Terway reads: it is mounted into /etc/eni but ignored", k),
		"remove it, or keep it only if another tool of yours reads it")
}
