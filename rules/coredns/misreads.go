package coredns

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	gotmpl "text/template"
	"time"

	"github.com/miekg/dns"
	"github.com/netguard/netguard/rules"
)

// Judgements of the plugins whose arguments CoreDNS can silently misread:
// zones taken from whatever follows the fixed arguments, cache's TTL,
// hosts' file path and inline entries, forward's upstreams and template's
// answers (CoreDNS v1.15.0).

// zoneMisread reports why a token given where zones go is a misread: a
// directive name (`cache 30 loop`) or a `//` comment.
// specialUseZones are single-label names reserved as real DNS zones (RFC
// 6761, RFC 6762 for local.): `cache 30 local` plausibly means the zone
// local., so a directive of the same name (the `local` plugin) is no
// evidence of a misread and the argument is not judged.
var specialUseZones = map[string]bool{"local": true, "localhost": true, "test": true, "invalid": true, "example": true, "onion": true, "arpa": true, "internal": true}

func zoneMisread(x arg) string {
	switch {
	case x.Dynamic:
		return ""
	case strings.HasPrefix(x.Text, "//"):
		return "`//` is not a comment in a Corefile (only `#` is)"
	case isKnownDirective(x.Text) && !strings.Contains(x.Text, ".") && !specialUseZones[strings.ToLower(x.Text)]:
		return fmt.Sprintf("%s is a directive name: it belongs on its own line", rules.Quote(x.Text))
	}
	return ""
}

// zoneArgs judges the zone arguments after skip fixed arguments.
func zoneArgs(skip int) func(*validator, *serverBlock, directive) {
	return func(v *validator, b *serverBlock, d directive) {
		if len(d.Args) > skip {
			v.zones(b, d, d.Args[skip:])
		}
	}
}

func (v *validator) zones(b *serverBlock, d directive, zs []arg) {
	for _, z := range zs {
		if why := zoneMisread(z); why != "" {
			v.r.Add(RuleArgAsZone, loc(blockPath(b)+"/"+d.Name, z.Line), fmt.Sprintf("%s takes %s as a zone (every argument after its fixed ones is a zone), so it applies only to names under %s and %s", d.Name, rules.Quote(z.Text), rules.Quote(strings.ToLower(dns.Fqdn(z.Text))), why), "put each directive on its own line; use # for comments")
		}
	}
}

// cache mirrors cacheParse: the first argument is the TTL only when
// strconv.Atoi accepts it, otherwise it is the first zone.
func (v *validator) cache(b *serverBlock, d directive) {
	args := d.Args
	if len(args) > 0 && !args[0].Dynamic {
		if ttl, err := strconv.Atoi(args[0].Text); err == nil {
			if ttl <= 0 {
				v.setupErr(b, d, d.Line, "cache", "plugin/cache/setup.go cacheParse", fmt.Sprintf("cache TTL can not be zero or negative: %d", ttl), "use a TTL of at least 1 (seconds)")
			}
			args = args[1:]
		} else if _, derr := time.ParseDuration(args[0].Text); derr == nil {
			v.r.Add(RuleCacheTTLUnit, loc(blockPath(b)+"/cache", d.Line), fmt.Sprintf("cache %s: the TTL is read with strconv.Atoi, so %s is not a TTL but a zone: the cache serves only names under %s and every real query goes uncached", args[0].Text, rules.Quote(args[0].Text), rules.Quote(strings.ToLower(dns.Fqdn(args[0].Text)))), "write the TTL in seconds without a unit, e.g. cache 30")
			args = args[1:]
		}
	}
	v.zones(b, d, args)
}

// hosts mirrors hostsParse and Hostsfile.parse.
func (v *validator) hosts(b *serverBlock, d directive) {
	const ref = "plugin/hosts/setup.go hostsParse"
	var zones []arg
	if len(d.Args) > 0 {
		if f := d.Args[0]; !f.Dynamic && net.ParseIP(strings.Trim(f.Text, "[]")) != nil {
			v.r.Add(RuleHostsIPAsFile, loc(blockPath(b)+"/hosts", d.Line), fmt.Sprintf("hosts %s: the first argument is the hosts FILE, so CoreDNS looks for a file named %s (logging only `File does not exist`) and takes the rest as zones: the entry is never served", f.Text, rules.Quote(f.Text)), "put inline entries in the block: hosts {\n    "+strings.Join(argTexts(d.Args), " ")+"\n    fallthrough\n}")
		}
		zones = d.Args[1:]
	}
	v.zones(b, d, zones)
	origins := hostsOrigins(b, zones)
	fall := false
	for _, o := range d.Options {
		if o.Name.Dynamic {
			continue
		}
		what := "hosts." + o.Name.Text
		switch o.Name.Text {
		case "fallthrough":
			fall = true
		case "fallthrough_unsupported":
			if len(o.Args) != 0 {
				v.setupErr(b, d, o.Name.Line, what, ref, "fallthrough_unsupported takes no argument", "fallthrough_unsupported")
			}
			if !fall {
				v.setupErr(b, d, o.Name.Line, what, ref, "fallthrough_unsupported requires fallthrough (set before it)", "add fallthrough before it")
			}
		case "no_reverse":
		case "ttl":
			if len(o.Args) < 1 {
				v.setupErr(b, d, o.Name.Line, what, ref, "ttl needs a time in second", "ttl 60")
			} else if n, err := strconv.Atoi(o.Args[0].Text); !o.Args[0].Dynamic && (err != nil || n <= 0 || n > 65535) {
				v.setupErr(b, d, o.Name.Line, what, ref, fmt.Sprintf("ttl %s is invalid (a number of seconds in 1-65535)", rules.Quote(o.Args[0].Text)), "ttl 60")
			}
		case "reload":
			if len(o.Args) != 1 {
				v.setupErr(b, d, o.Name.Line, what, ref, "reload needs a duration (zero seconds to disable)", "reload 10s")
			} else if x := o.Args[0]; !x.Dynamic {
				if dur, err := time.ParseDuration(x.Text); err != nil || dur < 0 {
					v.setupErr(b, d, o.Name.Line, what, ref, fmt.Sprintf("invalid duration for reload %s", rules.Quote(x.Text)), "reload 10s")
				}
			}
		default:
			if fall {
				v.setupErr(b, d, o.Name.Line, "hosts", ref, fmt.Sprintf("unknown property %s: after fallthrough, lines in the hosts block are no longer inline entries", rules.Quote(o.Name.Text)), "move inline entries above fallthrough")
				continue
			}
			v.inlineEntry(b, o, origins)
		}
	}
}

func argTexts(as []arg) []string {
	out := make([]string, len(as))
	for i, x := range as {
		out[i] = x.Text
	}
	return out
}

// hostsOrigins are the zones inline names must fall under: the zone
// arguments, else the server block's zones.
func hostsOrigins(b *serverBlock, zones []arg) []string {
	var out []string
	for _, z := range zones {
		if z.Dynamic {
			return nil
		}
		out = append(out, strings.ToLower(dns.Fqdn(z.Text)))
	}
	if len(out) > 0 {
		return out
	}
	for _, k := range b.Keys {
		z := zoneOf(k)
		if !z.ok {
			return nil // unknown: do not judge names
		}
		out = append(out, z.zone)
	}
	return out
}

// inlineEntry mirrors Hostsfile.parse for one inline line.
func (v *validator) inlineEntry(b *serverBlock, o option, origins []string) {
	at := loc(blockPath(b)+"/hosts", o.Name.Line)
	if len(o.Args) == 0 {
		v.r.Add(RuleHostsDropped, at, fmt.Sprintf("inline hosts entry %s has no name: CoreDNS skips lines with fewer than two fields, silently", rules.Quote(o.Name.Text)), "write IP NAME [NAME…]")
		return
	}
	ipText := o.Name.Text
	if i := strings.IndexByte(ipText, '%'); i >= 0 {
		ipText = ipText[:i]
	}
	if !o.Name.Dynamic && net.ParseIP(ipText) == nil {
		v.r.Add(RuleHostsDropped, at, fmt.Sprintf("inline hosts entry: %s is not an IP address, so CoreDNS drops the whole line silently (%s never resolves)", rules.Quote(o.Name.Text), strings.Join(argTexts(o.Args), " ")), "write a valid IPv4 or IPv6 address first")
		return
	}
	if origins == nil {
		return
	}
	for _, n := range o.Args {
		if n.Dynamic {
			continue
		}
		name := strings.ToLower(dns.Fqdn(n.Text))
		if !underAny(name, origins) {
			v.r.Add(RuleHostsDropped, at, fmt.Sprintf("inline hosts name %s is outside the plugin's zones (%s): CoreDNS drops it silently", rules.Quote(n.Text), strings.Join(origins, " ")), "serve the name from a server block (or hosts zone list) that covers it")
		}
	}
}

func underAny(name string, zones []string) bool {
	for _, z := range zones {
		if z == "." || name == z || strings.HasSuffix(name, "."+z) {
			return true
		}
	}
	return false
}

// forwardMax is forward's limit on upstreams (plugin/forward/setup.go max).
const forwardMax = 15

// forward mirrors parseStanza's handling of FROM and TO.
func (v *validator) forward(b *serverBlock, d directive) {
	const ref = "plugin/forward/setup.go parseStanza"
	if len(d.Args) < 2 {
		v.setupErr(b, d, d.Line, "forward", ref, fmt.Sprintf("forward takes FROM and at least one TO, got %d argument(s)", len(d.Args)), "forward . /etc/resolv.conf")
		return
	}
	to := d.Args[1:]
	if len(to) > forwardMax {
		v.setupErr(b, d, d.Line, "forward", ref, fmt.Sprintf("more than %d TOs configured: %d", forwardMax, len(to)), "use at most 15 upstreams")
	}
	for _, t := range to {
		if t.Dynamic {
			continue
		}
		v.upstream(b, d, t)
	}
	// forward.New's default expire is 10s (plugin/forward/forward.go defaultExpire).
	expire, maxAge := 10*time.Second, time.Duration(0)
	for _, o := range d.Options {
		if len(o.Args) == 1 && !o.Args[0].Dynamic {
			dur, _ := time.ParseDuration(o.Args[0].Text)
			switch o.Name.Text {
			case "expire":
				expire = dur
			case "max_age":
				maxAge = dur
			}
		}
	}
	if maxAge > 0 && maxAge < expire {
		v.setupErr(b, d, d.Line, "forward.max_age", ref, fmt.Sprintf("max_age (%s) must not be less than expire (%s)", maxAge, expire), "raise max_age or lower expire")
	}
}

// upstream judges one TO address.
func (v *validator) upstream(b *serverBlock, d directive, t arg) {
	const ref = "plugin/forward/setup.go parseStanza (classifyToAddrs, plugin/pkg/parse/host.go HostPortOrFile)"
	at := loc(blockPath(b)+"/forward", t.Line)
	if why := zoneMisread(t); why != "" && strings.HasPrefix(t.Text, "//") {
		v.r.Add(RuleArgAsZone, at, fmt.Sprintf("forward takes %s as an upstream: %s", rules.Quote(t.Text), why), "use # for comments")
		return
	}
	scheme, host := splitTransport(t.Text)
	switch scheme {
	case "grpc://", "https3://", "unix://":
		v.setupErr(b, d, t.Line, "forward", ref, fmt.Sprintf("%s is not supported as a destination protocol in forward: %s", strings.TrimSuffix(scheme, "://"), t.Text), "use dns://, tls://, quic:// or https://")
		return
	}
	if host == "" {
		v.setupErr(b, d, t.Line, "forward", ref, fmt.Sprintf("invalid address: %s", rules.Quote(t.Text)), "write IP[:PORT], a resolv.conf path or a hostname")
		return
	}
	if scheme == "https://" && strings.Contains(host, "/") {
		v.setupErr(b, d, t.Line, "forward", ref, fmt.Sprintf("paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): %s", t.Text), "drop the path")
		return
	}
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return
	}
	if i := strings.IndexByte(h, '%'); i >= 0 {
		h = h[:i]
	}
	if net.ParseIP(h) == nil {
		return
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		v.r.Add(RuleUpstreamPort, at, fmt.Sprintf("upstream %s: port %s is not in 1-65535; forward accepts it at start-up but every exchange with this upstream fails to dial, so forwarded queries answer SERVFAIL", t.Text, rules.Quote(port)), "use the upstream's real port (53 for DNS)")
	}
}

// template mirrors templateParse: CLASS TYPE [ZONES…] and the answer,
// additional and authority templates.
func (v *validator) template(b *serverBlock, d directive) {
	const ref = "plugin/template/setup.go templateParse"
	if len(d.Args) < 2 {
		v.setupErr(b, d, d.Line, "template", ref, fmt.Sprintf("template takes CLASS TYPE [ZONES…], got %d argument(s)", len(d.Args)), "template IN A example.org")
		return
	}
	if c := d.Args[0]; !c.Dynamic {
		if _, ok := dns.StringToClass[c.Text]; !ok {
			v.setupErr(b, d, d.Line, "template", ref, fmt.Sprintf("invalid query class %s", c.Text), "use IN, CH or ANY")
		}
	}
	if t := d.Args[1]; !t.Dynamic {
		if _, ok := dns.StringToType[t.Text]; !ok {
			v.setupErr(b, d, d.Line, "template", ref, fmt.Sprintf("invalid RR class %s (the query type)", t.Text), "use a query type such as A, AAAA, ANY")
		}
	}
	v.zones(b, d, d.Args[2:])
	for _, o := range d.Options {
		what := "template." + o.Name.Text
		switch o.Name.Text {
		case "match":
			v.args(b, d, what, o.Name.Line, o.Args, a(1, -1, regexpArg), ref)
		case "answer", "additional", "authority":
			if len(o.Args) == 0 {
				v.setupErr(b, d, o.Name.Line, what, ref, o.Name.Text+" takes at least one template", "answer \"{{ .Name }} 60 IN A 10.0.0.1\"")
			}
			for _, x := range o.Args {
				if !x.Dynamic {
					v.answer(b, d, o.Name, x)
				}
			}
		case "rcode":
			v.args(b, d, what, o.Name.Line, o.Args, a(1, 1, rcodeArg), ref)
		case "ederror", "fallthrough", "upstream":
		default:
			if !o.Name.Dynamic {
				v.setupErr(b, d, o.Name.Line, what, ref, fmt.Sprintf("unknown property %s in the template block", rules.Quote(o.Name.Text)), "see coredns.io/plugins/template")
			}
		}
	}
}

// templateData has the fields and methods of CoreDNS's templateData
// (plugin/template/template.go), so a template that names anything else
// fails here exactly as it fails on every query there.
type templateData struct {
	Zone     string
	Name     string
	Regex    string
	Match    []string
	Group    map[string]string
	Class    string
	Type     string
	Message  *dns.Msg
	Question *dns.Question
	Remote   string
	Var      map[string]any
}

// Meta mirrors templateData.Meta (metadata is empty here).
func (*templateData) Meta(string) string { return "" }

func sampleData(name string) *templateData {
	q := dns.Question{Name: name, Qtype: dns.TypeA, Qclass: dns.ClassINET}
	m := new(dns.Msg)
	m.Question = []dns.Question{q}
	return &templateData{Zone: ".", Name: name, Regex: "(.*)", Match: []string{name}, Group: map[string]string{"0": name},
		Class: "IN", Type: "A", Message: m, Question: &q, Remote: "127.0.0.1", Var: map[string]any{}}
}

// answer judges one answer/additional/authority template.
func (v *validator) answer(b *serverBlock, d directive, opt arg, x arg) {
	const ref = "plugin/template/setup.go templateParse"
	tmpl, err := gotmpl.New("answer").Funcs(gotmpl.FuncMap{"parseInt": strconv.ParseUint}).Parse(x.Text)
	if err != nil {
		v.setupErr(b, d, opt.Line, "template."+opt.Text, ref, fmt.Sprintf("could not compile template: %s, %v", opt.Text, trimErr(err)), "fix the Go template syntax")
		return
	}
	at := loc(blockPath(b)+"/template."+opt.Text, opt.Line)
	var outs [2]string
	for i, name := range []string{"a.example.", "b.other.test."} {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, sampleData(name)); err != nil {
			if strings.Contains(err.Error(), "can't evaluate field") {
				v.r.Add(RuleTemplateAnswer, at, fmt.Sprintf("the %s template names something CoreDNS's template data does not have (%v): it fails on every matching query, which then answers SERVFAIL", opt.Text, trimErr(err)), "use only .Zone .Name .Regex .Match .Group .Class .Type .Message .Question .Remote .Var and .Meta")
			}
			return // other execution errors depend on the query (index of a regex group)
		}
		outs[i] = buf.String()
	}
	// Judge only what does not depend on the query: the rendered record
	// with the owner name (first field) set aside.
	if strings.Contains(outs[0], "<no value>") {
		return // a regex group or variable this sample query does not have
	}
	f0, f1 := strings.Fields(outs[0]), strings.Fields(outs[1])
	if len(f0) < 2 || len(f1) < 2 || strings.Join(f0[1:], " ") != strings.Join(f1[1:], " ") {
		return
	}
	_, err0 := dns.NewRR(outs[0])
	_, err1 := dns.NewRR(outs[1])
	if err0 != nil && err1 != nil {
		v.r.Add(RuleTemplateAnswer, at, fmt.Sprintf("the %s template renders %s for every query, which is not a valid resource record (%v): every matching query answers SERVFAIL", opt.Text, rules.Quote(strings.Join(f0[1:], " ")), err0), "write NAME TTL CLASS TYPE RDATA, e.g. \"{{ .Name }} 60 IN A 10.0.0.1\"")
	}
}
