package flannel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The flannel CNI plugin's own config and the bridge delegate it runs.

// flannelPluginKeys are the fields of the flannel plugin's NetConf
// (types.NetConf + flannel's own), decoded case-insensitively, in the order
// hints list them.
var flannelPluginKeys = []string{"type", "name", "cniVersion", "capabilities", "ipam", "dns", "prevResult", "runtimeConfig", "args", "subnetFile", "dataDir", "delegate"}

// flannelNetConf is that NetConf for the shared decoder.
var flannelNetConf = schema.StructOf("NetConf", map[string]*schema.Type{
	"type": schema.TString, "name": schema.TString, "cniVersion": schema.TString,
	"capabilities": schema.MapOf("map[string]bool", schema.TBool),
	"ipam":         schema.TObject, "dns": schema.TObject, "prevResult": schema.TObject, "runtimeConfig": schema.TObject, "args": schema.TObject,
	"subnetFile": schema.TString, "dataDir": schema.TString, "delegate": schema.TObject,
})

// shapeWord names what a flannel plugin field must be, for messages.
func shapeWord(t *schema.Type) string {
	switch {
	case t.Kind == schema.String:
		return "string"
	case t.Elem == schema.TBool:
		return "object of booleans"
	}
	return "object"
}

// Bridge plugin NetConf fields by JSON type.
var (
	bridgeBools   = []string{"isGateway", "isDefaultGateway", "forceAddress", "ipMasq", "hairpinMode", "promiscMode", "preserveDefaultVlan", "macspoofchk", "enabledad", "disableContainerInterface", "portIsolation"}
	bridgeInts    = []string{"mtu", "vlan"}
	bridgeStrings = []string{"bridge", "ipMasqBackend", "cniVersion", "type"}
	bridgeOther   = []string{"vlanTrunk", "args", "runtimeConfig", "dns", "capabilities", "prevResult"}
	// flannelManaged are the delegate keys the flannel plugin looks up with
	// exact-case map lookups and fills in itself.
	flannelManaged = []string{"type", "ipMasq", "mtu", "isGateway", "name", "ipam"}
)

func bridgeKeys() []string {
	return slices.Concat(bridgeBools, bridgeInts, bridgeStrings, bridgeOther, []string{"name", "ipam"})
}

// tBridgeInt is an int of bridge's NetConf as bridge sees it: flannel
// re-marshals the delegate map, so any integral number (1450.0, 1.45e3)
// arrives as an integer (integralNumber).
var tBridgeInt = &schema.Type{Kind: schema.Custom, GoType: "int"}

// bridgeNetConf is the bridge plugin's NetConf for the shared decoder. Keys
// flannel manages or that only chained plugins read are untyped here (FL012
// judges the ones flannel refuses).
var bridgeNetConf = func() *schema.Type {
	untyped := &schema.Type{Kind: schema.Custom, GoType: "interface {}"}
	fields := map[string]*schema.Type{}
	for _, k := range bridgeKeys() {
		fields[k] = untyped
	}
	for _, k := range bridgeBools {
		fields[k] = schema.TBool
	}
	for _, k := range bridgeInts {
		fields[k] = tBridgeInt
	}
	fields["bridge"], fields["ipMasqBackend"] = schema.TString, schema.TString
	fields["vlanTrunk"] = schema.ArrayOf("[]*VlanTrunk", nil)
	return schema.StructOf("NetConf", fields)
}()

// flannelPlugin checks the flannel plugin object (the root in the single form).
func (v *validator) flannelPlugin(doc *schema.Doc, p gjson.Result, path *field.Path, single bool, info *cniInfo) {
	keys := flannelPluginKeys
	for _, m := range doc.Members(p) {
		mp := rules.Child(path, m.Name)
		field, ft := flannelNetConf.Field(m.Name, schema.Fold)
		if ft == nil {
			hint := "remove it; the flannel plugin knows: " + strings.Join(keys, ", ")
			if s := v.didYouMean(m.Name, keys); s != "" {
				hint = s + " (" + hint + ")"
			}
			if single && slices.Contains(listKeys, m.Name) {
				hint = fmt.Sprintf("%q is a .conflist key; the single .conf form ignores it", m.Name)
			}
			v.r.Add(RuleCNIUnknownKey, doc.KeyLoc(mp, m), fmt.Sprintf("the flannel plugin does not know %q and ignores it", m.Name), hint)
			continue
		}
		val := m.Value
		bad := ""
		switch {
		case field == "delegate":
			v.delegateShape(doc, m, mp)
		case single && (field == "name" || field == "cniVersion" || field == "type"):
			// libcni's own checks of the single form (FL003, FL004, FL007).
		case !ft.Accepts(val):
			bad = shapeWord(ft)
		case ft.Elem != nil && val.IsObject():
			for _, c := range doc.Members(val) {
				if !ft.Elem.Accepts(c.Value) {
					v.r.Add(RuleFlannelPlugin, doc.Loc(rules.Child(mp, c.Name), c.Value), fmt.Sprintf("capability %q is %s: the runtime and the flannel plugin fail to decode the config (`cannot unmarshal %s into Go value of type bool`)", c.Name, rules.Compact(c.Value), rules.JSONType(c.Value)), fmt.Sprintf(`use "%s": true`, c.Name))
				}
			}
		}
		if bad != "" {
			v.r.Add(RuleFlannelPlugin, doc.Loc(mp, val), fmt.Sprintf("%q is %s but the flannel plugin expects a %s: every pod ADD and DEL fails with `failed to load flannel netconf file: failed to load netconf: json: cannot unmarshal %s`", m.Name, rules.Compact(val), bad, rules.JSONType(val)), fmt.Sprintf("make %q a %s", field, bad))
		}
	}
	if m, ok := doc.Fold(p, "dataDir"); ok && m.Value.Type == gjson.String {
		info.dataDir, info.hasDataDir, info.dirLoc = m.Value.Str, true, doc.Loc(rules.Child(path, m.Name), m.Value)
	}
	if m, ok := doc.Fold(p, "subnetFile"); ok && m.Value.Type == gjson.String {
		info.subnetFile, info.hasSubnet, info.subLoc = m.Value.Str, true, doc.Loc(rules.Child(path, m.Name), m.Value)
	}
	dm, ok := doc.Fold(p, "delegate")
	if ok && dm.Value.IsObject() {
		v.delegate(doc, dm.Value, rules.Child(path, dm.Name), info)
	}
}

// delegateShape checks that a delegate member decodes into a map.
func (v *validator) delegateShape(doc *schema.Doc, m rules.Member, path *field.Path) {
	if m.Value.IsObject() || m.Value.Type == gjson.Null {
		return
	}
	v.r.Add(RuleDelegate, doc.Loc(path, m.Value), fmt.Sprintf("delegate is a %s: the flannel plugin fails every pod ADD with `failed to load flannel netconf file: failed to load netconf: json: cannot unmarshal %s into Go struct field NetConf.delegate of type map[string]interface {}`", rules.JSONType(m.Value), rules.JSONType(m.Value)), `make delegate an object, e.g. "delegate": {"hairpinMode": true, "isDefaultGateway": true}`)
}

// delegate checks the delegate object: flannel decodes it into a map (exact
// keys, last duplicate wins), adds its own keys and hands the re-marshalled
// map (keys sorted) to the delegate plugin, bridge by default.
func (v *validator) delegate(doc *schema.Doc, d gjson.Result, path *field.Path, info *cniInfo) {
	mp := doc.ExactMap(d)
	keys := make([]string, 0, len(mp))
	for k := range mp {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	loc := func(k string) rules.Loc { return doc.KeyLoc(rules.Child(path, k), mp[k]) }
	vloc := func(k string) rules.Loc { return doc.Loc(rules.Child(path, k), mp[k].Value) }

	dtype := "bridge"
	if t, ok := mp["type"]; ok {
		if t.Value.Type != gjson.String {
			v.r.Add(RuleDelegate, vloc("type"), fmt.Sprintf("delegate \"type\" is %s: the flannel plugin fails every pod ADD with `'delegate' dictionary, if present, must have (string) 'type' field`", rules.Compact(t.Value)), `use a string, e.g. "type": "bridge", or remove it (bridge is the default)`)
		} else {
			dtype = t.Value.Str
		}
	}
	for _, k := range []string{"name", "ipam"} {
		if _, ok := mp[k]; ok {
			v.r.Add(RuleDelegate, loc(k), fmt.Sprintf("the delegate sets %q: the flannel plugin fails every pod ADD with `'delegate' dictionary must not have '%s' field, it'll be set by flannel`", k, k), fmt.Sprintf("remove delegate.%s; flannel sets it (put IPAM options in a top-level \"ipam\" of the flannel plugin instead)", k))
		}
	}

	// The keys the delegate plugin finally receives.
	final := slices.Clone(keys)
	for _, k := range []string{"name", "ipam", "type", "ipMasq", "mtu"} {
		if !slices.Contains(final, k) {
			final = append(final, k)
		}
	}
	if dtype == "bridge" && !slices.Contains(final, "isGateway") {
		final = append(final, "isGateway")
	}
	bridge := dtype == "bridge"
	known := bridgeKeys()
	for _, k := range keys {
		field, _ := bridgeNetConf.Field(k, schema.Fold)
		if field == "" || field == k {
			if field == "" && bridge {
				hint := "remove it; bridge knows: " + strings.Join(slices.Concat(bridgeBools, bridgeInts, []string{"bridge", "ipMasqBackend", "vlanTrunk"}), ", ")
				if s := v.didYouMean(k, known); s != "" {
					hint = s
				}
				v.r.Add(RuleCNIUnknownKey, loc(k), fmt.Sprintf("the bridge delegate does not know %q and ignores it", k), hint)
			}
			continue
		}
		// k is a case variant of a known field.
		if slices.Contains(flannelManaged, field) {
			winner, _ := schema.SortedFoldWinner(final, field)
			if field == "type" || field == "name" || field == "ipam" || winner != k || !bridge {
				v.r.Add(RuleDelegateIgnored, loc(k), fmt.Sprintf("delegate key %q is not %q: the flannel plugin looks up %q case-sensitively, adds its own value, and the delegate uses flannel's value, so this setting is silently ignored", k, field, field), fmt.Sprintf("rename it to %q", field))
				continue
			}
		}
		if bridge {
			v.r.Add(RuleDelegateKeyCase, loc(k), fmt.Sprintf("delegate key %q is not spelled %q: it works only because bridge decodes keys case-insensitively; flannel, the ACK FAQ procedures and netguard's mutations look for %q", k, field, field), fmt.Sprintf("rename it to %q", field))
		}
	}
	if !bridge {
		return
	}
	for _, k := range keys {
		m := mp[k]
		val := m.Value
		field, ft := bridgeNetConf.Field(k, schema.Fold)
		if ft == nil {
			continue
		}
		switch {
		case ft == schema.TBool:
			if !ft.Accepts(val) {
				hint := fmt.Sprintf(`use the JSON boolean "%s": true (no quotes)`, field)
				if val.Type == gjson.String && (val.Str == "false" || val.Str == "False") {
					hint = fmt.Sprintf(`use the JSON boolean "%s": false (no quotes)`, field)
				}
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate %s is %s: bridge fails every pod ADD with `failed to load netconf: json: cannot unmarshal %s into Go struct field NetConf.%s of type bool`", k, rules.Compact(val), rules.JSONType(val), field), hint)
			}
		case ft == tBridgeInt:
			if val.Type == gjson.Null {
				continue
			}
			n, ok := integralNumber(val)
			if !ok {
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate %s is %s: bridge fails every pod ADD with `failed to load netconf: json: cannot unmarshal %s into Go struct field NetConf.%s of type int`", k, rules.Compact(val), rules.JSONType(val), field), fmt.Sprintf(`use an integer, e.g. "%s": %s`, field, map[string]string{"mtu": "1450", "vlan": "0"}[field]))
				continue
			}
			if field == "vlan" && (n < 0 || n > 4094) {
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate vlan is %d: bridge fails every pod ADD with `invalid VLAN ID %d (must be between 0 and 4094)`", n, n), "use a VLAN ID between 0 and 4094, or remove it")
			}
			if field == "mtu" && n < 0 {
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate mtu is %d: bridge cannot set a negative MTU and every pod ADD fails", n), "remove mtu (flannel fills in FLANNEL_MTU) or use a positive value")
			}
		case ft == schema.TString:
			if !ft.Accepts(val) {
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate %s is %s: bridge fails every pod ADD with `failed to load netconf: json: cannot unmarshal %s into Go struct field NetConf.%s of type string`", k, rules.Compact(val), rules.JSONType(val), field), fmt.Sprintf("make %s a string", field))
			}
		case ft.Kind == schema.Array:
			if !ft.Accepts(val) {
				v.r.Add(RuleDelegateType, vloc(k), fmt.Sprintf("delegate vlanTrunk is a %s: bridge fails every pod ADD (`cannot unmarshal %s into Go struct field NetConf.vlanTrunk`)", rules.JSONType(val), rules.JSONType(val)), `use an array such as [{"minID": 100, "maxID": 200}]`)
			}
		}
	}
	// Effective hairpinMode / promiscMode as bridge sees them.
	eff := func(field string) (rules.Member, bool) {
		w, ok := schema.SortedFoldWinner(keys, field)
		if !ok {
			return rules.Member{}, false
		}
		return mp[w], true
	}
	hp, hok := eff("hairpinMode")
	pr, pok := eff("promiscMode")
	if hok {
		info.hairpin = hp.Value.Raw
	}
	if hok && pok && hp.Value.Type == gjson.True && pr.Value.Type == gjson.True {
		v.r.Add(RuleHairpinPromisc, doc.Loc(rules.Child(path, pr.Name), pr.Value), "delegate sets both hairpinMode and promiscMode: bridge fails every pod ADD with `cannot set hairpin mode and promiscuous mode at the same time`", "keep hairpinMode: true (pods can reach themselves through their Service) and remove promiscMode")
	}
	if !hok && pok && pr.Value.Type == gjson.True && v.req.Config != nil && MutationsOf(v.req.Config).HairpinMode {
		v.r.Add(RuleHairpinNotInjected, doc.Loc(rules.Child(path, pr.Name), pr.Value), "the hairpinMode mutation is configured but the delegate enables promiscMode, and bridge refuses both together (`cannot set hairpin mode and promiscuous mode at the same time`): netguard did not add hairpinMode, so a pod still cannot reach itself through its own Service", `remove promiscMode so that netguard can add "hairpinMode": true, or set hairpin yourself and drop promiscMode`)
	}
}
