package flannel

import (
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
)

// flanneld's own types in subnet.Config, decoded by their UnmarshalJSON
// (pkg/ip): the shared decoder leaves them to netFieldType.
var (
	tIP4Net     = &schema.Type{Kind: schema.Custom, GoType: "ip.IP4Net"}
	tIP6Net     = &schema.Type{Kind: schema.Custom, GoType: "ip.IP6Net"}
	tIP4        = &schema.Type{Kind: schema.Custom, GoType: "ip.IP4"}
	tIP6        = &schema.Type{Kind: schema.Custom, GoType: "ip.IP6"}
	tIP4Nets    = schema.ArrayOf("[]ip.IP4Net", tIP4Net)
	tIP6Nets    = schema.ArrayOf("[]ip.IP6Net", tIP6Net)
	tRawBackend = &schema.Type{Kind: schema.Custom, GoType: "json.RawMessage"} // judged by backend()
)

// netField is one field of flanneld's subnet.Config.
type netField struct {
	name         string
	t            *schema.Type
	since, until rules.Version // zero: always / never removed
}

var (
	v0_14 = rules.Version{Minor: 14}
	v0_15 = rules.Version{Minor: 15}
	v0_16 = rules.Version{Minor: 16}
	v0_18 = rules.Version{Minor: 18}
	v0_20 = rules.Version{Minor: 20}
	v0_25 = rules.Version{Minor: 25}
)

var netFields = []netField{
	{name: "EnableIPv4", t: schema.TBool, since: v0_15},
	{name: "EnableIPv6", t: schema.TBool, since: v0_15},
	{name: "EnableNFTables", t: schema.TBool, since: v0_25},
	{name: "Network", t: tIP4Net},
	{name: "IPv6Network", t: tIP6Net, since: v0_15},
	{name: "SubnetMin", t: tIP4},
	{name: "SubnetMax", t: tIP4},
	{name: "IPv6SubnetMin", t: tIP6, since: v0_15},
	{name: "IPv6SubnetMax", t: tIP6, since: v0_15},
	{name: "SubnetLen", t: schema.TUint},
	{name: "IPv6SubnetLen", t: schema.TUint, since: v0_15},
	{name: "Backend", t: tRawBackend},
	{name: "Networks", t: tIP4Nets, since: v0_20, until: v0_25},
	{name: "IPv6Networks", t: tIP6Nets, since: v0_20, until: v0_25},
}

// netConfig is subnet.Config for the shared decoder; encoding/json matches
// its keys case-insensitively.
var netConfig, netFieldByName = func() (*schema.Type, map[string]netField) {
	fields, by := map[string]*schema.Type{}, map[string]netField{}
	for _, f := range netFields {
		fields[f.name], by[f.name] = f.t, f
	}
	return schema.StructOf("subnet.Config", fields), by
}()

func netFieldNames() []string {
	out := make([]string, len(netFields))
	for i, f := range netFields {
		out[i] = f.name
	}
	return out
}

// netInfo is what update comparisons and cross-object checks need.
type netInfo struct {
	ok           bool
	enableIPv4   bool
	enableIPv6   bool
	network      netip.Prefix // masked; invalid when absent or broken
	ipv6Network  netip.Prefix
	backendType  string // lowercased; "udp" when Backend is absent
	backendValid bool
	networkLoc   rules.Loc
	ipv6Loc      rules.Loc
	backendLoc   rules.Loc
}

// available reports whether the flannel version in use has field f, and
// whether that is known.
func (v *validator) available(since, until rules.Version) (has, known bool) {
	if !v.verOK {
		return until == (rules.Version{}), false
	}
	if since != (rules.Version{}) && v.ver.Less(since) {
		return false, true
	}
	if until != (rules.Version{}) && !v.ver.Less(until) {
		return false, true
	}
	return true, true
}

func (v *validator) netConf(text string, present bool) netInfo {
	info := netInfo{enableIPv4: true}
	if !present {
		v.r.Add(RuleNetConfInvalid, rules.Loc{Key: NetConfKey},
			"the ConfigMap has no net-conf.json key: flanneld exits with `failed to read net conf: open /etc/kube-flannel/net-conf.json: no such file or directory` and crash-loops, so no node gets pod networking",
			`add net-conf.json, e.g. {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}`)
		return info
	}
	doc, serr := schema.Parse(NetConfKey, text)
	if serr != nil {
		v.r.Add(RuleNetConfInvalid, serr.Loc,
			"net-conf.json is not valid JSON ("+serr.Msg+pasteAdvice(text)+"): flanneld exits with `Failed to create SubnetManager: error parsing subnet config` and crash-loops",
			"fix the JSON syntax at the given line and column; quote every string (e.g. PSK, MacPrefix) and drop comments and trailing commas"+pasteHint(text))
		return info
	}
	root := doc.Root
	if !root.IsObject() {
		v.r.Add(RuleNetConfInvalid, doc.Loc(nil, root),
			fmt.Sprintf("net-conf.json is a JSON %s, not an object: flanneld exits with `error parsing subnet config: json: cannot unmarshal %s into Go value of type subnet.Config`", rules.JSONType(root), rules.JSONType(root)),
			`use an object: {"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}`)
		return info
	}
	info.ok = true
	v.foldDuplicates(doc, root, nil)

	names := netFieldNames()
	fields := map[string]netField{}
	for _, m := range doc.Members(root) {
		var f *netField
		if name, _ := netConfig.Field(m.Name, schema.Fold); name != "" {
			nf := netFieldByName[name]
			f = &nf
		}
		if f == nil {
			hint := "remove it; flanneld knows: " + strings.Join(names, ", ")
			if s := v.didYouMean(m.Name, names); s != "" {
				hint = s
			}
			if strings.EqualFold(m.Name, "BackendType") || strings.EqualFold(m.Name, "Type") {
				hint = `set the backend as "Backend": {"Type": "vxlan"}`
			}
			v.r.Add(RuleNetConfUnknownKey, doc.KeyLoc(top(m.Name), m), fmt.Sprintf("flanneld does not know %q and silently ignores it", m.Name), hint)
			continue
		}
		has, known := v.available(f.since, f.until)
		if !has {
			v.r.Add(RuleNetConfVersionKey, doc.KeyLoc(top(m.Name), m), versionKeyMessage(*f, v, known), versionKeyHint(*f))
			continue
		}
		fields[f.name] = *f
		v.netFieldType(doc, m, *f)
	}
	get := func(name string) (rules.Member, bool) {
		if _, ok := fields[name]; !ok {
			return rules.Member{}, false
		}
		return doc.Fold(root, name)
	}
	effBool := func(name string, def bool) bool {
		if _, ok := fields[name]; !ok {
			return def
		}
		for _, m := range doc.AllFold(root, name) {
			switch m.Value.Type {
			case gjson.True:
				def = true
			case gjson.False:
				def = false
			}
		}
		return def
	}
	info.enableIPv4 = effBool("EnableIPv4", true)
	info.enableIPv6 = effBool("EnableIPv6", false)

	if !info.enableIPv4 && !info.enableIPv6 {
		m, _ := get("EnableIPv4")
		v.r.Add(RuleNoStack, doc.Loc(top(m.Name), m.Value), "EnableIPv4 and EnableIPv6 are both false: flanneld exits with `none defined stack`", `set "EnableIPv4": true (or enable IPv6 with "EnableIPv6": true and an "IPv6Network")`)
	}

	// IPv4
	if nm, ok := get("Network"); ok {
		if p, ok := parseFlannelCIDR(nm.Value, true); ok {
			info.network, info.networkLoc = p.Masked(), doc.Loc(top(nm.Name), nm.Value)
			if info.enableIPv4 && p.Masked() != p {
				v.r.Add(RuleNetworkHostBits, doc.Loc(top(nm.Name), nm.Value), fmt.Sprintf("Network %s has host bits set: flannel silently uses %s", p, p.Masked()), fmt.Sprintf(`write "Network": %q`, p.Masked().String()))
			}
		}
	}
	if info.enableIPv4 {
		nm, ok := get("Network")
		if (!ok || (nm.Value.Type == gjson.String && nm.Value.Str == "")) && v.ipv6Only(get) {
			// The Helm chart and Documentation/configuration.md ("IPv6
			// only") write "EnableIPv4": false; without it flanneld's
			// ParseConfig keeps EnableIPv4 = true and main.go runs
			// dual-stack (ipmatch.GetIPFamily).
			v.r.Add(RuleNetworkMissing, doc.Loc(rules.Root("Network"), root), "net-conf.json sets up IPv6 (EnableIPv6 and IPv6Network) without Network, but EnableIPv4 defaults to true, so flanneld runs dual-stack, not IPv6-only: it needs an IPv4 default-route interface (on an IPv6-only node it exits with `failed to get default interface`) and, on nodes that have an IPv4 podCIDR, a Network containing it (≥v0.18: `subnet \"0.0.0.0/0\" specified in the flannel net config doesn't contain ... PodCIDR`); Documentation/configuration.md: Network is mandatory while EnableIPv4 is true",
				`for an IPv6-only cluster add "EnableIPv4": false (Documentation/configuration.md, "IPv6 only"); for dual stack set "Network" to the IPv4 pod CIDR`)
		} else if !ok || (nm.Value.Type == gjson.String && nm.Value.Str == "") {
			v.r.Add(RuleNetworkMissing, doc.Loc(rules.Root("Network"), root), "EnableIPv4 is on (the default) but Network is not set: flanneld fails with `please define a correct Network parameter in the flannel config` (etcd mode) or, in kube mode, finds no node PodCIDR inside it (≥v0.18: `subnet \"0.0.0.0/0\" ... doesn't contain ... PodCIDR`, crash-loop)", `set "Network" to the cluster pod CIDR, e.g. "Network": "10.244.0.0/16" (kube-controller-manager --cluster-cidr)`)
		} else if info.network.IsValid() {
			v.subnetRules(doc, root, get, info.network, false)
		}
	}
	// IPv6
	if nm, ok := get("IPv6Network"); ok {
		if p, ok := parseFlannelCIDR(nm.Value, false); ok {
			if p.Addr().Is4() || p.Addr().Is4In6() {
				if info.enableIPv6 {
					v.r.Add(RuleSubnetIPv6, doc.Loc(top(nm.Name), nm.Value), fmt.Sprintf("IPv6Network %s is an IPv4 CIDR: flannel accepts it but it never contains the nodes' IPv6 PodCIDRs (`doesn't contain ... IPv6 PodCIDR`, crash-loop on ≥v0.18)", p), `use the IPv6 pod CIDR, e.g. "IPv6Network": "fd00:10:244::/56"`)
				}
			} else {
				info.ipv6Network, info.ipv6Loc = p.Masked(), doc.Loc(top(nm.Name), nm.Value)
			}
		}
	}
	if info.enableIPv6 {
		nm, ok := get("IPv6Network")
		if !ok {
			v.r.Add(RuleSubnetIPv6, doc.Loc(rules.Root("IPv6Network"), root), "EnableIPv6 is true but IPv6Network is not set: flanneld fails with `please define a correct IPv6Network parameter in the flannel config` / no node IPv6 PodCIDR fits", `set "IPv6Network" to the cluster's IPv6 pod CIDR, e.g. "fd00:10:244::/56", or remove EnableIPv6`)
		} else if info.ipv6Network.IsValid() {
			_ = nm
			v.subnetRules(doc, root, get, info.ipv6Network, true)
		}
	}

	info.backendType, info.backendValid = v.backend(doc, root, get)
	info.backendLoc = rules.Loc{Key: NetConfKey, Path: rules.PathString(rules.Root("Backend").Child("Type"))}
	if bm, ok := get("Backend"); ok {
		info.backendLoc = doc.Loc(top(bm.Name), bm.Value)
		if tm, ok := doc.Fold(bm.Value, "Type"); ok && bm.Value.IsObject() {
			info.backendLoc = doc.Loc(rules.Child(top(bm.Name), tm.Name), tm.Value)
		}
	}
	if info.enableIPv6 && info.backendValid {
		switch info.backendType {
		case "vxlan", "host-gw", "wireguard":
		default:
			m, _ := get("EnableIPv6")
			v.r.Add(RuleIPv6Backend, doc.Loc(top(m.Name), m.Value), fmt.Sprintf("EnableIPv6 is true but backend %q does not support dual stack: flannel forces EnableIPv6 off in every lease, so pods get no IPv6 routes to other nodes", info.backendType), `use Backend.Type "vxlan", "host-gw" or "wireguard" for dual stack, or remove EnableIPv6`)
		}
	}
	v.clusterChecks(doc, root, get, info)
	return info
}

func versionKeyMessage(f netField, v *validator, known bool) string {
	switch {
	case f.until != (rules.Version{}) && (!known || !v.ver.Less(f.until)):
		ver := "the current flannel"
		if known {
			ver = "flannel " + v.flannelVersion
		}
		return fmt.Sprintf("%s was removed in flannel v%d.%d.0 (it existed only from v%d.%d.0): %s ignores it", f.name, f.until.Major, f.until.Minor, f.since.Major, f.since.Minor, ver)
	case f.until != (rules.Version{}):
		return fmt.Sprintf("%s exists only in flannel v%d.%d.0–v0.24 (MultiClusterCIDR): flannel %s ignores it", f.name, f.since.Major, f.since.Minor, v.flannelVersion)
	}
	return fmt.Sprintf("%s needs flannel v%d.%d.0 or later: flannel %s ignores it", f.name, f.since.Major, f.since.Minor, v.flannelVersion)
}

func versionKeyHint(f netField) string {
	switch f.name {
	case "Networks", "IPv6Networks":
		return "remove it and put the pod CIDR in \"Network\" / \"IPv6Network\""
	case "EnableIPv6", "IPv6Network", "IPv6SubnetLen", "IPv6SubnetMin", "IPv6SubnetMax", "EnableIPv4":
		return "upgrade flannel to v0.15+ for dual stack, or remove the field"
	}
	return "upgrade flannel, or remove the field"
}

// parseFlannelCIDR parses the way ip.IP4Net/IP6Net.UnmarshalJSON does.
func parseFlannelCIDR(v gjson.Result, ipv4 bool) (netip.Prefix, bool) {
	ipAddr, n, err := net.ParseCIDR(flannelRaw(v))
	if err != nil {
		return netip.Prefix{}, false
	}
	if ipv4 && n.IP.To4() == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(ipAddr)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	if ipAddr.To4() != nil {
		a = a.Unmap()
	}
	return netip.PrefixFrom(a, ones), true
}

// netFieldType reports what encoding/json and flannel's ip types would fail on.
func (v *validator) netFieldType(doc *schema.Doc, m rules.Member, f netField) {
	val := m.Value
	// The location is worked out for a finding only.
	loc := func() rules.Loc { return doc.Loc(top(m.Name), val) }
	fatal := func(detail, hint string) {
		v.r.Add(RuleNetConfType, loc(), fmt.Sprintf("%s is %s: flanneld exits with `error parsing subnet config: %s` and crash-loops", m.Name, describe(m.Name, val), detail), hint)
	}
	typeErr := func(goT string) string {
		return fmt.Sprintf("json: cannot unmarshal %s into Go struct field Config.%s of type %s", rules.JSONType(val), f.name, goT)
	}
	switch f.t {
	case schema.TBool:
		if !f.t.Accepts(val) {
			fatal(typeErr(f.t.GoType), fmt.Sprintf(`use a JSON boolean without quotes, e.g. "%s": true`, f.name))
		}
	case schema.TUint:
		if !f.t.Accepts(val) {
			fatal(typeErr(f.t.GoType), fmt.Sprintf(`use a non-negative integer without quotes, e.g. "%s": 24`, f.name))
		}
	case tIP4Net, tIP6Net:
		raw := flannelRaw(val)
		_, n, err := net.ParseCIDR(raw)
		switch {
		case err != nil:
			hint := fmt.Sprintf(`use a CIDR string such as "%s"`, map[bool]string{true: "10.244.0.0/16", false: "fd00:10:244::/56"}[f.t == tIP4Net])
			if leadingZeros(raw) {
				hint = "remove the leading zeros from the address octets (Go ≥1.17, and so every flannel since v0.16, rejects them)"
			}
			fatal("invalid CIDR address: "+raw, hint)
		case f.t == tIP4Net && n.IP.To4() == nil:
			v.r.Add(RuleNetConfType, loc(), fmt.Sprintf("Network %s is an IPv6 CIDR: flanneld exits with `error parsing subnet config: invalid IPv4 CIDR format`", rules.Quote(raw)), `put IPv6 pod CIDRs in "IPv6Network" with "EnableIPv6": true; "Network" takes the IPv4 CIDR`)
		}
	case tIP4:
		raw := flannelRaw(val)
		ip := net.ParseIP(raw)
		switch {
		case ip == nil:
			hint := `use an IPv4 address string such as "10.244.1.0"`
			if leadingZeros(raw) {
				hint = "remove the leading zeros from the address octets"
			}
			fatal("invalid IP address format", hint)
		case ip.To4() == nil:
			fatal("invalid IPv4 address format", `use an IPv4 address; IPv6 bounds go in "IPv6SubnetMin"/"IPv6SubnetMax"`)
		}
	case tIP6:
		if val.Type != gjson.Null && net.ParseIP(flannelRaw(val)) == nil {
			fatal("invalid IP address format", `use an IPv6 address string such as "fd00:10:244:1::"`)
		}
	case tIP4Nets, tIP6Nets:
		if val.Type == gjson.Null {
			return
		}
		if !f.t.Accepts(val) {
			fatal(typeErr(f.t.GoType), `use an array of CIDR strings, or (better) "Network"`)
			return
		}
		for _, e := range val.Array() {
			if _, _, err := net.ParseCIDR(flannelRaw(e)); err != nil {
				fatal("invalid CIDR address: "+flannelRaw(e), "use CIDR strings")
				return
			}
		}
	}
}

// subnetRules mirrors flannel's CheckNetworkConfig (enforced in every mode up
// to v0.19, in etcd mode since).
func (v *validator) subnetRules(doc *schema.Doc, root gjson.Result, get func(string) (rules.Member, bool), network netip.Prefix, ipv6 bool) {
	rule, lenName, minName, maxName, netName := RuleSubnetIPv4, "SubnetLen", "SubnetMin", "SubnetMax", "Network"
	maxLen, minPrefix, defLen, bits := 30, 28, 24, 32
	if ipv6 {
		rule, lenName, minName, maxName, netName = RuleSubnetIPv6, "IPv6SubnetLen", "IPv6SubnetMin", "IPv6SubnetMax", "IPv6Network"
		maxLen, minPrefix, defLen, bits = 126, 124, 64, 128
	}
	prefix := network.Bits()
	subnetLen := 0
	lm, hasLen := get(lenName)
	if hasLen && rules.IsInteger(lm.Value, 64, true) {
		n := lm.Value.Uint()
		if n > 1<<16 {
			n = 1 << 16
		}
		subnetLen = int(n)
	}
	nm, _ := get(netName)
	fail := func(loc rules.Loc, msg, hint string) {
		v.r.Add(rule, loc, msg+": flanneld refuses the config (≤v0.19 in every mode, etcd mode since) and kube mode cannot lease such subnets", hint)
	}
	if subnetLen > 0 {
		if subnetLen > maxLen {
			fail(doc.Loc(top(lm.Name), lm.Value), fmt.Sprintf("%s %d: `SubnetLen must be less than /%d`", lenName, subnetLen, maxLen+1), fmt.Sprintf("use %s ≤ %d (each node needs room for pods; %d is the usual value)", lenName, maxLen, defLen))
			return
		}
		if subnetLen < prefix+2 {
			fail(doc.Loc(top(lm.Name), lm.Value), fmt.Sprintf("%s %d with %s /%d: `network must be able to accommodate at least four subnets`", lenName, subnetLen, netName, prefix), fmt.Sprintf("use %s ≥ %d, or a larger %s", lenName, prefix+2, netName))
			return
		}
	} else {
		if prefix > minPrefix {
			what := "network"
			if ipv6 {
				what = "IPv6Network"
			}
			fail(doc.Loc(top(nm.Name), nm.Value), fmt.Sprintf("%s /%d: `%s is too small. Minimum useful network prefix is /%d`", netName, prefix, what, minPrefix), fmt.Sprintf("use a %s of /%d or larger (a /16 for IPv4 is usual)", netName, minPrefix))
			return
		}
		if prefix <= defLen-2 {
			subnetLen = defLen
		} else {
			subnetLen = prefix + 2
		}
	}
	for _, name := range []string{minName, maxName} {
		m, ok := get(name)
		if !ok || m.Value.Type == gjson.Null {
			continue
		}
		ip := net.ParseIP(flannelRaw(m.Value))
		if ip == nil {
			continue // reported as a type error
		}
		a, _ := netip.AddrFromSlice(ip)
		if !ipv6 {
			if ip.To4() == nil {
				continue
			}
			a = a.Unmap()
		}
		if a.IsUnspecified() {
			continue // 0 means "use the default"
		}
		if !network.Contains(a) {
			fail(doc.Loc(top(m.Name), m.Value), fmt.Sprintf("%s %s is outside %s %s: `%s is not in the range of the %s`", name, a, netName, network, name, netName), fmt.Sprintf("use an address inside %s, or remove %s", network, name))
			continue
		}
		if subnetLen <= bits && netip.PrefixFrom(a, subnetLen).Masked().Addr() != a {
			fail(doc.Loc(top(m.Name), m.Value), fmt.Sprintf("%s %s is not on a /%d boundary: `%s is not on a SubnetLen boundary: %s`", name, a, subnetLen, name, a), fmt.Sprintf("use %s", netip.PrefixFrom(a, subnetLen).Masked().Addr()))
		}
	}
}

// clusterChecks compares Network with what the cluster context knows.
func (v *validator) clusterChecks(doc *schema.Doc, root gjson.Result, get func(string) (rules.Member, bool), info netInfo) {
	c := v.req.Cluster
	if c == nil {
		return
	}
	type fam struct {
		on      bool
		network netip.Prefix
		name    string
		v6      bool
	}
	fams := []fam{{info.enableIPv4, info.network, "Network", false}, {info.enableIPv6, info.ipv6Network, "IPv6Network", true}}
	for _, f := range fams {
		if !f.on || !f.network.IsValid() {
			continue
		}
		nm, _ := get(f.name)
		loc := doc.Loc(top(nm.Name), nm.Value)
		// Node podCIDRs, from the context's node index: the cost does not
		// grow with the number of nodes.
		if n, list := c.NodeIndex().PodCIDRsOutside(f.network, f.v6); n > 0 {
			more := ""
			if n > len(list) {
				more = fmt.Sprintf(" and %d more", n-len(list))
			}
			family := ""
			if f.v6 {
				family = " IPv6"
			}
			v.r.Add(RuleNodePodCIDR, loc, fmt.Sprintf("%s %s does not contain the podCIDR of node %s%s: flannel ≥0.18 crash-loops on those nodes with `subnet %q specified in the flannel net config doesn't contain ...%s PodCIDR`, older versions start with mismatched FLANNEL_NETWORK/FLANNEL_SUBNET and cross-node routing breaks", f.name, f.network, strings.Join(list, ", "), more, f.network.String(), family),
				fmt.Sprintf("set %s to the cluster pod CIDR that the node podCIDRs come from (kube-controller-manager --cluster-cidr)", f.name))
		}
		// Service CIDRs.
		v.serviceOverlap(loc, f.name, f.network, f.v6, c)
		// Cluster pod CIDR.
		var same []netip.Prefix
		match := false
		for _, p := range c.PodPrefixes() {
			if p.Addr().Is4() == f.v6 {
				continue
			}
			same = append(same, p)
			// A Network that contains the cluster CIDR contains every
			// podCIDR allocated from it (kops: Network 100.64.0.0/10 =
			// NonMasqueradeCIDR over --cluster-cidr 100.96.0.0/11).
			if p.Bits() >= f.network.Bits() && f.network.Contains(p.Addr()) {
				match = true
			}
		}
		if len(same) > 0 && !match {
			v.r.Add(RuleClusterCIDR, loc, fmt.Sprintf("%s %s does not contain the cluster pod CIDR %s: kube-controller-manager allocates node podCIDRs from the cluster CIDR, so nodes may get podCIDRs outside %s (flannel ≥0.18 crash-loops there, older versions route them wrongly)", f.name, f.network, same[0], f.name), fmt.Sprintf("set %s to %s (or a range containing it), or fix the cluster configuration", f.name, same[0]))
		}
	}
}

// serviceOverlap denies pod addresses inside the Service range. flanneld
// reads net-conf.json only with --kube-subnet-mgr (etcd mode takes its
// config from etcd), and then it allocates nothing itself: each node's lease
// is its spec.podCIDR, which must lie inside Network (pkg/subnet/kube
// AcquireLease). So a Network that merely contains the Service range is no
// conflict by itself — kube-controller-manager's range allocator occupies
// the Service range before it hands out podCIDRs (filterOutServiceRange),
// which is how kops runs Network 100.64.0.0/10 over Services 100.64.0.0/13.
// Pod addresses collide with ClusterIPs only when Network lies inside the
// Service range (every podCIDR flannel accepts does too) or when a node's
// podCIDR overlaps it.
func (v *validator) serviceOverlap(loc rules.Loc, name string, network netip.Prefix, v6 bool, c *rules.ClusterContext) {
	for _, s := range c.ServicePrefixes() {
		if s.Addr().Is4() == v6 || !s.Overlaps(network) {
			continue
		}
		if s.Bits() <= network.Bits() {
			v.r.Add(RuleServiceOverlap, loc, fmt.Sprintf("%s %s lies inside the Service CIDR %s: every node podCIDR flannel accepts is inside %s, so pod addresses and ClusterIPs collide and traffic to Services or pods is misrouted", name, network, s, name),
				"choose a pod network disjoint from the Service CIDR and the VPC/node CIDR (ACK: plan CIDR blocks before creating the cluster)")
			continue
		}
		var hits []string
		for _, n := range c.Nodes {
			for _, pc := range n.PodCIDRs {
				p, err := netip.ParsePrefix(strings.TrimSpace(pc))
				if err != nil || p.Addr().Is4() == v6 {
					continue
				}
				if p.Masked().Overlaps(s) {
					hits = append(hits, fmt.Sprintf("%s (%s)", n.Name, p.Masked()))
				}
			}
		}
		if len(hits) == 0 {
			// Containment alone: the node podCIDRs decide, and none
			// known overlaps the Service range.
			continue
		}
		sort.Strings(hits)
		more := ""
		if len(hits) > 5 {
			more = fmt.Sprintf(" and %d more", len(hits)-5)
			hits = hits[:5]
		}
		v.r.Add(RuleServiceOverlap, loc, fmt.Sprintf("the podCIDR of node %s%s overlaps the Service CIDR %s (inside %s %s): flannel leases the node's podCIDR as it is, so pod addresses on that node collide with ClusterIPs and traffic to Services or pods is misrouted", strings.Join(hits, ", "), more, s, name, network),
			"give the node a podCIDR outside the Service CIDR (kube-controller-manager --cluster-cidr disjoint from --service-cluster-ip-range, or its range allocator, which skips the Service range); a Network that only contains the Service range is fine")
	}
}

// ipv6Only reports a net-conf.json written for IPv6 alone: EnableIPv6 on, an
// IPv6Network, EnableIPv4 not written at all (it defaults to true), on a
// flannel version that has dual stack (v0.15+, or unknown).
func (v *validator) ipv6Only(get func(string) (rules.Member, bool)) bool {
	if has, _ := v.available(v0_15, rules.Version{}); !has {
		return false
	}
	if _, written := get("EnableIPv4"); written {
		return false
	}
	e, ok := get("EnableIPv6")
	if !ok || e.Value.Type != gjson.True {
		return false
	}
	_, ok = get("IPv6Network")
	return ok
}
