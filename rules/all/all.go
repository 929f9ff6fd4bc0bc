// Package all wires every component together. Importing it registers every
// component's descriptor and rules (rules.RegisterComponent, rules.Register),
// so `netguard rules`, docs/rules.md, `netguard lint`, scan and the webhook
// all see the same components and catalog. The imports below are the one
// place a component is named outside its own package.
package all

import (
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"

	// Every component, registered by its init functions.
	_ "github.com/netguard/netguard/rules/coredns"
	_ "github.com/netguard/netguard/rules/flannel"
	_ "github.com/netguard/netguard/rules/kubeproxy"
	_ "github.com/netguard/netguard/rules/service"
	_ "github.com/netguard/netguard/rules/terway"
)

// Checkers returns one checker per registered component, in registry order.
func Checkers() []rules.Checker {
	var out []rules.Checker
	for _, d := range rules.Components() {
		out = append(out, d.Checker())
	}
	return out
}

// NewEngine returns an engine over every checker. A nil cfg means
// rules.DefaultConfig().
func NewEngine(cfg *rules.Config) *engine.Engine {
	return engine.New(cfg, Checkers()...)
}
