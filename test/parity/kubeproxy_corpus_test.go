package parity

import (
	"strings"

	"sigs.k8s.io/yaml"
)

// Bases of the kube-proxy corpus. Every generated config starts from one of
// these and applies one systematic mutation.

// kpBaseMinimal is the smallest useful config (iptables mode).
const kpBaseMinimal = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
`

// kpBaseNFTables is the minimal config in nftables mode.
const kpBaseNFTables = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clusterCIDR: 10.244.0.0/16
`

// kpBaseACK is the ACK FAQ kube-proxy-worker sample (seeds FAQ, "How do I
// modify the IPVS load balancing algorithm") with the `//` comments and the
// removed IPv6DualStack gate taken out, i.e. what an operator should have
// pasted.
const kpBaseACK = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: 172.20.0.0/16
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
conntrack:
  maxPerCore: 65536
mode: ipvs
ipvs:
  scheduler: lc
`

// kpBaseKubeadm is the config.conf kubeadm v1.37 writes into
// kube-system/kube-proxy: the v1alpha1 object with every field spelled out
// and zero values meaning "default" (kube-proxy.md §3.2).
const kpBaseKubeadm = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
`

// The three kube-proxy-worker samples of the ACK FAQ, verbatim (seeds FAQ
// lines 210-219, 236-247, 266-272).
const (
	kpFAQMaxPerCore = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
featureGates:
  IPv6DualStack: true
clusterCIDR: 172.20.0.0/16
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
conntrack:
  maxPerCore: 65536 // Set maxPerCore to a proper value. Default value: 65536. 
mode: ipvs
`
	kpFAQScheduler = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
featureGates:
  IPv6DualStack: true
clusterCIDR: 172.20.0.0/16
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
conntrack:
  maxPerCore: 65536
mode: ipvs
ipvs:
  scheduler: lc // Set scheduler to a proper scheduling algorithm. 
`
	kpFAQUDPTimeout = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
# Irrelevant fields are not shown. 
mode: ipvs
// If the ipvs field does not exist, you must add the field. 
ipvs:
  udpTimeout: 10s // The default timeout period is 300 seconds. In this example, the timeout period is set to 10 seconds. This way, the time period during which packet loss may occur is reduced to 10 seconds after a UDP connection is closed. 
`
)

// kpFieldValues are the scalar mutations: every field with valid, invalid and
// edge values, written as raw YAML text.
var kpFieldValues = []struct {
	path   string
	values []string
}{
	{"mode", []string{"iptables", "ipvs", "nftables", `""`, "IPVS", "Iptables", "NFTables", `"ipvs "`, `" ipvs"`, "userspace", "kernelspace", "on", "1", "null", "~", "[ipvs]"}},
	{"bindAddress", []string{"0.0.0.0", `"::"`, "10.0.0.1", "010.0.0.1", "node1", "10.0.0.1:80", `"fd00::1"`, `""`, "10.0.0.256"}},
	{"healthzBindAddress", []string{"0.0.0.0:10256", "0.0.0.0", `"[::]:10256"`, `"::"`, `":10256"`, "localhost:10256", "0.0.0.0:0", "0.0.0.0:70000", "0.0.0.0:", `"fd00::1:10256"`, "10.0.0.1:10256", `""`, "0.0.0.0:-1"}},
	{"metricsBindAddress", []string{"127.0.0.1:10249", "0.0.0.0:10249", "0.0.0.0", `"[::1]:10249"`, `":10249"`, "localhost:10249", "0.0.0.0:0", "0.0.0.0:70000", `"fd00::1:10249"`, "node1:10249", "10249"}},
	{"bindAddressHardFail", []string{"true", "false", `"true"`, "yes", "1"}},
	{"enableProfiling", []string{"true", `"false"`, "off"}},
	{"hostnameOverride", []string{"node-1", `""`, "y", `"  "`, "Node-1.example.com"}},
	{"clusterCIDR", []string{"10.244.0.0/16", `"10.244.0.0/16,fd00::/64"`, `"10.244.0.0/16, fd00::/64"`, `"10.244.0.0/16,"`, `"10.0.0.0/8,10.1.0.0/16"`, `"10.0.0.0/8,fd00::/64,fd01::/64"`, "10.244.1.1/16", "10.244.0.0", `""`, "[10.0.0.0/8]", "fd00::/64", "10.244.0.0/33"}},
	{"detectLocalMode", []string{"ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", "clustercidr", `""`, "Foo"}},
	{"detectLocal.bridgeInterface", []string{"cni0", `""`}},
	{"detectLocal.interfaceNamePrefix", []string{"veth", `""`}},
	{"nodePortAddresses", []string{"[primary]", "[localhost]", "[all]", "[primary, 10.0.0.0/8]", "[10.0.0.5]", "[Localhost]", "[primary, primary]", "[10.0.0.0/8, fd00::/64]", "[]", "10.0.0.0/8", `[""]`, "[0.0.0.0/0]", "[all, localhost]", "[10.0.0.0/8, 10.0.0.0/8]", "null"}},
	{"oomScoreAdj", []string{"-999", "-1000", "1000", "-1001", "1001", `"-999"`, "null", "0"}},
	{"configSyncPeriod", []string{"15m", "0s", "-1s", "1h", "500ms", "10", "1d", `"15 m"`, "1m30s"}},
	{"portRange", []string{`""`, "30000-32767", "x"}},
	{"showHiddenMetricsForVersion", []string{`""`, `"1.36"`, `"1.35"`, `"1.37"`, "x"}},
	{"clientConnection.kubeconfig", []string{"/var/lib/kube-proxy/kubeconfig.conf", `""`}},
	{"clientConnection.qps", []string{"5", "-1", `"5"`, "0.5", "0"}},
	{"clientConnection.burst", []string{"10", "-1", "10.5", `"10"`, "0"}},
	{"clientConnection.contentType", []string{"application/json", "application/vnd.kubernetes.protobuf"}},
	{"iptables.masqueradeBit", []string{"14", "0", "31", "32", "-1", `"14"`}},
	{"iptables.masqueradeAll", []string{"true", `"true"`}},
	{"iptables.syncPeriod", []string{"30s", "-1s", "0s", "500ms", "1m", "30"}},
	{"iptables.minSyncPeriod", []string{"1s", "0s", "-1s", "45s", "10"}},
	{"iptables.localhostNodePorts", []string{"true", "false", `"false"`}},
	{"ipvs.scheduler", []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq", "mh", "fo", "ovf", "twos", "none", "RR", `"lc // Set scheduler to a proper scheduling algorithm."`, "bogus", `""`, "r", "no", "roundrobin"}},
	{"ipvs.excludeCIDRs", []string{"[10.0.0.0/8]", "[10.0.0.1]", `"a,b"`, "[fd00::/64]", "[]"}},
	{"ipvs.strictARP", []string{"true", `"true"`, "yes", "off", "True"}},
	{"ipvs.tcpTimeout", []string{"900s", "-1s", "500ms", "0s", "10", "1d", "900000h", "15m"}},
	{"ipvs.tcpFinTimeout", []string{"120s", "-1s", "1.5s", "2m"}},
	{"ipvs.udpTimeout", []string{"10s", "300s", "-1s", "500ms", "0s", "10", `"10s // The default timeout period is 300 seconds."`, "10 s"}},
	{"ipvs.syncPeriod", []string{"30s", "-1s", "0s"}},
	{"ipvs.minSyncPeriod", []string{"0s", "5s", "-1s", "45s"}},
	{"nftables.masqueradeBit", []string{"14", "99", "-1"}},
	{"nftables.masqueradeAll", []string{"true"}},
	{"nftables.syncPeriod", []string{"30s", "-1s", "0s"}},
	{"nftables.minSyncPeriod", []string{"1s", "-1s", "45s"}},
	{"conntrack.maxPerCore", []string{"65536", "0", "-1", `"65536"`, "65536.5", "4294967296", "6.5536e4", "0x10000", "010", "null", "32768", "1000000", "16384", "65_536", "64k", "1:30"}},
	{"conntrack.min", []string{"131072", "-5", "0"}},
	{"conntrack.tcpEstablishedTimeout", []string{"24h", "-1s", "500ms", "1d", "86400s", "0s"}},
	{"conntrack.tcpCloseWaitTimeout", []string{"1h", "-1s", "60s"}},
	{"conntrack.tcpBeLiberal", []string{"true", `"true"`}},
	{"conntrack.udpTimeout", []string{"30s", "-2s", "0s"}},
	{"conntrack.udpStreamTimeout", []string{"120s", "-1s"}},
	{"featureGates", []string{"{}", "{IPv6DualStack: true}", "{IPv6DualStack: false}", "{NFTablesProxyMode: false}", "{NFTablesProxyMode: true}", "{KubeProxyIPVS: false}", "{KubeProxyIPVS: true}", "{nftablesproxymode: true}", "{AllAlpha: true}", "{AllBeta: true}", "{AllAlpha: false}", "{TopologyAwareHints: true}", "{ServiceTrafficDistribution: true}", "{EndpointSliceProxying: true}", "{SupportIPVSProxyMode: true}", "{KubeProxyNFTablesLocalhostNodePorts: true}", "{NFTablesNetlink: false}", "{LoggingAlphaOptions: true}", "{WinDSR: false}", "{MultiCIDRServiceAllocator: false}", `{NFTablesNetlink: "true"}`, "[NFTablesNetlink=true]", "{PreferSameTrafficDistribution: false}", "{ContextualLogging: false}", "{DisableNodeKubeProxyVersion: false}", "{DisableNodeKubeProxyVersion: true}", "{KubeletPSI: true}", "{NFTablesNetlink: yes}"}},
	{"logging.format", []string{"text", "json", "JSON", "xml", `""`}},
	{"logging.flushFrequency", []string{"5s", "0", "-1s", "5000000000", "bad", "1m"}},
	{"logging.verbosity", []string{"2", "4294967295", "-1", `"4"`}},
	{"logging.vmodule", []string{"[{filePattern: proxier*, verbosity: 4}]", `[{filePattern: "", verbosity: 4}]`, `[{filePattern: "a=b", verbosity: 4}]`}},
	{"logging.options.json.splitStream", []string{"true", "false"}},
	{"logging.options.text.infoBufferSize", []string{`"0"`, `"64Ki"`}},
	{"winkernel.enableDSR", []string{"true"}},
	{"winkernel.sourceVip", []string{"10.0.0.1"}},
	{"windowsRunAsService", []string{"true"}},
}

// kpUnknownKeys are keys kube-proxy does not know (typos, wrong case, removed
// fields, fields of other types), each set at its path with a plausible value.
var kpUnknownKeys = []struct{ path, raw string }{
	{"Mode", "ipvs"},
	{"ipvs.schedular", "lc"},
	{"ipvs.strictArp", "true"},
	{"conntrack.maxPercore", "65536"},
	{"conntrack.MaxPerCore", "65536"},
	{"iptables.masqueradeall", "true"},
	{"linux.conntrack.maxPerCore", "65536"},
	{"metadata.name", "kube-proxy"},
	{"udpIdleTimeout", "250ms"},
	{"resourceContainer", "/kube-proxy"},
	{"conntrack.max", "0"},
	{"foo", "bar"},
	{"clusterCidr", "10.244.0.0/16"},
	{"featuregates", "{NFTablesNetlink: true}"},
	{"ipvs.scheduler_", "lc"},
	{"nftables.localhostNodePorts", "true"},
	{"detectLocal.clusterCIDR", "10.244.0.0/16"},
	{"clientConnection.QPS", "50"},
}

// kpCorpus generates the kube-proxy corpus. The order is fixed.
func kpCorpus() []corpusCase {
	var c corpus
	bases := []struct {
		name string
		doc  ydoc
	}{
		{"minimal", parseYdoc(kpBaseMinimal)},
		{"ack", parseYdoc(kpBaseACK)},
		{"nftables", parseYdoc(kpBaseNFTables)},
		{"kubeadm", parseYdoc(kpBaseKubeadm)},
	}
	for _, b := range bases {
		c.add("base/"+b.name, b.doc.render())
	}

	// Field mutations: every value on the minimal (iptables) and ACK (ipvs)
	// bases; nftables.* also on the nftables base; everything top-level and
	// every section also on kubeadm's fully spelled-out file.
	for _, f := range kpFieldValues {
		for _, v := range f.values {
			for _, b := range bases {
				if b.name == "nftables" && !strings.HasPrefix(f.path, "nftables.") && f.path != "nodePortAddresses" && f.path != "featureGates" {
					continue
				}
				c.add(b.name+"/"+f.path+"="+v, b.doc.set(f.path, v).render())
			}
		}
	}

	// Combinations whose validity depends on another field.
	ack := parseYdoc(kpBaseACK)
	minimal := parseYdoc(kpBaseMinimal)
	combos := []struct {
		name string
		doc  ydoc
	}{
		{"ack/KubeProxyIPVS=false+mode=ipvs", ack.set("featureGates", "{KubeProxyIPVS: false}")},
		{"minimal/KubeProxyIPVS=false+mode=iptables", minimal.set("featureGates", "{KubeProxyIPVS: false}")},
		{"minimal/detectLocalMode=BridgeInterface+bridgeInterface", minimal.set("detectLocalMode", "BridgeInterface").set("detectLocal.bridgeInterface", "cni0")},
		{"minimal/detectLocalMode=InterfaceNamePrefix+prefix", minimal.set("detectLocalMode", "InterfaceNamePrefix").set("detectLocal.interfaceNamePrefix", "veth")},
		{"minimal/detectLocalMode=NodeCIDR+badClusterCIDR", minimal.set("detectLocalMode", "NodeCIDR").set("clusterCIDR", `"10.0.0.0/8, fd00::/64"`)},
		{"minimal/detectLocalMode=BridgeInterface+badClusterCIDR", minimal.set("detectLocalMode", "BridgeInterface").set("detectLocal.bridgeInterface", "cni0").set("clusterCIDR", "nonsense")},
		{"ack/ipvs.minSyncPeriod>syncPeriod", ack.set("ipvs.syncPeriod", "30s").set("ipvs.minSyncPeriod", "45s")},
		{"minimal/iptables.minSyncPeriod>syncPeriod", minimal.set("iptables.syncPeriod", "30s").set("iptables.minSyncPeriod", "45s")},
		{"ack/iptables.minSyncPeriod>syncPeriod(ignored)", ack.set("iptables.syncPeriod", "30s").set("iptables.minSyncPeriod", "45s")},
		{"minimal/ipvs.excludeCIDRs-bad(ignored)", minimal.set("ipvs.excludeCIDRs", "[10.0.0.1]")},
		{"ack/nftables.masqueradeBit=99(ignored)", ack.set("nftables.masqueradeBit", "99")},
		{"minimal/logging.json+vmodule", minimal.set("logging.format", "json").set("logging.vmodule", "[{filePattern: proxier*, verbosity: 4}]")},
		{"minimal/logging.splitStream+LoggingAlphaOptions", minimal.set("featureGates", "{LoggingAlphaOptions: true}").set("logging.format", "json").set("logging.options.json.splitStream", "true")},
		{"minimal/mode=nftables+KubeProxyNFTablesLocalhostNodePorts+localhost", minimal.set("mode", "nftables").set("featureGates", "{KubeProxyNFTablesLocalhostNodePorts: true}").set("nodePortAddresses", "[localhost]")},
		{"minimal/bindAddress=::+defaults", minimal.set("bindAddress", `"::"`).set("clusterCIDR", "fd00::/64")},
		{"ack/no-mode", ack.del("mode")},
		{"ack/no-clusterCIDR", ack.del("clusterCIDR")},
		{"ack/ipvs-null", ack.set("ipvs", "")},
		{"ack/conntrack-null", ack.set("conntrack", "")},
		{"ack/ipvs-scalar", ack.set("ipvs", "lc")},
		{"ack/conntrack-list", ack.set("conntrack", "[maxPerCore: 65536]")},
		{"ack/ipvs-flow", ack.set("ipvs", "{scheduler: lc, strictARP: true}")},
		{"ack/featureGates-null", ack.set("featureGates", "")},
		{"ack/IPv6DualStack+ServiceTrafficDistribution", ack.set("featureGates", "{IPv6DualStack: true, ServiceTrafficDistribution: true}")},
		{"ack/two-known-gates", ack.set("featureGates", "{NFTablesNetlink: false, KubeProxyNFTablesLocalhostNodePorts: true}")},
	}
	for _, x := range combos {
		c.add(x.name, x.doc.render())
	}

	// Unknown, mis-cased and removed keys (kube-proxy: LENIENT, key dropped).
	for _, u := range kpUnknownKeys {
		c.add("minimal/unknown:"+u.path, minimal.set(u.path, u.raw).render())
		c.add("ack/unknown:"+u.path, ack.set(u.path, u.raw).render())
	}
	c.add("ack/Mode-instead-of-mode", ack.rename("mode", "Mode").render())
	c.add("ack/ipvs.Scheduler-instead-of-scheduler", ack.rename("ipvs.scheduler", "Scheduler").render())
	c.add("minimal/unknown+type-error", minimal.set("foo", "bar").set("oomScoreAdj", `"x"`).render())

	// apiVersion / kind variants.
	for _, v := range []string{"kubeproxy.config.k8s.io/v1alpha2", "kubeproxy.config.k8s.io/v1", "kubeproxy.config.k8s.io/v1aplha1", "kubeproxy.config.k8s.io", "v1", `""`, "Kubeproxy.config.k8s.io/v1alpha1"} {
		c.add("minimal/apiVersion="+v, minimal.set("apiVersion", v).render())
	}
	for _, v := range []string{"kubeproxyconfiguration", "KubeletConfiguration", "KubeProxyConfig", `""`, "KubeProxyConfiguration "} {
		c.add("minimal/kind="+v, minimal.set("kind", v).render())
	}
	c.add("minimal/no-apiVersion", minimal.del("apiVersion").render())
	c.add("minimal/no-kind", minimal.del("kind").render())
	c.add("ack/no-apiVersion-no-kind", ack.del("apiVersion").del("kind").render())

	// The ACK FAQ samples: verbatim, with `//` turned into `#`, with the
	// comments removed, and with the comments removed and the gate kept.
	faqs := []struct{ name, text string }{
		{"faq/maxPerCore", kpFAQMaxPerCore},
		{"faq/scheduler", kpFAQScheduler},
		{"faq/udpTimeout", kpFAQUDPTimeout},
	}
	for _, f := range faqs {
		c.add(f.name+"/verbatim", f.text)
		c.add(f.name+"/verbatim-no-gate", strings.Replace(f.text, "featureGates:\n  IPv6DualStack: true\n", "", 1))
		c.add(f.name+"/hash-comments", strings.ReplaceAll(f.text, "// ", "# "))
		stripped := stripSlashComments(f.text)
		c.add(f.name+"/comments-removed", stripped)
		c.add(f.name+"/comments-removed-no-gate", strings.Replace(stripped, "featureGates:\n  IPv6DualStack: true\n", "", 1))
		c.add(f.name+"/hash-comments-no-gate", strings.Replace(strings.ReplaceAll(f.text, "// ", "# "), "featureGates:\n  IPv6DualStack: true\n", "", 1))
	}

	// YAML syntax breakages and encodings, on the ACK and kubeadm texts.
	for _, b := range []struct{ name, text string }{{"ack", ack.render()}, {"kubeadm", parseYdoc(kpBaseKubeadm).render()}, {"minimal", minimal.render()}} {
		for _, s := range kpSyntaxMutations {
			if out, ok := s.apply(b.text); ok {
				c.add(b.name+"/syntax:"+s.name, out)
			}
		}
	}
	return c.cases
}

// stripSlashComments removes `// ...` comments (whole lines and trailing).
func stripSlashComments(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			if strings.TrimSpace(line[:i]) == "" {
				continue
			}
			line = strings.TrimRight(line[:i], " ")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// replaceLine applies f to the first line whose trimmed text starts with
// prefix.
func replaceLine(text, prefix string, f func(string) string) (string, bool) {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, " "), prefix) {
			lines[i] = f(l)
			return strings.Join(lines, "\n"), true
		}
	}
	return text, false
}

// kpSyntaxMutations break or re-encode the YAML text.
var kpSyntaxMutations = []struct {
	name  string
	apply func(string) (string, bool)
}{
	{"tab-indent", func(s string) (string, bool) {
		return replaceLine(s, "kubeconfig:", func(l string) string { return "\t" + strings.TrimLeft(l, " ") })
	}},
	{"no-space-after-colon", func(s string) (string, bool) {
		return replaceLine(s, "mode:", func(l string) string { return strings.Replace(l, ": ", ":", 1) })
	}},
	{"fullwidth-colon", func(s string) (string, bool) {
		return replaceLine(s, "mode:", func(l string) string { return strings.Replace(l, ": ", "： ", 1) })
	}},
	{"three-space-indent", func(s string) (string, bool) {
		return replaceLine(s, "kubeconfig:", func(l string) string { return " " + l })
	}},
	{"one-space-indent", func(s string) (string, bool) {
		return replaceLine(s, "kubeconfig:", func(l string) string { return strings.TrimPrefix(l, " ") })
	}},
	{"child-not-indented", func(s string) (string, bool) {
		return replaceLine(s, "kubeconfig:", func(l string) string { return strings.TrimLeft(l, " ") })
	}},
	{"nbsp-indent", func(s string) (string, bool) {
		return replaceLine(s, "kubeconfig:", func(l string) string { return "\u00a0\u00a0" + strings.TrimLeft(l, " ") })
	}},
	{"slash-comment-line", func(s string) (string, bool) {
		return replaceLine(s, "mode:", func(l string) string { return "// If the ipvs field does not exist, you must add the field.\n" + l })
	}},
	{"slash-comment-trailing-with-colon", func(s string) (string, bool) {
		return replaceLine(s, "clusterCIDR:", func(l string) string { return l + " // Pod CIDR. Default: none." })
	}},
	{"slash-comment-trailing", func(s string) (string, bool) {
		return replaceLine(s, "clusterCIDR:", func(l string) string { return l + " // the pod CIDR" })
	}},
	// issue 10 §2: a `//` remark in a section the mode never reads (the
	// bases without an ipvs section run iptables or nftables): kube-proxy
	// starts cleanly, so netguard must not deny (KP006 warns).
	{"slash-comment-in-unread-ipvs-scheduler", func(s string) (string, bool) {
		return s + "ipvs:\n  scheduler: lc // Set scheduler to a proper scheduling algorithm.\n", !strings.Contains(s, "\nipvs:") && !strings.Contains(s, "mode: ipvs")
	}},
	{"hash-comment-trailing", func(s string) (string, bool) {
		return replaceLine(s, "clusterCIDR:", func(l string) string { return l + " # the pod CIDR" })
	}},
	{"hash-comment-line", func(s string) (string, bool) { return "# kube-proxy configuration\n" + s, true }},
	{"duplicate-mode", func(s string) (string, bool) { return s + "mode: iptables\n", strings.Contains(s, "\nmode:") }},
	{"duplicate-same-value", func(s string) (string, bool) {
		return s + "clusterCIDR: 10.244.0.0/16\n", strings.Contains(s, "\nclusterCIDR:")
	}},
	{"duplicate-section", func(s string) (string, bool) {
		return s + "clientConnection:\n  qps: 50\n", strings.Contains(s, "\nclientConnection:")
	}},
	{"second-document", func(s string) (string, bool) { return s + "---\nmode: nftables\n", true }},
	{"second-document-full", func(s string) (string, bool) { return s + "---\n" + s, true }},
	{"leading-document-marker", func(s string) (string, bool) { return "---\n" + s, true }},
	{"trailing-document-marker", func(s string) (string, bool) { return s + "---\n", true }},
	{"document-end-marker", func(s string) (string, bool) { return s + "...\n", true }},
	{"bom", func(s string) (string, bool) { return "\ufeff" + s, true }},
	{"crlf", func(s string) (string, bool) { return strings.ReplaceAll(s, "\n", "\r\n"), true }},
	{"no-trailing-newline", func(s string) (string, bool) { return strings.TrimRight(s, "\n"), true }},
	{"json", func(s string) (string, bool) {
		j, err := yaml.YAMLToJSON([]byte(s))
		return string(j), err == nil
	}},
	{"json-trailing-comma", func(s string) (string, bool) {
		j, err := yaml.YAMLToJSON([]byte(s))
		return strings.TrimSuffix(string(j), "}") + ",}", err == nil
	}},
	{"empty", func(string) (string, bool) { return "", true }},
	{"comments-only", func(string) (string, bool) { return "# nothing here\n", true }},
	{"top-level-list", func(s string) (string, bool) {
		return "- " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n", true
	}},
	{"kubeconfig-pasted", func(string) (string, bool) {
		return "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: default\n", true
	}},
	{"unquoted-colon-value", func(s string) (string, bool) { return s + "bindAddress: ::\n", true }},
	{"anchor-alias", func(s string) (string, bool) {
		return replaceLine(s, "clusterCIDR:", func(l string) string { return strings.Replace(l, ": ", ": &cidr ", 1) + "\nhostnameOverride: *cidr" })
	}},
}
