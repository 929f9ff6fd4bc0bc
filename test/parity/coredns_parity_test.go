package parity

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/coredns"

	// CoreDNS's server type and the plugins the CoreDNS rules judge, each
	// registering its setup function exactly as the coredns binary does
	// (core/plugin/zplugin.go imports them all; only these are linked here).
	_ "github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/plugin/autopath"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/k8s_external"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/template"
	_ "github.com/coredns/coredns/plugin/whoami"
)

// coreDNSSetup loads a Corefile the way CoreDNS v1.15.0 does at start-up,
// up to (not including) opening listeners: the Caddyfile parser with the
// build's directive list, dnsserver's InspectServerBlocks (zone and port
// of every key) and every directive's setup function
// (caddy.ValidateAndExecuteDirectives with justValidate, what `caddy -validate`
// runs). OnStartup hooks (listeners, API watches, loop probes) are never
// run, so the test sends no traffic.
func coreDNSSetup(corefile string) error {
	return caddy.ValidateAndExecuteDirectives(caddy.CaddyfileInput{
		Contents: []byte(corefile), Filepath: "Corefile", ServerTypeName: "dns",
	}, nil, true)
}

// Rules whose deny means CoreDNS refuses the Corefile in the code
// coreDNSSetup runs.
var setupRules = map[string]bool{
	coredns.RuleSyntax: true, coredns.RuleUnknownDirective: true, coredns.RuleNotInBuild: true,
	coredns.RuleBadKey: true, coredns.RulePluginSetup: true,
}

// Rules whose deny means CoreDNS starts and silently misreads: its setup
// must accept the Corefile, or the rule is a crash rule in disguise.
var silentRules = map[string]bool{
	coredns.RuleNoCorefile: true, coredns.RuleKeyMisread: true, coredns.RuleCacheTTLUnit: true, coredns.RuleArgAsZone: true,
	coredns.RuleHostsIPAsFile: true, coredns.RuleHostsDropped: true, coredns.RuleUpstreamPort: true, coredns.RuleTemplateAnswer: true,
}

// Rules CoreDNS enforces after setup (MakeServers' zone overlap check, the
// listener's port check), outside what coreDNSSetup runs: the setup must
// accept the Corefile, and the later failure is covered by netguard's own
// tests (rules/coredns) citing the code.
var afterSetupRules = map[string]bool{coredns.RuleDuplicateZone: true}

// corednsLines are directive lines (and blocks) around the plugins the
// rules cover: the valid forms of the stock Corefiles, the edits of the
// issue and each setup function's refusals.
var corednsLines = []string{
	"cache", "cache 30", "cache 0", "cache -1", "cache 30s", "cache 1m", "cache 30 example.org", "cache 30 loop", "cache 30 // comment",
	"cache {\n  success 9984 30\n  denial 9984 5\n}", "cache {\n  success x\n}", "cache {\n  prefetch 10 1m 10%\n}",
	"cache {\n  bogus\n}", "cache {\n  keepttl\n}", "cache {\n  keepttl 5\n}", "cache {\n  servfail 5s\n}", "cache {\n  servfail five\n}",
	"cache {\n  disable success\n}", "cache {\n  prefetch\n}", "cache 30\ncache 60",
	"errors", "errors stdout", "errors stderr", "errors a b", "errors {\n  consolidate 5m \".* timeout$\" warning\n}",
	"errors {\n  consolidate 5m\n}", "errors {\n  consolidate 5x \".*\"\n}", "errors {\n  stacktrace\n}", "errors {\n  bogus\n}", "errors\nerrors",
	"health", "health :8080", "health 8080", "health 127.0.0.1:8080", "health a b", "health {\n  lameduck 5s\n}",
	"health {\n  lameduck five\n}", "health {\n  lameduck\n}", "health {\n  bogus 1\n}",
	"ready", "ready :8181", "ready 8181", "ready a b", "ready {\n  monitor continuously\n}", "ready {\n  monitor sometimes\n}", "ready\nready",
	"prometheus", "prometheus :9153", "prometheus 9153", "prometheus 0.0.0.0:9153", "prometheus a b",
	"prometheus {\n  runtime_metrics\n}", "prometheus {\n  runtime_metrics x\n}", "prometheus {\n  bogus\n}",
	"loop", "loop 5", "loop\nloop",
	"reload", "reload 30s", "reload 2s", "reload 1s", "reload 30s 10s", "reload 30s 0s", "reload 30s 500ms", "reload thirty", "reload 1m 2s 3s",
	"loadbalance", "loadbalance round_robin", "loadbalance random", "loadbalance round_robin x", "loadbalance weighted",
	"loadbalance {\n  prefer 10.0.0.0/8\n}", "loadbalance {\n  prefer 10.0.0.0/33\n}", "loadbalance {\n  bogus\n}",
	"log", "log example.org", "log . {\n  class denial error\n}", "log {\n  class bogus\n}", "log {\n  class\n}", "log {\n  bogus\n}",
	"bind 127.0.0.1", "bind", "bind 127.0.0.1 {\n  except 127.0.0.2\n}", "bind 127.0.0.1 {\n  except\n}", "bind 127.0.0.1 {\n  bogus\n}",
	"forward . 127.0.0.1", "forward .", "forward", "forward . 127.0.0.1:53", "forward . 127.0.0.1:99999", "forward . 127.0.0.1:0",
	"forward . /etc/resolv.conf", "forward . tls://127.0.0.1", "forward . grpc://127.0.0.1", "forward . https://127.0.0.1/dns-query",
	"forward . " + strings.TrimSpace(strings.Repeat("127.0.0.1 ", 16)),
	"forward . 127.0.0.1 {\n  max_concurrent 1000\n}", "forward . 127.0.0.1 {\n  max_concurent 1000\n}",
	"forward . 127.0.0.1 {\n  max_concurrent -1\n}", "forward . 127.0.0.1 {\n  policy sequential\n}", "forward . 127.0.0.1 {\n  policy bogus\n}",
	"forward . 127.0.0.1 {\n  max_fails -1\n}", "forward . 127.0.0.1 {\n  health_check 5s\n}", "forward . 127.0.0.1 {\n  health_check five\n}",
	"forward . 127.0.0.1 {\n  expire 10s\n  max_age 5s\n}", "forward . 127.0.0.1 {\n  force_tcp\n}", "forward . 127.0.0.1 {\n  force_tcp x\n}",
	"forward . 127.0.0.1 {\n  prefer_udp\n}", "forward . 127.0.0.1 {\n  next NXDOMAIN SERVFAIL\n}", "forward . 127.0.0.1 {\n  next BOGUS\n}",
	"forward . 127.0.0.1 {\n  failover SERVFAIL\n}", "forward . 127.0.0.1 {\n  failover NOERROR\n}", "forward . 127.0.0.1 {\n  source_address 127.0.0.2\n}",
	"forward . 127.0.0.1 {\n  source_address nowhere\n}", "forward . 127.0.0.1 {\n  doh_method PUT\n}", "forward . 127.0.0.1 {\n  read_timeout 0s\n}",
	"kubernetes cluster.local in-addr.arpa ip6.arpa {\n  endpoint http://127.0.0.1:1\n  pods insecure\n  fallthrough in-addr.arpa ip6.arpa\n  ttl 30\n}",
	"kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  pods insecur\n}", "kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  ttl 3601\n}",
	"kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  bogus\n}", "kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  namespaces\n}",
	"kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  noendpoints x\n}", "kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  startup_timeout 5s\n}",
	"kubernetes cluster.local {\n  endpoint http://127.0.0.1:1\n  pods verified\n}",
	"hosts", "hosts /nonexistent/hosts", "hosts 10.0.0.10 name.example", "hosts {\n  10.0.0.1 a.example\n  fallthrough\n}",
	"hosts {\n  fallthrough\n  10.0.0.1 a.example\n}", "hosts {\n  ttl 0\n}", "hosts {\n  ttl 60\n}", "hosts {\n  reload x\n}", "hosts {\n  reload 15s\n}",
	"hosts {\n  10.0.0.300 a.example\n}", "hosts {\n  fallthrough_unsupported\n}", "hosts\nhosts",
	"template IN A {\n  answer \"{{ .Name }} 60 IN A 127.0.0.1\"\n}", "template IN A {\n  answer \"{{ .Name \"\n}", "template BOGUS A", "template IN",
	"template IN BOGUS", "template IN A {\n  rcode BOGUS\n}", "template IN A {\n  match \"(\"\n}", "template IN A {\n  answer \"{{ .Name }} 60 IN A 10.0.0.300\"\n}",
	"template IN A {\n  bogus\n}", "template IN A {\n  answer\n}",
	"k8s_external example.org {\n  ttl 30\n}", "k8s_external example.org {\n  ttl x\n}", "k8s_external example.org {\n  bogus\n}",
	"autopath", "autopath @kubernetes",
	"whoami", "whoami x",
	"chache 30", "// a comment", "promethues :9153", "kubeapi",
	"hosts {\n  10.0.0.1\n}", "log a.example b.example {combined}", "forward . 127.0.0.1 {\n  tls_servername\n}",
	"forward . 127.0.0.1 127.0.0.1:53", "kubernetes {\n  endpoint http://127.0.0.1:1\n}", "cache 30 {\n  prefetch 10 1m 10%\n}",
	"cache {\n  success 9984 30 5\n}", "forward . 127.0.0.1 {\n  except example.org\n}", "template ANY ANY {\n  rcode NXDOMAIN\n}",
	"reload 2s 1s", "ready {\n  monitor\n}", "health :8080 {\n  lameduck 5s\n}\nhealth :8081", "errors {\n  consolidate 5m \".*\" show_first\n}",
	"forward . 127.0.0.1 {\n  max_age 1s\n}", "forward . [::1]:53", "forward . 127.0.0.1%eth0", "loadbalance weighted /nonexistent/weights",
}

// corednsKeys are server block addresses around the zone/port rules.
var corednsKeys = []string{".:53", ".", "example.org:1053", "10.0.0.0/24", "tls://.:853", "corp.example:dns", "example.org:", "[::1]:53"}

type corednsCase struct{ name, corefile string }

// corednsCorpus generates the parity Corefiles: every line alone in a
// root block, every line in a second block beside the stock one, every key
// with a minimal body, a few multi-block files and the empty ones.
func corednsCorpus() []corednsCase {
	var out []corednsCase
	for i, l := range corednsLines {
		body := "    " + strings.ReplaceAll(l, "\n", "\n    ")
		out = append(out, corednsCase{fmt.Sprintf("line %d alone", i), ".:53 {\n" + body + "\n}\n"})
		out = append(out, corednsCase{fmt.Sprintf("line %d in a stub zone", i), ".:53 {\n    whoami\n}\nexample.org:53 {\n" + body + "\n    errors\n}\n"})
	}
	for i, k := range corednsKeys {
		out = append(out, corednsCase{fmt.Sprintf("key %d", i), k + " {\n    whoami\n}\n"})
	}
	out = append(out,
		corednsCase{"duplicate root", ".:53 {\n    whoami\n}\n.:53 {\n    whoami\n}\n"},
		corednsCase{"trailing // after the brace", ".:53 {\n    whoami\n} // end\n"},
		corednsCase{"stray brace", ".:53 {\n    whoami\n}\n}\n"},
		corednsCase{"directive after the block", ".:53 {\n    whoami\n}\nlog\n"},
		corednsCase{"unclosed block", ".:53 {\n    forward . 127.0.0.1 {\n        policy sequential\n"},
		corednsCase{"trailing comma", "example.org, {\n    whoami\n}\n"},
		corednsCase{"empty", ""},
		corednsCase{"comments only", "# nothing\n"},
		corednsCase{"snippet", "(common) {\n    errors\n}\n.:53 {\n    import common\n    whoami\n}\n"},
	)
	return out
}

// hostnameUpstream matches forward targets that are neither an IP, a path
// nor an IP with a transport: CoreDNS would resolve them at setup time
// (plugin/forward/resolve.go), which this test must never do.
var hostnameUpstream = regexp.MustCompile(`(?m)^\s*forward\s+\S+(\s+[^\s{]+)*?\s+(//|[a-z][a-z0-9-]*\.[a-z]{2,})(\s|$)`)

// TestCoreDNSParity: netguard denies a Corefile with a start-up rule if and
// only if CoreDNS's own parser and setup functions refuse it, and every
// Corefile netguard denies as a silent misread is one CoreDNS accepts.
func TestCoreDNSParity(t *testing.T) {
	r := newReport(t, "coredns")
	for _, c := range corednsCorpus() {
		if hostnameUpstream.MatchString(c.corefile) {
			t.Fatalf("%s: the corpus must not make CoreDNS resolve names: %q", c.name, c.corefile)
		}
		cdErr := coreDNSSetup(c.corefile)
		ng := judge(nil, coredns.New(), "kube-system", "coredns", map[string]string{coredns.CorefileKey: c.corefile})
		setupDeny, silentDeny, afterDeny, warnBuild := false, false, false, false
		for _, f := range ng.Findings {
			switch {
			case f.Severity == rules.Deny && setupRules[f.Rule]:
				setupDeny = true
			case f.Severity == rules.Deny && silentRules[f.Rule]:
				silentDeny = true
			case f.Severity == rules.Deny && afterSetupRules[f.Rule]:
				afterDeny = true
			case f.Rule == coredns.RuleOtherBuild:
				warnBuild = true
			}
		}
		ref := "accepted"
		if cdErr != nil {
			ref = "refused: " + cdErr.Error()
		}
		d := disagreement{Case: c.name, Input: c.corefile, Reference: ref, Netguard: ng.String()}
		switch {
		case warnBuild && !setupDeny:
			// A vendor directive: the stock build linked here refuses it,
			// netguard warns while the build is unknown.
			if cdErr == nil {
				d.Want = "a directive netguard knows only from other builds must be unknown to stock CoreDNS"
				r.fail(d)
			}
			r.count("vendor directive: warned, stock CoreDNS refuses")
		case cdErr != nil && !setupDeny:
			d.Want = "CoreDNS refuses this Corefile at start-up: netguard must deny it with a start-up rule"
			r.fail(d)
		case cdErr == nil && setupDeny:
			d.Want = "CoreDNS accepts this Corefile: netguard must not deny it as a start-up failure"
			r.fail(d)
		case cdErr != nil:
			r.count("refused by CoreDNS, denied by netguard")
		case silentDeny:
			r.count("accepted by CoreDNS, denied by netguard as a silent misread")
		case afterDeny:
			r.count("accepted by setup, denied for the later zone-overlap check")
		default:
			r.count("accepted by CoreDNS, allowed by netguard")
		}
	}
	r.finish()
}

// TestCoreDNSClassifier: the reference both refuses and accepts, so the
// parity test can fail.
func TestCoreDNSClassifier(t *testing.T) {
	if err := coreDNSSetup(".:53 {\n    forward . 127.0.0.1\n    cache 30\n}\n"); err != nil {
		t.Errorf("a valid Corefile is refused: %v", err)
	}
	for _, bad := range []string{".:53 {\n    chache 30\n}\n", ".:53 {\n    cache 0\n}\n", ".:53 {\n    prometheus 9153\n}\n"} {
		if err := coreDNSSetup(bad); err == nil {
			t.Errorf("an invalid Corefile is accepted: %q", bad)
		}
	}
}
