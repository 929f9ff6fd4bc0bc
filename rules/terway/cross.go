package terway

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
)

// effective is the configuration Terway ends up with (eni_conf, or the
// override merged over the base), with a way to point at each key.
type effective struct {
	root gjson.Result
	// last holds the member Terway uses for each key (the last one).
	last map[string]gjson.Result
	// loc points at key: in the judged document when the key is there,
	// otherwise at eni_conf without a line.
	loc func(key string) rules.Loc
	// from explains where an inherited value comes from ("" when the key
	// is in the judged document).
	from func(key string) string
}

func docEffective(doc *schema.Doc) *effective {
	last := lastMembers(doc.Root)
	return &effective{
		root: doc.Root,
		last: last,
		loc: func(key string) rules.Loc {
			if v, ok := last[key]; ok {
				return doc.Loc(rules.Root(key), v)
			}
			return rules.Loc{Key: doc.Key, Path: rules.PathString(rules.Root(key))}
		},
		from: func(string) string { return "" },
	}
}

// lastMembers maps each key of an object to its last value.
func lastMembers(obj gjson.Result) map[string]gjson.Result {
	m := map[string]gjson.Result{}
	obj.ForEach(func(k, v gjson.Result) bool {
		m[k.String()] = v
		return true
	})
	return m
}

func (e *effective) get(key string) (gjson.Result, bool) {
	if e.last == nil {
		e.last = lastMembers(e.root)
	}
	v, ok := e.last[key]
	if !ok || v.Type == gjson.Null {
		return gjson.Result{}, false
	}
	return v, true
}

// securityGroups is Terway's GetSecurityGroups: the union of security_group
// and security_groups, deduplicated.
func (e *effective) securityGroups() []string {
	set := map[string]bool{}
	if v, ok := e.get("security_group"); ok && v.Type == gjson.String && v.Str != "" {
		set[v.Str] = true
	}
	if v, ok := e.get("security_groups"); ok && v.IsArray() {
		for _, x := range v.Array() {
			if x.Type == gjson.String {
				set[x.Str] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkCross judges rules that combine several fields.
func checkCross(s *scope, e *effective) {
	// Security groups.
	sgs := e.securityGroups()
	sgKey := "security_groups"
	if _, ok := e.get("security_groups"); !ok {
		sgKey = "security_group"
	}
	limit := 10
	if v, err := rules.ParseVersion(clusterTerwayVersion(s)); err == nil && v.Less(rules.Version{Major: 1, Minor: 13, Patch: 7}) {
		limit = 5
	}
	switch {
	case len(sgs) > limit:
		s.r.Add(RuleTooManySGs, e.loc(sgKey), fmt.Sprintf("security_group and security_groups name %d distinct security groups%s: Terway allows at most %d, so terwayd and terway-controlplane refuse the config and the Terway pods crash-loop", len(sgs), e.from(sgKey), limit),
			fmt.Sprintf("list at most %d security groups (an ENI joins at most 5 by default; 10 after an ECS quota increase)", min(limit, 10)))
	case len(sgs) > 5:
		s.r.Add(RuleManySGs, e.loc(sgKey), fmt.Sprintf("security_group and security_groups name %d distinct security groups%s: Terway accepts up to 10, but ECS lets an ENI join only 5 unless the quota was raised, so ENI creation fails and pods get no IP", len(sgs), e.from(sgKey)),
			"list at most 5 security groups, or make sure the ECS quota 'security groups per ENI' was raised to 10")
	}

	// Pool sizes.
	minV, hasMin := intField(e, "min_pool_size")
	maxV, hasMax := intField(e, "max_pool_size")
	if hasMin && hasMax && minV > maxV && maxV >= 0 {
		s.r.Add(RulePoolSizeOrder, e.loc("min_pool_size"), fmt.Sprintf("min_pool_size %d is larger than max_pool_size %d%s: legacy IPAM silently lowers min_pool_size to %d, centralized IPAM passes both to the Node CR unchanged and keeps more idle IPs than the maximum", minV, maxV, e.from("min_pool_size")+e.from("max_pool_size"), maxV),
			"make min_pool_size <= max_pool_size")
	}

	// IP prefix mode.
	if p, ok := e.get("enable_ip_prefix"); ok && p.Type == gjson.True {
		if n, ok := intField(e, "ipv6_prefix_count"); ok && n > 1 {
			s.r.Add(RuleIPv6PrefixCount, e.loc("ipv6_prefix_count"), fmt.Sprintf("ipv6_prefix_count is %d with enable_ip_prefix true%s: Terway allows 0 or 1 IPv6 prefix, so terwayd fails at start (validatePrefixConfig) and the Terway pods crash-loop", n, e.from("ipv6_prefix_count")+e.from("enable_ip_prefix")),
				`set "ipv6_prefix_count": 1 (or 0)`)
		}
	}
}

func clusterTerwayVersion(s *scope) string {
	if s.cluster == nil {
		return ""
	}
	return s.cluster.Fact(VersionFact)
}

func intField(e *effective, key string) (int64, bool) {
	v, ok := e.get(key)
	if !ok || v.Type != gjson.Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Raw, 10, 64)
	return n, err == nil
}
