package coredns

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"
	"github.com/netguard/netguard/rules"
)

// zoneAddr is what a server block key becomes: transport, zone and port.
type zoneAddr struct {
	scheme, zone, port string
	ok                 bool
}

// key judges one server block key the way InspectServerBlocks reads it:
// parse.Transport strips the scheme, plugin.SplitHostPort takes a trailing
// `:NUMBER` as the port and checks the rest as a domain name (or reverse
// CIDR).
func (v *validator) key(b *serverBlock, k arg) {
	at := loc(k.Text, k.Line)
	if k.Dynamic {
		return
	}
	if strings.HasPrefix(k.Text, "//") || k.Text == "}" || k.Text == "{" {
		v.r.Add(RuleKeyMisread, at, fmt.Sprintf("%s is read as a server block address (the zone %s): `//` is not a comment in a Corefile and a `}` outside a block opens a new server block, so CoreDNS serves a junk zone", rules.Quote(k.Text), rules.Quote(strings.ToLower(dns.Fqdn(k.Text)))), "use `#` for comments; remove the stray brace")
		return
	}
	if len(b.Directives) == 0 && isKnownDirective(k.Text) {
		v.r.Add(RuleKeyMisread, at, fmt.Sprintf("%s stands outside any server block and is read as the address of a new, empty server block (zone %s.), not as a directive", rules.Quote(k.Text), k.Text), "move the line inside the server block's braces")
		return
	}
	scheme, s := splitTransport(k.Text)
	colon := strings.LastIndex(s, ":")
	if colon == len(s)-1 {
		v.r.Add(RuleBadKey, at, fmt.Sprintf("server block address %s ends with a colon: CoreDNS fails to start (`expecting data after last colon`)", rules.Quote(k.Text)), "write ZONE:PORT, e.g. example.org:53")
		return
	}
	if colon != -1 {
		if p, err := strconv.Atoi(s[colon+1:]); err == nil {
			if p < 0 || p > 65535 {
				v.r.Add(RuleBadKey, at, fmt.Sprintf("server block address %s has port %d: CoreDNS fails to start when it opens the listener (`invalid port`)", rules.Quote(k.Text), p), "use a port in 1-65535")
				return
			}
			s = s[:colon]
		} else if !strings.Contains(s[:colon], ":") {
			v.r.Add(RuleKeyMisread, at, fmt.Sprintf("in %s the text after the last colon (%s) is not a port number, so CoreDNS reads the whole address as the zone %s on port %s: queries for %s never reach this block", rules.Quote(k.Text), rules.Quote(s[colon+1:]), rules.Quote(strings.ToLower(dns.Fqdn(s))), defaultPort(scheme), s[:colon]), fmt.Sprintf("write %s:PORT with a number (53 for DNS)", s[:colon]))
			return
		}
	}
	if len(s) > 255 {
		v.r.Add(RuleBadKey, at, fmt.Sprintf("the zone of this server block address is %d characters long: CoreDNS fails to start (`specified zone is too long`)", len(s)), "use a zone of at most 255 characters")
		return
	}
	if _, ok := dns.IsDomainName(s); !ok {
		v.r.Add(RuleBadKey, at, fmt.Sprintf("server block address %s: %s is not a valid domain name, so CoreDNS fails to start (`zone is not a valid domain name`)", rules.Quote(k.Text), rules.Quote(s)), "use a domain name (or a reverse CIDR such as 10.0.0.0/24)")
		return
	}
	if _, ok := dns.IsDomainName(dns.Fqdn(s)); !ok {
		v.r.Add(RuleBadKey, at, fmt.Sprintf("server block address %s: %s is not a valid domain name once made fully qualified, so CoreDNS fails to start", rules.Quote(k.Text), rules.Quote(s)), "use a domain name")
		return
	}
	if _, _, err := net.ParseCIDR(s); err == nil && (s[0] == ':' || (s[0] == '0' && strings.Contains(s, ":"))) {
		v.r.Add(RuleBadKey, at, fmt.Sprintf("server block address %s is an invalid CIDR for a reverse zone: CoreDNS fails to start (`invalid CIDR`)", rules.Quote(k.Text)), "write the network address of the reverse zone, e.g. 10.0.0.0/24")
		return
	}
}

// isKnownDirective reports whether any known build compiles in name.
func isKnownDirective(name string) bool {
	stock, vendors := knownBy(name)
	return len(stock)+len(vendors) > 0
}

// zoneOf returns the zoneAddr of a key (ok false when the key is invalid
// or dynamic: such keys are reported elsewhere or not judged).
func zoneOf(k arg) zoneAddr {
	if k.Dynamic {
		return zoneAddr{}
	}
	scheme, s := splitTransport(k.Text)
	port := defaultPort(scheme)
	if c := strings.LastIndex(s, ":"); c >= 0 && c < len(s)-1 {
		if p, err := strconv.Atoi(s[c+1:]); err == nil {
			port, s = strconv.Itoa(p), s[:c]
		}
	}
	if _, ok := dns.IsDomainName(s); !ok || s == "" {
		return zoneAddr{}
	}
	return zoneAddr{scheme: scheme, zone: strings.ToLower(dns.Fqdn(s)), port: port, ok: true}
}

// listenAddrs returns the block's bind addresses ("" when it has no bind),
// and false when one is not an IP address (an interface name: the
// addresses are only known on the node).
func listenAddrs(b *serverBlock) ([]string, bool) {
	var addrs []string
	for _, d := range b.Directives {
		if d.Name != "bind" {
			continue
		}
		for _, a := range d.Args {
			ip, err := netip.ParseAddr(a.Text)
			if err != nil || a.Dynamic {
				return nil, false
			}
			addrs = append(addrs, ip.String())
		}
	}
	if len(addrs) == 0 {
		return []string{""}, true
	}
	return addrs, true
}

// duplicates mirrors validateZonesAndListeningAddresses: the same
// transport, zone, port and address twice, or an unbound zone/port
// overlapping a bound one. Blocks with a view (filters) may share.
func (v *validator) duplicates(cf *corefile) {
	type where struct {
		key  arg
		addr string
	}
	exact := map[string]where{}
	unbound := map[string]where{} // zone/port without address → first registration
	for i := range cf.Blocks {
		b := &cf.Blocks[i]
		if hasDirective(b, "view") {
			continue
		}
		addrs, known := listenAddrs(b)
		if !known {
			continue
		}
		for _, k := range b.Keys {
			z := zoneOf(k)
			if !z.ok {
				continue
			}
			for _, a := range addrs {
				base := z.scheme + z.zone + ":" + z.port
				ek := base + " on " + a
				if prev, ok := exact[ek]; ok {
					v.r.Add(RuleDuplicateZone, loc(k.Text, k.Line), fmt.Sprintf("%s%s is already served by the server block at line %d (%s): CoreDNS fails to start (`cannot serve %s - it is already defined`)", base, onAddr(a), prev.key.Line, rules.Quote(prev.key.Text), base), "merge the two server blocks, or give them different zones, ports or bind addresses")
					continue
				}
				if prev, ok := unbound[base]; ok && (a == "" || prev.addr == "") {
					v.r.Add(RuleDuplicateZone, loc(k.Text, k.Line), fmt.Sprintf("%s%s overlaps the server block at line %d (%s%s): a block without bind listens on every address, so CoreDNS fails to start (`zone overlap listener capacity`)", base, onAddr(a), prev.key.Line, rules.Quote(prev.key.Text), onAddr(prev.addr)), "bind both blocks to distinct addresses, or merge them")
					continue
				}
				exact[ek] = where{k, a}
				if _, ok := unbound[base]; !ok || a == "" {
					unbound[base] = where{k, a}
				}
			}
		}
	}
}

func onAddr(a string) string {
	if a == "" {
		return ""
	}
	return " on " + a
}

func hasDirective(b *serverBlock, name string) bool {
	for _, d := range b.Directives {
		if d.Name == name {
			return true
		}
	}
	return false
}

// restart is the advice after a Corefile change was stored.
func (v *validator) restart(name string, cf *corefile) {
	reload := false
	if cf != nil {
		for i := range cf.Blocks {
			reload = reload || hasDirective(&cf.Blocks[i], "reload")
		}
	}
	switch {
	case name == NodeLocalName:
		v.r.Add(RuleRestart, loc("", 0), "node-cache notices the changed ConfigMap within about 10s (its config sync period), rewrites the Corefile and reloads in-process; a Corefile it cannot load is logged and the old one keeps serving until the pod restarts", "watch `kubectl -n kube-system logs -l k8s-app=node-local-dns` for `reload failed` after the change")
	case reload:
		v.r.Add(RuleRestart, loc("reload", 0), "the reload plugin applies this Corefile within its interval (30s ± 15s by default, plus the kubelet's ConfigMap sync delay); if CoreDNS cannot load it, it logs `Corefile changed but reload failed` and keeps the old configuration until the next pod restart, which then crash-loops", "check `kubectl -n kube-system logs -l k8s-app=kube-dns` for `reload failed` after the change")
	default:
		v.r.Add(RuleRestart, loc("", 0), "this Corefile has no reload directive: CoreDNS applies the change only when its pods restart", "kubectl -n kube-system rollout restart deployment coredns")
	}
}
