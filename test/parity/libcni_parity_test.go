package parity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/containernetworking/cni/libcni"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/flannel"
)

// flannelVersionUnderTest is the flannel module this test imports
// (go.mod); netguard's backend allow-list is judged for this version.
const flannelVersionUnderTest = "v0.28.10"

// cniNetConf is a valid net-conf.json that goes with every cni-conf.json of
// the libcni corpus, so that only cni-conf.json is judged.
const cniNetConf = `{
  "Network": "10.244.0.0/16",
  "Backend": {
    "Type": "vxlan"
  }
}
`

// libcniVerdict is how a container runtime's libcni (v1.3.x) loads the file.
type libcniVerdict struct {
	Form string // "conflist" or "conf": the file name the init container would use
	Err  error
}

func (v libcniVerdict) String() string {
	if v.Err != nil {
		return fmt.Sprintf("REFUSED by libcni (%s): %v", v.Form, v.Err)
	}
	return fmt.Sprintf("ACCEPTED by libcni (%s)", v.Form)
}

// cniForm decides the file form the way netguard and the installers pair
// them: a body with a top-level "plugins" key is a conflist (installed as
// 10-flannel.conflist), anything else the single-plugin .conf form.
func cniForm(text string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &m) == nil {
		if _, ok := m["plugins"]; ok {
			return "conflist"
		}
	}
	return "conf"
}

// runLibcni loads the file as kubelet/CRI-O (ocicni) and containerd
// (go-cni loadFromConfDir) do for the extension that matches its form:
// .conflist → libcni.ConfListFromFile (ConfListFromBytes, then "no plugin
// configs found" for a list without plugins); .conf → ConfFromFile
// (ConfFromBytes) followed by ConfListFromConf.
func runLibcni(text string) libcniVerdict {
	form := cniForm(text)
	v := libcniVerdict{Form: form}
	if form == "conflist" {
		list, err := libcni.ConfListFromBytes([]byte(text))
		switch {
		case err != nil:
			v.Err = err
		case len(list.Plugins) == 0:
			v.Err = fmt.Errorf("no plugin configs found")
		}
		return v
	}
	conf, err := libcni.ConfFromBytes([]byte(text))
	if err != nil {
		v.Err = err
		return v
	}
	if _, err := libcni.ConfListFromConf(conf); err != nil {
		v.Err = err
	}
	return v
}

// Bases of the cni-conf.json corpus (flannel-kube-flannel-cfg.md §5, §6).
var (
	// upstream kube-flannel.yml since v0.12.0.
	cniBaseUpstream = jobj{
		{"name", str("cbr0")},
		{"cniVersion", str("0.3.1")},
		{"plugins", jarr{
			jobj{{"type", str("flannel")}, {"delegate", jobj{{"hairpinMode", jraw("true")}, {"isDefaultGateway", jraw("true")}}}},
			jobj{{"type", str("portmap")}, {"capabilities", jobj{{"portMappings", jraw("true")}}}},
		}},
	}
	// ACK FAQ hairpin example (single form, 10-flannel.conf).
	cniBaseACK = jobj{
		{"name", str("cb0")},
		{"cniVersion", str("0.3.1")},
		{"type", str("flannel")},
		{"delegate", jobj{{"isDefaultGateway", jraw("true")}, {"hairpinMode", jraw("true")}}},
	}
	// ACK addon template (flannel-kube-flannel-cfg.md §5 (b)).
	cniBaseACKAddon = jobj{
		{"name", str("cb0")},
		{"cniVersion", str("0.3.0")},
		{"type", str("flannel")},
		{"delegate", jobj{{"isDefaultGateway", jraw("true")}}},
	}
	// ≤v0.9 upstream / community Alibaba manifests: single form, no cniVersion.
	cniBaseOld = jobj{
		{"name", str("cbr0")},
		{"type", str("flannel")},
		{"delegate", jobj{{"isDefaultGateway", jraw("true")}}},
	}
)

var cniFieldValues = []struct {
	path   string
	values []any
}{
	{"name", []any{str("cbr0"), str("cb0"), str("my_net.1"), str("-bad"), str("bad name"), str(""), jraw("1"), jraw("null"), str("a/b"), str("ünï"), str("Net-2")}},
	{"cniVersion", []any{str("0.3.1"), str("0.3.0"), str("0.4.0"), str("1.0.0"), str("1.1.0"), str("0.2.0"), str("0.1.0"), str("0.3"), str("v0.3.1"), str("1.2.0"), str(""), jraw("0.3"), jraw("null"), str("0.3.1 ")}},
	{"cniVersions", []any{jarr{str("0.3.1"), str("1.0.0")}, str("0.3.1"), jarr{str("x")}}},
	{"disableCheck", []any{jraw("true"), str("true"), str("yes"), jraw("1")}},
	{"subnetFile", []any{str("/run/flannel/subnet.env"), jraw("1")}},
	{"dataDir", []any{str("/var/lib/cni/flannel"), jraw("true")}},
	{"ipam", []any{jobj{{"type", str("host-local")}}, str("host-local")}},
	{"capabilities", []any{jobj{{"portMappings", jraw("true")}}, str("x")}},
	{"runtimeConfig", []any{jobj{}, str("x")}},
	{"foo", []any{str("bar")}},
	{"Name", []any{str("cbr0")}},
	{"CNIVersion", []any{str("0.3.1")}},
}

var cniSingleFieldValues = []struct {
	path   string
	values []any
}{
	{"type", []any{str("flannel"), str("Flannel"), str("bridge"), str(""), jraw("1"), str("../flannel"), jraw("null"), str("flannel ")}},
	{"delegate", []any{jobj{}, str("x"), jraw("null"), jarr{}, jobj{{"type", str("bridge")}}}},
}

// cniDelegateValues are applied to the flannel plugin's delegate.
var cniDelegateValues = []struct {
	key    string
	values []any
}{
	{"name", []any{str("cbr0")}},
	{"ipam", []any{jobj{{"type", str("host-local")}}}},
	{"type", []any{str("bridge"), jraw("1"), str("ipvlan")}},
	{"hairpinMode", []any{jraw("true"), jraw("false"), str("true")}},
	{"promiscMode", []any{jraw("true"), jraw("false")}},
	{"isDefaultGateway", []any{jraw("false"), str("yes")}},
	{"isGateway", []any{jraw("true"), jraw("1")}},
	{"forceAddress", []any{jraw("true"), str("false")}},
	{"ipMasq", []any{jraw("false"), str("false")}},
	{"mtu", []any{jraw("1450"), str("1450"), jraw("1450.5")}},
	{"bridge", []any{str("cni1"), jraw("0")}},
	{"HairpinMode", []any{jraw("true")}},
	{"hairpinmode", []any{jraw("true")}},
	{"vlan", []any{jraw("100")}},
}

// cniCorpus generates the cni-conf.json corpus; the order is fixed.
func cniCorpus() []corpusCase {
	var c corpus
	bases := []struct {
		name     string
		o        jobj
		delegate string // path of the flannel delegate
	}{
		{"upstream", cniBaseUpstream, "plugins.0.delegate"},
		{"ack", cniBaseACK, "delegate"},
		{"ack-addon", cniBaseACKAddon, "delegate"},
	}
	// The old base lacks cniVersion, which masks every other mutation; it
	// gets its own small set.
	c.add("base/old", cniBaseOld.render())
	c.add("old/with-cniVersion", cniBaseOld.with("cniVersion", str("0.3.1")).render())
	c.add("old/cniVersion-after-name", append(jobj{cniBaseOld[0], {"cniVersion", str("0.3.0")}}, cniBaseOld[1:]...).render())
	for _, m := range jsonTextMutations {
		c.add("old/json:"+m.name, m.apply(cniBaseOld.render()))
	}
	for _, b := range bases {
		c.add("base/"+b.name, b.o.render())
		for _, f := range cniFieldValues {
			for _, v := range f.values {
				c.add(fmt.Sprintf("%s/%s=%s", b.name, f.path, short(v)), b.o.with(f.path, v).render())
			}
			c.add(b.name+"/no-"+f.path, b.o.without(f.path).render())
		}
		if b.name != "upstream" {
			for _, f := range cniSingleFieldValues {
				for _, v := range f.values {
					c.add(fmt.Sprintf("%s/%s=%s", b.name, f.path, short(v)), b.o.with(f.path, v).render())
				}
				c.add(b.name+"/no-"+f.path, b.o.without(f.path).render())
			}
			c.add(b.name+"/Type-instead-of-type", b.o.renamed("type", "Type").render())
			c.add(b.name+"/Delegate-instead-of-delegate", b.o.renamed("delegate", "Delegate").render())
			c.add(b.name+"/plugins-added", b.o.with("plugins", jarr{jobj{{"type", str("flannel")}}}).render())
		}
		for _, d := range cniDelegateValues {
			for _, v := range d.values {
				c.add(fmt.Sprintf("%s/%s.%s=%s", b.name, b.delegate, d.key, short(v)), b.o.with(b.delegate+"."+d.key, v).render())
			}
		}
		c.add(b.name+"/no-delegate", b.o.without(b.delegate).render())
		c.add(b.name+"/hairpin+promisc", b.o.with(b.delegate+".hairpinMode", jraw("true")).with(b.delegate+".promiscMode", jraw("true")).render())
		c.add(b.name+"/duplicate-name", b.o.appendKey("name", str("cb1")).render())
		c.add(b.name+"/duplicate-cniVersion", b.o.appendKey("cniVersion", str("0.2.0")).render())
		c.add(b.name+"/Name-instead-of-name", b.o.renamed("name", "Name").render())
		c.add(b.name+"/CNIVersion-instead-of-cniVersion", b.o.renamed("cniVersion", "CNIVersion").render())
		for _, m := range jsonTextMutations {
			c.add(b.name+"/json:"+m.name, m.apply(b.o.render()))
		}
	}

	// List-form specific mutations.
	up := cniBaseUpstream
	flannelOnly := jarr{jobj{{"type", str("flannel")}, {"delegate", jobj{{"hairpinMode", jraw("true")}, {"isDefaultGateway", jraw("true")}}}}}
	portmap := jobj{{"type", str("portmap")}, {"capabilities", jobj{{"portMappings", jraw("true")}}}}
	lists := []struct {
		name string
		v    any
	}{
		{"flannel-only", flannelOnly},
		{"empty", jarr{}},
		{"object", jobj{{"type", str("flannel")}}},
		{"null", jraw("null")},
		{"string", str("flannel")},
		{"portmap-first", jarr{portmap, flannelOnly[0]}},
		{"portmap-only", jarr{portmap}},
		{"two-flannel", jarr{flannelOnly[0], flannelOnly[0]}},
		{"missing-type", jarr{jobj{{"delegate", jobj{}}}, portmap}},
		{"empty-type", jarr{jobj{{"type", str("")}}, portmap}},
		{"number-type", jarr{jobj{{"type", jraw("1")}}, portmap}},
		{"number-element", jarr{jraw("1")}},
		{"Type-key", jarr{jobj{{"Type", str("flannel")}}, portmap}},
		{"plugin-with-name", jarr{jobj{{"type", str("flannel")}, {"name", str("x")}}, portmap}},
		{"plugin-with-cniVersion", jarr{jobj{{"type", str("flannel")}, {"cniVersion", str("0.2.0")}}, portmap}},
		{"bandwidth-added", jarr{flannelOnly[0], portmap, jobj{{"type", str("bandwidth")}, {"capabilities", jobj{{"bandwidth", jraw("true")}}}}}},
		{"path-in-type", jarr{jobj{{"type", str("/opt/cni/bin/flannel")}}, portmap}},
		{"bridge-instead-of-flannel", jarr{jobj{{"type", str("bridge")}, {"bridge", str("cni0")}}, portmap}},
	}
	for _, l := range lists {
		c.add("upstream/plugins:"+l.name, up.with("plugins", l.v).render())
	}
	c.add("upstream/Plugins-instead-of-plugins", up.renamed("plugins", "Plugins").render())
	c.add("upstream/loadOnlyInlinedPlugins", up.with("loadOnlyInlinedPlugins", jraw("true")).render())
	c.add("upstream/no-plugins+loadOnlyInlinedPlugins", up.without("plugins").with("loadOnlyInlinedPlugins", jraw("true")).render())
	c.add("upstream/disableGC=maybe", up.with("disableGC", str("maybe")).render())
	c.add("upstream/portmap.capabilities=x", up.with("plugins.1.capabilities", str("x")).render())
	c.add("upstream/portmap.snat=false", up.with("plugins.1.snat", jraw("false")).render())
	c.add("upstream/flannel.delegate+ipam-top", up.with("plugins.0.ipam", jobj{{"type", str("host-local")}}).render())
	return c.cases
}

func short(v any) string {
	var b strings.Builder
	renderVal(&b, v, 0)
	var buf bytes.Buffer
	s := b.String()
	if json.Compact(&buf, []byte(s)) == nil {
		s = buf.String()
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// cniException is a category of cni-conf.json that libcni loads but that
// netguard denies on purpose: the flannel/bridge plugins or the runtime
// reject it when a pod is created (or silently misread it). Each predicate
// cites shared/reference/flannel-kube-flannel-cfg.md.
type cniException struct {
	name string
	// fatal: the component fails at run time (rather than silently
	// misreading); a config that matches and is not denied is reported as a gap.
	fatal bool
	ref   string
	match func(c cniDoc) bool
}

// cniDoc is the parsed file, as the plugins see it.
type cniDoc struct {
	text string
	top  map[string]any
	// plugins are the plugin objects (the top level itself for .conf).
	plugins []map[string]any
	form    string
}

func parseCNIDoc(text, form string) cniDoc {
	d := cniDoc{text: text, form: form}
	_ = json.Unmarshal([]byte(text), &d.top)
	if form == "conflist" {
		if ps, ok := d.top["plugins"].([]any); ok {
			for _, p := range ps {
				if m, ok := p.(map[string]any); ok {
					d.plugins = append(d.plugins, m)
				}
			}
		}
	} else if d.top != nil {
		d.plugins = []map[string]any{d.top}
	}
	return d
}

// flannelPlugins returns the plugin objects of type flannel (struct decoding
// of "type" is case-insensitive; the value is exact).
func (d cniDoc) flannelPlugins() []map[string]any {
	var out []map[string]any
	for _, p := range d.plugins {
		if t, _ := getFold(p, "type").(string); t == "flannel" {
			out = append(out, p)
		}
	}
	return out
}

// getFold is encoding/json's key matching for struct fields: exact match
// first, otherwise case-insensitive.
func getFold(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

var cniSupportedVersions = map[string]bool{"0.1.0": true, "0.2.0": true, "0.3.0": true, "0.3.1": true, "0.4.0": true, "1.0.0": true, "1.1.0": true}

var cniNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$`)

// bridgeBoolKeys / bridgeIntKeys are bridge plugin fields with strict types
// (flannel-kube-flannel-cfg.md §3.6).
var (
	bridgeBoolKeys = []string{"hairpinMode", "promiscMode", "isDefaultGateway", "isGateway", "forceAddress", "ipMasq"}
	bridgeIntKeys  = []string{"mtu", "vlan"}
)

var cniExceptions = []cniException{
	{
		name: "cniVersion-not-an-exact-supported-version",
		ref:  "§3.4: plugins and ValidateNetworkList compare cniVersion as an exact string against 0.1.0 … 1.1.0; §4: a missing cniVersion made kubelet 1.16+ (libcni ≤0.7) report `plugin flannel does not support config version \"\"` and the node NotReady",
		match: func(d cniDoc) bool {
			var v any
			if d.form == "conflist" {
				v = d.top["cniVersion"]
			} else {
				v = getFold(d.top, "cniVersion")
			}
			s, _ := v.(string)
			return !cniSupportedVersions[s]
		},
	},
	{
		name:  "network-name-invalid",
		fatal: true,
		ref:   "§3.3: libcni addNetwork / skel reject names outside ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$ (`invalid characters found in network name`) at pod creation",
		match: func(d cniDoc) bool {
			var v any
			if d.form == "conflist" {
				v = d.top["name"]
			} else {
				v = getFold(d.top, "name")
			}
			s, _ := v.(string)
			return !cniNameRE.MatchString(s)
		},
	},
	{
		name:  "flannel-delegate-rejected-by-plugin",
		fatal: true,
		ref:   "§3.5: the flannel plugin rejects a delegate that is not an object, has a non-string type, or has name/ipam (`'delegate' dictionary must not have 'name' field…`)",
		match: func(d cniDoc) bool {
			for _, p := range d.flannelPlugins() {
				del, present := p["delegate"]
				if !present {
					if v := getFold(p, "delegate"); v != nil {
						del, present = v, true
					}
				}
				if !present || del == nil {
					continue
				}
				m, ok := del.(map[string]any)
				if !ok {
					return true
				}
				if t, ok := m["type"]; ok {
					if _, isStr := t.(string); !isStr {
						return true
					}
				}
				if _, ok := m["name"]; ok {
					return true
				}
				if _, ok := m["ipam"]; ok {
					return true
				}
			}
			return false
		},
	},
	{
		name:  "bridge-delegate-field-type-or-conflict",
		fatal: true,
		ref:   "§3.6: the bridge delegate decodes strictly typed fields (`\"hairpinMode\":\"true\"` fails with `failed to load netconf`) and refuses hairpinMode together with promiscMode",
		match: func(d cniDoc) bool {
			for _, p := range d.flannelPlugins() {
				m, ok := p["delegate"].(map[string]any)
				if !ok {
					continue
				}
				if t, _ := m["type"].(string); t != "" && t != "bridge" {
					continue
				}
				for _, k := range bridgeBoolKeys {
					if v, ok := getFoldOK(m, k); ok {
						if _, isBool := v.(bool); !isBool {
							return true
						}
					}
				}
				for _, k := range bridgeIntKeys {
					if v, ok := getFoldOK(m, k); ok {
						if f, isNum := v.(float64); !isNum || f != float64(int64(f)) {
							return true
						}
					}
				}
				if v, ok := getFoldOK(m, "bridge"); ok {
					if _, isStr := v.(string); !isStr {
						return true
					}
				}
				if m["hairpinMode"] == true && m["promiscMode"] == true {
					return true
				}
			}
			return false
		},
	},
	{
		name:  "not-a-flannel-network",
		fatal: true,
		ref:   "§3.8: kube-flannel-cfg must configure exactly one flannel plugin (single form: type flannel; list form: one flannel, portmap only after it, since portmap needs a prevResult, §3.7); a path in type fails with `invalid plugin name` (§3.2)",
		match: func(d cniDoc) bool {
			if len(d.flannelPlugins()) != 1 {
				return true
			}
			seenFlannel := false
			for _, p := range d.plugins {
				t, _ := getFold(p, "type").(string)
				if strings.ContainsAny(t, `/\`) {
					return true
				}
				if t == "flannel" {
					seenFlannel = true
				}
				if t == "portmap" && !seenFlannel {
					return true
				}
			}
			return false
		},
	},
	{
		name:  "flannel-plugin-field-type",
		fatal: true,
		ref:   "§3.5: the flannel plugin decodes its NetConf strictly typed (subnetFile, dataDir strings; ipam, runtimeConfig, capabilities objects): a wrong type fails with `failed to load flannel netconf file`",
		match: func(d cniDoc) bool {
			for _, p := range d.flannelPlugins() {
				for _, k := range []string{"subnetFile", "dataDir"} {
					if v, ok := getFoldOK(p, k); ok && v != nil {
						if _, isStr := v.(string); !isStr {
							return true
						}
					}
				}
				for _, k := range []string{"ipam", "runtimeConfig", "capabilities"} {
					if v, ok := getFoldOK(p, k); ok && v != nil {
						if _, isObj := v.(map[string]any); !isObj {
							return true
						}
					}
				}
			}
			return false
		},
	},
	{
		name: "duplicate-or-mis-cased-key",
		ref:  "§3.2: the list top level and the delegate are read with case-sensitive map lookups while plugin objects decode case-insensitively, and duplicate keys silently keep the last value; netguard denies case variants and duplicates of known keys (house policy: misread keys are deny)",
		match: func(d cniDoc) bool {
			return hasDuplicateOrMisCasedKey(d.text, cniKnownKeys)
		},
	},
	{
		name: "unknown-key",
		ref:  "house policy (helper preamble): unknown fields are deny with did-you-mean for every component; libcni and the flannel plugin silently ignore them (§3.5 NetConf)",
		match: func(d cniDoc) bool {
			known := cniSingleKeys
			if d.form == "conflist" {
				known = cniListKeys
			}
			for k := range d.top {
				if !known[k] {
					return true
				}
			}
			return false
		},
	},
	{
		name: "list-flag-not-a-bool",
		ref:  "§3.2: libcni ≤v1.1 refuses a non-bool disableCheck (`invalid disableCheck type`); only v1.2+ also reads the strings \"true\"/\"false\"",
		match: func(d cniDoc) bool {
			if d.form != "conflist" {
				return false
			}
			for _, k := range []string{"disableCheck", "disableGC", "loadOnlyInlinedPlugins"} {
				if v, ok := d.top[k]; ok {
					if _, isBool := v.(bool); !isBool {
						return true
					}
				}
			}
			return false
		},
	},
}

// Keys the consumers read at the top level of each form (§3.2, §3.5).
var (
	cniListKeys   = map[string]bool{"name": true, "cniVersion": true, "cniVersions": true, "plugins": true, "disableCheck": true, "disableGC": true, "loadOnlyInlinedPlugins": true}
	cniSingleKeys = map[string]bool{"name": true, "cniVersion": true, "type": true, "delegate": true, "ipam": true, "subnetFile": true, "dataDir": true, "runtimeConfig": true, "capabilities": true, "dns": true, "args": true}
	cniKnownKeys  = []string{"name", "cniVersion", "cniVersions", "type", "delegate", "plugins", "ipam", "subnetFile", "dataDir", "runtimeConfig", "capabilities", "hairpinMode", "promiscMode", "isDefaultGateway", "isGateway", "forceAddress", "ipMasq", "mtu", "bridge", "disableCheck"}
)

func getFoldOK(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// hasDuplicateOrMisCasedKey reports whether any JSON object in text repeats
// a key or has two keys equal up to case, or uses a known key in the wrong
// case.
func hasDuplicateOrMisCasedKey(text string, known []string) bool {
	dec := json.NewDecoder(strings.NewReader(text))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			found := false
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return found
				}
				k, _ := kt.(string)
				lk := strings.ToLower(k)
				if seen[lk] {
					found = true
				}
				seen[lk] = true
				for _, kn := range known {
					if strings.EqualFold(k, kn) && k != kn {
						found = true
					}
				}
				if walk() {
					found = true
				}
			}
			_, _ = dec.Token()
			return found
		case json.Delim('['):
			found := false
			for dec.More() {
				if walk() {
					found = true
				}
			}
			_, _ = dec.Token()
			return found
		}
		return false
	}
	return walk()
}

func flannelNetguardConfig() *rules.Config {
	cfg := rules.DefaultConfig()
	cfg.Cluster.KubernetesVersion = "1.37"
	cfg.Cluster.SetFact(flannel.VersionFact, flannelVersionUnderTest)
	return cfg
}

// onlyKey keeps the findings about one data key (and object-level ones).
func onlyKey(v ngVerdict, key string) ngVerdict {
	var fs []rules.Finding
	for _, f := range v.Findings {
		if f.Key == key || f.Key == "" {
			fs = append(fs, f)
		}
	}
	v.Findings = fs
	return v
}

// TestLibcniParity loads every generated cni-conf.json with libcni and judges
// it with netguard: everything libcni refuses must be denied; everything
// libcni loads must not be denied unless a documented cniException applies.
func TestLibcniParity(t *testing.T) {
	cases := cniCorpus()
	if len(cases) < 100 {
		t.Fatalf("cni-conf.json corpus has %d configs, want at least 100", len(cases))
	}
	cfg := flannelNetguardConfig()
	checker := flannel.New()
	r := newReport(t, "libcni")
	r.counts["configs"] = len(cases)
	for _, c := range cases {
		lv := runLibcni(c.Text)
		ng := onlyKey(judge(cfg, checker, "kube-system", "kube-flannel-cfg", map[string]string{flannel.CNIConfKey: c.Text, flannel.NetConfKey: cniNetConf}), flannel.CNIConfKey)
		d := disagreement{Case: c.Name, Input: c.Text, Reference: lv.String(), Netguard: ng.String()}
		r.count("libcni form " + lv.Form)
		if lv.Err != nil {
			r.count("libcni REFUSED")
			if ng.denied() {
				r.count("agree: REFUSED and denied")
			} else {
				d.Want = "deny (libcni cannot load the file)"
				r.fail(d)
			}
			continue
		}
		r.count("libcni ACCEPTED")
		if !ng.denied() {
			r.count("agree: ACCEPTED and not denied")
			for _, e := range cniExceptions {
				if e.fatal && e.match(parseCNIDoc(c.Text, lv.Form)) {
					d.Want = "exception " + e.name + " matches (" + e.ref + ")"
					r.gap(d)
					break
				}
			}
			continue
		}
		doc := parseCNIDoc(c.Text, lv.Form)
		excused := false
		for _, e := range cniExceptions {
			if e.match(doc) {
				r.count("ACCEPTED but denied, documented exception: " + e.name)
				t.Logf("%s: libcni loads it, netguard denies (exception %s: %s)", c.Name, e.name, e.ref)
				excused = true
				break
			}
		}
		if !excused {
			d.Want = "no deny (libcni loads it and no documented exception applies)"
			r.fail(d)
		}
	}
	r.finish()
}

// TestLibcniClassifier proves the reference can refuse and accept.
func TestLibcniClassifier(t *testing.T) {
	if v := runLibcni(cniBaseUpstream.render()); v.Err != nil || v.Form != "conflist" {
		t.Errorf("upstream conflist: %s", v)
	}
	if v := runLibcni(cniBaseACK.render()); v.Err != nil || v.Form != "conf" {
		t.Errorf("ACK single form: %s", v)
	}
	if v := runLibcni(cniBaseACK.without("type").render()); v.Err == nil || !strings.Contains(v.Err.Error(), "missing 'type'") {
		t.Errorf("single form without type: %s", v)
	}
	if v := runLibcni(cniBaseUpstream.with("plugins", jarr{}).render()); v.Err == nil {
		t.Errorf("empty plugins list: %s", v)
	}
}
