// Package terway judges Terway's kube-system/eni-config ConfigMap and its
// per-node-pool overrides (eni-config-*, selected on nodes by the
// terway-config label) exactly the way Terway parses them: eni_conf with
// sigs.k8s.io/json (case-sensitive keys, type errors fatal, unknown keys
// silently dropped), the CNI configs with terway-cli's rules, and the
// top-level switches with exact string comparison.
package terway

import (
	"fmt"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
)

type checker struct{}

// New returns the Terway checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return Component }

// Mutate does nothing: Terway has no certain fixes.
func (checker) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }

// Validate judges the ConfigMap of req.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap() == nil {
		return nil
	}
	cm := req.ConfigMap()
	r := req.NewReport("ConfigMap", cm.Namespace, cm.Name)
	if req.Target.Role == RoleOverride {
		validateOverride(req, r)
	} else {
		validateBase(req, r)
	}
	checkRestart(req, r)
	return r.Findings
}

// validateBase judges kube-system/eni-config.
func validateBase(req *rules.Request, r *rules.Report) {
	data := req.ConfigMap().Data
	var doc *schema.Doc
	text, ok := data["eni_conf"]
	switch {
	case !ok:
		r.Add(RuleENIConfMissing, rules.Loc{Key: "eni_conf"}, "eni_conf is missing: terway-init and terwayd fail to read /etc/eni/eni_conf, terway-controlplane reports \"terway configmap has no eni_conf\", and the Terway pods crash-loop",
			`add an eni_conf key holding Terway's JSON configuration, e.g. eni_conf: '{"version": "1", "max_pool_size": 5}'`)
	case strings.TrimSpace(text) == "":
		r.Add(RuleENIConfMissing, rules.Loc{Key: "eni_conf"}, fmt.Sprintf("eni_conf is empty (%s): Terway cannot decode it (unexpected end of JSON input) and the Terway pods crash-loop", rules.Quote(text)),
			`put Terway's JSON configuration into eni_conf, e.g. {"version": "1", "max_pool_size": 5}`)
	default:
		s := newScope(r, req)
		if doc = parseENIConf(s, text); doc != nil {
			s.doc = doc
			checkENIConf(s)
			checkCross(s, docEffective(doc))
		}
	}
	ipStack := func() (string, bool) { return effectiveIPStack(doc) }
	version := ""
	if req.Cluster != nil {
		version = req.Cluster.Fact(VersionFact)
	}
	cni := checkCNI(r, data, ipStack, version)
	checkTopLevel(r, data, cni)
}

// effectiveIPStack is the ip_stack terwayd runs with: eni_conf's value, or
// Terway's default "ipv4" when eni_conf sets none or "" (Config.Populate in
// types/daemon/config.go; daemon/daemon.go at v1.1.0-v1.5.x; before v1.1.0
// Terway was IPv4-only). ok is false when eni_conf could not be read or its
// ip_stack is not a string, i.e. the stack is unknown.
func effectiveIPStack(doc *schema.Doc) (stack string, ok bool) {
	if doc == nil {
		return "", false
	}
	m, found := doc.Get(doc.Root, "ip_stack")
	switch {
	case !found || m.Value.Type == gjson.Null:
		return stackOrDefault(""), true
	case m.Value.Type != gjson.String:
		return "", false
	}
	return stackOrDefault(m.Value.Str), true
}
