package service

import (
	"sort"
	"strings"
)

// The Alibaba Cloud CCM resolves an annotation suffix k by looking up exactly
// NewPrefix+k and then LegacyPrefix+k (the new prefix wins). Every key the
// CCM reads is listed in lbKeys; source:
// kubernetes/cloud-provider-alibaba-cloud
// pkg/controller/service/reconcile/annotation/annotations.go (HEAD eeb0ddc),
// with the CLB/NLB columns taken from which of clbv1/ and nlbv2/ reads them.
const (
	// NewPrefix is the current annotation prefix.
	NewPrefix = "service.beta.kubernetes.io/alibaba-cloud-"
	// LegacyPrefix is the legacy prefix, read when the new key is absent.
	LegacyPrefix = "service.beta.kubernetes.io/alicloud-"
	// lbInfix starts every load-balancer suffix.
	lbInfix = "loadbalancer-"

	// Keys the CCM reads outside the prefix scheme (helper/service_utils.go).
	keyBackendType      = "service.beta.kubernetes.io/backend-type"
	keyClassAnno        = "service.beta.kubernetes.io/class"
	keyLoadBalancerType = NewPrefix + lbInfix + "type"
	keyTunnelType       = NewPrefix + lbInfix + "tunnel-type"

	// NLBClass is the spec.loadBalancerClass that selects the CCM's NLB controller.
	NLBClass = "alibabacloud.com/nlb"
)

// lbKind is the CCM controller that handles a Service.
type lbKind int

const (
	kindNone lbKind = iota // not handled by the Alibaba CCM
	kindCLB
	kindNLB
)

func (k lbKind) String() string {
	switch k {
	case kindCLB:
		return "CLB"
	case kindNLB:
		return "NLB"
	}
	return "none"
}

// keyInfo says which controller reads a suffix.
type keyInfo struct{ clb, nlb bool }

const (
	cOnly = 1 << iota
	nOnly
	both = cOnly | nOnly
)

// lbKeys maps each suffix (after "loadbalancer-") to the controllers that read it.
var lbKeys = func() map[string]keyInfo {
	raw := map[string]int{
		// instance
		"address-type": both, "id": both, "name": both, "resource-group-id": both,
		"additional-resource-tags": both, "delete-protection": cOnly, "modification-protection": cOnly,
		"preserve-lb-on-delete": both, "force-override-listeners": both,
		"vswitch-id": cOnly, "network-type": cOnly, "charge-type": cOnly, "master-zoneid": cOnly,
		"slave-zoneid": cOnly, "bandwidth": cOnly, "spec": cOnly, "instance-charge-type": cOnly,
		"ip-version": both, "external-ip-type": cOnly, "hostname": cOnly, "ip": cOnly,
		"zone-maps": nOnly, "security-group-ids": nOnly, "bandwidth-package-id": nOnly,
		"ipv6-address-type": nOnly, "cross-zone-enabled": nOnly,
		// listener
		"protocol-port": both, "cert-id": both, "cacert-id": nOnly, "cacert": nOnly,
		"additional-cert-ids": nOnly, "tls-cipher-policy": both, "http2-enabled": cOnly,
		"forward-port": cOnly, "domain-extensions": cOnly, "scheduler": both,
		"persistence-timeout": cOnly, "established-timeout": cOnly, "idle-timeout": both,
		"request-timeout": cOnly, "connection-drain": both, "connection-drain-timeout": both,
		"acl-status": cOnly, "acl-id": cOnly, "acl-type": cOnly,
		"sticky-session": cOnly, "sticky-session-type": cOnly, "cookie-timeout": cOnly, "cookie": cOnly,
		"xforwardedfor-proto": cOnly, "xforwardedfor-slbport": cOnly, "xforwardedfor-clientsrcport": cOnly,
		"proxy-protocol": both, "ppv2-pvl-ep-id-enabled": nOnly, "ppv2-pvl-eps-id-enabled": nOnly,
		"ppv2-pvl-vpc-id-enabled": nOnly, "cps": nOnly, "alpn": nOnly, "alpn-policy": nOnly,
		"listener-port-range": nOnly,
		"health-check-flag":   both, "health-check-switch": cOnly, "health-check-type": both,
		"health-check-uri": both, "health-check-domain": both, "health-check-method": both,
		"health-check-httpcode": both, "health-check-connect-port": both, "healthy-threshold": both,
		"unhealthy-threshold": both, "health-check-interval": both, "health-check-connect-timeout": both,
		"health-check-timeout": cOnly,
		// backends
		"vgroup-port": both, "weight": both, "default-weight": both, "ignore-weight-update": both,
		"backend-label": both, "remove-unscheduled-backend": both, "backend-ip-version": both,
		"preserve-client-ip": nOnly, "server-group-type": nOnly,
	}
	m := make(map[string]keyInfo, len(raw))
	for k, v := range raw {
		m[k] = keyInfo{clb: v&cOnly != 0, nlb: v&nOnly != 0}
	}
	return m
}()

// newOnlySuffixes are read only under the new prefix (exact map lookups in
// helper/service_utils.go), never under the legacy one.
var newOnlySuffixes = map[string]bool{"type": true, "tunnel-type": true}

// knownSuffixes is the sorted list of every suffix, for did-you-mean.
var knownSuffixes = func() []string {
	out := make([]string, 0, len(lbKeys)+len(newOnlySuffixes))
	for k := range lbKeys {
		out = append(out, k)
	}
	for k := range newOnlySuffixes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}()

// fullKey returns the canonical (new-prefix) key for a suffix.
func fullKey(suffix string) string { return NewPrefix + lbInfix + suffix }

// keyClassKind classifies one annotation key.
type keyClassKind int

const (
	keyForeign    keyClassKind = iota // not an ACK load-balancer key
	keyKnown                          // exactly a key the CCM reads
	keyUnknown                        // ACK-looking but unknown suffix
	keyNoInfix                        // prefix without "loadbalancer-"
	keyCaseVar                        // case/whitespace variant of a known key
	keyLegacyOnly                     // a new-prefix-only suffix under the legacy prefix
	keyBadPrefix                      // mangled prefix/domain (alibabacloud-, aliyun-, load-balancer-)
)

// keyClass is the result of classifying one annotation key.
type keyClass struct {
	kind   keyClassKind
	suffix string // known suffix, when kind is keyKnown (or the intended one)
	legacy bool   // under the legacy prefix
	want   string // the key the operator most likely meant, when known
}

// classifyKey decides what the CCM makes of an annotation key.
func classifyKey(k string) keyClass {
	switch k {
	case keyBackendType, keyClassAnno:
		return keyClass{kind: keyKnown}
	}
	for _, p := range []string{NewPrefix, LegacyPrefix} {
		if !strings.HasPrefix(k, p) {
			continue
		}
		legacy := p == LegacyPrefix
		rest := k[len(p):]
		if suf, ok := strings.CutPrefix(rest, lbInfix); ok {
			if _, known := lbKeys[suf]; known {
				return keyClass{kind: keyKnown, suffix: suf, legacy: legacy}
			}
			if newOnlySuffixes[suf] {
				if legacy {
					return keyClass{kind: keyLegacyOnly, suffix: suf, legacy: true, want: fullKey(suf)}
				}
				return keyClass{kind: keyKnown, suffix: suf}
			}
			if c, ok := caseVariant(k); ok {
				return c
			}
			s := suggestSuffix(suf)
			c := keyClass{kind: keyUnknown, legacy: legacy}
			if s != "" {
				c.suffix, c.want = s, p+lbInfix+s
			}
			return c
		}
		if c, ok := caseVariant(k); ok {
			return c
		}
		// Missing "loadbalancer-" infix (alicloud-force-override-listeners).
		s := rest
		if _, known := lbKeys[s]; !known {
			s = suggestSuffix(strings.TrimPrefix(rest, "lb-"))
		}
		if s != "" {
			return keyClass{kind: keyNoInfix, suffix: s, legacy: legacy, want: fullKey(s)}
		}
		return keyClass{kind: keyUnknown, legacy: legacy}
	}
	if c, ok := caseVariant(k); ok {
		return c
	}
	if looksLikeACKKey(k) {
		c := keyClass{kind: keyBadPrefix}
		if i := strings.Index(strings.ToLower(k), "balancer-"); i >= 0 {
			if s := suggestSuffix(k[i+len("balancer-"):]); s != "" {
				c.suffix, c.want = s, fullKey(s)
			}
		}
		return c
	}
	return keyClass{kind: keyForeign}
}

// caseVariant reports keys that equal a known key after lower-casing and
// trimming whitespace (the CCM's lookups are exact).
func caseVariant(k string) (keyClass, bool) {
	n := strings.ToLower(strings.TrimSpace(k))
	if n == k {
		return keyClass{}, false
	}
	switch n {
	case keyBackendType, keyClassAnno:
		return keyClass{kind: keyCaseVar, want: n}, true
	}
	for _, p := range []string{NewPrefix, LegacyPrefix} {
		if suf, ok := strings.CutPrefix(n, p+lbInfix); ok {
			if _, known := lbKeys[suf]; known || (newOnlySuffixes[suf] && p == NewPrefix) {
				return keyClass{kind: keyCaseVar, suffix: suf, legacy: p == LegacyPrefix, want: n}, true
			}
		}
	}
	return keyClass{}, false
}

// looksLikeACKKey catches mangled prefixes: a service.beta.kubernetes.io key
// naming alibaba/alicloud/aliyun, or an alibaba-cloud-/alicloud- name under
// another domain.
func looksLikeACKKey(k string) bool {
	l := strings.ToLower(strings.TrimSpace(k))
	domain, name, ok := strings.Cut(l, "/")
	if !ok {
		return false
	}
	ali := strings.Contains(name, "alibaba") || strings.Contains(name, "alicloud") || strings.Contains(name, "aliyun")
	if domain == "service.beta.kubernetes.io" {
		return ali
	}
	return strings.HasPrefix(name, "alibaba-cloud-loadbalancer") || strings.HasPrefix(name, "alicloud-loadbalancer")
}

// suggestSuffix returns the known suffix closest to s, or "". It follows
// rules.Suggest (separator- and case-insensitive match first, then a small
// edit distance) but precomputes the candidates, since a Service may carry
// hundreds of unknown keys.
func suggestSuffix(s string) string {
	if len(s) > 80 {
		return ""
	}
	if _, ok := lbKeys[s]; ok {
		return s
	}
	n := normKey(s)
	for i, c := range normSuffixes {
		if c == n {
			return knownSuffixes[i]
		}
	}
	limit := 2
	if len(n) >= 10 {
		limit = 3
	}
	if len(n) <= 3 {
		limit = 1
	}
	best, bestD := "", limit+1
	for i, c := range normSuffixes {
		if d := len(c) - len(n); d > limit || -d > limit {
			continue
		}
		if d := editDistance(n, c); d < bestD {
			best, bestD = knownSuffixes[i], d
		}
	}
	return best
}

var normSuffixes = func() []string {
	out := make([]string, len(knownSuffixes))
	for i, s := range knownSuffixes {
		out[i] = normKey(s)
	}
	return out
}()

// normKey lower-cases s and drops '-', '_' and spaces.
func normKey(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// editDistance is the byte-wise Levenshtein distance.
func editDistance(a, b string) int {
	var buf [2][96]int
	if len(b) >= len(buf[0]) {
		return len(a) + len(b)
	}
	prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
