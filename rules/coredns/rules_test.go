package coredns

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
	corev1 "k8s.io/api/core/v1"
)

// stock is the Corefile kubeadm installs (kubernetes/kubernetes
// cmd/kubeadm/app/phases/addons/dns/manifests.go, cluster.local).
const stock = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`

func corefileCM(name, text string) *corev1.ConfigMap {
	return rulestest.ConfigMap("kube-system", name, map[string]string{CorefileKey: text})
}

func cd(text string) *corev1.ConfigMap { return corefileCM("coredns", text) }

// block wraps directives in a root server block.
func block(lines ...string) string {
	return ".:53 {\n    " + strings.Join(lines, "\n    ") + "\n}\n"
}

// atLine asserts that the finding of rule is at the given Corefile line.
func atLine(rule string, line int) func(t *testing.T, res engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.Rule == rule {
				if f.Line != line || f.Key != CorefileKey {
					t.Errorf("%s at key %q line %d, want Corefile line %d", rule, f.Key, f.Line, line)
				}
				return
			}
		}
	}
}

func TestRules(t *testing.T) {
	ack := checker{build: "ack-v1.11.3"}
	cases := []rulestest.Case{
		{Name: "the stock kubeadm Corefile passes", Rule: RuleNoCorefile, Object: cd(stock)},
		{Name: "a ConfigMap without the Corefile key cannot be mounted", Rule: RuleNoCorefile, Fire: true, Object: rulestest.ConfigMap("kube-system", "coredns", map[string]string{"Corefile.bak": stock})},
		{Name: "an empty Corefile makes CoreDNS serve only whoami", Rule: RuleNoCorefile, Fire: true, Object: cd(""), Contains: []string{"whoami"}},
		{Name: "a Corefile of comments only is empty too", Rule: RuleNoCorefile, Fire: true, Object: cd("# nothing here\n\n# still nothing\n")},

		{Name: "balanced braces parse", Rule: RuleSyntax, Object: cd(block("forward . 10.0.0.1 {", "    policy sequential", "}"))},
		{Name: "a missing closing brace inside a block is a parse error at the last line", Rule: RuleSyntax, Fire: true, Object: cd(".:53 {\n    forward . 10.0.0.1 {\n        policy sequential\n"), Check: atLine(RuleSyntax, 3)},
		{Name: "a trailing comma in the address list is a parse error", Rule: RuleSyntax, Fire: true, Object: cd("example.org, {\n    whoami\n}\n"), Contains: []string{"extra comma"}},
		{Name: "a brace closing nothing inside a directive is a parse error", Rule: RuleSyntax, Fire: true, Object: cd(".:53 {\n    errors }\n}\n"), Contains: []string{"Unexpected '}'"}},

		{Name: "every stock directive is known", Rule: RuleUnknownDirective, Object: cd(block("whoami", "log", "errors", "any", "minimal"))},
		{Name: "a misspelt directive is unknown to every build", Rule: RuleUnknownDirective, Fire: true, Object: cd(block("errors", "chache 30")), Contains: []string{"did you mean cache?"}, Check: atLine(RuleUnknownDirective, 3)},
		{Name: "a // comment line is an unknown directive", Rule: RuleUnknownDirective, Fire: true, Object: cd(block("// upstream resolvers", "forward . 10.0.0.1")), Contains: []string{"only `#` is"}},

		{Name: "ACK's plugins are in the configured ACK build", Rule: RuleNotInBuild, Object: cd(block("kubeapi", "k8s_event {", "  level info error warning", "}", "forward . /etc/resolv.conf"))},
		{Name: "ACK's kubeapi is denied on a configured stock build", Rule: RuleNotInBuild, Fire: true, Object: cd(block("kubeapi")), Contains: []string{"stock CoreDNS v1.11.4"}},
		{Name: "a plugin newer than the configured release is denied", Rule: RuleNotInBuild, Fire: true, Object: cd(block("dynupdate")), Contains: []string{"v1.15.0"}},

		{Name: "a directive of every stock release needs no build", Rule: RuleOtherBuild, Object: cd(block("forward . /etc/resolv.conf"))},
		{Name: "kubeapi without a configured build is a warning", Rule: RuleOtherBuild, Fire: true, Object: cd(block("kubeapi")), Contains: []string{"ACK"}},
		{Name: "a plugin added in 1.15 without a configured build is a warning", Rule: RuleOtherBuild, Fire: true, Object: cd(block("dynupdate")), Contains: []string{"v1.15.0"}},

		{Name: "a snippet import is judged, not reported", Rule: RuleImport, Object: cd("(common) {\n    errors\n}\n.:53 {\n    import common\n    forward . 10.0.0.1\n}\n")},
		{Name: "a file import is reported and never read", Rule: RuleImport, Fire: true, Object: cd(stock + "import /etc/passwd\n"), Contains: []string{"/etc/passwd"}, Check: atLine(RuleImport, 21)},

		{Name: "node-cache's own placeholders are never reported", Rule: RulePillar, Object: corefileCM(NodeLocalName, "cluster.local:53 {\n    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n    forward . __PILLAR__CLUSTER__DNS__ {\n        force_tcp\n    }\n}\n.:53 {\n    bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n    forward . __PILLAR__UPSTREAM__SERVERS__\n}\n")},
		{Name: "the install-time domain placeholder left in place is a warning", Rule: RulePillar, Fire: true, Object: corefileCM(NodeLocalName, "__PILLAR__DNS__DOMAIN__:53 {\n    bind __PILLAR__LOCAL__DNS__\n    forward . __PILLAR__CLUSTER__DNS__\n}\n"), Check: atLine(RulePillar, 1)},

		{Name: "zone and numeric port are accepted", Rule: RuleBadKey, Object: cd("example.org:1053 {\n    whoami\n}\n10.0.0.0/24 {\n    whoami\n}\n")},
		{Name: "a key ending in a colon stops CoreDNS", Rule: RuleBadKey, Fire: true, Object: cd("example.org: {\n    whoami\n}\n"), Contains: []string{"expecting data after last colon"}},
		{Name: "a port above 65535 stops CoreDNS when it listens", Rule: RuleBadKey, Fire: true, Object: cd(".:70000 {\n    whoami\n}\n")},

		{Name: "tls:// with its default port is not misread", Rule: RuleKeyMisread, Object: cd("tls://example.org {\n    whoami\n}\n")},
		{Name: "corp.example:dns becomes a zone name", Rule: RuleKeyMisread, Fire: true, Object: cd(stock + "corp.example:dns {\n    forward . 10.0.0.2\n}\n"), Contains: []string{`"corp.example:dns."`}, Check: atLine(RuleKeyMisread, 21)},
		{Name: "a trailing // comment after the closing brace becomes a server block", Rule: RuleKeyMisread, Fire: true, Object: cd(strings.TrimSuffix(stock, "\n") + " // end of config\n")},
		{Name: "a stray closing brace becomes a zone", Rule: RuleKeyMisread, Fire: true, Object: cd(stock + "}\n")},
		{Name: "a directive after the closing brace becomes an empty server block", Rule: RuleKeyMisread, Fire: true, Object: cd(stock + "log\n")},

		{Name: "different zones on one port are fine", Rule: RuleDuplicateZone, Object: cd(stock + "example.org:53 {\n    forward . 10.0.0.2\n}\n")},
		{Name: "distinct bind addresses may share a zone and port", Rule: RuleDuplicateZone, Object: cd(".:53 {\n    bind 10.0.0.1\n    whoami\n}\n.:53 {\n    bind 10.0.0.2\n    whoami\n}\n")},
		{Name: "the same zone and port twice stops CoreDNS", Rule: RuleDuplicateZone, Fire: true, Object: cd(stock + ".:53 {\n    whoami\n}\n"), Contains: []string{"already defined"}, Check: atLine(RuleDuplicateZone, 21)},
		{Name: "an unbound block overlaps a bound one", Rule: RuleDuplicateZone, Fire: true, Object: cd(".:53 {\n    bind 10.0.0.1\n    whoami\n}\n.:53 {\n    whoami\n}\n"), Contains: []string{"overlap"}},
		{Name: "default port 53 equals an explicit :53", Rule: RuleDuplicateZone, Fire: true, Object: cd("example.org {\n    whoami\n}\nexample.org:53 {\n    whoami\n}\n")},

		{Name: "valid options of common plugins pass", Rule: RulePluginSetup, Object: cd(block("errors {", "  consolidate 5m \".* i/o timeout$\" warning", "}", "health :8080", "ready :8181", "log . {", "  class denial error", "}", "reload 30s 10s", "bind 0.0.0.0"))},
		{Name: "a misspelt forward option stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("forward . 10.0.0.1 {", "  max_concurent 1000", "}")), Contains: []string{"max_concurrent"}, Check: atLine(RulePluginSetup, 3)},
		{Name: "prometheus with a bare port stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("prometheus 9153")), Contains: []string{":9153"}},
		{Name: "kubernetes pods with a typo stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("kubernetes cluster.local {", "  pods insecur", "}"))},
		{Name: "a second cache in one block stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("cache 30", "cache 60")), Contains: []string{"ErrOnce"}},
		{Name: "a reload interval below 2s stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("reload 1s"))},
		{Name: "loop takes no argument", Rule: RulePluginSetup, Fire: true, Object: cd(block("loop 5"))},
		{Name: "forward with more than 15 upstreams stops CoreDNS", Rule: RulePluginSetup, Fire: true, Object: cd(block("forward . " + strings.Repeat("10.0.0.1 ", 16)))},
		{Name: "hosts inline entries after fallthrough are unknown properties", Rule: RulePluginSetup, Fire: true, Object: cd(block("hosts {", "  fallthrough", "  10.0.0.1 db.example", "}"))},

		{Name: "cache 30 is a TTL", Rule: RuleCacheTTLUnit, Object: cd(block("cache 30"))},
		{Name: "cache 30s makes 30s a zone", Rule: RuleCacheTTLUnit, Fire: true, Object: cd(block("cache 30s")), Contains: []string{`"30s."`}, Check: atLine(RuleCacheTTLUnit, 2)},

		{Name: "cache with a real zone argument", Rule: RuleArgAsZone, Object: cd(block("cache 30 example.org"))},
		{Name: "cache with the special-use zone local (also a directive name) is a real zone", Rule: RuleArgAsZone, Object: cd(block("cache 30 local"))},
		{Name: "cache 30 loop turns loop into a zone", Rule: RuleArgAsZone, Fire: true, Object: cd(block("cache 30 loop")), Contains: []string{`"loop."`}},
		{Name: "a trailing // comment on cache adds zones", Rule: RuleArgAsZone, Fire: true, Object: cd(block("cache 30 // keep answers")), Contains: []string{"`//`"}},
		{Name: "a trailing // comment on forward is read as an upstream", Rule: RuleArgAsZone, Fire: true, Object: cd(block("forward . 10.0.0.1 // corp resolver"))},

		{Name: "hosts with a file path", Rule: RuleHostsIPAsFile, Object: cd(block("hosts /etc/coredns/NodeHosts {", "  ttl 60", "  reload 15s", "  fallthrough", "}"))},
		{Name: "hosts 10.0.0.10 name reads the IP as a file", Rule: RuleHostsIPAsFile, Fire: true, Object: cd(block("hosts 10.0.0.10 name.example")), Check: atLine(RuleHostsIPAsFile, 2)},

		{Name: "valid inline entries are kept", Rule: RuleHostsDropped, Object: cd(block("hosts {", "  10.0.0.10 db.example", "  fd00::1 db6.example", "  fallthrough", "}"))},
		{Name: "an inline entry with an invalid IP is dropped", Rule: RuleHostsDropped, Fire: true, Object: cd(block("hosts {", "  10.0.0.300 db.example", "  fallthrough", "}")), Check: atLine(RuleHostsDropped, 3)},
		{Name: "an inline entry outside the block's zone is dropped", Rule: RuleHostsDropped, Fire: true, Object: cd("corp.example {\n    hosts {\n        10.0.0.1 db.other.test\n    }\n}\n")},

		{Name: "upstreams with valid ports", Rule: RuleUpstreamPort, Object: cd(block("forward . 10.0.0.1:53 [fd00::1]:5353 tls://10.0.0.2"))},
		{Name: "an upstream port out of range is accepted and fails every query", Rule: RuleUpstreamPort, Fire: true, Object: cd(block("forward . 10.0.0.1:99999")), Contains: []string{"SERVFAIL"}},

		{Name: "a template answer built from the query", Rule: RuleTemplateAnswer, Object: cd(block("template IN A example.org {", "  match \"^(?P<a>[0-9]+)[.]example[.]org[.]$\"", "  answer \"{{ .Name }} 60 IN A 10.0.0.{{ .Group.a }}\"", "}"))},
		{Name: "a template answer with an invalid address fails every query", Rule: RuleTemplateAnswer, Fire: true, Object: cd(block("template IN A example.org {", "  answer \"{{ .Name }} 60 IN A 10.0.0.300\"", "}")), Check: atLine(RuleTemplateAnswer, 3)},
		{Name: "a template naming a field CoreDNS lacks fails every query", Rule: RuleTemplateAnswer, Fire: true, Object: cd(block("template IN A example.org {", "  answer \"{{ .Query }} 60 IN A 10.0.0.1\"", "}"))},

		{Name: "no advice on CREATE", Rule: RuleRestart, Object: cd(stock)},
		{Name: "with reload the change applies within the interval", Rule: RuleRestart, Fire: true, Object: cd(stock), Old: cd(block("forward . /etc/resolv.conf", "reload")), Contains: []string{"reload failed"}},
		{Name: "without reload the pods must restart", Rule: RuleRestart, Fire: true, Object: cd(block("forward . /etc/resolv.conf")), Old: cd(stock), Contains: []string{"rollout restart"}},
	}
	var plain, withACK, withStock []rulestest.Case
	for _, c := range cases {
		switch {
		case c.Rule == RuleNotInBuild && strings.HasPrefix(c.Name, "ACK's plugins"):
			withACK = append(withACK, c)
		case c.Rule == RuleNotInBuild:
			withStock = append(withStock, c)
		default:
			plain = append(plain, c)
		}
	}
	rulestest.Run(t, multiChecker{plain: New(), ack: ack, stock: checker{build: "v1.11.3"}, ackCases: withACK, stockCases: withStock}, cases)
}

// multiChecker judges each case with the build its case needs: the
// configured-build cases with an ACK or a stock v1.11 build, the others
// with the build unknown (as the webhook runs without the fact).
type multiChecker struct {
	plain, ack, stock    rules.Checker
	ackCases, stockCases []rulestest.Case
}

func (m multiChecker) Component() rules.Component             { return Component }
func (m multiChecker) Mutate(r *rules.Request) rules.Mutation { return m.plain.Mutate(r) }
func (m multiChecker) Validate(r *rules.Request) []rules.Finding {
	for _, c := range m.ackCases {
		if c.Object == any(r.ConfigMap()) {
			return m.ack.Validate(r)
		}
	}
	for _, c := range m.stockCases {
		if c.Object == any(r.ConfigMap()) {
			return m.stock.Validate(r)
		}
	}
	return m.plain.Validate(r)
}

// TestBuildFactComesFromTheClusterContext: the CoreDNS build is the
// corednsBuild fact of the cluster context (cluster.corednsBuild,
// --coredns-build), as the webhook and lint pass it.
func TestBuildFactComesFromTheClusterContext(t *testing.T) {
	for _, tc := range []struct {
		build string
		want  string // the rule kubeapi gets, "" for none
	}{{"", RuleOtherBuild}, {"ack", ""}, {"v1.11.3-aliyun", ""}, {"v1.11.3", RuleNotInBuild}, {"v9", RuleOtherBuild}} {
		cl := &rules.ClusterContext{}
		if tc.build != "" {
			cl.SetFact(BuildFact, tc.build)
		}
		res := rulestest.Judge(New(), rulestest.Case{Object: cd(block("kubeapi")), Cluster: cl})
		got := ""
		for _, f := range res.Findings {
			if f.Rule == RuleNotInBuild || f.Rule == RuleOtherBuild {
				got = f.Rule
			}
		}
		if got != tc.want {
			t.Errorf("build %q: kubeapi got %q, want %q: %s", tc.build, got, tc.want, rulestest.Describe(res.Findings))
		}
	}
}
