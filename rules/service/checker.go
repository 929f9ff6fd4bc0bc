// Package service judges v1 Services: dual-stack IP family settings and the
// Alibaba Cloud cloud-controller-manager (CCM) load-balancer annotations,
// exactly as the API server and the CCM interpret them.
package service

import (
	"github.com/netguard/netguard/rules"
)

// checker implements rules.Checker for Services.
type checker struct{}

// New returns the Service checker.
func New() rules.Checker { return checker{} }

// Component implements rules.Checker.
func (checker) Component() rules.Component { return rules.Service }

// Mutate implements rules.Checker.
func (checker) Mutate(req *rules.Request) rules.Mutation { return mutate(req) }

// Validate implements rules.Checker.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.Service == nil {
		return nil
	}
	svc := req.Service
	r := rules.NewReport("Service", svc.Namespace, svc.Name)
	checkDualStack(req, r)
	return r.Findings
}
