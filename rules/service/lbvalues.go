package service

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// read returns the annotation for suffix when it is set and the controller
// handling the Service reads it.
func (c *svcCtx) read(suffix string) (annotation, bool) {
	a := c.get(suffix)
	if !a.ok {
		return a, false
	}
	info := lbKeys[suffix]
	if (c.kind == kindCLB && !info.clb) || (c.kind == kindNLB && !info.nlb) || c.kind == kindNone {
		return a, false
	}
	return a, true
}

// nlbHealthCheckOn mirrors nlbv2 setServerGroupAttributeFromAnno: the other
// health-check keys are read only when health-check-flag is "on" (any case).
func (c *svcCtx) nlbHealthCheckOn() bool {
	return strings.EqualFold(c.get("health-check-flag").value, "on")
}

// nlbHealthCheckKeys are the NLB health-check keys gated by health-check-flag.
var nlbHealthCheckKeys = []string{
	"health-check-type", "health-check-connect-port", "healthy-threshold", "unhealthy-threshold",
	"health-check-connect-timeout", "health-check-interval", "health-check-domain",
	"health-check-uri", "health-check-method", "health-check-httpcode",
}

func isNLBHealthCheckKey(s string) bool {
	for _, k := range nlbHealthCheckKeys {
		if k == s {
			return true
		}
	}
	return false
}

// ---- integers (SV020, SV021) ----

type rng struct {
	lo, hi int
	set    bool
}

func r(lo, hi int) rng { return rng{lo, hi, true} }

// intSpec is an annotation the CCM parses with strconv.Atoi.
type intSpec struct {
	clb, nlb rng
	// enforced: the CCM itself rejects values outside the range.
	enforced bool
	// special values outside the range that are valid (-520 = backend port).
	special []int
	unit    string
}

// intKeys: ranges from pkg/model/load_balancer.go comments, the CCM's
// docs/usage.md and the ACK annotation pages (services.md §3.3).
var intKeys = map[string]intSpec{
	"bandwidth":                    {clb: r(1, 5120), unit: "Mbit/s"},
	"healthy-threshold":            {clb: r(2, 10), nlb: r(2, 10)},
	"unhealthy-threshold":          {clb: r(2, 10), nlb: r(2, 10)},
	"health-check-interval":        {clb: r(1, 50), nlb: r(1, 50), unit: "seconds"},
	"health-check-connect-timeout": {clb: r(1, 300), nlb: r(1, 300), unit: "seconds"},
	"health-check-timeout":         {clb: r(1, 300), unit: "seconds"},
	"health-check-connect-port":    {clb: r(1, 65535), nlb: r(0, 65535), special: []int{-520}},
	"persistence-timeout":          {clb: r(0, 3600), unit: "seconds"},
	"established-timeout":          {clb: r(10, 900), unit: "seconds"},
	"idle-timeout":                 {clb: r(1, 60), nlb: r(1, 900), unit: "seconds"},
	"request-timeout":              {clb: r(1, 180), unit: "seconds"},
	"connection-drain-timeout":     {clb: r(10, 900), nlb: r(10, 900), unit: "seconds"},
	"cookie-timeout":               {clb: r(1, 86400), unit: "seconds"},
	"weight":                       {clb: r(0, 100), nlb: r(0, 100), enforced: true},
	"default-weight":               {clb: r(0, 100), nlb: r(0, 100), enforced: true},
	"cps":                          {},
}

func checkInts(c *svcCtx) {
	for _, suffix := range sortedKeys(intKeys) {
		spec := intKeys[suffix]
		a, ok := c.read(suffix)
		if !ok || a.value == "" {
			continue // the CCM parses only non-empty values
		}
		if c.kind == kindNLB && isNLBHealthCheckKey(suffix) && !c.nlbHealthCheckOn() {
			continue // ignored; SV028
		}
		if suffix == "weight" && !(c.get("id").value != "" && c.get("vgroup-port").value != "") {
			continue // ignored; SV027
		}
		n, err := strconv.Atoi(a.value)
		if err != nil {
			hint := "use a plain decimal integer without quotes inside the string, units or spaces"
			if t := strings.TrimSpace(a.value); t != a.value {
				if _, e := strconv.Atoi(t); e == nil {
					hint = fmt.Sprintf("remove the surrounding whitespace: %q", t)
				}
			}
			c.r.Add(RuleUnparsable, at(a.key),
				fmt.Sprintf("%s must be an integer but is %s: the CCM parses it with strconv.Atoi, fails to build the load-balancer model and reports Warning SyncLoadBalancerFailed on every sync (the Service stays <pending>, or keeps its old load-balancer settings)", suffix, quote(a.value)),
				hint)
			continue
		}
		rg := spec.clb
		if c.kind == kindNLB {
			rg = spec.nlb
		}
		if !rg.set || (n >= rg.lo && n <= rg.hi) || containsInt(spec.special, n) {
			continue
		}
		want := fmt.Sprintf("%d-%d", rg.lo, rg.hi)
		if spec.unit != "" {
			want += " " + spec.unit
		}
		if len(spec.special) > 0 {
			want += fmt.Sprintf(" (or %d: use the backend port)", spec.special[0])
		}
		if spec.enforced {
			c.r.Add(RuleUnparsable, at(a.key),
				fmt.Sprintf("%s must be an integer in [%d,%d] but is %d: the CCM rejects it (\"%s must be integer in range [0,100]\") and reports Warning SyncLoadBalancerFailed on every sync", suffix, rg.lo, rg.hi, n, suffix),
				"use a value in "+want)
			continue
		}
		c.r.Add(RuleOutOfRange, at(a.key),
			fmt.Sprintf("%s is %d, outside the documented range %s for a %s: the CCM passes it to the Alibaba Cloud API, which rejects it (Warning SyncLoadBalancerFailed, the listener is not created or updated)", suffix, n, want, c.kind),
			"use a value in "+want)
	}
}

// ---- enumerations (SV020, SV022, SV023) ----

// enumMode says how the CCM compares a value.
type enumMode int

const (
	modeExact  enumMode = iota // compared / sent as is; the cloud returns canonical values
	modeFold                   // strings.EqualFold, no trimming
	modeStrict                 // EqualFold, and anything else is a CCM error
	// modeCompared: never sent to the cloud API (so creation succeeds) but
	// compared exactly with the live load balancer on every sync, so any
	// other value fails every sync (SV036).
	modeCompared
)

type enumSpec struct {
	values []string
	mode   enumMode
	set    bool
}

func exact(v ...string) enumSpec    { return enumSpec{v, modeExact, true} }
func fold(v ...string) enumSpec     { return enumSpec{v, modeFold, true} }
func strict(v ...string) enumSpec   { return enumSpec{v, modeStrict, true} }
func compared(v ...string) enumSpec { return enumSpec{v, modeCompared, true} }

var onOff = []string{"on", "off"}

// enumKeys maps suffix -> (CLB spec, NLB spec). CLB sends most values raw
// and later compares them exactly with what the CLB API returns
// (clbv1/loadbalancer.go Update, listeners.go isNeedUpdate); NLB folds case
// (nlbv2, pkg/model/nlb).
var enumKeys = map[string][2]enumSpec{
	"address-type":                {exact("internet", "intranet"), fold("internet", "intranet")},
	"ipv6-address-type":           {{}, fold("internet", "intranet")},
	"charge-type":                 {exact("paybytraffic", "paybybandwidth"), {}},
	"instance-charge-type":        {exact("PayBySpec", "PayByCLCU"), {}},
	"ip-version":                  {exact("ipv4", "ipv6"), fold("ipv4", "DualStack")},
	"network-type":                {compared("classic", "vpc"), {}},
	"scheduler":                   {exact("rr", "wrr", "wlc", "sch", "tch", "qch"), fold("Wrr", "Rr", "Sch", "Tch", "Qch")},
	"health-check-type":           {exact("tcp", "http"), fold("TCP", "HTTP")},
	"health-check-method":         {exact("head", "get"), fold("GET", "HEAD")},
	"acl-type":                    {exact("white", "black"), {}},
	"sticky-session-type":         {exact("insert", "server"), {}},
	"delete-protection":           {exact(onOff...), {}},
	"modification-protection":     {exact("ConsoleProtection", "NonProtection"), {}},
	"external-ip-type":            {exact("eip"), {}},
	"acl-status":                  {exact(onOff...), {}},
	"sticky-session":              {exact(onOff...), {}},
	"health-check-flag":           {exact(onOff...), {}},
	"health-check-switch":         {exact(onOff...), {}},
	"http2-enabled":               {exact(onOff...), {}},
	"connection-drain":            {exact(onOff...), {}},
	"xforwardedfor-proto":         {exact(onOff...), {}},
	"xforwardedfor-slbport":       {exact(onOff...), {}},
	"xforwardedfor-clientsrcport": {exact(onOff...), {}},
	"backend-ip-version":          {fold("ipv6"), fold("ipv6", "dualstack")},
	"cross-zone-enabled":          {{}, strict(onOff...)},
	"server-group-type":           {{}, strict("Ip", "Instance")},
}

func checkEnums(c *svcCtx) {
	for _, suffix := range sortedKeys(enumKeys) {
		a, ok := c.read(suffix)
		if !ok || a.value == "" {
			continue
		}
		if c.kind == kindNLB && isNLBHealthCheckKey(suffix) && !c.nlbHealthCheckOn() {
			continue
		}
		spec := enumKeys[suffix][0]
		if c.kind == kindNLB {
			spec = enumKeys[suffix][1]
		}
		if !spec.set {
			continue
		}
		judgeEnum(c, a.key, suffix, a.value, spec)
	}
	// service.beta.kubernetes.io/backend-type: helper.IsENIBackendType
	// compares with == "eni"; anything else means ECS backends.
	if v, ok := c.svc.Annotations[keyBackendType]; ok && v != "" {
		judgeEnum(c, keyBackendType, "backend-type", v, exact("eni", "ecs"))
	}
}

func judgeEnum(c *svcCtx, key, suffix, v string, spec enumSpec) {
	for _, want := range spec.values {
		if v == want || (spec.mode != modeExact && spec.mode != modeCompared && strings.EqualFold(v, want)) {
			return
		}
	}
	allowed := strings.Join(quoteAll(spec.values), " | ")
	t := strings.TrimSpace(v)
	for _, want := range spec.values {
		if !strings.EqualFold(t, want) {
			continue
		}
		var why string
		switch {
		case suffix == "backend-type":
			why = "the CCM compares it with == \"eni\", so " + quote(v) + " silently means ECS (node) backends"
		case spec.mode == modeExact || spec.mode == modeCompared:
			why = fmt.Sprintf("the CLB controller compares this value exactly (no case folding or trimming) with the canonical value the CLB API returns, so %s never matches: either the API rejects it, or every sync tries to update the load balancer again", quote(v))
			switch suffix {
			case "address-type", "ip-version", "network-type":
				why += " and fails with \"alicloud: can not change LoadBalancer ... once created\""
			}
			if suffix == "charge-type" {
				why += "; bandwidth is only updated when charge-type is exactly \"paybybandwidth\""
			}
		default:
			why = fmt.Sprintf("the CCM compares case-insensitively but does not trim whitespace, so %s matches nothing", quote(v))
		}
		c.r.Add(RuleValueCase, at(key), fmt.Sprintf("%s is %s, not %q: %s", suffix, quote(v), want, why), fmt.Sprintf("write exactly %q", want))
		return
	}
	if spec.mode == modeStrict {
		c.r.Add(RuleUnparsable, at(key),
			fmt.Sprintf("%s is %s, but the CCM accepts only %s and otherwise fails to build the load-balancer model (Warning SyncLoadBalancerFailed on every sync)", suffix, quote(v), allowed),
			"use one of "+allowed)
		return
	}
	if spec.mode == modeCompared {
		// network-type: clbv1/loadbalancer.go BuildLocalModel reads it, the
		// CreateLoadBalancer call never sends it, and Update (L147-150 at
		// eeb0ddc) compares it with the live "vpc"/"classic"; the error makes
		// reconcileLoadBalancerResources return before updateServiceStatus.
		c.r.Add(RuleLiveCompare, at(key),
			fmt.Sprintf("%s is %s, not one of %s: the CCM does not send it to the CLB API, so the load balancer is created, but every sync compares it with the live value and fails with \"alicloud: can not change LoadBalancer network type once created\"; the Service never gets its external IP (stays <pending>) and later listener and backend changes report SyncLoadBalancerFailed", suffix, quote(v), allowed),
			"use one of "+allowed+" (or remove the annotation: an intranet CLB is created in the VPC of the cluster)")
		return
	}
	what := "the CCM passes it to the Alibaba Cloud API unchecked; expect Warning SyncLoadBalancerFailed (InvalidParameter) and no load-balancer change"
	if suffix == "backend-type" {
		what = "the CCM treats every value except \"eni\" as ECS (node) backends"
	}
	c.r.Add(RuleUndocumentedValue, at(key), fmt.Sprintf("%s is %s, not one of the documented values %s for a %s: %s", suffix, quote(v), allowed, kindName(c, suffix), what), "use one of "+allowed)
}

func kindName(c *svcCtx, suffix string) string {
	if suffix == "backend-type" {
		return "Service"
	}
	return c.kind.String()
}

// ---- flags the CCM reads as a boolean (SV024, SV025, SV026) ----

// offLike values express "disabled"; reading them as off matches intent.
func offLike(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "off", "false", "no", "n", "0", "disable", "disabled", "f":
		return true
	}
	return false
}

// onFlags: CCM reads on := (v == "on") (exact) or strings.EqualFold(v, "on").
var onFlags = map[string][2]*bool{ // [CLB exact?, NLB exact?]; nil = not a boolean for that kind
	"proxy-protocol":             {ptr(true), ptr(false)},
	"remove-unscheduled-backend": {ptr(true), ptr(true)},
	"ignore-weight-update":       {ptr(false), ptr(false)},
	"connection-drain":           {nil, ptr(false)},
	"preserve-client-ip":         {nil, ptr(false)},
	"health-check-flag":          {nil, ptr(false)},
	"cacert":                     {nil, ptr(false)},
	"alpn":                       {nil, ptr(false)},
	"ppv2-pvl-ep-id-enabled":     {nil, ptr(false)},
	"ppv2-pvl-eps-id-enabled":    {nil, ptr(false)},
	"ppv2-pvl-vpc-id-enabled":    {nil, ptr(false)},
}

func ptr(b bool) *bool { return &b }

func checkFlags(c *svcCtx) {
	for _, suffix := range sortedKeys(onFlags) {
		a, ok := c.read(suffix)
		if !ok || a.value == "" {
			continue
		}
		ex := onFlags[suffix][0]
		if c.kind == kindNLB {
			ex = onFlags[suffix][1]
		}
		if ex == nil {
			continue
		}
		v := a.value
		if v == "on" || (!*ex && strings.EqualFold(v, "on")) || offLike(v) {
			continue
		}
		cmp := "exactly \"on\" (== \"on\", case-sensitive)"
		if !*ex {
			cmp = "\"on\" (case-insensitive, no trimming)"
		}
		c.r.Add(RuleFlagStaysOff, at(a.key),
			fmt.Sprintf("%s is %s: the %s controller treats only %s as enabled, so this value silently leaves %s OFF", suffix, quote(v), c.kind, cmp, suffix),
			fmt.Sprintf("write %s: \"on\" to enable it (or \"off\")", suffix))
	}
	if a, ok := c.read("force-override-listeners"); ok && a.value != "true" && a.value != "" && !offLike(a.value) {
		c.r.Add(RuleForceOverride, at(a.key),
			fmt.Sprintf("force-override-listeners is %s: the CCM overrides the listeners of a reused load balancer only when the value is exactly \"true\" (IsForceOverride: == \"true\"), so the listeners are silently NOT reconciled (\"listener override is false, skip reconcile listeners\")", quote(a.value)),
			"write force-override-listeners: \"true\"")
	}
	checkPreserve(c)
}

// checkPreserve: preserve-lb-on-delete is true for ANY non-empty value (SV024).
func checkPreserve(c *svcCtx) {
	a := c.get("preserve-lb-on-delete")
	if !a.ok || !offLike(a.value) {
		return
	}
	c.r.Add(RulePreserveOnDelete, at(a.key),
		fmt.Sprintf("preserve-lb-on-delete is %s, but the CCM only checks that the value is non-empty: %s still PRESERVES the load balancer when the Service is deleted or stops being type LoadBalancer (it is left behind, and keeps billing)", quote(a.value), quote(a.value)),
		"remove the annotation to let the CCM delete the load balancer with the Service")
}

// ---- lists (SV020, SV034, SV035) ----

// perPortList simulates the CCM's per-ServicePort scans of comma lists
// (protocol-port, vgroup-port, forward-port, listener-port-range): for each
// port it walks the entries in order, fails at the first malformed one and
// stops at the first one naming the port. It returns the malformed entries
// that some port reaches and the well-formed entries no port matches.
func perPortList(value string, ports []corev1.ServicePort, portOf func(parts []string) string, bad func(entry string, parts []string) string) (errs []string, unmatched []string) {
	entries := strings.Split(value, ",")
	matched := make([]bool, len(entries))
	reached := map[int]string{}
	for _, p := range ports {
		ps := strconv.Itoa(int(p.Port))
		for i, e := range entries {
			parts := strings.Split(e, ":")
			if msg := bad(e, parts); msg != "" {
				reached[i] = msg
				break
			}
			if portOf(parts) == ps {
				matched[i] = true
				break
			}
		}
	}
	for i, e := range entries {
		if msg, ok := reached[i]; ok {
			errs = append(errs, msg)
			continue
		}
		parts := strings.Split(e, ":")
		if bad(e, parts) == "" && !matched[i] && !portInService(portOf(parts), ports) {
			unmatched = append(unmatched, e)
		}
	}
	return errs, unmatched
}

func portInService(p string, ports []corev1.ServicePort) bool {
	for _, sp := range ports {
		if strconv.Itoa(int(sp.Port)) == p {
			return true
		}
	}
	return false
}

// listenerProtocols returns the CCM's listener protocol for every Service
// port (lowercase for CLB, uppercase for NLB), ignoring malformed entries.
func (c *svcCtx) listenerProtocols() []string {
	pp := c.get("protocol-port").value
	var out []string
	for _, p := range c.svc.Spec.Ports {
		proto := string(p.Protocol)
		if proto == "" {
			proto = "TCP"
		}
		if pp != "" {
			for _, e := range strings.Split(pp, ",") {
				parts := strings.Split(e, ":")
				if len(parts) >= 2 && parts[1] == strconv.Itoa(int(p.Port)) {
					proto = parts[0]
					break
				}
			}
		}
		if c.kind == kindNLB {
			out = append(out, strings.ToUpper(proto))
		} else {
			out = append(out, strings.ToLower(proto))
		}
	}
	return out
}

func checkLists(c *svcCtx) {
	ports := c.svc.Spec.Ports
	unmatched := func(a annotation, entries []string, what string) {
		if len(entries) == 0 {
			return
		}
		shown := quoteAll(entries)
		if len(shown) > 5 {
			shown = append(shown[:5], fmt.Sprintf("and %d more", len(entries)-5))
		}
		c.r.Add(RulePortEntry, at(a.key),
			fmt.Sprintf("%s entries %s name ports this Service does not expose (its ports: %s): the CCM matches entries against spec.ports[].port, not targetPort or nodePort, so these entries are silently ignored", what, strings.Join(shown, ", "), portList(ports)),
			"use the Service port numbers (spec.ports[].port) in the annotation")
	}
	if a, ok := c.read("protocol-port"); ok && a.value != "" {
		protos := []string{"http", "https", "tcp", "udp"}
		if c.kind == kindNLB {
			protos = []string{"TCP", "UDP", "TCPSSL"}
		}
		errs, un := perPortList(a.value, ports, func(p []string) string { return p[1] },
			func(e string, p []string) string {
				if len(p) < 2 {
					return fmt.Sprintf("entry %s has no colon (\"port and protocol format must be like 'https:443' with colon separated\")", quote(e))
				}
				for _, want := range protos {
					if p[0] == want || (c.kind == kindNLB && strings.EqualFold(p[0], want)) {
						return ""
					}
				}
				msg := fmt.Sprintf("entry %s has protocol %s; the %s controller accepts only %s", quote(e), quote(p[0]), c.kind, strings.Join(protos, "|"))
				if t := strings.TrimSpace(p[0]); t != p[0] {
					msg += " and does not trim spaces after commas"
				} else if c.kind == kindCLB && strings.ToLower(p[0]) != p[0] {
					msg += " in lowercase"
				}
				return msg
			})
		listErrs(c, a, "protocol-port", errs, "write entries as proto:port separated by commas without spaces, e.g. \"https:443,http:80\" (CLB: lowercase http|https|tcp|udp; NLB: TCP|UDP|TCPSSL)")
		unmatched(a, un, "protocol-port")
	}
	if a, ok := c.read("vgroup-port"); ok && a.value != "" && c.get("id").value != "" {
		errs, un := perPortList(a.value, ports, func(p []string) string { return p[1] },
			func(e string, p []string) string {
				if len(p) < 2 {
					return fmt.Sprintf("entry %s has no colon (\"format must be like 'vsp-xxx:443' with colon separated\")", quote(e))
				}
				return ""
			})
		listErrs(c, a, "vgroup-port", errs, "write entries as <server-group-id>:<service port>, e.g. \"rsp-xxx:443,rsp-yyy:80\"")
		unmatched(a, un, "vgroup-port")
	}
	if a, ok := c.read("forward-port"); ok && a.value != "" && contains(c.listenerProtocols(), "http") {
		var httpPorts []corev1.ServicePort
		for i, p := range c.listenerProtocols() {
			if p == "http" {
				httpPorts = append(httpPorts, ports[i])
			}
		}
		errs, _ := perPortList(a.value, httpPorts, func(p []string) string { return p[0] },
			func(e string, p []string) string {
				if len(p) != 2 {
					return fmt.Sprintf("entry %s is not from:to (\"forward port format error, expect 80:443,88:6443\")", quote(e))
				}
				return ""
			})
		for _, p := range httpPorts { // the target of the matching entry must be an integer
			for _, e := range strings.Split(a.value, ",") {
				parts := strings.Split(e, ":")
				if len(parts) != 2 {
					break
				}
				if parts[0] == strconv.Itoa(int(p.Port)) {
					if _, err := strconv.Atoi(parts[1]); err != nil {
						errs = append(errs, fmt.Sprintf("entry %s forwards to %s, which is not an integer port", quote(e), quote(parts[1])))
					}
					break
				}
			}
		}
		listErrs(c, a, "forward-port", errs, "write entries as <http port>:<https port>, e.g. \"80:443\"")
	}
	if a, ok := c.read("listener-port-range"); ok && a.value != "" {
		if bt, set := c.svc.Annotations[keyBackendType]; set && bt != "eni" {
			c.r.Add(RuleUnparsable, at(a.key),
				fmt.Sprintf("listener-port-range needs ENI backends, but %s is %s: the CCM fails with \"listener port range can only be used for eni backend type service\" (Warning SyncLoadBalancerFailed)", keyBackendType, quote(bt)),
				"set "+keyBackendType+": eni, or remove listener-port-range")
		} else {
			errs, un := perPortList(a.value, ports, func(p []string) string { return p[1] },
				func(e string, p []string) string {
					if len(p) != 2 {
						return fmt.Sprintf("entry %s is not start-end:port (\"listener port range must be like 1000-2000:80\")", quote(e))
					}
					return ""
				})
			for _, e := range strings.Split(a.value, ",") {
				p := strings.Split(e, ":")
				if len(p) != 2 || !portInService(p[1], ports) {
					continue
				}
				if msg := badPortRange(p[0]); msg != "" {
					errs = append(errs, fmt.Sprintf("entry %s: %s", quote(e), msg))
				}
			}
			listErrs(c, a, "listener-port-range", errs, "write entries as start-end:servicePort with 1 <= start < end <= 65535, e.g. \"1000-2000:80\"")
			unmatched(a, un, "listener-port-range")
		}
	}
	if a, ok := c.read("domain-extensions"); ok && a.value != "" {
		var errs []string
		for _, e := range strings.Split(a.value, ",") {
			if len(strings.Split(strings.TrimSpace(e), ":")) != 2 {
				errs = append(errs, fmt.Sprintf("entry %s is not domain:certId (\"invalid domain extension\")", quote(e)))
			}
		}
		listErrs(c, a, "domain-extensions", errs, "write entries as <domain>:<certificate id>, e.g. \"www.example.com:1234-cn-hangzhou\"")
	}
	if a, ok := c.read("backend-label"); ok && a.value != "" {
		var errs, misread []string
		for _, e := range strings.Split(a.value, ",") {
			kv := strings.Split(e, "=")
			switch {
			case len(kv) < 2:
				errs = append(errs, fmt.Sprintf("entry %s has no '=' (\"parse backend label: %s, [k1=v1,k2=v2]\")", quote(e), e))
			case len(kv) > 2:
				misread = append(misread, fmt.Sprintf("entry %s is split at every '=', so the CCM requires the label value %s", quote(e), quote(kv[1])))
			case strings.TrimSpace(e) != e || strings.TrimSpace(kv[0]) != kv[0] || strings.TrimSpace(kv[1]) != kv[1]:
				misread = append(misread, fmt.Sprintf("entry %s has spaces, which the CCM keeps (label key %s, value %s), so no node matches", quote(e), quote(kv[0]), quote(kv[1])))
			}
		}
		listErrs(c, a, "backend-label", errs, "write node labels as k1=v1,k2=v2 (all must match)")
		if len(misread) > 0 {
			c.r.Add(RuleListMisread, at(a.key),
				"backend-label is misread: "+capList(misread, "; ")+"; nodes are selected by the misread label, which usually leaves the load balancer without backends",
				"write k1=v1,k2=v2 without spaces; label values cannot contain '='")
		}
	}
	if a, ok := c.read("additional-resource-tags"); ok && a.value != "" {
		var misread []string
		for _, e := range strings.Split(strings.TrimSpace(a.value), ",") {
			kv := strings.Split(strings.TrimSpace(e), "=")
			switch {
			case len(kv) > 2 && kv[0] != "":
				misread = append(misread, fmt.Sprintf("tag %s gets the value %s (the CCM splits at every '=')", quote(e), quote(kv[1])))
			case kv[0] == "" && strings.TrimSpace(e) != "":
				misread = append(misread, fmt.Sprintf("entry %s has no tag key and is dropped", quote(e)))
			}
		}
		if len(misread) > 0 {
			c.r.Add(RuleListMisread, at(a.key),
				"additional-resource-tags is misread: "+capList(misread, "; "),
				"write tags as Key1=Val1,Key2=Val2 (a value cannot contain '=')")
		}
	}
	if c.kind == kindNLB {
		checkZoneMaps(c)
	}
}

func badPortRange(s string) string {
	r := strings.Split(s, "-")
	if len(r) != 2 {
		return "the range is not start-end"
	}
	a, err1 := strconv.Atoi(r[0])
	b, err2 := strconv.Atoi(r[1])
	switch {
	case err1 != nil || err2 != nil:
		return "the range bounds are not integers"
	case a >= b:
		return "start port should be smaller than end port"
	case a < 1 || b > 65535:
		return "the range must lie within 1-65535"
	}
	return ""
}

func listErrs(c *svcCtx, a annotation, suffix string, errs []string, hint string) {
	if len(errs) == 0 {
		return
	}
	if len(errs) > 5 {
		errs = append(errs[:5], fmt.Sprintf("and %d more", len(errs)-5))
	}
	c.r.Add(RuleUnparsable, at(a.key),
		fmt.Sprintf("%s cannot be parsed: %s. The CCM fails to build the load-balancer model and reports Warning SyncLoadBalancerFailed on every sync (the Service stays <pending>, or keeps its old listeners)", suffix, strings.Join(errs, "; ")),
		hint)
}

// checkZoneMaps: NLB zone-maps (SV020, SV032, SV033).
func checkZoneMaps(c *svcCtx) {
	a, ok := c.read("zone-maps")
	if !ok || a.value == "" {
		if c.get("id").value == "" {
			key := fullKey("zone-maps")
			if ok {
				key = a.key
			}
			c.r.Add(RuleNLBZoneMaps, at(key),
				"an NLB Service needs zone-maps (unless it reuses an existing NLB with the id annotation): the CCM fails with \"ParameterMissing, zone mappings are required\" (Warning SyncLoadBalancerFailed) and the Service stays <pending>",
				"add "+fullKey("zone-maps")+": \"<zone-a>:<vsw-a>,<zone-b>:<vsw-b>\" with vSwitches in at least two zones")
		}
		return
	}
	var errs []string
	zones := map[string]bool{}
	for _, e := range strings.Split(a.value, ",") {
		p := strings.Split(e, ":")
		if len(p) < 2 {
			errs = append(errs, fmt.Sprintf("entry %s is not zone:vswitch (\"ZoneMapping format error, expect [zone-a:vsw-id-1,zone-b:vsw-id-2]\")", quote(e)))
			continue
		}
		if strings.TrimSpace(p[0]) == "" || strings.TrimSpace(p[1]) == "" || strings.TrimSpace(p[0]) != p[0] || strings.TrimSpace(p[1]) != p[1] {
			errs = append(errs, fmt.Sprintf("entry %s has an empty or space-padded zone or vSwitch ID, which the NLB API rejects", quote(e)))
			continue
		}
		zones[p[0]] = true
	}
	listErrs(c, a, "zone-maps", errs, "write zone-maps as zone:vswitch pairs separated by commas without spaces, e.g. \"cn-hangzhou-h:vsw-aaa,cn-hangzhou-i:vsw-bbb\"")
	if len(errs) == 0 && len(zones) < 2 {
		c.r.Add(RuleNLBFewZones, at(a.key),
			fmt.Sprintf("zone-maps lists %d zone; an NLB needs vSwitches in at least two different zones (ACK NLB documentation), so the NLB API is expected to reject the creation", len(zones)),
			"add a second zone:vswitch pair in another zone")
	}
}

// ---- helpers ----

func containsInt(xs []int, n int) bool {
	for _, x := range xs {
		if x == n {
			return true
		}
	}
	return false
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = quote(x)
	}
	return out
}

func portList(ports []corev1.ServicePort) string {
	if len(ports) == 0 {
		return "none"
	}
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p.Port))
	}
	return capList(s, ", ")
}

// capList joins at most 5 items and says how many were left out.
func capList(items []string, sep string) string {
	if len(items) > 5 {
		items = append(items[:5:5], fmt.Sprintf("and %d more", len(items)-5))
	}
	return strings.Join(items, sep)
}
