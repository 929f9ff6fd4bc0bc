// Package terway judges Terway's kube-system/eni-config ConfigMap and its
// per-node-pool overrides exactly the way Terway parses them.
package terway

import "github.com/netguard/netguard/rules"

type checker struct{}

// New returns the Terway checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return rules.Terway }

// Mutate does nothing: Terway has no certain fixes.
func (checker) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }

// Validate judges the ConfigMap of req.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap == nil {
		return nil
	}
	cm := req.ConfigMap
	r := rules.NewReport("ConfigMap", cm.Namespace, cm.Name)
	if req.Target.Role != rules.RoleTerwayOverride {
		if _, ok := cm.Data["eni_conf"]; !ok {
			r.Add("TW001", rules.Loc{Key: "eni_conf"}, "eni_conf is missing: terway-init and terwayd fail to read /etc/eni/eni_conf and the Terway pods crash-loop", "add an eni_conf key holding Terway's JSON configuration")
		}
	}
	return r.Findings
}
