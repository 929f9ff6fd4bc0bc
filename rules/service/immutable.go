package service

import (
	"fmt"
	"strings"
)

// immutableSpec describes an annotation the CCM can never apply to an
// existing load balancer.
type immutableSpec struct {
	suffix string
	// def is the value of the live load balancer when the annotation was
	// unset at creation ("" = not known).
	def string
	// removalApplies: removing the annotation means the default, which is
	// compared too (CLB ip-version: equalsAddressIPVersion defaults "" to ipv4).
	removalApplies bool
	fold           bool
	errText        string
}

var clbImmutable = []immutableSpec{
	{suffix: "address-type", def: "internet", errText: "alicloud: can not change LoadBalancer AddressType once created. delete and retry"},
	{suffix: "ip-version", def: "ipv4", removalApplies: true, errText: "alicloud: can not change LoadBalancer AddressIPVersion once created"},
	{suffix: "network-type", errText: "alicloud: can not change LoadBalancer network type once created"},
	{suffix: "resource-group-id", errText: "alicloud: can not change ResourceGroupId once created"},
	{suffix: "master-zoneid", errText: "alicloud: can not change LoadBalancer master zone id once created"},
	{suffix: "slave-zoneid", errText: "alicloud: can not change LoadBalancer slave zone id once created"},
	{suffix: "ip", errText: "alicloud: can not change LoadBalancer address once created"},
}

var nlbImmutable = []immutableSpec{
	{suffix: "ip-version", def: "ipv4", fold: true, errText: "AddressIpVersion cannot be changed"},
	{suffix: "resource-group-id", fold: true, errText: "ResourceGroupId cannot be changed"},
}

// checkImmutable judges UPDATEs of a Service whose load balancer exists
// (SV040, SV041). Only real changes are judged (ratchet).
func checkImmutable(c *svcCtx) {
	if c.old == nil || c.kind == kindNone || c.kind != c.oldKind {
		return
	}
	specs := clbImmutable
	if c.kind == kindNLB {
		specs = nlbImmutable
	}
	for _, s := range specs {
		o, n := get(c.old, s.suffix), get(c.svc, s.suffix)
		ov, nv := o.value, n.value
		same := func(a, b string) bool {
			if s.fold {
				return strings.EqualFold(a, b)
			}
			return a == b
		}
		if same(ov, nv) {
			continue
		}
		key := n.key
		if key == "" {
			key = o.key
		}
		if nv == "" && !s.removalApplies {
			continue // the CCM skips the comparison for an empty value: nothing changes
		}
		if nv == "" {
			nv = s.def
		}
		if ov == "" {
			if s.def == "" {
				c.r.Add(RuleImmutableAdded, at(key),
					fmt.Sprintf("%s is added to a Service whose %s already exists; it cannot be changed after creation, so unless %s is exactly the live load balancer's value the CCM reports %q on every sync and never applies it", s.suffix, c.kind, quote(nv), s.errText),
					"remove the annotation, or make sure it equals the value of the existing load balancer; to really change it, create a new Service")
				continue
			}
			ov = s.def
		}
		if same(ov, nv) {
			continue
		}
		c.r.Add(RuleImmutableChanged, at(key),
			fmt.Sprintf("%s changes from %s to %s, but it is fixed when the %s is created: the CCM reports %q (Warning SyncLoadBalancerFailed) on every sync and never applies the change", s.suffix, quote(ov), quote(nv), c.kind, s.errText),
			fmt.Sprintf("keep %s: %s; to get a load balancer with %s, create a new Service (or remove the annotation from this one)", s.suffix, quote(ov), quote(nv)))
	}
	if c.kind == kindCLB {
		checkChargeTypeDirection(c)
	}
	// id: the load balancer a Service is bound to.
	o, n := get(c.old, "id"), get(c.svc, "id")
	switch {
	case o.value != "" && o.value != n.value:
		key := n.key
		if key == "" {
			key = o.key
		}
		c.r.Add(RuleImmutableChanged, at(key),
			fmt.Sprintf("the load-balancer id changes from %s to %s: the CCM does not move a Service between load balancers; the old listeners stay on %s and the sync fails or leaves a half-configured load balancer", quote(o.value), quoteOrUnset(n.value), quote(o.value)),
			"keep the id; to move to another load balancer, create a new Service with the new id and delete this one")
	case o.value == "" && n.value != "":
		c.r.Add(RuleImmutableAdded, at(n.key),
			fmt.Sprintf("the id annotation (%s) is added to a Service whose %s was created by the CCM: the Service is not moved to the other load balancer and the CCM-created one is not released cleanly", quote(n.value), c.kind),
			"to reuse an existing load balancer, create a new Service with the id annotation and delete this one")
	}
}

// checkChargeTypeDirection judges instance-charge-type on a CLB, which can
// change in one direction only. The CCM calls
// ModifyLoadBalancerInstanceChargeType whenever the annotation differs from
// the live value (kubernetes/cloud-provider-alibaba-cloud
// pkg/controller/service/clbv1/loadbalancer.go
// updateInstanceChargeTypeAndInstanceSpec, L451-471 at eeb0ddc), and that API
// converts pay-by-specification to pay-by-LCU only ("You cannot change the
// metering method from pay-by-LCU to pay-by-specification", SLB API
// reference ModifyLoadBalancerInstanceChargeType). A CLB created as
// PayByCLCU (explicitly, or with the annotation unset since CCM v2.4.0:
// pkg/model/load_balancer.go IsPayByCLCU treats "" as PayByCLCU) therefore
// fails every sync once the annotation says PayBySpec.
func checkChargeTypeDirection(c *svcCtx) {
	o, n := get(c.old, "instance-charge-type"), get(c.svc, "instance-charge-type")
	if !strings.EqualFold(n.value, "PayBySpec") || strings.EqualFold(o.value, "PayBySpec") {
		return
	}
	const errText = "updateInstanceChargeTypeAndInstanceSpec error: ModifyLoadBalancerInstanceChargeType rejects PayBySpec"
	if strings.EqualFold(o.value, "PayByCLCU") {
		c.r.Add(RuleImmutableChanged, at(n.key),
			fmt.Sprintf("instance-charge-type changes from %s to %s, but a CLB's metering method converts from pay-by-specification to pay-by-LCU only: the CCM calls ModifyLoadBalancerInstanceChargeType on every sync and reports %q (Warning SyncLoadBalancerFailed)", quote(o.value), quote(n.value), errText),
			fmt.Sprintf("keep instance-charge-type: %s; for a pay-by-specification CLB, create a new Service", quote(o.value)))
		return
	}
	if o.value == "" {
		c.r.Add(RuleImmutableAdded, at(n.key),
			fmt.Sprintf("instance-charge-type %s is added to a Service whose CLB already exists: CCM v2.4.0 and later create such CLBs as PayByCLCU, which cannot be converted to pay-by-specification, so unless this CLB was created as PayBySpec the CCM reports %q on every sync", quote(n.value), errText),
			"remove the annotation, or check the CLB's metering method first (it must already be PayBySpec)")
	}
}
