package coredns

import "github.com/netguard/netguard/rules"

// Component is the name of CoreDNS's rules.
const Component rules.Component = "coredns"

// Rule IDs of the CoreDNS checker. They are stable forever.
const (
	RuleNoCorefile        = "CD001"
	RuleSyntax            = "CD002"
	RuleUnknownDirective  = "CD003"
	RuleNotInBuild        = "CD004"
	RuleOtherBuild        = "CD005"
	RuleImport            = "CD006"
	RulePillar            = "CD007"
	RuleBadKey            = "CD010"
	RuleKeyMisread        = "CD011"
	RuleDuplicateZone     = "CD012"
	RulePluginSetup       = "CD020"
	RuleCacheTTLUnit      = "CD021"
	RuleArgAsZone         = "CD022"
	RuleHostsIPAsFile     = "CD023"
	RuleHostsDropped      = "CD024"
	RuleUpstreamPort      = "CD025"
	RuleTemplateAnswer    = "CD026"
	RuleRestart           = "CD090"
	coreDNSRef            = "CoreDNS v1.15.0"
	stockCorefileForGood  = ".:53 {\n    errors\n    health {\n        lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n        ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}"
	parserRef             = "github.com/coredns/caddy v1.1.4 caddyfile/parse.go"
	nodeCacheRef          = "kubernetes/dns 1.26.7 cmd/node-cache/app/configmap.go updateCorefile"
	inspectServerBlockRef = coreDNSRef + " core/dnsserver/register.go InspectServerBlocks → plugin/normalize.go SplitHostPort"
)

func init() {
	r := func(id string, sev rules.Severity, title, rationale, good, bad string) rules.Rule {
		return rules.Rule{ID: id, Title: title, Severity: sev, Component: Component, Rationale: rationale, Good: good, Bad: bad}
	}
	rules.Register(
		r(RuleNoCorefile, rules.Deny, "Corefile missing or without any server block",
			"The coredns Deployment (and node-local-dns DaemonSet) mount the key Corefile as the file CoreDNS loads; without the key the volume cannot be mounted and the pods never start. A Corefile with no server block (empty, or only comments) is replaced by CoreDNS's default input `.:53 { whoami log }` ("+parserRef+" via caddy.go loadServerBlocks, "+coreDNSRef+" core/dnsserver/register.go init DefaultInput): CoreDNS starts and answers every query with whoami, so cluster DNS is silently gone.",
			"Corefile: |\n"+stockCorefileForGood, "Corefile: \"\"  # or only comments"),
		r(RuleSyntax, rules.Deny, "Corefile that the Caddyfile parser refuses",
			"CoreDNS parses the Corefile with its Caddyfile parser ("+parserRef+": unmatched braces, a `}` after a directive with no opening brace, an address list ending in a comma, snippet redeclaration); a parse error stops start-up (the pod crash-loops) and, with the reload plugin, a running CoreDNS keeps the old configuration and only logs the error until its next restart.",
			".:53 {\n    forward . /etc/resolv.conf\n}", ".:53 {\n    forward . /etc/resolv.conf {\n}"),
		r(RuleUnknownDirective, rules.Deny, "directive unknown to every known CoreDNS build",
			"The parser accepts only directives compiled into the binary (caddy.ValidDirectives from core/dnsserver/zdirectives.go, generated from plugin.cfg); any other name fails start-up with `Unknown directive`. netguard knows the stock plugin list of every CoreDNS minor 1.6–1.15 (generated from plugin.cfg at each release) and vendor builds (ACK's CoreDNS adds kubeapi and k8s_event).",
			"cache 30", "chache 30"),
		r(RuleNotInBuild, rules.Deny, "directive not compiled into the configured CoreDNS build",
			"The directive exists in another CoreDNS build (another release, or a vendor build) but not in the one the cluster runs (the configured CoreDNS version/build fact): CoreDNS fails start-up with `Unknown directive`.",
			"(stock v1.11) forward . /etc/resolv.conf", "(stock v1.11) kubeapi"),
		r(RuleOtherBuild, rules.Warn, "directive known only to some CoreDNS builds",
			"The directive is compiled into some known CoreDNS builds but not all (added or removed in a release, or a vendor plugin such as ACK's kubeapi/k8s_event). Without the cluster's CoreDNS version/build configured netguard cannot tell whether this CoreDNS knows it; if it does not, start-up fails with `Unknown directive`.",
			"(CoreDNS build configured as ack) kubeapi", "(build not configured) kubeapi"),
		r(RuleImport, rules.Warn, "import of a file netguard cannot read",
			"`import FILE` splices another file from the CoreDNS pod's filesystem into the Corefile ("+parserRef+" doImport); a missing file (without a glob) stops start-up. The webhook never reads files named by the object, so the imported directives are not judged.",
			"import snippet-name", "import /etc/coredns/custom/*.server"),
		r(RulePillar, rules.Warn, "NodeLocal DNSCache placeholder that node-cache does not fill",
			"node-cache substitutes __PILLAR__UPSTREAM__SERVERS__, __PILLAR__CLUSTER__DNS__, __PILLAR__LOCAL__DNS__ and __PILLAR__DNS__SERVER__ in the node-local-dns Corefile at run time ("+nodeCacheRef+"); netguard substitutes them the same way before judging. __PILLAR__DNS__DOMAIN__ is filled only by the install step (nodelocaldns.yaml's instructions); left in place it becomes a zone named `__pillar__dns__domain__.` and cluster-domain queries miss the cache's cluster block.",
			"cluster.local:53 {", "__PILLAR__DNS__DOMAIN__:53 {"),
		r(RuleBadKey, rules.Deny, "server block address CoreDNS refuses",
			"Each server block key is split into zone and port and checked ("+inspectServerBlockRef+"): data after the last colon is required, the zone must be a valid domain name of at most 255 characters, a reverse CIDR must be well formed, and the port must be a valid port (checked when the listener opens). Any failure stops start-up.",
			"example.org:1053 {", "example.org: {"),
		r(RuleKeyMisread, rules.Deny, "server block address misread as a zone name",
			"SplitHostPort ("+inspectServerBlockRef+") takes the text after the last colon as the port only when it is a number: `corp.example:dns` becomes the zone `corp.example:dns.` on port 53 and queries for corp.example never reach the block. A trailing `// comment` after a closing brace, or a stray `}` at top level, are read as the addresses of a new server block (zones `//.`, `}.`); a directive written outside any block becomes a zone too. CoreDNS starts and serves something other than what was written.",
			"corp.example:53 {", "corp.example:dns {"),
		r(RuleDuplicateZone, rules.Deny, "zone served twice on the same address and port",
			"CoreDNS refuses two server blocks for the same transport, zone and port on the same listen address, and an unbound block (no bind) overlapping a bound one (`cannot serve dns://.:53 - it is already defined`, "+coreDNSRef+" core/dnsserver/register.go validateZonesAndListeningAddresses, address.go zoneOverlap.registerAndCheck): start-up fails.",
			".:53 { … }\nexample.org:53 { … }", ".:53 { … }\n.:53 { … }"),
		r(RulePluginSetup, rules.Deny, "plugin argument or block option the plugin's setup refuses",
			"Every plugin's setup function parses its own arguments and block ("+coreDNSRef+" plugin/<name>/setup.go: forward parseStanza/parseBlock, cache cacheParse, errors errorsParse, health/ready/prometheus parse, kubernetes ParseStanza, hosts hostsParse, log logParse, bind parse, loadbalance parse, reload setup, template templateParse, file fileParse, loop parse); a wrong argument count, an unknown block option, a value that does not parse, or a second copy of a plugin that allows one per block (plugin.ErrOnce) fails start-up.",
			"forward . 8.8.8.8 {\n    max_concurrent 1000\n}", "forward . 8.8.8.8 {\n    max_concurent 1000\n}"),
		r(RuleCacheTTLUnit, rules.Deny, "cache TTL with a unit is read as a zone",
			"cacheParse ("+coreDNSRef+" plugin/cache/setup.go) takes the first argument as the TTL only if strconv.Atoi accepts it; `30s` is not a number, so it becomes a zone: the cache then serves only names under `30s.` and every real query goes uncached, without any error.",
			"cache 30", "cache 30s"),
		r(RuleArgAsZone, rules.Deny, "directive name or comment read as a zone argument",
			"Plugins that accept zones after their fixed arguments (cache, hosts, kubernetes, file, template, k8s_external; plugin.OriginsFromArgsOrServerBlock) take every remaining token as a zone. `cache 30 loop` restricts the cache to the zone `loop.` and leaves loop detection off; `cache 30 // comment` adds the zones `//.` and `comment.`. CoreDNS starts and silently does less than written.",
			"cache 30\nloop", "cache 30 loop"),
		r(RuleHostsIPAsFile, rules.Deny, "hosts: an IP address in the file-path position",
			"hostsParse ("+coreDNSRef+" plugin/hosts/setup.go) takes the first argument as the hosts FILE path and the rest as zones; `hosts 10.0.0.10 name` looks for a file named 10.0.0.10 (logging only `File does not exist`) and restricts the plugin to the zone `name.`: the intended record is never served.",
			"hosts {\n    10.0.0.10 name.example\n    fallthrough\n}", "hosts 10.0.0.10 name.example"),
		r(RuleHostsDropped, rules.Deny, "hosts inline entry that CoreDNS drops",
			"Inline hosts entries are parsed like /etc/hosts lines (Hostsfile.parse in "+coreDNSRef+" plugin/hosts/hostsfile.go): a line with fewer than two fields, an address net.ParseIP rejects, or names outside the plugin's zones are skipped without any message.",
			"10.0.0.10 db.example", "10.0.0.300 db.example"),
		r(RuleUpstreamPort, rules.Deny, "forward upstream port out of range",
			"forward accepts `IP:PORT` upstreams after net.SplitHostPort and net.ParseIP (plugin/pkg/parse/host.go HostPortOrFile) without checking the port; a port outside 1–65535 makes every exchange fail to dial, so every forwarded query answers SERVFAIL while CoreDNS looks healthy.",
			"forward . 10.0.0.2:53", "forward . 10.0.0.2:5353535"),
		r(RuleTemplateAnswer, rules.Deny, "template answer that fails every query",
			"template compiles each answer with text/template at start-up but executes it and parses the result with dns.NewRR per query (executeRRTemplate in "+coreDNSRef+" plugin/template/template.go); an answer that does not depend on the query and is not a valid resource record, or that names a field templateData does not have, fails on every matching query (SERVFAIL).",
			"answer \"{{ .Name }} 60 IN A 10.0.0.1\"", "answer \"{{ .Name }} 60 IN A 10.0.0.300\""),
		r(RuleRestart, rules.Info, "how a stored Corefile change takes effect",
			"With the reload plugin CoreDNS re-reads the Corefile every interval (30s ± 15s by default) and restarts its servers in-process; a Corefile it cannot load is only logged (`Corefile changed but reload failed`, "+coreDNSRef+" plugin/reload/reload.go hook) and the old configuration keeps running until the next pod restart, which then crash-loops. Without reload the change applies only when the pods restart. node-cache watches its ConfigMap itself and reloads ("+nodeCacheRef+").",
			"(advice after a Corefile change)", "").WithRestartAdvice(),
	)
}
