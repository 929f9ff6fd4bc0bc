// Package all wires every component checker together. Importing it registers
// every rule of netguard in the rules registry, so `netguard rules`,
// docs/rules.md, `netguard lint` and the webhook all see the same catalog.
package all

import (
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/kubeproxy"
	"github.com/netguard/netguard/rules/service"
	"github.com/netguard/netguard/rules/terway"
)

// Checkers returns one checker per component: Terway, Flannel, kube-proxy
// and Services.
func Checkers() []rules.Checker {
	return []rules.Checker{
		terway.New(),
		flannel.New(),
		kubeproxy.New(),
		service.New(),
	}
}

// NewEngine returns an engine over every checker. A nil cfg means
// rules.DefaultConfig().
func NewEngine(cfg *rules.Config) *engine.Engine {
	return engine.New(cfg, Checkers()...)
}
