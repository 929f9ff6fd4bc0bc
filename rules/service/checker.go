// Package service judges v1 Services: dual-stack IP family settings and the
// Alibaba Cloud cloud-controller-manager (CCM) load-balancer annotations,
// exactly as the API server and the CCM interpret them.
//
// Sources: k8s.io/kubernetes v1.37 pkg/registry/core/service (IP family
// defaulting) and kubernetes/cloud-provider-alibaba-cloud (CCM annotation
// parsing); see shared/reference/services.md.
package service

import (
	"sort"
	"strconv"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checker implements rules.Checker for Services.
type checker struct{}

// New returns the Service checker.
func New() rules.Checker { return checker{} }

// Component implements rules.Checker.
func (checker) Component() rules.Component { return Component }

// Mutate implements rules.Checker.
func (checker) Mutate(req *rules.Request) rules.Mutation { return mutate(req) }

// Validate implements rules.Checker.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.Service() == nil {
		return nil
	}
	c := newCtx(req)
	checkDualStack(c)
	checkLoadBalancer(c)
	checkImmutable(c)
	return ratchet(c)
}

// svcCtx is the state shared by the checks of one Service.
type svcCtx struct {
	req     *rules.Request
	svc     *corev1.Service
	old     *corev1.Service // nil on CREATE
	kind    lbKind          // CCM controller handling svc
	oldKind lbKind          // CCM controller that handled old
	r       *rules.Report
	// keys is the sorted annotation keys of svc.
	keys []string
}

func newCtx(req *rules.Request) *svcCtx {
	svc := req.Service()
	c := &svcCtx{req: req, svc: svc, kind: lbKindOf(svc), r: req.NewReport("Service", svc.Namespace, svc.Name)}
	if req.Operation == rules.Update && req.OldService() != nil {
		c.old = req.OldService()
		c.oldKind = lbKindOf(c.old)
	}
	c.keys = make([]string, 0, len(svc.Annotations))
	for k := range svc.Annotations {
		c.keys = append(c.keys, k)
	}
	sort.Strings(c.keys)
	return c
}

// lbKindOf mirrors helper.NeedCLB/NeedNLB with the CCM's default feature
// gates (LoadBalancerTypeAnnotation off).
func lbKindOf(svc *corev1.Service) lbKind {
	if svc == nil || svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return kindNone
	}
	if svc.Spec.LoadBalancerClass != nil {
		if *svc.Spec.LoadBalancerClass == NLBClass {
			return kindNLB
		}
		return kindNone
	}
	if _, ok := svc.Annotations[keyTunnelType]; ok {
		return kindNone
	}
	if svc.Annotations[keyClassAnno] != "" {
		return kindNone
	}
	return kindCLB
}

// annotation is one resolved CCM annotation: the value the CCM reads and the
// key it came from.
type annotation struct {
	key, value string
	ok         bool
}

// get resolves a suffix the way AnnotationRequest.Get does: the new prefix
// first, then the legacy one.
func get(svc *corev1.Service, suffix string) annotation {
	if svc == nil || svc.Annotations == nil {
		return annotation{}
	}
	keys, ok := suffixKeys[suffix]
	if !ok {
		keys = [2]string{NewPrefix + lbInfix + suffix, LegacyPrefix + lbInfix + suffix}
	}
	k := keys[0]
	if v, ok := svc.Annotations[k]; ok {
		return annotation{key: k, value: v, ok: true}
	}
	k = keys[1]
	if v, ok := svc.Annotations[k]; ok {
		return annotation{key: k, value: v, ok: true}
	}
	return annotation{}
}

// suffixKeys holds the new and legacy full key of every known suffix.
var suffixKeys = func() map[string][2]string {
	m := make(map[string][2]string, len(knownSuffixes))
	for _, s := range knownSuffixes {
		m[s] = [2]string{NewPrefix + lbInfix + s, LegacyPrefix + lbInfix + s}
	}
	return m
}()

// get resolves a suffix on the judged Service.
func (c *svcCtx) get(suffix string) annotation { return get(c.svc, suffix) }

// at is the location of an annotation finding.
func at(key string) rules.Loc { return rules.Loc{Key: key} }

// specPath is the Service's spec, as apimachinery validation names it.
var specPath = field.NewPath("spec")

// specField is the location of a finding about spec.<name>.
func specField(name string) rules.Loc { return rules.Loc{Path: specPath.Child(name).String()} }

// ratchet drops deny findings about state the update did not change: an
// annotation whose value is the same as before (and judged by the same CCM
// controller), or a spec field that did not change. Pre-existing problems
// never block an unrelated update; warnings are kept.
func ratchet(c *svcCtx) []rules.Finding {
	fs := c.r.Findings
	if c.old == nil {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if f.Severity == rules.Deny && unchanged(c, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func unchanged(c *svcCtx, f rules.Finding) bool {
	if c.kind != c.oldKind {
		return false
	}
	if f.Key != "" {
		nv, nok := c.svc.Annotations[f.Key]
		ov, ook := c.old.Annotations[f.Key]
		return nok == ook && nv == ov
	}
	switch f.Path {
	case specPath.Child("loadBalancerClass").String():
		a, b := c.svc.Spec.LoadBalancerClass, c.old.Spec.LoadBalancerClass
		return (a == nil) == (b == nil) && (a == nil || *a == *b)
	}
	return false
}

// quote renders a user value for messages (bounded, Go-quoted).
func quote(s string) string {
	const max = 120
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
