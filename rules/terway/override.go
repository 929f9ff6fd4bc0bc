package terway

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
)

// nodeLabel is the node label whose value names a per-node override.
const nodeLabel = "terway-config"

var labelValueRe = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`)

// validateOverride judges a per-node-pool override such as eni-config-fixed:
// only its eni_conf is read, as an RFC 7396 merge patch over the base.
func validateOverride(req *rules.Request, r *rules.Report) {
	cm := req.ConfigMap()
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "eni_conf" {
			continue
		}
		msg := fmt.Sprintf("%q is ignored in a per-node override: Terway reads only eni_conf from %s", k, cm.Name)
		hint := fmt.Sprintf("remove %q; set it in the base kube-system/eni-config if it must apply", k)
		if _, ok := eniConfFields[k]; ok {
			hint = fmt.Sprintf("move %q into this override's eni_conf JSON", k)
		}
		r.Add(RuleOverrideKey, rules.Loc{Key: k}, msg, hint)
	}
	checkOverrideName(req, r)

	text, ok := cm.Data["eni_conf"]
	if !ok || strings.TrimSpace(text) == "" {
		what := "has no eni_conf key"
		if ok {
			what = "has an empty eni_conf"
		}
		r.Add(RuleOverrideNoENIConf, rules.Loc{Key: "eni_conf"}, fmt.Sprintf("%s %s: Terway treats it as no override, so nodes labelled %s=%s run with the base eni-config unchanged", cm.Name, what, nodeLabel, cm.Name),
			`put the fields to override into eni_conf as a JSON object, e.g. {"vswitches": {"cn-hangzhou-j": ["vsw-..."]}}`)
		return
	}
	s := newScope(r, req)
	doc := parseENIConf(s, text)
	if doc == nil {
		return
	}
	s.doc = doc
	checkENIConf(s)
	for _, m := range doc.Members(doc.Root) {
		if f, ok := eniConfFields[m.Name]; ok && f.baseOnly {
			r.Add(RuleOverrideNoEffect, doc.KeyLoc(rules.Root(m.Name), m), fmt.Sprintf("%q has no effect in a per-node override: terwayd reads it from the base kube-system/eni-config before the override is merged", m.Name),
				fmt.Sprintf("remove %q here; set it in kube-system/eni-config (it then applies to every node)", m.Name))
		}
	}

	base := baseENIConf(req)
	if base == "" {
		checkCross(s, docEffective(doc))
		return
	}
	merged, err := jsonpatch.MergePatch([]byte(base), []byte(text))
	if err != nil || !gjson.ValidBytes(merged) {
		checkCross(s, docEffective(doc))
		return
	}
	baseRoot := gjson.Parse(base)
	eff := &effective{
		root: gjson.ParseBytes(merged),
		loc: func(key string) rules.Loc {
			if m, ok := doc.Get(doc.Root, key); ok {
				return doc.Loc(rules.Root(key), m.Value)
			}
			return rules.Loc{Key: "eni_conf", Path: key}
		},
		from: func(key string) string {
			if _, ok := doc.Get(doc.Root, key); ok {
				return ""
			}
			return fmt.Sprintf(" (%s comes from the base %s/eni-config)", key, baseNamespace(req))
		},
	}
	checkCross(s, eff)
	checkDroppedSGs(s, doc, baseRoot)
	if m, ok := doc.Get(doc.Root, "ip_stack"); ok && m.Value.Type == gjson.String {
		b, _ := schema.Get(baseRoot, "ip_stack")
		if stackOrDefault(b.Value.Str) != stackOrDefault(m.Value.Str) {
			r.Add(RuleOverrideNoEffect, doc.Loc(rules.Root("ip_stack"), m.Value), fmt.Sprintf("ip_stack %s in a per-node override is only partly honoured: in centralized IPAM the node's Node CR gets %s but terwayd keeps the base value %s", rules.Quote(m.Value.Str), rules.Quote(m.Value.Str), rules.Quote(stackOrDefault(b.Value.Str))),
				"set ip_stack in the base kube-system/eni-config, or run IPv4 and dual-stack nodes in separate clusters")
		}
	}
}

// baseNamespace is where Terway looks for the base eni-config.
func baseNamespace(req *rules.Request) string {
	if req.ConfigMap() != nil && req.ConfigMap().Namespace != "" {
		return req.ConfigMap().Namespace
	}
	return "kube-system"
}

// baseENIConf returns the base eni_conf when it is known and a JSON object.
func baseENIConf(req *rules.Request) string {
	if req.Cluster == nil {
		return ""
	}
	cm := req.Cluster.ConfigMap(baseNamespace(req), "eni-config")
	if cm == nil {
		return ""
	}
	text := cm.Data["eni_conf"]
	if !gjson.Valid(text) || !gjson.Parse(text).IsObject() {
		return ""
	}
	return text
}

// checkDroppedSGs notes that an override's security_groups array replaces
// the base's wholesale (RFC 7396 does not merge arrays).
func checkDroppedSGs(s *scope, doc *schema.Doc, baseRoot gjson.Result) {
	m, ok := doc.Get(doc.Root, "security_groups")
	if !ok || !m.Value.IsArray() {
		return
	}
	b, ok := schema.Get(baseRoot, "security_groups")
	if !ok || !b.Value.IsArray() {
		return
	}
	have := map[string]bool{}
	for _, x := range m.Value.Array() {
		have[x.Str] = true
	}
	var dropped []string
	for _, x := range b.Value.Array() {
		if x.Type == gjson.String && !have[x.Str] {
			dropped = append(dropped, x.Str)
		}
	}
	if len(dropped) == 0 {
		return
	}
	s.r.Add(RuleOverrideSGReplace, doc.Loc(rules.Root("security_groups"), m.Value), fmt.Sprintf("security_groups replaces the base list wholesale (JSON merge patch does not merge arrays): new ENIs on nodes labelled %s=%s will NOT join %s from kube-system/eni-config", nodeLabel, s.name, strings.Join(dropped, ", ")),
		"list every security group these nodes need in the override's security_groups, including the base ones you want to keep")
}

// checkOverrideName says when no node can use the override.
func checkOverrideName(req *rules.Request, r *rules.Report) {
	name := req.ConfigMap().Name
	if len(name) > 63 || !labelValueRe.MatchString(name) {
		r.Add(RuleOverrideName, rules.Loc{}, fmt.Sprintf("the name %q is not a valid label value (at most 63 characters): no node can carry %s=%s, so this override can never apply", name, nodeLabel, name),
			"use a name of at most 63 characters")
		return
	}
	if req.Cluster == nil || len(req.Cluster.Nodes) == 0 {
		return
	}
	// The node index answers without a pass over the nodes.
	if len(req.Cluster.NodeIndex().NodesLabelled(nodeLabel, name)) > 0 {
		return
	}
	r.Add(RuleOverrideUnused, rules.Loc{}, fmt.Sprintf("no node references this override: none of the %d known nodes has the label %s=%s, so it applies nowhere yet", len(req.Cluster.Nodes), nodeLabel, name),
		fmt.Sprintf("label the node pool's nodes: kubectl label node <node> %s=%s (then restart their Terway pods)", nodeLabel, name))
}

// stackOrDefault applies Terway's default ip_stack.
func stackOrDefault(s string) string {
	if s == "" {
		return "ipv4"
	}
	return s
}
