package kubeproxy

import (
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/rulestest"
)

const head = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n"

func cm(text string) any {
	return rulestest.ConfigMap("kube-system", "kube-proxy-worker", map[string]string{ConfigKey: text})
}

func kcm(text string) any {
	return rulestest.ConfigMap("kube-system", "kube-proxy", map[string]string{ConfigKey: text})
}

func ver(v string) *rules.ClusterContext { return &rules.ClusterContext{KubernetesVersion: v} }

// siblingCtx is a 1.37 context holding kube-proxy-master with the given config.
func siblingCtx(masterText string) *rules.ClusterContext {
	c := ver("1.37")
	c.AddConfigMap(rulestest.ConfigMap("kube-system", "kube-proxy-master", map[string]string{ConfigKey: masterText}))
	return c
}

// noDeny asserts that nothing is denied.
func noDeny(t *testing.T, res engine.Result) {
	t.Helper()
	if res.Denied() {
		t.Errorf("denied: %s", rulestest.Describe(res.Findings))
	}
}

func atLine(rule string, line int) func(*testing.T, engine.Result) {
	return func(t *testing.T, res engine.Result) {
		t.Helper()
		for _, f := range res.Findings {
			if f.Rule == rule && f.Line == line {
				return
			}
		}
		t.Errorf("no %s finding at line %d: %s", rule, line, rulestest.Describe(res.Findings))
	}
}

func TestRules(t *testing.T) {
	v137 := ver("1.37")
	rulestest.Run(t, New(), []rulestest.Case{
		// KP001
		{Name: "missing config.conf key crashes kube-proxy", Rule: RuleMissingKey, Fire: true,
			Object:   rulestest.ConfigMap("kube-system", "kube-proxy", map[string]string{"config.yaml": head}),
			Contains: []string{"open /var/lib/kube-proxy/config.conf: no such file or directory"}},
		{Name: "config.conf present", Rule: RuleMissingKey, Fire: false, Object: kcm(head + "mode: iptables\n"), Cluster: v137},

		// KP002 / KP005: FAQ snippets as printed.
		{Name: "FAQ maxPerCore snippet: // comment with colon is a YAML error at line 9", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(faqMaxPerCore), Cluster: v137, Contains: []string{"//", "line 9", "mapping values are not allowed"}, Check: atLine(RuleYAMLSyntax, 9)},
		{Name: "FAQ ipvs udpTimeout snippet: whole-line // breaks YAML", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(faqUDPTimeout), Cluster: v137, Contains: []string{"//", "line 5", "could not find expected ':'"}},
		{Name: "# comments are fine", Rule: RuleYAMLSyntax, Fire: false,
			Object: cm(head + "conntrack:\n  maxPerCore: 65536 # Default value: 65536.\nmode: ipvs\n"), Cluster: v137},
		{Name: "tab indentation is a YAML error", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(head + "conntrack:\n\tmaxPerCore: 65536\n"), Cluster: v137, Contains: []string{"tab"}},
		{Name: "key:value without a space", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(head + "mode:ipvs\nipvs:\n  scheduler: rr\n"), Cluster: v137, Contains: []string{"space after the colon"}},
		{Name: "unquoted :: is a YAML error", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(head + "bindAddress: ::\n"), Cluster: v137, Contains: []string{"quote IPv6"}},
		{Name: "FAQ scheduler snippet: // ends up in ipvs.scheduler", Rule: RuleSlashComment, Fire: true,
			Object: cm(strings.Replace(faqScheduler, "  IPv6DualStack: true\n", "  NFTablesProxyMode: true\n", 1)), Cluster: v137,
			Contains: []string{"//", "line 12", "lc // Set scheduler"}, Check: atLine(RuleSlashComment, 12)},
		// KP005 vs KP006: a `//` comment in ipvs.scheduler only matters when
		// kube-proxy reads the ipvs section (issue 10 §2).
		{Name: "// in ipvs.scheduler while mode is ipvs is denied", Rule: RuleSlashComment, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: lc // Set scheduler\n"), Cluster: v137, Contains: []string{"can't use the IPVS proxier"}},
		{Name: "// in ipvs.scheduler while mode is iptables changes nothing: no deny", Rule: RuleSlashComment, Fire: false,
			Object: cm(head + "mode: iptables\nipvs:\n  scheduler: lc // Set scheduler\n"), Cluster: v137},
		{Name: "// in ipvs.scheduler while mode is iptables is a warning", Rule: RuleSlashIgnored, Fire: true,
			Object: cm(head + "mode: iptables\nipvs:\n  scheduler: lc // Set scheduler\n"), Cluster: v137, Contains: []string{"iptables mode", "changes nothing"}},
		{Name: "// in ipvs.scheduler with a blank mode (iptables through 1.37) is a warning", Rule: RuleSlashIgnored, Fire: true,
			Object: cm(head + "mode: \"\"\nipvs:\n  scheduler: lc // Set scheduler\n"), Cluster: ver("1.26")},
		{Name: "// in ipvs.scheduler in ipvs mode is not the ignored-section warning", Rule: RuleSlashIgnored, Fire: false,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: lc // Set scheduler\n"), Cluster: v137},
		{Name: "// in nftables mode inside the ipvs section is a warning", Rule: RuleSlashIgnored, Fire: true,
			Object: cm(head + "mode: nftables\nipvs:\n  scheduler: rr // unused\n"), Cluster: v137},
		{Name: "// in a value every mode reads stays denied", Rule: RuleSlashComment, Fire: true,
			Object: cm(head + "mode: iptables\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf // path\n"), Cluster: v137},
		{Name: "URL with // is not a comment", Rule: RuleSlashComment, Fire: false,
			Object: cm(head + "clientConnection:\n  kubeconfig: http://example/kubeconfig\n"), Cluster: v137},

		// KP003
		{Name: "FAQ udpTimeout line alone: bad duration", Rule: RuleTypeError, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  udpTimeout: 10s // The default timeout period is 300 seconds\n"), Cluster: v137,
			Contains: []string{"time: unknown unit", "//"}, Check: atLine(RuleTypeError, 5)},
		{Name: "quoted number for int32 is a type error located by line", Rule: RuleTypeError, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: \"65536\"\n"), Cluster: v137,
			Contains: []string{"cannot unmarshal string", "conntrack.maxPerCore"}, Check: atLine(RuleTypeError, 4)},
		{Name: "// without colon in a number field is a type error", Rule: RuleTypeError, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: 65536 // Set maxPerCore to a proper value\n"), Cluster: v137,
			Contains: []string{"//"}},
		{Name: "bad duration unit d", Rule: RuleTypeError, Fire: true,
			Object: cm(head + "conntrack:\n  tcpEstablishedTimeout: 1d\n"), Cluster: v137, Contains: []string{"durations"}},
		{Name: "yes is a YAML 1.1 boolean", Rule: RuleTypeError, Fire: false,
			Object: cm(head + "mode: ipvs\nipvs:\n  strictARP: yes\n"), Cluster: v137},

		// KP004
		{Name: "apiVersion v1alpha2 does not exist", Rule: RuleTypeMeta, Fire: true,
			Object: cm("apiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration\n"), Cluster: v137, Contains: []string{"v1alpha2"}},
		{Name: "missing kind", Rule: RuleTypeMeta, Fire: true, Object: cm("apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"), Cluster: v137, Contains: []string{"'Kind' is missing"}},
		{Name: "JSON text is accepted", Rule: RuleTypeMeta, Fire: false,
			Object: cm(`{"apiVersion":"kubeproxy.config.k8s.io/v1alpha1","kind":"KubeProxyConfiguration","mode":"iptables"}`), Cluster: v137},

		// KP010
		{Name: "ipvs.schedular typo", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  schedular: lc\n"), Cluster: v137, Contains: []string{"ipvs.schedular", `"scheduler"`}},
		{Name: "Mode with capital M silently runs iptables", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "Mode: ipvs\n"), Cluster: v137, Contains: []string{"iptables", `"mode"`}},
		{Name: "strictArp wrong case", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  strictArp: true\n"), Cluster: v137, Contains: []string{`"strictARP"`}},
		{Name: "linux block is unknown", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "linux:\n  conntrack:\n    maxPerCore: 65536\n"), Cluster: v137, Contains: []string{"linux", "conntrack"}},
		{Name: "scheduler not indented under ipvs", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\nscheduler: lc\n"), Cluster: v137, Contains: []string{"ipvs.scheduler", "not indented"}},
		{Name: "NBSP indentation", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n\u00a0\u00a0scheduler: lc\n"), Cluster: v137, Contains: []string{"non-breaking"}},
		{Name: "nftables section unknown before 1.29", Rule: RuleUnknownField, Fire: true,
			Object: cm(head + "nftables:\n  masqueradeAll: true\n"), Cluster: ver("1.28"), Contains: []string{"from 1.29"}},
		{Name: "localhostNodePorts known in 1.26", Rule: RuleUnknownField, Fire: false,
			Object: cm(head + "iptables:\n  localhostNodePorts: false\n"), Cluster: ver("1.26")},

		// KP011
		{Name: "udpIdleTimeout was removed", Rule: RuleRemovedField, Fire: true,
			Object: cm(head + "udpIdleTimeout: 250ms\n"), Cluster: v137, Contains: []string{"udpIdleTimeout", "removed"}},
		{Name: "conntrack.max predates the module", Rule: RuleRemovedField, Fire: true,
			Object: cm(head + "conntrack:\n  max: 100000\n"), Cluster: v137, Contains: []string{"maxPerCore"}},
		{Name: "portRange unused since 1.31", Rule: RuleRemovedField, Fire: true,
			Object: cm(head + "portRange: 30000-32767\n"), Cluster: v137, Contains: []string{"portRange"}},
		{Name: "empty portRange is fine", Rule: RuleRemovedField, Fire: false, Object: cm(head + "portRange: \"\"\n"), Cluster: v137},

		// KP012
		{Name: "duplicate mode: last wins, named in the warning", Rule: RuleDuplicateKey, Fire: true,
			Object: cm(head + "mode: ipvs\nmode: iptables\n"), Cluster: v137, Contains: []string{`"mode"`, `("iptables")`}, Check: atLine(RuleDuplicateKey, 4)},
		{Name: "no duplicates", Rule: RuleDuplicateKey, Fire: false, Object: cm(head + "mode: ipvs\n"), Cluster: v137},
		// One duplicate-key policy (issue 10 §2): the decoder keeps the last
		// copy and kube-proxy starts, so duplicates warn (KP012 when the
		// copies differ, naming the winner; KP015 when identical).
		{Name: "duplicate mode with the same value is not the differing-copies warning", Rule: RuleDuplicateKey, Fire: false,
			Object: cm(head + "mode: ipvs\nmode: ipvs\n"), Cluster: v137},
		{Name: "duplicate mode with the same value is a warning", Rule: RuleDuplicateSame, Fire: true,
			Object: cm(head + "mode: ipvs\nmode: ipvs\n"), Cluster: v137, Check: atLine(RuleDuplicateSame, 4)},
		{Name: "duplicate values compared as YAML 1.1: yes equals true", Rule: RuleDuplicateSame, Fire: true,
			Object: cm(head + "ipvs:\n  strictARP: yes\n  strictARP: true\n"), Cluster: v137},
		{Name: "repeated section with different content warns", Rule: RuleDuplicateKey, Fire: true,
			Object: cm(head + "ipvs:\n  scheduler: rr\nmode: ipvs\nipvs:\n  strictARP: true\n"), Cluster: v137, Contains: []string{"different value"}},
		{Name: "three copies, the middle one differs: differing-copies warning", Rule: RuleDuplicateKey, Fire: true,
			Object: cm(head + "mode: ipvs\nmode: iptables\nmode: ipvs\n"), Cluster: v137},
		{Name: "no duplicates, no same-value warning", Rule: RuleDuplicateSame, Fire: false, Object: cm(head + "mode: ipvs\n"), Cluster: v137},
		{Name: "differing duplicates are not the same-value warning", Rule: RuleDuplicateSame, Fire: false,
			Object: cm(head + "mode: ipvs\nmode: iptables\n"), Cluster: v137},
		{Name: "repeated identical section is not the differing-copies warning", Rule: RuleDuplicateKey, Fire: false,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: rr\nipvs:\n  scheduler: rr\n"), Cluster: v137},

		// KP013
		{Name: "second document is ignored", Rule: RuleExtraDoc, Fire: true,
			Object: cm(head + "mode: iptables\n---\n" + head + "mode: ipvs\n"), Cluster: v137, Check: atLine(RuleExtraDoc, 4)},
		{Name: "leading --- is fine", Rule: RuleExtraDoc, Fire: false, Object: cm("---\n" + head + "mode: ipvs\n"), Cluster: v137},

		// KP014
		{Name: "leading zero is octal", Rule: RuleOctal, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: 010\n"), Cluster: v137, Contains: []string{"= 8"}},
		{Name: "zero is not octal", Rule: RuleOctal, Fire: false, Object: cm(head + "conntrack:\n  maxPerCore: 0\n"), Cluster: v137},

		// KP020
		{Name: "IPv6DualStack from the FAQ is unknown on 1.37", Rule: RuleFeatureGate, Fire: true,
			Object: cm(head + "featureGates:\n  IPv6DualStack: true\n"), Cluster: v137,
			Contains: []string{"unrecognized feature gate: IPv6DualStack"}, Check: atLine(RuleFeatureGate, 4)},
		{Name: "locked NFTablesProxyMode false on 1.33", Rule: RuleFeatureGate, Fire: true,
			Object: cm(head + "featureGates:\n  NFTablesProxyMode: false\n"), Cluster: ver("1.33"),
			Contains: []string{"cannot set feature gate NFTablesProxyMode to false, feature is locked to true"}},
		{Name: "TopologyAwareHints unknown from 1.36", Rule: RuleFeatureGate, Fire: true,
			Object: cm(head + "featureGates:\n  TopologyAwareHints: true\n"), Cluster: ver("1.36")},
		{Name: "KubeProxyIPVS unknown on 1.36", Rule: RuleFeatureGate, Fire: true,
			Object: cm(head + "featureGates:\n  KubeProxyIPVS: true\n"), Cluster: ver("1.36")},
		{Name: "AllAlpha on 1.37 violates dependencies", Rule: RuleFeatureGate, Fire: true,
			Object: cm(head + "featureGates:\n  AllAlpha: true\n"), Cluster: v137, Contains: []string{"depends on features that are disabled"}},
		{Name: "TopologyAwareHints accepted on 1.35", Rule: RuleFeatureGate, Fire: false,
			Object: cm(head + "featureGates:\n  TopologyAwareHints: true\n"), Cluster: ver("1.35")},

		// KP021
		{Name: "logging.format JSON is unsupported (case)", Rule: RuleLogging, Fire: true,
			Object: cm(head + "logging:\n  format: JSON\n"), Cluster: v137, Contains: []string{"initialize logging: logging.format: Invalid value: \"JSON\": Unsupported log format"}},
		{Name: "vmodule with json format", Rule: RuleLogging, Fire: true,
			Object: cm(head + "logging:\n  format: json\n  vmodule:\n  - filePattern: proxier.go\n    verbosity: 4\n"), Cluster: v137, Contains: []string{"Only supported for text"}},
		{Name: "logging json ok", Rule: RuleLogging, Fire: false, Object: cm(head + "logging:\n  format: json\n"), Cluster: v137},

		// KP022
		{Name: "mode IPVS (case)", Rule: RuleValidation, Fire: true,
			Object: cm(head + "mode: IPVS\n"), Cluster: v137,
			Contains: []string{`failed validate: KubeProxyConfiguration.Mode.ProxyMode: Invalid value: "IPVS": must be iptables, ipvs, nftables or blank`}},
		{Name: "mode ipvs with KubeProxyIPVS false on 1.37", Rule: RuleValidation, Fire: true,
			Object: cm(head + "featureGates:\n  KubeProxyIPVS: false\nmode: ipvs\n"), Cluster: v137, Contains: []string{"must be iptables, nftables or blank"}},
		{Name: "nftables needs the alpha gate on 1.29", Rule: RuleValidation, Fire: true,
			Object: cm(head + "mode: nftables\n"), Cluster: ver("1.29"), Contains: []string{"must be iptables, ipvs or blank"}},
		{Name: "nftables with the gate on 1.29", Rule: RuleValidation, Fire: false,
			Object: cm(head + "featureGates:\n  NFTablesProxyMode: true\nmode: nftables\n"), Cluster: ver("1.29")},
		{Name: "metricsBindAddress localhost is not an IP", Rule: RuleValidation, Fire: true,
			Object: cm(head + "metricsBindAddress: localhost:10249\n"), Cluster: v137, Contains: []string{`"localhost": must be a valid IP`}},
		{Name: "clusterCIDR with a space after the comma", Rule: RuleValidation, Fire: true,
			Object: cm(head + "clusterCIDR: 10.0.0.0/8, fd00::/64\n"), Cluster: v137, Contains: []string{`" fd00::/64": must be a valid CIDR block`}},
		{Name: "primary mixed with CIDRs on 1.36", Rule: RuleValidation, Fire: true,
			Object: cm(head + "nodePortAddresses: [primary, 10.0.0.0/8]\n"), Cluster: ver("1.36"), Contains: []string{"can't use both 'primary' and CIDRs"}},
		{Name: "primary mixed with CIDRs is valid on 1.37", Rule: RuleValidation, Fire: false,
			Object: cm(head + "nodePortAddresses: [primary, 10.0.0.0/8, localhost]\n"), Cluster: v137},
		{Name: "negative conntrack maxPerCore", Rule: RuleValidation, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: -1\n"), Cluster: v137, Contains: []string{"KubeProxyLinuxConfiguration.KubeProxyConntrackConfiguration.MaxPerCore: Invalid value: -1"}},
		{Name: "showHiddenMetricsForVersion must be the previous minor", Rule: RuleValidation, Fire: true,
			Object: cm(head + "showHiddenMetricsForVersion: \"1.30\"\n"), Cluster: v137, Contains: []string{"'1.36'"}},
		{Name: "scheduler mh validated away on 1.26", Rule: RuleValidation, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: mh\n"), Cluster: ver("1.26"), Contains: []string{"Scheduler.Scheduler"}},
		{Name: "kubeadm default config is valid", Rule: RuleValidation, Fire: false, Object: kcm(kubeadmDefault), Cluster: v137,
			Check: noDeny},

		// KP030
		{Name: "unknown scheduler leastconn", Rule: RuleIPVSScheduler, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: leastconn\n"), Cluster: v137, Contains: []string{"can't use the IPVS proxier"}},
		{Name: "scheduler none schedules nothing", Rule: RuleIPVSScheduler, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: none\n"), Cluster: v137, Contains: []string{"none"}},
		{Name: "mh is a kernel scheduler on 1.37", Rule: RuleIPVSScheduler, Fire: false,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: mh\n"), Cluster: v137},

		// KP031
		{Name: "ipvs section in iptables mode is ignored", Rule: RuleIgnoredSection, Fire: true,
			Object: cm(head + "mode: iptables\nipvs:\n  strictARP: true\n"), Cluster: v137, Contains: []string{"ipvs.strictARP"}},
		{Name: "iptables.syncPeriod in ipvs mode is ignored", Rule: RuleIgnoredSection, Fire: true,
			Object: cm(head + "mode: ipvs\niptables:\n  syncPeriod: 10s\n"), Cluster: v137, Contains: []string{"iptables.syncPeriod"}},
		{Name: "kubeadm's zero ipvs section is not noise", Rule: RuleIgnoredSection, Fire: false, Object: kcm(kubeadmDefault), Cluster: v137},

		// KP032 / KP033 / KP034
		{Name: "maxPerCore below 65536", Rule: RuleMaxPerCoreLow, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: 32768\n"), Cluster: v137, Contains: []string{"65536"}},
		{Name: "maxPerCore 65536 is fine", Rule: RuleMaxPerCoreLow, Fire: false, Object: cm(head + "conntrack:\n  maxPerCore: 65536\n"), Cluster: v137},
		{Name: "maxPerCore 0 leaves the kernel alone", Rule: RuleMaxPerCoreZero, Fire: true,
			Object: cm(head + "conntrack:\n  maxPerCore: 0\n"), Cluster: v137},
		{Name: "maxPerCore null is the default", Rule: RuleMaxPerCoreZero, Fire: false, Object: cm(head + "conntrack:\n  maxPerCore: null\n"), Cluster: v137},
		{Name: "maxPerCore x CPUs above the 1.36 cap", Rule: RuleConntrackCap, Fire: true,
			Object:  cm(head + "conntrack:\n  maxPerCore: 131072\n"),
			Cluster: &rules.ClusterContext{KubernetesVersion: "1.37", Nodes: []rules.Node{{Name: "n1", CPUs: 32}}}, Contains: []string{"4194304", "1048576"}},
		{Name: "no cap before 1.36", Rule: RuleConntrackCap, Fire: false,
			Object:  cm(head + "conntrack:\n  maxPerCore: 131072\n"),
			Cluster: &rules.ClusterContext{KubernetesVersion: "1.35", Nodes: []rules.Node{{Name: "n1", CPUs: 32}}}},

		// KP035 / KP043
		{Name: "sub-second IPVS udpTimeout is not applied", Rule: RuleSubSecond, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  udpTimeout: 500ms\n"), Cluster: v137},
		{Name: "10s IPVS udpTimeout", Rule: RuleSubSecond, Fire: false, Object: cm(head + "mode: ipvs\nipvs:\n  udpTimeout: 10s\n"), Cluster: v137},
		{Name: "IPVS timeout above the kernel limit", Rule: RuleHugeTimeout, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  tcpTimeout: 720h\n"), Cluster: v137},
		{Name: "IPVS timeout 900s", Rule: RuleHugeTimeout, Fire: false, Object: cm(head + "mode: ipvs\nipvs:\n  tcpTimeout: 900s\n"), Cluster: v137},

		// KP036 / KP037 / KP038 / KP042
		{Name: "ipvs deprecated on 1.35", Rule: RuleIPVSDeprecated, Fire: true, Object: cm(head + "mode: ipvs\n"), Cluster: ver("1.35"), Contains: []string{"nftables"}},
		{Name: "ipvs not deprecated on 1.34", Rule: RuleIPVSDeprecated, Fire: false, Object: cm(head + "mode: ipvs\n"), Cluster: ver("1.34")},
		{Name: "blank mode on 1.37 defaults to iptables", Rule: RuleDefaultMode, Fire: true, Object: cm(head), Contains: []string{"1.40", "assuming Kubernetes 1.37"}},
		{Name: "blank mode on 1.36 is silent", Rule: RuleDefaultMode, Fire: false, Object: cm(head), Cluster: ver("1.36")},
		{Name: "nftables needs kernel 5.13", Rule: RuleNFTablesKernel, Fire: true, Object: cm(head + "mode: nftables\n"), Cluster: v137, Contains: []string{"5.13"}},
		{Name: "iptables mode has no kernel note", Rule: RuleNFTablesKernel, Fire: false, Object: cm(head + "mode: iptables\n"), Cluster: v137},
		{Name: "KubeProxyIPVS gate set on 1.37", Rule: RuleIPVSGate, Fire: true, Object: cm(head + "featureGates:\n  KubeProxyIPVS: true\nmode: ipvs\n"), Cluster: v137},
		{Name: "no KubeProxyIPVS gate", Rule: RuleIPVSGate, Fire: false, Object: cm(head + "mode: ipvs\n"), Cluster: v137},

		// KP039 / KP040 / KP041
		{Name: "NodeCIDR crash-loops without podCIDRs", Rule: RuleNodeCIDR, Fire: true, Object: cm(head + "detectLocalMode: NodeCIDR\n"), Cluster: v137, Contains: []string{"Terway"}},
		{Name: "ClusterCIDR detection", Rule: RuleNodeCIDR, Fire: false, Object: cm(head + "detectLocalMode: ClusterCIDR\nclusterCIDR: 172.20.0.0/16\n"), Cluster: v137},
		{Name: "hostnameOverride in a shared ConfigMap", Rule: RulePerNodeValue, Fire: true, Object: cm(head + "hostnameOverride: node-1\n"), Cluster: v137},
		{Name: "bindAddress of one node", Rule: RulePerNodeValue, Fire: true, Object: cm(head + "bindAddress: 10.0.0.5\n"), Cluster: v137},
		{Name: "bindAddress 0.0.0.0", Rule: RulePerNodeValue, Fire: false, Object: cm(head + "bindAddress: 0.0.0.0\n"), Cluster: v137},
		{Name: "negative qps", Rule: RuleNegativeQPS, Fire: true, Object: cm(head + "clientConnection:\n  qps: -1\n"), Cluster: v137},
		{Name: "positive qps", Rule: RuleNegativeQPS, Fire: false, Object: cm(head + "clientConnection:\n  qps: 50\n"), Cluster: v137},

		// KP045, and the JSON form of config.conf
		{Name: "white-space hostnameOverride makes kube-proxy exit", Rule: RuleBlankHostname, Fire: true,
			Object: cm(head + "hostnameOverride: \"  \"\n"), Cluster: v137, Contains: []string{"empty hostname is invalid"}},
		{Name: "empty hostnameOverride means the node's hostname", Rule: RuleBlankHostname, Fire: false,
			Object: cm(head + "hostnameOverride: \"\"\n"), Cluster: v137},
		{Name: "JSON config.conf with a trailing comma is refused (strict JSON, not YAML flow)", Rule: RuleYAMLSyntax, Fire: true,
			Object: cm(`{"apiVersion":"kubeproxy.config.k8s.io/v1alpha1","kind":"KubeProxyConfiguration","mode":"iptables",}`), Cluster: v137,
			Contains: []string{"json parse error", "strict JSON"}},
		{Name: "valid JSON config.conf is fine", Rule: RuleYAMLSyntax, Fire: false,
			Object: cm(`{"apiVersion":"kubeproxy.config.k8s.io/v1alpha1","kind":"KubeProxyConfiguration","mode":"iptables"}`), Cluster: v137},
		{Name: "quoted scheduler with a pasted // comment is not a kernel scheduler", Rule: RuleIPVSScheduler, Fire: true,
			Object: cm(head + "mode: ipvs\nipvs:\n  scheduler: \"lc // Set scheduler to a proper scheduling algorithm.\"\n"), Cluster: v137,
			Contains: []string{"15 bytes"}},

		// KP044
		{Name: "worker in ipvs while master runs iptables by default", Rule: RuleSiblingMismatch, Fire: true,
			Object: cm(head + "mode: ipvs\nclusterCIDR: 172.20.0.0/16\n"), Cluster: siblingCtx(head + "clusterCIDR: 172.20.0.0/16\n"),
			Contains: []string{"ipvs mode", "kube-system/kube-proxy-master uses iptables"}},
		{Name: "worker and master disagree on clusterCIDR", Rule: RuleSiblingMismatch, Fire: true,
			Object: cm(head + "mode: ipvs\nclusterCIDR: 172.20.0.0/16\n"), Cluster: siblingCtx(head + "mode: ipvs\nclusterCIDR: 172.16.0.0/16\n"),
			Contains: []string{"172.16.0.0/16"}},
		{Name: "worker and master agree", Rule: RuleSiblingMismatch, Fire: false,
			Object: cm(head + "mode: ipvs\nclusterCIDR: 172.20.0.0/16\n"), Cluster: siblingCtx(head + "mode: ipvs\nclusterCIDR: 172.20.0.0/16\nconntrack:\n  maxPerCore: 65536\n")},
		{Name: "broken sibling is judged on its own, not compared", Rule: RuleSiblingMismatch, Fire: false,
			Object: cm(head + "mode: ipvs\n"), Cluster: siblingCtx(head + "mode: iptables // old\n")},
		{Name: "kubeadm's single kube-proxy has no sibling", Rule: RuleSiblingMismatch, Fire: false,
			Object: kcm(head + "mode: ipvs\n"), Cluster: siblingCtx(head)},

		// KP090
		{Name: "create of kubeadm's ConfigMap names the label", Rule: RuleRestartRequired, Fire: true, Object: kcm(head), Cluster: v137,
			Contains: []string{"kubectl -n kube-system delete pod -l k8s-app=kube-proxy"}},
		{Name: "update of ACK worker ConfigMap names the DaemonSet", Rule: RuleRestartRequired, Fire: true, Object: cm(head + "mode: ipvs\n"), Old: cm(head), Cluster: v137,
			Contains: []string{"the pods of DaemonSet kube-system/kube-proxy-worker"}},
		{Name: "label-only update is not judged", Rule: RuleRestartRequired, Fire: false, Object: cm(head), Old: cm(head), Cluster: v137},
	})
}

// TestFAQSnippets: every kube-proxy snippet of the FAQ, exactly as printed,
// is denied with a message naming `//` and its line.
func TestFAQSnippets(t *testing.T) {
	for name, c := range map[string]struct {
		text string
		line int
	}{"maxPerCore": {faqMaxPerCore, 9}, "scheduler": {faqScheduler, 12}, "udpTimeout": {faqUDPTimeout, 5}} {
		for _, v := range []string{"", "1.26", "1.30", "1.37"} {
			res := rulestest.Judge(New(), rulestest.Case{Object: cm(c.text), Cluster: ver(v)})
			if !res.Denied() {
				t.Fatalf("%s on %q: not denied: %s", name, v, rulestest.Describe(res.Findings))
			}
			ok := false
			for _, f := range res.Findings {
				if f.Severity == rules.Deny && f.Line == c.line && strings.Contains(f.Message+f.Hint, "//") {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s on %q: no deny naming // at line %d: %s", name, v, c.line, rulestest.Describe(res.Findings))
			}
		}
	}
}

// TestACKConfigs: the FAQ configs with the bad lines fixed are clean.
func TestACKConfigs(t *testing.T) {
	fixed := strings.NewReplacer(" // ", " # ", "// If", "# If", "  IPv6DualStack: true\n", "  NFTablesProxyMode: true\n")
	for _, text := range []string{faqMaxPerCore, faqScheduler, faqUDPTimeout} {
		res := rulestest.Judge(New(), rulestest.Case{Object: cm(fixed.Replace(text)), Cluster: ver("1.34")})
		noDeny(t, res)
	}
}

func TestNeverPanics(t *testing.T) {
	inputs := []string{"", "---", "null", "[]", "- a", "a: [", head + "featureGates: null\n", head + "ipvs: []\n",
		head + "conntrack:\n  maxPerCore 65536\n", head + "logging:\n  vmodule: [{}]\n", "\ufeff" + head, head + "nodePortAddresses: [\"\"]\n",
		head + "mode: ipvs\nipvs:\n  - scheduler: lc\n", head + "a: &x\n  b: *x\n", strings.Repeat("[", 1000)}
	for _, in := range inputs {
		for _, v := range []string{"", "1.20", "1.26", "1.31", "1.50", "garbage"} {
			// The engine turns a checker panic into an NG001 finding, so a
			// panic would pass silently unless the finding is asserted away.
			res := rulestest.Judge(New(), rulestest.Case{Object: cm(in), Cluster: ver(v)})
			for _, f := range res.Findings {
				if f.Rule == engine.InternalErrorRule {
					t.Errorf("version %q, input %.40q: the checker panicked: %s", v, in, f.Message)
				}
			}
		}
	}
	// Called directly (no engine to recover), a panic fails the test.
	New().Validate(nil)
	New().Validate(&rules.Request{})
}

// TestDuplicateKeysAreNeverDenied is the duplicate-key policy: kube-proxy
// starts with the last copy (lenient decode), so no duplicate — differing,
// identical or a whole repeated section — makes netguard deny.
func TestDuplicateKeysAreNeverDenied(t *testing.T) {
	for name, text := range map[string]string{
		"differing scalar":  head + "mode: ipvs\nmode: iptables\n",
		"identical scalar":  head + "mode: ipvs\nmode: ipvs\n",
		"differing section": head + "mode: ipvs\nipvs:\n  scheduler: rr\nipvs:\n  strictARP: true\n",
	} {
		t.Run(name, func(t *testing.T) {
			res := rulestest.Judge(New(), rulestest.Case{Object: cm(text), Cluster: ver("1.37")})
			if rules.HasDeny(res.Findings) {
				t.Errorf("denied: %s", rulestest.Describe(res.Findings))
			}
			warned := false
			for _, f := range res.Findings {
				warned = warned || (f.Rule == RuleDuplicateKey || f.Rule == RuleDuplicateSame) && f.Severity == rules.Warn
			}
			if !warned {
				t.Errorf("no duplicate-key warning: %s", rulestest.Describe(res.Findings))
			}
		})
	}
}
