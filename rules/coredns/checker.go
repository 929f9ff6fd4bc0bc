// Package coredns judges the Corefile of CoreDNS (kube-system/coredns) and
// of NodeLocal DNSCache (kube-system/node-local-dns) the way CoreDNS reads
// it at start-up: CoreDNS's own Caddyfile parser, the directive list of the
// CoreDNS build that runs, the server block addresses as
// core/dnsserver/register.go InspectServerBlocks splits them, and the
// arguments and block options as each plugin's setup function parses them.
// It denies what makes CoreDNS fail to start and what it silently misreads
// (`cache 30s`, `corp.example:dns`, `hosts 10.0.0.10 name`, …).
package coredns

import (
	"fmt"
	"strings"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

// CorefileKey is the ConfigMap key both CoreDNS and node-cache read.
const CorefileKey = "Corefile"

// NodeLocalName is the NodeLocal DNSCache ConfigMap (kube-system), whose
// Corefile carries __PILLAR__ placeholders.
const NodeLocalName = "node-local-dns"

type checker struct {
	// build, when set, replaces the configured build fact (tests).
	build string
}

// New returns the CoreDNS checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return Component }

// Mutate changes nothing: CoreDNS has no certain fixes.
func (checker) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }

// validator carries one judgement.
type validator struct {
	r     *rules.Report
	build *build // the configured build; nil when not configured
	// buildErr is set when the configured build fact could not be read.
	buildErr string
	secrets  []string
}

func dataValue(cm *corev1.ConfigMap) (string, bool) {
	if cm == nil {
		return "", false
	}
	if s, ok := cm.Data[CorefileKey]; ok {
		return s, true
	}
	if b, ok := cm.BinaryData[CorefileKey]; ok {
		return string(b), true
	}
	return "", false
}

// Validate judges a coredns or node-local-dns ConfigMap.
func (c checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap() == nil {
		return nil
	}
	cm := req.ConfigMap()
	v := &validator{r: req.NewReport("ConfigMap", cm.Namespace, cm.Name)}
	fact := c.build
	if fact == "" {
		fact = buildFact(req)
	}
	if b, err := parseBuild(fact); err != nil {
		v.buildErr = err.Error()
	} else {
		v.build = b
	}
	text, ok := dataValue(cm)
	cf := v.judge(cm.Name, text, ok)
	if req.Operation == rules.Update && req.OldConfigMap() != nil {
		old, _ := dataValue(req.OldConfigMap())
		if old != text && !rules.HasDeny(v.r.Findings) {
			v.restart(cm.Name, cf)
		}
	}
	for i := range v.r.Findings {
		v.r.Findings[i].Message = rules.Scrub(v.r.Findings[i].Message, v.secrets)
		v.r.Findings[i].Hint = rules.Scrub(v.r.Findings[i].Hint, v.secrets)
	}
	return v.r.Findings
}

func loc(path string, line int) rules.Loc {
	return rules.Loc{Key: CorefileKey, Path: path, Line: line}
}

// judge parses and judges one Corefile; it returns the parse (nil when the
// key is missing or the Corefile does not parse).
func (v *validator) judge(name, text string, present bool) *corefile {
	if !present {
		v.r.Add(RuleNoCorefile, rules.Loc{Key: CorefileKey}, "the ConfigMap has no Corefile key: the pods mount it as the file CoreDNS loads, so they cannot start", "add the Corefile key (the stock one starts with `.:53 {`)")
		return nil
	}
	if name == NodeLocalName {
		text = v.substitutePillars(text)
	}
	cf := parseCorefile(text)
	v.secrets = secretValues(cf, text)
	if cf.Err != "" {
		v.r.Add(RuleSyntax, loc("", cf.ErrLine), "CoreDNS cannot parse the Corefile: "+cf.Err+"; it fails to start (a running CoreDNS with reload keeps its old configuration and only logs this)", "fix the Corefile syntax at this line (braces must pair, one directive per line)")
		return nil
	}
	for _, im := range cf.Imports {
		v.r.Add(RuleImport, loc("import", im.Line), fmt.Sprintf("import %s reads files from the CoreDNS pod's filesystem; netguard does not read them, so the imported directives are not judged (a missing file without a wildcard stops CoreDNS)", rules.Quote(im.Pattern)), "keep imported files under review separately, or inline them as a snippet")
	}
	if len(cf.Blocks) == 0 {
		v.r.Add(RuleNoCorefile, loc("", 0), "the Corefile has no server block: CoreDNS replaces it with its default `.:53 { whoami log }` and answers every query with whoami, so cluster DNS stops working", "restore the server blocks (the stock Corefile starts with `.:53 {`)")
		return cf
	}
	if v.buildErr != "" {
		v.r.Add(RuleOtherBuild, loc("", 0), "the configured CoreDNS build is not understood ("+v.buildErr+"); directives are judged against every known build", "set the CoreDNS build fact to a version such as v1.11.3, optionally ack-v1.11.3")
	}
	for i := range cf.Blocks {
		v.block(&cf.Blocks[i])
	}
	v.duplicates(cf)
	return cf
}

// blockPath names a server block in finding paths: its first key.
func blockPath(b *serverBlock) string {
	if len(b.Keys) == 0 {
		return ""
	}
	return b.Keys[0].Text
}

func (v *validator) block(b *serverBlock) {
	for _, k := range b.Keys {
		v.key(b, k)
	}
	count := map[string]int{}
	for _, d := range b.Directives {
		count[d.Name]++
		if !v.directiveName(b, d) {
			continue
		}
		if specOnce[d.Name] && count[d.Name] == 2 {
			v.r.Add(RulePluginSetup, loc(blockPath(b)+"/"+d.Name, d.Line), fmt.Sprintf("%s appears more than once in this server block: its setup allows one (plugin.ErrOnce, `this plugin can only be used once per Server Block`), so CoreDNS fails to start", d.Name), "merge the two "+d.Name+" lines into one")
		}
		v.plugin(b, d)
	}
}

// directiveName judges a directive's name against the known builds; it
// reports whether the directive is worth judging further.
func (v *validator) directiveName(b *serverBlock, d directive) bool {
	at := loc(blockPath(b)+"/"+d.Name, d.Line)
	if v.build.has(d.Name) {
		return true
	}
	stock, vendors := knownBy(d.Name)
	if len(stock) == 0 && len(vendors) == 0 {
		msg := fmt.Sprintf("unknown directive %s: no known CoreDNS build (stock %s–%s, %s) compiles it in, so CoreDNS fails to start with `Unknown directive`", rules.Quote(d.Name), stockReleases[0].Version, stockReleases[len(stockReleases)-1].Version, vendorNames())
		if strings.HasPrefix(d.Name, "//") {
			msg += "; `//` is not a comment in a Corefile (only `#` is)"
		}
		hint := "remove it or fix its spelling"
		if s := rules.Suggest(d.Name, allDirectives()); s != "" {
			hint = fmt.Sprintf("did you mean %s?", s)
		}
		v.r.Add(RuleUnknownDirective, at, msg, hint)
		return false
	}
	if v.build != nil {
		v.r.Add(RuleNotInBuild, at, fmt.Sprintf("%s is not compiled into the configured CoreDNS build (%s); it exists in %s. CoreDNS fails to start with `Unknown directive`", d.Name, v.build.Title, describeBuilds(stock, vendors)), "remove it, or run a CoreDNS build that includes it (and configure that build)")
		return false
	}
	if len(stock) == len(stockReleases) {
		return true
	}
	v.r.Add(RuleOtherBuild, at, fmt.Sprintf("%s is compiled only into %s: if this cluster's CoreDNS is another build, it fails to start with `Unknown directive`", d.Name, describeBuilds(stock, vendors)), "configure the cluster's CoreDNS version/build so netguard can tell")
	return true
}

// transports are the server block address schemes with their default ports
// (core/dnsserver/register.go InspectServerBlocks).
var transports = []struct{ scheme, port string }{
	{"tls://", "853"}, {"dns://", "53"}, {"quic://", "853"}, {"grpc://", "443"}, {"https3://", "443"}, {"https://", "443"}, {"unix://", ""},
}

func splitTransport(s string) (scheme, rest string) {
	for _, t := range transports {
		if strings.HasPrefix(s, t.scheme) {
			return t.scheme, s[len(t.scheme):]
		}
	}
	return "dns://", s
}

func defaultPort(scheme string) string {
	for _, t := range transports {
		if t.scheme == scheme {
			return t.port
		}
	}
	return "53"
}
