package terway

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// cniInfo is what the CNI config says about the datapath.
type cniInfo struct {
	key string // "10-terway.conf" or "10-terway.conflist"
	// known is true when a terway plugin was found and read.
	known       bool
	virtualType string // lowercased eniip_virtual_type ("" when absent or not a string)
	provider    string // network_policy_provider
	// terwayVersion is the cluster's Terway version ("" when unknown).
	terwayVersion string
}

// cilium reports whether the policy container runs cilium, which
// in_cluster_loadbalance needs.
func (c *cniInfo) cilium() bool {
	return c.virtualType == "ipvlan" || c.virtualType == "datapathv2" || c.provider == "ebpf"
}

// cniImpact says what a type error in a terway plugin field breaks.
var cniImpact = map[string]string{
	"network_policy_provider":  "terway-init fails (\"network_policy_provider type error\") and the Terway pods crash-loop",
	"symmetric_routing_config": "terway-init fails (\"failed to parse symmetric_routing_config\") and the Terway pods crash-loop",
	"cilium_enable_hubble":     "the policy container fails (\"failed to unmarshal args\") whenever cilium runs",
	"host_stack_cidrs":         "the CNI plugin fails every pod sandbox creation and the policy container fails",
}

// unusedENIConfFields are eni_conf fields Terway never uses; seeing them in
// a CNI config is harmless.
var unusedENIConfFields = map[string]bool{"version": true, "region_id": true, "prefix": true}

// checkCNI judges 10-terway.conf / 10-terway.conflist of the base config.
func checkCNI(r *rules.Report, data map[string]string, eniIPStack func() (string, bool), terwayVersion string) *cniInfo {
	conf, hasConf := data["10-terway.conf"]
	list, hasList := data["10-terway.conflist"]
	if !hasConf {
		msg := "10-terway.conf is missing: terway-init requires this key (\"this file must exist\") and fails, so the Terway pods never start"
		if hasList {
			msg = "10-terway.conf is missing: terway-init requires this key even when 10-terway.conflist is present, and fails, so the Terway pods never start"
		}
		r.Add(RuleCNIMissing, rules.Loc{Key: "10-terway.conf"}, msg,
			`add 10-terway.conf, e.g. {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}`)
	}
	key, text := "10-terway.conf", conf
	if hasList {
		key, text = "10-terway.conflist", list
	} else if !hasConf {
		return nil
	}
	info := &cniInfo{key: key, terwayVersion: terwayVersion}
	doc, serr := schema.Parse(key, text)
	if serr != nil {
		r.Add(RuleCNIUnreadable, serr.Loc, fmt.Sprintf("%s is not valid JSON (%s): terway-init cannot parse it and fails, so the Terway pods never start", key, serr.Msg),
			"fix the JSON: no comments (docs show // annotations that must not be copied), no trailing commas, double quotes only")
		return info
	}
	root := doc.Root
	if !root.IsObject() {
		r.Add(RuleCNIUnreadable, doc.Loc(nil, root), fmt.Sprintf("%s is a JSON %s, not an object: terway-init fails (\"type not found\") and the Terway pods never start", key, rules.JSONType(root)),
			`write a CNI config object, e.g. {"cniVersion": "0.4.0", "name": "terway", "type": "terway"}`)
		return info
	}
	type plugin struct {
		v    gjson.Result
		path *field.Path
	}
	var plugins []plugin
	if pm, ok := doc.Get(root, "plugins"); ok {
		if !pm.Value.IsArray() {
			r.Add(RuleCNIUnreadable, doc.Loc(rules.Root("plugins"), pm.Value), fmt.Sprintf("plugins in %s is a JSON %s, not an array: terway-init cannot build the plugin chain and fails", key, rules.JSONType(pm.Value)),
				`write "plugins": [{"type": "terway"}, ...]`)
			return info
		}
		for i, p := range pm.Value.Array() {
			plugins = append(plugins, plugin{p, rules.Root("plugins").Index(i)})
		}
		if len(plugins) == 0 {
			r.Add(RuleCNIUnreadable, doc.Loc(rules.Root("plugins"), pm.Value), fmt.Sprintf("plugins in %s is empty: the node gets a CNI config without the terway plugin and pods cannot be created", key),
				`add {"type": "terway"} to plugins`)
		}
	} else {
		if key == "10-terway.conflist" {
			r.Add(RuleCNIUnreadable, doc.Loc(nil, root), "10-terway.conflist has no plugins array: terway-init treats the whole document as a single plugin, which is not what a conflist means",
				`write {"plugins": [{"type": "terway"}, ...]}`)
		}
		plugins = append(plugins, plugin{root, nil})
	}
	for _, p := range plugins {
		if !p.v.IsObject() {
			r.Add(RuleCNIUnreadable, doc.Loc(p.path, p.v), fmt.Sprintf("%s in %s is a JSON %s, not a plugin object: terway-init fails (\"type not found\")", orRoot(p.path), key, rules.JSONType(p.v)),
				`each plugin is an object with a string "type"`)
			continue
		}
		t, ok := doc.Get(p.v, "type")
		if !ok || t.Value.Type != gjson.String {
			tp := rules.Child(p.path, "type")
			what := "has no \"type\""
			if ok {
				what = "has a non-string \"type\""
			}
			r.Add(RuleCNIUnreadable, doc.Loc(tp, t.Value), fmt.Sprintf("%s in %s %s: terway-init fails with \"type not found\" and the Terway pods never start", orRoot(p.path), key, what),
				`add "type": "terway" (or the plugin's binary name) as a JSON string`)
			continue
		}
		if t.Value.Str == "terway" {
			checkTerwayPlugin(r, doc, p.v, p.path, info, eniIPStack)
		}
	}
	return info
}

func orRoot(p *field.Path) string {
	if p == nil {
		return "the plugin"
	}
	return p.String()
}

// checkTerwayPlugin judges the members of the terway plugin.
func checkTerwayPlugin(r *rules.Report, doc *schema.Doc, v gjson.Result, path *field.Path, info *cniInfo, eniIPStack func() (string, bool)) {
	info.known = true
	for _, m := range doc.Members(v) {
		p := rules.Child(path, m.Name)
		// The path string and positions are worked out for a finding
		// only, and then once.
		var ps string
		pathString := func() string {
			if ps == "" {
				ps = rules.PathString(p)
			}
			return ps
		}
		loc := func() rules.Loc { return doc.JSONDoc.LocAt(pathString(), m.KeyOffset) }
		if t, ok := cniFields[m.Name]; ok {
			impact := cniImpact[m.Name]
			if impact == "" {
				impact = "the terway CNI binary fails every pod sandbox creation (ContainerCreating forever)"
			}
			tc := &typeCheck{r: r, doc: doc, mismatchRule: RuleCNIFieldType, unknownRule: RuleCNITypo, structName: "CNIConf", impact: impact, foldCase: true}
			if !tc.check(t, m.Value, p, false) {
				continue
			}
		}
		vloc := func() rules.Loc { return doc.JSONDoc.Loc(pathString(), m.Value) }
		switch m.Name {
		case "eniip_virtual_type":
			checkVirtualType(r, m.Value, vloc, info)
		case "network_policy_provider":
			if m.Value.Type == gjson.String {
				info.provider = m.Value.Str
				checkProvider(r, m.Value.Str, vloc)
			}
		case "host_stack_cidrs":
			for i, e := range m.Value.Array() {
				if e.Type != gjson.String {
					continue
				}
				if _, err := netip.ParsePrefix(e.Str); err != nil {
					r.Add(RuleHostStackCIDR, doc.Loc(p.Index(i), e), fmt.Sprintf("host_stack_cidrs entry %s is not a CIDR (%v): the CNI plugin fails pod creation with \"host_stack_cidrs(...) is invaild\" and the policy container fails", rules.Quote(e.Str), err),
						`write each entry as a CIDR, e.g. "169.254.20.10/32"`)
				}
			}
		case "auto_mtu":
			if m.Value.Type != gjson.True && m.Value.Type != gjson.False && m.Value.Type != gjson.Null {
				r.Add(RuleCNIIgnored, vloc(), fmt.Sprintf("auto_mtu is %s, not a JSON boolean: terway-init silently ignores it, so the MTU is not detected", describe(m.Value, false)),
					`write "auto_mtu": true (no quotes)`)
			}
		case "hairpinMode", "hairpin_mode":
			r.Add(RuleCNIIgnored, loc(), fmt.Sprintf("%q is not a Terway setting (Terway has no hairpin option; it is a flannel/bridge plugin field): it is ignored", m.Name),
				fmt.Sprintf("remove %q", m.Name))
		case "ip_stack":
			checkCNIIPStack(r, doc.Key, m.Value, loc, eniIPStack)
		case "disable_network_policy", "in_cluster_loadbalance", "felix_relay_service":
			r.Add(RuleWrongDocument, loc(), fmt.Sprintf("%q is set inside %s, where Terway ignores it: it is read from a top-level ConfigMap key", m.Name, doc.Key),
				fmt.Sprintf("move it to a top-level data key: %s: \"...\" (a quoted string next to eni_conf)", m.Name))
		default:
			if _, ok := cniFields[m.Name]; ok {
				continue
			}
			if _, ok := eniConfFields[m.Name]; ok && !unusedENIConfFields[m.Name] {
				r.Add(RuleWrongDocument, loc(), fmt.Sprintf("%q is an eni_conf field set inside %s, where Terway ignores it, so this setting has no effect", m.Name, doc.Key),
					fmt.Sprintf("move %q into the eni_conf JSON", m.Name))
				continue
			}
			if sug := rules.Suggest(m.Name, terwayPluginKeys); sug != "" && sug != m.Name {
				r.Add(RuleCNITypo, loc(), fmt.Sprintf("%q is not a terway plugin field, so terway-init (which matches keys case-sensitively) ignores it; did you mean %q?", m.Name, sug),
					fmt.Sprintf("rename %q to %q", m.Name, sug))
			}
		}
	}
}

// terwayPluginKeys are the terway plugin's fields for did-you-mean:
// cniVersion and name are dropped by terway-init, so a typo there is moot.
var terwayPluginKeys = func() []string {
	var known []string
	for _, k := range sortedKeys(cniFields) {
		if k != "cniVersion" && k != "name" {
			known = append(known, k)
		}
	}
	return append(known, "eniip_virtual_type", "auto_mtu")
}()

func checkVirtualType(r *rules.Report, v gjson.Result, loc func() rules.Loc, info *cniInfo) {
	if v.Type == gjson.Null {
		return
	}
	if v.Type != gjson.String {
		r.Add(RuleCNIIgnored, loc(), fmt.Sprintf("eniip_virtual_type is %s, not a string: terway-init silently treats it as \"veth\"", describe(v, false)),
			`write "eniip_virtual_type": "veth" or "datapathv2" as a JSON string`)
		return
	}
	info.virtualType = strings.ToLower(v.Str)
	switch info.virtualType {
	case "", "veth", "datapathv2":
	case "ipvlan":
		checkIPvlan(r, v.Str, loc(), info.terwayVersion)
	default:
		hint := `use "veth" or "datapathv2"`
		if sug := r.Suggest(info.virtualType, []string{"veth", "datapathv2", "ipvlan"}); sug != "" {
			hint = fmt.Sprintf("did you mean %q? write \"eniip_virtual_type\": %q", sug, sug)
		}
		r.Add(RuleDatapath, loc(), fmt.Sprintf("eniip_virtual_type %s is not a datapath Terway knows (veth, ipvlan, datapathv2; case-insensitive): terway-init fails with \"invalid datapath\" and the Terway pods never start", rules.Quote(v.Str)), hint)
	}
}

func checkProvider(r *rules.Report, v string, loc func() rules.Loc) {
	switch v {
	case "iptables", "ebpf", "":
		return
	}
	if sug := nearMiss(v, []string{"iptables", "ebpf"}); sug != "" {
		r.Add(RuleEnumNearMiss, loc(), fmt.Sprintf("network_policy_provider %s is not a value Terway recognises (it compares case-sensitively): Terway silently uses \"iptables\" instead of %q", rules.Quote(v), sug),
			fmt.Sprintf("write \"network_policy_provider\": %q", sug))
		return
	}
	r.Add(RuleEnumUnknown, loc(), fmt.Sprintf("network_policy_provider %s is not a value Terway recognises: Terway silently uses \"iptables\"", rules.Quote(v)),
		`use "iptables" or "ebpf"`)
}

// checkCNIIPStack judges ip_stack in the terway plugin, where Terway never
// reads it (docs/ipv6.md and the v1.1-v1.6 terway-multiip.yml put it
// there). It is a misread only when it differs from the stack terwayd uses
// (eni_conf's ip_stack or the default "ipv4"): the operator then believes
// in a stack that is not the one running. Equal to it, it is merely dead.
func checkCNIIPStack(r *rules.Report, key string, v gjson.Result, loc func() rules.Loc, eniIPStack func() (string, bool)) {
	eni, known := eniIPStack()
	switch {
	case !known:
		r.Add(RuleCNIIgnored, loc(), fmt.Sprintf("ip_stack in %s is ignored by Terway: it reads ip_stack only from eni_conf", key),
			"remove ip_stack from the CNI config and set it in eni_conf")
	case v.Type == gjson.String && stackOrDefault(v.Str) == eni:
		r.Add(RuleCNIIgnored, loc(), fmt.Sprintf("ip_stack in %s is ignored by Terway (it reads ip_stack only from eni_conf); it matches the stack terwayd uses, %q, so it is harmless", key, eni),
			"remove ip_stack from the CNI config")
	default:
		r.Add(RuleWrongDocument, loc(), fmt.Sprintf("ip_stack is %s in %s, where Terway ignores it (docs/ipv6.md shows it there by mistake): terwayd runs the stack eni_conf decides, %q, so this setting has no effect", rules.Compact(v), key, eni),
			fmt.Sprintf("move it into eni_conf: \"ip_stack\": %s", rules.Compact(v)))
	}
}

// The IPvlan datapath across Terway releases (cmd/terway-cli/cni.go and
// cni_linux.go switchDataPathV2, pkg/feature/feature.go):
//   - before v1.8.0 there is no feature gate; IPvlan is a datapath of its own;
//   - v1.8.0 adds the AutoDataPathV2 gate, off by default: IPvlan stays IPvlan;
//   - v1.13.2 turns the gate on by default: terway-init runs datapathv2
//     instead on nodes that have no cilium_net yet (nodes already running
//     IPvlan keep it);
//   - after v1.17.5 (master, commit 004646df) IPvlan is gone: with the gate
//     off terway-init fails with "ipvlan is unsupported".
var (
	gateDefaultOn     = rules.Version{Major: 1, Minor: 13, Patch: 2}
	lastIPvlanRelease = rules.Version{Major: 1, Minor: 17, Patch: 5}
)

// checkIPvlan says what the cluster's Terway does with eniip_virtual_type
// "ipvlan"; every message is true for the version judged, and without a
// version it is phrased so that it holds for all of them.
func checkIPvlan(r *rules.Report, raw string, loc rules.Loc, version string) {
	hint := `write "eniip_virtual_type": "datapathv2", which is the datapath that runs`
	v, err := rules.ParseVersion(version)
	switch {
	case version == "" || err != nil:
		r.Add(RuleIPvlanVersion, loc, fmt.Sprintf("eniip_virtual_type %s: what runs depends on the Terway version: before v1.13.2 IPvlan is a datapath of its own (by default); from v1.13.2 the AutoDataPathV2 feature gate, on by default, makes terway-init run datapathv2 instead on nodes without cilium_net; Terway builds after v1.17.5 fail with \"ipvlan is unsupported\" when that gate is off", rules.Quote(raw)),
			"on Terway v1.13.2 or later "+hint+"; pass the Terway version (--terway-version) for a precise verdict")
	case v.Less(gateDefaultOn):
		// IPvlan is a supported datapath of its own (no gate before v1.8.0,
		// the gate off by default until v1.13.2): nothing to say.
	case !lastIPvlanRelease.Less(v):
		r.Add(RuleIPvlanVersion, loc, fmt.Sprintf("eniip_virtual_type %s with Terway %s: the AutoDataPathV2 feature gate is on by default, so terway-init runs datapathv2 instead of IPvlan on nodes without cilium_net (new nodes); nodes already running IPvlan keep it, so the cluster mixes datapaths", rules.Quote(raw), version),
			hint)
	default:
		r.Add(RuleIPvlanVersion, loc, fmt.Sprintf("eniip_virtual_type %s with Terway %s: IPvlan is no longer a datapath of its own; with the AutoDataPathV2 feature gate (on by default) terway-init runs datapathv2, without it terway-init fails with \"ipvlan is unsupported\" and the Terway pods never start", rules.Quote(raw), version),
			hint)
	}
}
