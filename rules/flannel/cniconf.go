package flannel

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// CNIVersions are the exact cniVersion strings libcni knows (v1.2+); plugins
// and runtimes compare them as exact strings.
var CNIVersions = []string{"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}

// IsSupportedCNIVersion reports whether v is one of CNIVersions, exactly.
func IsSupportedCNIVersion(v string) bool { return slices.Contains(CNIVersions, v) }

var cniNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`)

// ValidNetworkName reports whether name passes libcni's ValidateNetworkName
// (^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$).
func ValidNetworkName(name string) bool { return cniNameRE.MatchString(name) }

// listKeys are the conflist top-level keys libcni reads (case-sensitively).
var listKeys = []string{"name", "cniVersion", "cniVersions", "plugins", "disableCheck", "disableGC", "loadOnlyInlinedPlugins"}

// pluginConf is what libcni decodes of every chained plugin (types.PluginConf,
// case-insensitive keys); the flannel plugin's own fields are flannelNetConf.
var pluginConf = schema.StructOf("types.PluginConf", map[string]*schema.Type{
	"cniVersion": schema.TString, "name": schema.TString,
	"capabilities": schema.MapOf("map[string]bool", schema.TBool),
	"ipam":         schema.TObject, "dns": schema.TObject, "prevResult": schema.TObject,
})

// cniInfo is what later checks (updates, restart advice) need to know.
type cniInfo struct {
	ok                      bool
	list                    bool
	name                    string
	hasName                 bool
	dataDir, subnetFile     string
	hasDataDir, hasSubnet   bool
	nameLoc, dirLoc, subLoc rules.Loc
	hairpin                 string // raw effective delegate hairpinMode, "" when absent
}

func (v *validator) cniConf(text string, present bool) cniInfo {
	var info cniInfo
	if !present {
		v.r.Add(RuleCNIConfInvalid, rules.Loc{Key: CNIConfKey},
			"the ConfigMap has no cni-conf.json key: the flannel pod's install-cni init container copies /etc/kube-flannel/cni-conf.json into /etc/cni/net.d and fails (`cp: can't stat`), so flannel never starts and new nodes stay NotReady",
			"add cni-conf.json, e.g. "+upstreamConflist)
		return info
	}
	doc, serr := schema.Parse(CNIConfKey, text)
	if serr != nil {
		v.r.Add(RuleCNIConfInvalid, serr.Loc,
			"cni-conf.json is not valid JSON ("+serr.Msg+pasteAdvice(text)+"): libcni fails with `error parsing configuration`, so kubelet/CRI-O skip the file (node NotReady: `cni config uninitialized`) and containerd fails to load any CNI config",
			"fix the JSON syntax at the given line and column; JSON allows no comments and no trailing commas"+pasteHint(text))
		return info
	}
	root := doc.Root
	if !root.IsObject() {
		v.r.Add(RuleCNIConfInvalid, doc.Loc(nil, root),
			fmt.Sprintf("cni-conf.json is a JSON %s, not an object: libcni fails with `error parsing configuration` and the node gets no pod network", rules.JSONType(root)),
			"wrap the configuration in { ... } with name, cniVersion and type/plugins")
		return info
	}
	info.ok = true
	v.exactDuplicates(doc, root)

	_, hasPlugins := doc.Get(root, "plugins")
	_, hasType := doc.Fold(root, "type")
	var pluginsVariant *rules.Member
	for _, m := range doc.Members(root) {
		if m.Name != "plugins" && strings.EqualFold(m.Name, "plugins") {
			mm := m
			pluginsVariant = &mm
		}
	}
	switch {
	case hasPlugins:
		info.list = true
	case hasType:
		info.list = false
	case pluginsVariant != nil:
		info.list = true
	default:
		msg := "cni-conf.json has neither a top-level \"type\" (single-plugin 10-flannel.conf form) nor \"plugins\" (10-flannel.conflist form): libcni fails with `missing 'type'` or `no 'plugins' key` and the node gets no pod network"
		hint := `use {"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}},{"type":"portmap","capabilities":{"portMappings":true}}]}`
		for _, m := range doc.Members(root) {
			if s := v.suggest(m.Name, []string{"plugins", "type"}); s != "" {
				msg += fmt.Sprintf("; %q is not %q", m.Name, s)
				hint = fmt.Sprintf("rename %q to %q", m.Name, s)
			}
		}
		v.r.Add(RuleCNIForm, doc.Loc(nil, root), msg, hint)
		return info
	}
	v.installTarget(doc, root, info.list)

	if info.list {
		v.cniList(doc, root, pluginsVariant, &info)
	} else {
		v.cniSingle(doc, root, &info)
	}
	return info
}

// installTarget warns when the context hints at the install file name and the
// body has the other form.
func (v *validator) installTarget(doc *schema.Doc, root gjson.Result, list bool) {
	cm := v.req.ConfigMap()
	fv := strings.ToLower(v.flannelVersion)
	aliyun := strings.Contains(fv, "aliyun")
	switch {
	case !list && cm.Namespace == "kube-flannel":
		// Only the upstream kube-flannel.yml (v0.19+) and the Helm chart
		// use this namespace; both copy to 10-flannel.conflist.
		v.r.Add(RuleCNIInstallTarget, doc.Loc(nil, root),
			"cni-conf.json has the single-plugin form (top-level \"type\"), but the ConfigMap is in namespace kube-flannel, which only the upstream kube-flannel.yml (v0.19+) and the flannel Helm chart use, and both copy it to /etc/cni/net.d/10-flannel.conflist, where libcni fails with `no 'plugins' key` (≤v1.2) or `no plugin configs found` and the node goes NotReady",
			`use the list form {"name":…,"cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{…}},{"type":"portmap","capabilities":{"portMappings":true}}]}, or make sure the DaemonSet's install-cni copies to 10-flannel.conf`)
	case !list && v.verOK && !aliyun && !v.ver.Less(rules.Version{Minor: 10}):
		// In kube-system the file name is not knowable from the
		// ConfigMap: kube-flannel.yml (v0.10+) copies to .conflist, but
		// kube-flannel-legacy.yml (image v0.10.0), kube-flannel-aliyun.yml,
		// minikube.yml and ACK copy to 10-flannel.conf, where this form is
		// right. Say which is which instead of asserting one.
		v.r.Add(RuleCNIInstallTarget, doc.Loc(nil, root),
			fmt.Sprintf("cni-conf.json has the single-plugin form (top-level \"type\"), which works only if the DaemonSet's install-cni copies it to a .conf file (as kube-flannel-legacy.yml, kube-flannel-aliyun.yml, minikube.yml and ACK do); the upstream kube-flannel.yml of flannel %s copies it to 10-flannel.conflist, where libcni fails with `no 'plugins' key` (≤v1.2) or `no plugin configs found` and the node goes NotReady", v.flannelVersion),
			`check the install-cni command of the flannel DaemonSet: with 10-flannel.conflist use the list form {"name":…,"cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{…}},{"type":"portmap","capabilities":{"portMappings":true}}]}; with 10-flannel.conf nothing needs to change`)
	case list && v.verOK && aliyun && v.ver.Less(rules.Version{Minor: 15}):
		v.r.Add(RuleCNIInstallTarget, doc.Loc(nil, root),
			fmt.Sprintf("cni-conf.json has the list form (\"plugins\"), but ACK flannel %s copies it to /etc/cni/net.d/10-flannel.conf, where libcni fails with `missing 'type'` (`no 'type'; perhaps this is a .conflist?`) and the node goes NotReady", v.flannelVersion),
			`use the single form {"name":"cb0","cniVersion":"0.3.1","type":"flannel","delegate":{"isDefaultGateway":true}}, or check the DaemonSet's install-cni target file`)
	}
}

func (v *validator) cniList(doc *schema.Doc, root gjson.Result, pluginsVariant *rules.Member, info *cniInfo) {
	// Case-sensitive top-level keys.
	variants := map[string]bool{}
	for _, m := range doc.Members(root) {
		for _, k := range listKeys {
			if m.Name != k && strings.EqualFold(m.Name, k) {
				variants[k] = true
				effect := "libcni ignores it"
				switch k {
				case "name":
					effect = "libcni reads only \"name\" and fails with `error parsing configuration list: no name` unless that is also present"
				case "cniVersion":
					effect = "libcni ignores it and uses an empty version, so kubelet ≥1.16 / libcni <0.8 skip the config (`plugin flannel does not support config version \"\"`) and the node goes NotReady"
				case "plugins":
					effect = "libcni ignores it, so the list has no plugins (`no 'plugins' key` / `no plugin configs found`) and the node has no pod network"
				}
				v.r.Add(RuleCNIListKeyCase, doc.KeyLoc(top(m.Name), m),
					fmt.Sprintf("conflist key %q is read case-sensitively by libcni and must be spelled %q: %s", m.Name, k, effect),
					fmt.Sprintf("rename %q to %q", m.Name, k))
			}
		}
	}
	// name
	if m, ok := doc.Get(root, "name"); ok {
		v.checkName(doc, m, rules.Root("name"), info)
	} else if !variants["name"] {
		v.r.Add(RuleCNIName, doc.Loc(nil, root), "the conflist has no \"name\": libcni fails with `error parsing configuration list: no name` and the node gets no pod network", `add "name": "cbr0" (keep the name the nodes already use)`)
	}
	// cniVersion
	if m, ok := doc.Get(root, "cniVersion"); ok {
		v.checkCNIVersion(doc, m, rules.Root("cniVersion"), info)
	} else if !variants["cniVersion"] {
		v.missingCNIVersion(doc, root)
	}
	if m, ok := doc.Get(root, "cniVersions"); ok {
		p := rules.Root("cniVersions")
		if !m.Value.IsArray() {
			v.r.Add(RuleCNIListFlags, doc.Loc(p, m.Value), fmt.Sprintf("cniVersions is a %s: libcni ≥1.2 fails with `invalid type for cniVersions`", rules.JSONType(m.Value)), `use an array of versions, e.g. "cniVersions": ["0.3.1", "1.0.0"], or remove it`)
		} else {
			for i, e := range m.Value.Array() {
				if e.Type != gjson.String || !IsSupportedCNIVersion(e.Str) {
					v.r.Add(RuleCNIListFlags, doc.Loc(p.Index(i), e), fmt.Sprintf("cniVersions entry %s is not a CNI version string: libcni ≥1.2 fails with `invalid cniVersions entry`", rules.Compact(e)), "use exact versions from: "+strings.Join(CNIVersions, " "))
				}
			}
		}
	}
	for _, k := range []string{"disableCheck", "disableGC", "loadOnlyInlinedPlugins"} {
		m, ok := doc.Get(root, k)
		if !ok {
			continue
		}
		val := m.Value
		if val.Type == gjson.True || val.Type == gjson.False {
			continue
		}
		if val.Type == gjson.String && (strings.EqualFold(val.Str, "true") || strings.EqualFold(val.Str, "false")) {
			if k == "disableCheck" {
				v.r.Add(RuleCNIListFlags, doc.Loc(rules.Root(k), val), fmt.Sprintf("disableCheck is the string %s: libcni ≥1.2 accepts it, but libcni ≤1.1 (most runtimes before 2024) fail with `invalid disableCheck type string`", rules.Quote(val.Str)), fmt.Sprintf(`use the JSON boolean "disableCheck": %s`, strings.ToLower(val.Str)))
			}
			continue
		}
		v.r.Add(RuleCNIListFlags, doc.Loc(rules.Root(k), val), fmt.Sprintf("%s is %s: libcni fails the whole list with `invalid type %s for %s` / `invalid value`", k, rules.Compact(val), rules.JSONType(val), k), fmt.Sprintf(`use a JSON boolean, e.g. "%s": false`, k))
	}

	// plugins
	pm, ok := doc.Get(root, "plugins")
	if !ok {
		if pluginsVariant == nil {
			return
		}
		pm = *pluginsVariant
	}
	pp := rules.Root(pm.Name)
	if !pm.Value.IsArray() {
		v.r.Add(RuleCNIPlugins, doc.Loc(pp, pm.Value), fmt.Sprintf("plugins is a %s: libcni fails with `invalid 'plugins' type` and the node gets no pod network", rules.JSONType(pm.Value)), `make plugins an array: [{"type":"flannel","delegate":{…}},{"type":"portmap","capabilities":{"portMappings":true}}]`)
		return
	}
	plugins := pm.Value.Array()
	if len(plugins) == 0 {
		v.r.Add(RuleCNIPlugins, doc.Loc(pp, pm.Value), "plugins is empty: libcni fails with `no plugins in list` and the node gets no pod network", `add {"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}}`)
		return
	}
	flannelIdx, portmapIdx := -1, -1
	flannels := 0
	for i, p := range plugins {
		// Paths are built for findings only (a 1 MiB list has thousands
		// of valid plugins).
		path := func() *field.Path { return pp.Index(i) }
		if !p.IsObject() {
			v.r.Add(RuleCNIPlugins, doc.Loc(path(), p), fmt.Sprintf("plugin %d is a %s, not an object: libcni fails with `failed to parse plugin config %d`", i, rules.JSONType(p), i), `each plugin is an object with a "type", e.g. {"type":"flannel"}`)
			continue
		}
		tm, ok := doc.Fold(p, "type")
		if !ok || tm.Value.Type != gjson.String || tm.Value.Str == "" {
			what := "no \"type\""
			if ok {
				what = fmt.Sprintf("\"type\": %s", rules.Compact(tm.Value))
			}
			v.r.Add(RuleCNIPlugins, doc.Loc(rules.Child(path(), "type"), p), fmt.Sprintf("plugin %d has %s: libcni fails with `failed to parse plugin config %d: missing 'type'` (a string naming the plugin binary is required)", i, what, i), `set "type" to the plugin binary, e.g. "flannel" or "portmap"`)
			continue
		}
		t := tm.Value.Str
		tpath := func() *field.Path { return rules.Child(path(), tm.Name) }
		if strings.ContainsAny(t, `/\`) {
			v.r.Add(RuleCNIPlugins, doc.Loc(tpath(), tm.Value), fmt.Sprintf("plugin type %s contains a path separator: libcni ≥1.0 fails with `invalid plugin name` (binaries are looked up in the CNI bin dir)", rules.Quote(t)), "use the bare binary name, e.g. \"flannel\"")
			continue
		}
		known := []string{"flannel", "portmap", "bandwidth", "tuning", "firewall", "bridge", "sbr", "vrf"}
		if !slices.Contains(known, t) {
			if s := rules.Suggest(t, known); s != "" && strings.EqualFold(s, t) {
				v.r.Add(RuleCNIPlugins, doc.Loc(tpath(), tm.Value), fmt.Sprintf("plugin type %s names a binary that does not exist (binary names are case-sensitive): `failed to find plugin %q in path`", rules.Quote(t), t), fmt.Sprintf("did you mean %q?", s))
				continue
			}
		}
		if t != "flannel" {
			v.pluginConfTypes(doc, p, path, i)
		}
		switch t {
		case "flannel":
			flannels++
			if flannelIdx < 0 {
				flannelIdx = i
			}
		case "portmap":
			if portmapIdx < 0 {
				portmapIdx = i
			}
		}
	}
	switch {
	case flannels == 0:
		v.r.Add(RuleCNIPlugins, doc.Loc(pp, pm.Value), "the plugin list has no \"flannel\" plugin: pods on this network get no flannel address or routes", `add {"type":"flannel","delegate":{"hairpinMode":true,"isDefaultGateway":true}} as the first plugin`)
	case flannels > 1:
		v.r.Add(RuleCNIPlugins, doc.Loc(pp, pm.Value), fmt.Sprintf("the plugin list has %d \"flannel\" plugins: each one runs the bridge delegate and allocates another address for every pod", flannels), "keep exactly one flannel plugin")
	}
	if portmapIdx >= 0 && flannelIdx >= 0 && portmapIdx < flannelIdx {
		v.r.Add(RuleCNIPortmapOrder, doc.Loc(pp.Index(portmapIdx), plugins[portmapIdx]),
			fmt.Sprintf("portmap is plugin %d but flannel is plugin %d: portmap needs the previous result (`must be called as chained plugin`), so every pod start fails", portmapIdx, flannelIdx),
			"move the portmap plugin after the flannel plugin")
	}
	if flannelIdx >= 0 {
		fp := pp.Index(flannelIdx)
		v.flannelPlugin(doc, plugins[flannelIdx], fp, false, info)
		if portmapIdx < 0 {
			v.portMappingsWithoutPortmap(doc, plugins[flannelIdx], fp, "the list has no portmap plugin")
		}
	}
}

// pluginConfTypes checks the fields libcni decodes into types.PluginConf for
// every chained plugin (struct decode: case-insensitive keys). A wrong type
// fails the whole list: `failed to parse plugin config N: error parsing
// configuration: json: cannot unmarshal …`. The flannel plugin's own fields
// are checked by flannelPlugin.
func (v *validator) pluginConfTypes(doc *schema.Doc, p gjson.Result, path func() *field.Path, i int) {
	for _, m := range doc.Members(p) {
		val := m.Value
		if val.Type == gjson.Null {
			continue
		}
		mp := func() *field.Path { return rules.Child(path(), m.Name) }
		want := ""
		_, ft := pluginConf.Field(m.Name, schema.Fold)
		switch {
		case ft == nil:
		case !ft.Accepts(val):
			want = shapeWord(ft)
		case ft.Elem != nil:
			for _, c := range doc.Members(val) {
				if !ft.Elem.Accepts(c.Value) {
					v.r.Add(RuleCNIPlugins, doc.Loc(rules.Child(mp(), c.Name), c.Value),
						fmt.Sprintf("plugin %d capability %q is %s: libcni fails the whole list with `failed to parse plugin config %d: error parsing configuration: json: cannot unmarshal %s into Go value of type bool` and the node gets no pod network", i, c.Name, rules.Compact(c.Value), i, rules.JSONType(c.Value)),
						fmt.Sprintf(`use "%s": true`, c.Name))
				}
			}
		}
		if want != "" {
			v.r.Add(RuleCNIPlugins, doc.Loc(mp(), val),
				fmt.Sprintf("plugin %d field %q is %s but libcni decodes it as a %s: the whole list fails with `failed to parse plugin config %d: error parsing configuration: json: cannot unmarshal %s` and the node gets no pod network", i, m.Name, rules.Compact(val), want, i, rules.JSONType(val)),
				fmt.Sprintf("make %q a %s, e.g. %s", m.Name, want, map[string]string{"string": `"portmap"`, "object": "{}", "object of booleans": `{"portMappings": true}`}[want]))
		}
	}
}

func (v *validator) cniSingle(doc *schema.Doc, root gjson.Result, info *cniInfo) {
	if m, ok := doc.Fold(root, "name"); ok {
		v.checkName(doc, m, rules.Root(m.Name), info)
	} else {
		v.r.Add(RuleCNIName, doc.Loc(nil, root), "the config has no \"name\": libcni and the plugins fail with `missing network name` and the node gets no pod network", `add "name": "cb0" (keep the name the nodes already use)`)
	}
	if m, ok := doc.Fold(root, "cniVersion"); ok {
		v.checkCNIVersion(doc, m, rules.Root(m.Name), info)
	} else {
		v.missingCNIVersion(doc, root)
	}
	tm, _ := doc.Fold(root, "type")
	tp := rules.Root(tm.Name)
	switch {
	case tm.Value.Type != gjson.String:
		v.r.Add(RuleCNIForm, doc.Loc(tp, tm.Value), fmt.Sprintf("\"type\" is a %s: libcni fails with `error parsing configuration: json: cannot unmarshal %s into Go struct field NetConf.type of type string`", rules.JSONType(tm.Value), rules.JSONType(tm.Value)), `set "type": "flannel"`)
		return
	case tm.Value.Str != "flannel":
		hint := `set "type": "flannel" (the single-plugin form runs only the flannel plugin)`
		if strings.EqualFold(tm.Value.Str, "flannel") {
			hint = `binary names are case-sensitive: use "flannel"`
		}
		v.r.Add(RuleCNIForm, doc.Loc(tp, tm.Value), fmt.Sprintf("\"type\" is %s: in kube-flannel-cfg the single-plugin config must run the flannel plugin (`failed to find plugin %q in path` or no flannel networking)", rules.Quote(tm.Value.Str), tm.Value.Str), hint)
		return
	}
	v.flannelPlugin(doc, root, nil, true, info)
	v.portMappingsWithoutPortmap(doc, root, nil, "the single-plugin .conf form cannot chain the portmap plugin")
}

func (v *validator) checkName(doc *schema.Doc, m rules.Member, path *field.Path, info *cniInfo) {
	if m.Value.Type != gjson.String {
		v.r.Add(RuleCNIName, doc.Loc(path, m.Value), fmt.Sprintf("\"name\" is a %s: libcni fails with `invalid name type` and the node gets no pod network", rules.JSONType(m.Value)), `use a string, e.g. "name": "cbr0"`)
		return
	}
	info.name, info.hasName, info.nameLoc = m.Value.Str, true, doc.Loc(path, m.Value)
	if m.Value.Str == "" {
		v.r.Add(RuleCNIName, doc.Loc(path, m.Value), "\"name\" is empty: libcni and the plugins fail with `missing network name`", `set "name": "cbr0" (keep the name the nodes already use)`)
		return
	}
	if !ValidNetworkName(m.Value.Str) {
		v.r.Add(RuleCNIName, doc.Loc(path, m.Value), fmt.Sprintf("network name %s does not match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$: libcni ≥0.8 and the plugins fail with `invalid characters found in network name`", rules.Quote(m.Value.Str)), "use letters, digits, '_', '.', '-' only, starting with a letter or digit (the name is also a directory under /var/lib/cni/networks)")
	}
}

func (v *validator) checkCNIVersion(doc *schema.Doc, m rules.Member, path *field.Path, info *cniInfo) {
	val := m.Value
	if val.Type != gjson.String {
		v.r.Add(RuleCNIVersion, doc.Loc(path, val), fmt.Sprintf("cniVersion is a %s: libcni fails with `invalid cniVersion type` and the node gets no pod network", rules.JSONType(val)), `use a string: "cniVersion": "0.3.1"`)
		return
	}
	if val.Str == "" {
		v.r.Add(RuleCNIVersionMissing, doc.Loc(path, val), "cniVersion is empty: kubelet ≥1.16 (dockershim) and runtimes with libcni <0.8 skip the config (`plugin flannel does not support config version \"\"`) and the node goes NotReady; containerd 1.6.0–1.6.3 fails pod deletion (`invalid version \"\"`)", `set "cniVersion": "0.3.1"`)
		return
	}
	if !IsSupportedCNIVersion(val.Str) {
		sug := "0.3.1"
		if t := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(val.Str, "v"), "V")); IsSupportedCNIVersion(t) {
			sug = t
		} else if t != "0.3" && IsSupportedCNIVersion(t+".0") {
			sug = t + ".0"
		}
		v.r.Add(RuleCNIVersion, doc.Loc(path, val), fmt.Sprintf("cniVersion %s is not one of the exact version strings plugins report (%s): runtimes fail with `plugin flannel does not support config version %q` / `incompatible CNI versions`, skip the config and the node goes NotReady", rules.Quote(val.Str), strings.Join(CNIVersions, " "), val.Str), fmt.Sprintf(`use "cniVersion": %q`, sug))
		return
	}
	if val.Str == "1.0.0" || val.Str == "1.1.0" {
		need := "libcni ≥1.0 (containernetworking/plugins ≥v1.0.0, flannel cni-plugin ≥v1.0.0)"
		if val.Str == "1.1.0" {
			need = "libcni ≥1.2 (containernetworking/plugins ≥v1.4.0, a flannel cni-plugin built with libcni ≥1.2)"
		}
		v.r.Add(RuleCNIVersionNew, doc.Loc(path, val), fmt.Sprintf("cniVersion %s requires every plugin in the chain (flannel, bridge, host-local, portmap) built with %s and a CNI 1.x runtime (containerd ≥1.6.4, CRI-O ≥1.23; dockershim rejects `unsupported CNI result version`); otherwise pods fail with `incompatible CNI versions`", val.Str, need), `unless all nodes run CNI 1.x plugins and runtimes, use "cniVersion": "0.3.1" (or "0.4.0")`)
	}
}

func (v *validator) missingCNIVersion(doc *schema.Doc, root gjson.Result) {
	hint := `add "cniVersion": "0.3.1" after "name" (the ACK FAQ fix), then restart flannel; or enable netguard's FL101 mutation`
	v.r.Add(RuleCNIVersionMissing, doc.Loc(rules.Root("cniVersion"), root), "cni-conf.json has no cniVersion: kubelet ≥1.16 (dockershim) and runtimes with libcni <0.8 skip the config (`plugin flannel does not support config version \"\"`) and the node goes NotReady; containerd 1.6.0–1.6.3 fails pod deletion (`invalid version \"\"`)", hint)
}

func (v *validator) portMappingsWithoutPortmap(doc *schema.Doc, plugin gjson.Result, path *field.Path, why string) {
	cm, ok := doc.Fold(plugin, "capabilities")
	if !ok || !cm.Value.IsObject() {
		return
	}
	pm, ok := doc.Fold(cm.Value, "portMappings")
	if !ok || pm.Value.Type != gjson.True {
		return
	}
	v.r.Add(RuleCNIPortMappings, doc.Loc(rules.Child(rules.Child(path, cm.Name), pm.Name), pm.Value),
		"the flannel plugin declares capabilities.portMappings, but "+why+": the runtime hands the hostPort mappings to flannel and bridge, which ignore them, so hostPort silently does not work",
		`use the list form with {"type":"portmap","capabilities":{"portMappings":true}} after flannel, and remove portMappings from the flannel plugin`)
}
