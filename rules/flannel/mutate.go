package flannel

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Mutate applies the configured cni-conf.json fixes (FL101 cniVersion,
// FL102 delegate.hairpinMode). Only cni-conf.json changes; everything else
// in the document (key order, indentation, other values) is kept byte for
// byte. It is idempotent.
func (checker) Mutate(req *rules.Request) rules.Mutation {
	if req == nil || req.ConfigMap() == nil || req.ConfigMap().Data == nil {
		return rules.Mutation{}
	}
	text, ok := req.ConfigMap().Data[CNIConfKey]
	if !ok {
		return rules.Mutation{}
	}
	cfg := req.Config
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	out, changes := MutateCNIConf(text, MutationsOf(cfg))
	if len(changes) == 0 {
		return rules.Mutation{}
	}
	cm := req.ConfigMap().DeepCopy()
	cm.Data[CNIConfKey] = out
	return rules.Mutation{Object: cm, Changes: changes}
}

type insertion struct {
	off  int
	text string
}

// MutateCNIConf applies the flannel mutations to a cni-conf.json text and
// returns the new text and the changes made. A text that is not a JSON
// object, or whose form cannot be told, is returned unchanged: broken JSON
// is never "fixed".
func MutateCNIConf(text string, m Mutations) (string, []rules.Change) {
	doc, serr := schema.Parse(CNIConfKey, text)
	if serr != nil || !doc.Root.IsObject() {
		return text, nil
	}
	root := doc.Root
	_, list := doc.Get(root, "plugins")
	if _, single := doc.Fold(root, "type"); !list && !single {
		return text, nil
	}
	var ins []insertion
	var changes []rules.Change

	version := m.CNIVersion
	if version == "" {
		version = DefaultCNIVersion
	}
	// Change descriptions give no restart advice: the mutating hook's
	// warnings reach the user even when validation then denies the edit,
	// and restart advice belongs to stored edits (FL090, validating hook).
	if (m.InjectCNIVersion == nil || *m.InjectCNIVersion) && IsSupportedCNIVersion(version) {
		if _, present := doc.Fold(root, "cniVersion"); !present {
			var name rules.Member
			var hasName bool
			if list {
				name, hasName = doc.Get(root, "name")
			} else {
				name, hasName = doc.Fold(root, "name")
			}
			val := strings.TrimSpace(quoteJSON(version))
			if i, ok := insertAfter(text, root, name, hasName, "cniVersion", val); ok {
				ins = append(ins, i)
				changes = append(changes, rules.Change{Rule: RuleInjectCNIVersion, Key: CNIConfKey, Path: rules.PathString(rules.Root("cniVersion")), Old: "(absent)", New: val,
					Description: "kubelet ≥1.16 (dockershim) and runtimes with libcni <0.8 skip a CNI config without cniVersion (`plugin flannel does not support config version \"\"`) and the node goes NotReady"})
			}
		}
	}
	if m.HairpinMode {
		if i, path, ok := hairpinInsertion(doc, text, root, list); ok {
			ins = append(ins, i)
			changes = append(changes, rules.Change{Rule: RuleInjectHairpin, Key: CNIConfKey, Path: path, Old: "(absent)", New: "true",
				Description: "without hairpinMode a pod cannot reach itself through its own Service ClusterIP"})
		}
	}
	if len(ins) == 0 {
		return text, nil
	}
	sort.SliceStable(ins, func(a, b int) bool { return ins[a].off > ins[b].off })
	out := text
	for _, i := range ins {
		out = out[:i.off] + i.text + out[i.off:]
	}
	if !json.Valid([]byte(out)) {
		return text, nil
	}
	return out, changes
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hairpinInsertion finds where to add "hairpinMode": true in the flannel
// plugin's bridge delegate.
func hairpinInsertion(doc *schema.Doc, text string, root gjson.Result, list bool) (insertion, string, bool) {
	plugin := root
	var path *field.Path
	if list {
		pm, _ := doc.Get(root, "plugins")
		if !pm.Value.IsArray() {
			return insertion{}, "", false
		}
		found := -1
		for i, p := range pm.Value.Array() {
			if !p.IsObject() {
				continue
			}
			if t, ok := doc.Fold(p, "type"); ok && t.Value.Type == gjson.String && t.Value.Str == "flannel" {
				if found >= 0 {
					return insertion{}, "", false // ambiguous: validation denies it
				}
				found, plugin = i, p
			}
		}
		if found < 0 {
			return insertion{}, "", false
		}
		path = rules.Root(pm.Name).Index(found)
	} else if t, ok := doc.Fold(root, "type"); !ok || t.Value.Type != gjson.String || t.Value.Str != "flannel" {
		return insertion{}, "", false
	}
	if !validSpan(text, plugin) {
		return insertion{}, "", false
	}
	dm, ok := doc.Fold(plugin, "delegate")
	if !ok {
		members := doc.Members(plugin)
		if len(members) == 0 {
			return insertion{}, "", false
		}
		last := members[len(members)-1]
		sep, colon := memberStyle(text, last)
		obj := "{" + `"hairpinMode"` + colon + "true}"
		if strings.Contains(sep, "\n") {
			closing := text[last.Value.Index+len(last.Value.Raw) : plugin.Index+len(plugin.Raw)-1]
			unit := "  "
			if strings.HasPrefix(sep, closing) && len(sep) > len(closing) && strings.Contains(closing, "\n") {
				unit = sep[len(closing):]
			}
			obj = "{" + sep + unit + `"hairpinMode"` + colon + "true" + sep + "}"
		}
		off := last.Value.Index + len(last.Value.Raw)
		return insertion{off: off, text: "," + sep + `"delegate"` + colon + obj}, rules.PathString(rules.Child(rules.Child(path, "delegate"), "hairpinMode")), true
	}
	d := dm.Value
	if !d.IsObject() || !validSpan(text, d) {
		return insertion{}, "", false
	}
	mp := doc.ExactMap(d)
	if t, ok := mp["type"]; ok && (t.Value.Type != gjson.String || t.Value.Str != "bridge") {
		return insertion{}, "", false
	}
	keys := make([]string, 0, len(mp))
	for k := range mp {
		if strings.EqualFold(k, "hairpinMode") {
			return insertion{}, "", false
		}
		keys = append(keys, k)
	}
	if w, ok := schema.SortedFoldWinner(keys, "promiscMode"); ok {
		if pv := mp[w].Value; pv.Type != gjson.False && pv.Type != gjson.Null {
			return insertion{}, "", false // FL103 explains
		}
	}
	dpath := rules.PathString(rules.Child(rules.Child(path, dm.Name), "hairpinMode"))
	members := doc.Members(d)
	if len(members) == 0 {
		_, colon := memberStyle(text, dm)
		return insertion{off: d.Index + 1, text: `"hairpinMode"` + colon + "true"}, dpath, true
	}
	last := members[len(members)-1]
	sep, colon := memberStyle(text, last)
	return insertion{off: last.Value.Index + len(last.Value.Raw), text: "," + sep + `"hairpinMode"` + colon + "true"}, dpath, true
}

// insertAfter builds the insertion of a new member right after member after
// (or as the first member of obj when there is no such member), copying the
// document's whitespace style.
func insertAfter(text string, obj gjson.Result, after rules.Member, ok bool, key, val string) (insertion, bool) {
	if !validSpan(text, obj) {
		return insertion{}, false
	}
	if ok {
		if !validSpan(text, after.Value) {
			return insertion{}, false
		}
		sep, colon := memberStyle(text, after)
		return insertion{off: after.Value.Index + len(after.Value.Raw), text: "," + sep + quoteJSON(key) + colon + val}, true
	}
	members := rules.Members(obj)
	if len(members) == 0 {
		return insertion{}, false
	}
	first := members[0]
	sep, colon := memberStyle(text, first)
	return insertion{off: first.KeyOffset, text: quoteJSON(key) + colon + val + "," + sep}, true
}

// memberStyle returns the whitespace before a member's key (after the
// preceding '{' or ',') and the text between its key and its value (": ").
func memberStyle(text string, m rules.Member) (sep, colon string) {
	i := m.KeyOffset
	j := i
	for j > 0 && strings.ContainsRune(" \t\r\n", rune(text[j-1])) {
		j--
	}
	sep = text[j:i]
	end := keyEnd(text, m.KeyOffset)
	colon = ":"
	if end > 0 && end <= m.Value.Index && m.Value.Index <= len(text) {
		colon = text[end:m.Value.Index]
	}
	if strings.ContainsAny(colon, "\r\n") || !strings.Contains(colon, ":") {
		colon = ": "
	}
	return sep, colon
}

// keyEnd returns the offset just past the closing quote of the key string
// starting at off.
func keyEnd(text string, off int) int {
	if off < 0 || off >= len(text) || text[off] != '"' {
		return -1
	}
	for i := off + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// validSpan checks that a gjson value's offset points at its raw text.
func validSpan(text string, v gjson.Result) bool {
	return v.Index >= 0 && v.Index+len(v.Raw) <= len(text) && text[v.Index:v.Index+len(v.Raw)] == v.Raw && v.Raw != ""
}
