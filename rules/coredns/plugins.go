package coredns

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
	"github.com/netguard/netguard/rules"
)

// check validates one argument the way a setup function parses it; it
// returns what CoreDNS says about a bad value, or "".
type check func(s string) string

func durationArg(s string) string {
	if _, err := time.ParseDuration(s); err != nil {
		return fmt.Sprintf("%s is not a duration (time.ParseDuration: %v)", rules.Quote(s), trimErr(err))
	}
	return ""
}

func nonNegDuration(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return durationArg(s)
	}
	if d < 0 {
		return fmt.Sprintf("%s is negative", rules.Quote(s))
	}
	return ""
}

func positiveDuration(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil {
		return durationArg(s)
	}
	if d <= 0 {
		return fmt.Sprintf("%s must be positive", rules.Quote(s))
	}
	return ""
}

func intArg(s string) string {
	if _, err := strconv.Atoi(s); err != nil {
		return fmt.Sprintf("%s is not an integer (strconv.Atoi)", rules.Quote(s))
	}
	return ""
}

func nonNegInt(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil {
		return intArg(s)
	}
	if n < 0 {
		return fmt.Sprintf("%s is negative", rules.Quote(s))
	}
	return ""
}

func uint32Arg(s string) string {
	if _, err := strconv.ParseUint(s, 10, 32); err != nil {
		return fmt.Sprintf("%s is not an unsigned 32-bit integer (strconv.ParseUint)", rules.Quote(s))
	}
	return ""
}

func hostPortArg(s string) string {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return fmt.Sprintf("%s is not HOST:PORT (net.SplitHostPort: %v); write :%s to listen on every address", rules.Quote(s), trimErr(err), strings.TrimLeft(s, ":"))
	}
	return ""
}

func cidrArg(s string) string {
	if _, _, err := net.ParseCIDR(s); err != nil {
		return fmt.Sprintf("%s is not a CIDR", rules.Quote(s))
	}
	return ""
}

func ipArg(s string) string {
	if net.ParseIP(s) == nil {
		return fmt.Sprintf("%s is not an IP address", rules.Quote(s))
	}
	return ""
}

func rcodeArg(s string) string {
	if _, ok := dns.StringToRcode[strings.ToUpper(s)]; !ok {
		return fmt.Sprintf("%s is not a valid rcode", rules.Quote(s))
	}
	return ""
}

func failoverArg(s string) string {
	if msg := rcodeArg(s); msg != "" {
		return msg
	}
	if dns.StringToRcode[strings.ToUpper(s)] == dns.RcodeSuccess {
		return "NoError cannot be used in failover"
	}
	return ""
}

func regexpArg(s string) string {
	if _, err := regexp.Compile(s); err != nil {
		return fmt.Sprintf("%s is not a valid regular expression", rules.Quote(s))
	}
	return ""
}

func oneOf(vals ...string) check {
	return func(s string) string {
		for _, v := range vals {
			if s == v {
				return ""
			}
		}
		return fmt.Sprintf("%s must be one of %s", rules.Quote(s), strings.Join(vals, ", "))
	}
}

func anyArg(string) string { return "" }

func trimErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// argSpec is an argument list: how many, and the check of each (the last
// check repeats for further arguments).
type argSpec struct {
	min, max int // max -1: unlimited
	checks   []check
}

// spec is what a plugin's setup accepts.
type spec struct {
	// args are the directive's own arguments; nil when custom judges them.
	args *argSpec
	// opts are the block options; nil means the block is not judged.
	opts map[string]argSpec
	// custom judges what a table cannot (zones, upstreams, templates).
	custom func(v *validator, b *serverBlock, d directive)
	// ref cites the setup function.
	ref string
}

func a(min, max int, checks ...check) argSpec { return argSpec{min: min, max: max, checks: checks} }

func ap(min, max int, checks ...check) *argSpec { s := a(min, max, checks...); return &s }

// specOnce are the plugins whose setup returns plugin.ErrOnce for a second
// copy in one server block.
var specOnce = map[string]bool{
	"cache": true, "errors": true, "ready": true, "prometheus": true, "loop": true, "hosts": true, "kubernetes": true,
}

// specs covers the plugins of the stock Kubernetes Corefiles and the common
// edits (CoreDNS v1.15.0 plugin/<name>/setup.go).
var specs = map[string]spec{
	"errors": {args: ap(0, 1, oneOf("stdout")), ref: "plugin/errors/setup.go errorsParse",
		opts: map[string]argSpec{"stacktrace": a(0, 0), "consolidate": a(2, 4, durationArg, regexpArg, oneOf("warning", "error", "info", "debug", "show_first"))}},
	"health": {args: ap(0, 1, hostPortArg), ref: "plugin/health/setup.go parse",
		opts: map[string]argSpec{"lameduck": a(1, 1, durationArg)}},
	"ready": {args: ap(0, 1, hostPortArg), ref: "plugin/ready/setup.go parse",
		opts: map[string]argSpec{"monitor": a(1, 1, oneOf("until-ready", "continuously"))}},
	"prometheus": {args: ap(0, 1, hostPortArg), ref: "plugin/metrics/setup.go parse",
		opts: map[string]argSpec{"runtime_metrics": a(0, 0), "tls": a(1, 1, anyArg)}},
	"loop":   {args: ap(0, 0), ref: "plugin/loop/setup.go parse"},
	"reload": {custom: (*validator).reload, ref: "plugin/reload/setup.go setup"},
	"loadbalance": {custom: (*validator).loadbalance, ref: "plugin/loadbalance/setup.go parse",
		opts: map[string]argSpec{"prefer": a(0, -1, cidrArg), "reload": a(1, 1, durationArg)}},
	"log": {args: ap(0, -1, anyArg), ref: "plugin/log/setup.go logParse",
		opts: map[string]argSpec{"class": a(1, -1, oneOf("all", "denial", "error", "success"))}},
	"bind": {args: ap(1, -1, anyArg), ref: "plugin/bind/setup.go parse",
		opts: map[string]argSpec{"except": a(1, -1, anyArg)}},
	"forward": {custom: (*validator).forward, ref: "plugin/forward/setup.go parseStanza, parseBlock",
		opts: map[string]argSpec{
			"except": a(1, -1, anyArg), "max_fails": a(1, 1, uint32Arg), "max_connect_attempts": a(1, 1, uint32Arg),
			"health_check": a(1, -1, nonNegDuration, anyArg), "force_tcp": a(0, 0), "prefer_udp": a(0, 0),
			"tls": a(0, 3, anyArg), "tls_servername": a(1, 1, anyArg), "expire": a(1, 1, nonNegDuration),
			"max_age": a(1, 1, nonNegDuration), "max_idle_conns": a(1, 1, nonNegInt), "read_timeout": a(1, 1, positiveDuration),
			"doh_method": a(1, 1, oneOf("GET", "POST")), "policy": a(1, 1, oneOf("random", "round_robin", "sequential")),
			"max_concurrent": a(1, 1, nonNegInt), "next": a(1, -1, rcodeArg), "next_on_nodata": a(0, 0),
			"failfast_all_unhealthy_upstreams": a(0, 0), "failover": a(1, -1, failoverArg), "resolver": a(1, -1, anyArg),
			"source_address": a(1, 1, ipArg),
		}},
	"cache": {custom: (*validator).cache, ref: "plugin/cache/setup.go cacheParse",
		opts: map[string]argSpec{
			"success": a(1, 3, intArg), "denial": a(1, 3, intArg), "prefetch": a(1, 3, nonNegInt, durationArg, anyArg),
			"serve_stale": a(0, 5, anyArg), "serve_stale_policy": a(1, 1, anyArg), "servfail": a(1, 1, durationArg),
			"disable": a(1, -1, oneOf("success", "denial"), anyArg), "keepttl": a(0, 0),
		}},
	"kubernetes": {custom: zoneArgs(0), ref: "plugin/kubernetes/setup.go ParseStanza",
		opts: map[string]argSpec{
			"endpoint_pod_names": a(0, 0), "pods": a(1, 1, oneOf("disabled", "insecure", "verified")),
			"namespaces": a(1, -1, anyArg), "endpoint": a(1, 1, anyArg), "tls": a(3, 3, anyArg), "labels": a(1, -1, anyArg),
			"namespace_labels": a(1, -1, anyArg), "fallthrough": a(0, -1, anyArg), "ttl": a(1, 1, ttlRange(0, 3600)),
			"noendpoints": a(0, 0), "zonal": a(0, 0), "ignore": a(1, 1, oneOf("empty_service")), "kubeconfig": a(1, 2, anyArg),
			"multicluster": a(0, -1, anyArg), "startup_timeout": a(1, 1, durationArg), "apiserver_qps": a(1, 1, anyArg),
			"apiserver_burst": a(1, 1, nonNegInt), "apiserver_max_inflight": a(1, 1, nonNegInt),
		}},
	"hosts":    {custom: (*validator).hosts, ref: "plugin/hosts/setup.go hostsParse"},
	"template": {custom: (*validator).template, ref: "plugin/template/setup.go templateParse"},
	"file": {args: ap(1, -1, anyArg), custom: zoneArgs(1), ref: "plugin/file/setup.go fileParse",
		opts: map[string]argSpec{"fallthrough": a(0, -1, anyArg), "reload": a(1, 1, durationArg), "upstream": a(0, -1, anyArg)}},
	"k8s_external": {custom: zoneArgs(0), ref: "plugin/k8s_external/setup.go parse",
		opts: map[string]argSpec{"ttl": a(1, 1, ttlRange(0, 65535)), "apex": a(1, 1, anyArg), "headless": a(0, 0), "fallthrough": a(0, -1, anyArg)}},
	"autopath": {args: ap(1, -1, anyArg), ref: "plugin/autopath/setup.go autoPathParse"},
	"whoami":   {args: ap(0, 0), ref: "plugin/whoami/setup.go setup"},
}

func ttlRange(lo, hi int) check {
	return func(s string) string {
		n, err := strconv.Atoi(s)
		if err != nil {
			return intArg(s)
		}
		if n < lo || n > hi {
			return fmt.Sprintf("ttl must be in range [%d, %d]: %d", lo, hi, n)
		}
		return ""
	}
}

// plugin judges one directive's arguments and block against its spec.
func (v *validator) plugin(b *serverBlock, d directive) {
	sp, ok := specs[d.Name]
	if !ok {
		return
	}
	if sp.args != nil {
		v.args(b, d, d.Name, d.Line, d.Args, *sp.args, sp.ref)
	}
	if sp.custom != nil {
		sp.custom(v, b, d)
	}
	if sp.opts != nil {
		for _, o := range d.Options {
			if o.Name.Dynamic {
				continue
			}
			os, ok := sp.opts[o.Name.Text]
			if !ok {
				if d.Name == "hosts" {
					continue
				}
				v.setupErr(b, d, o.Name.Line, d.Name+"."+o.Name.Text, sp.ref, fmt.Sprintf("unknown option %s in the %s block", rules.Quote(o.Name.Text), d.Name), optionHint(o.Name.Text, sp.opts))
				continue
			}
			v.args(b, d, d.Name+"."+o.Name.Text, o.Name.Line, o.Args, os, sp.ref)
		}
	}
}

func optionHint(name string, opts map[string]argSpec) string {
	names := make([]string, 0, len(opts))
	for k := range opts {
		names = append(names, k)
	}
	if s := rules.Suggest(name, names); s != "" {
		return fmt.Sprintf("did you mean %s?", s)
	}
	return "remove the option (see the plugin's documentation at coredns.io/plugins)"
}

// args judges an argument list.
func (v *validator) args(b *serverBlock, d directive, what string, line int, args []arg, sp argSpec, ref string) {
	if len(args) < sp.min || (sp.max >= 0 && len(args) > sp.max) {
		want := fmt.Sprintf("%d", sp.min)
		switch {
		case sp.max < 0:
			want = fmt.Sprintf("at least %d", sp.min)
		case sp.max != sp.min:
			want = fmt.Sprintf("%d to %d", sp.min, sp.max)
		}
		v.setupErr(b, d, line, what, ref, fmt.Sprintf("%s takes %s argument(s), got %d", what, want, len(args)), "see the plugin's syntax at coredns.io/plugins")
		return
	}
	for i, x := range args {
		if x.Dynamic || len(sp.checks) == 0 {
			continue
		}
		c := sp.checks[min(i, len(sp.checks)-1)]
		if msg := c(x.Text); msg != "" {
			v.setupErr(b, d, line, what, ref, what+": "+msg, "fix the value")
		}
	}
}

// setupErr reports a value the plugin's setup refuses.
func (v *validator) setupErr(b *serverBlock, d directive, line int, what, ref, problem, hint string) {
	v.r.Add(RulePluginSetup, loc(blockPath(b)+"/"+what, line), problem+": CoreDNS fails to start ("+coreDNSRef+" "+ref+")", hint)
}

// reload mirrors reload's setup: [INTERVAL [JITTER]], interval ≥ 2s,
// jitter 0 or ≥ 1s.
func (v *validator) reload(b *serverBlock, d directive) {
	const ref = "plugin/reload/setup.go setup"
	if len(d.Args) > 2 {
		v.setupErr(b, d, d.Line, "reload", ref, fmt.Sprintf("reload takes at most 2 arguments (interval, jitter), got %d", len(d.Args)), "reload [INTERVAL [JITTER]]")
		return
	}
	for i, x := range d.Args {
		if x.Dynamic {
			continue
		}
		dur, err := time.ParseDuration(x.Text)
		if err != nil {
			v.setupErr(b, d, d.Line, "reload", ref, "reload: "+durationArg(x.Text), "write a duration such as 30s")
			continue
		}
		if i == 0 && dur < 2*time.Second {
			v.setupErr(b, d, d.Line, "reload", ref, fmt.Sprintf("reload interval %s is below the minimum 2s", x.Text), "use an interval of at least 2s")
		}
		if i == 1 && dur != 0 && dur < time.Second {
			v.setupErr(b, d, d.Line, "reload", ref, fmt.Sprintf("reload jitter %s must be 0 or at least 1s", x.Text), "use a jitter of 0 or at least 1s")
		}
	}
}

// loadbalance mirrors its parse: no argument, round_robin, or
// weighted FILE.
func (v *validator) loadbalance(b *serverBlock, d directive) {
	const ref = "plugin/loadbalance/setup.go parse"
	if len(d.Args) == 0 || d.Args[0].Dynamic {
		return
	}
	switch d.Args[0].Text {
	case "round_robin":
		if len(d.Args) > 1 {
			v.setupErr(b, d, d.Line, "loadbalance", ref, "loadbalance round_robin takes no further argument", "loadbalance round_robin")
		}
	case "weighted":
		if len(d.Args) != 2 {
			v.setupErr(b, d, d.Line, "loadbalance", ref, "loadbalance weighted takes exactly one weight file", "loadbalance weighted FILE")
		}
	default:
		v.setupErr(b, d, d.Line, "loadbalance", ref, fmt.Sprintf("unknown loadbalance policy %s", rules.Quote(d.Args[0].Text)), "use round_robin or weighted FILE")
	}
}
