package kubeproxy

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kube-proxy/config/v1alpha1"
	netutils "k8s.io/utils/net"
)

// kernelSchedulers are the IPVS schedulers of the Linux kernel (ip_vs_<name>).
var kernelSchedulers = []string{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"}

const conntrackCap = 1 << 20 // 1,048,576 (1.36+)

// runtimeChecks judges what kube-proxy's validation lets through.
// reported reports whether a finding of rule at path was already added.
func (j *judge) reported(rule, path string) bool {
	for _, f := range j.rep.Findings {
		if f.Rule == rule && f.Path == path {
			return true
		}
	}
	return false
}

func (j *judge) runtimeChecks(raw, c *v1alpha1.KubeProxyConfiguration) {
	mode := string(raw.Mode)
	g := j.generic()

	// IPVS scheduler (validated by kube-proxy itself only up to 1.26).
	if mode == "ipvs" && j.t.Schedulers == nil {
		s := raw.IPVS.Scheduler
		// An unquoted `lc // comment` is already explained by KP005; a quoted
		// one is a plain (invalid) scheduler name.
		if s != "" && !contains(kernelSchedulers, s) && !j.reported(RuleSlashComment, "ipvs.scheduler") {
			why := "the kernel has no IPVS scheduler module ip_vs_" + s + ", so kube-proxy's start-up probe fails"
			switch {
			case s == "none":
				why = "`none` is accepted by the kernel but schedules nothing: new connections to Services find no destination"
			case len(s) > 15:
				why = "IPVS scheduler names are at most 15 bytes; netlink rejects a longer name"
			}
			if sug := rules.Suggest(strings.ToLower(strings.TrimSpace(s)), kernelSchedulers); sug != "" && s != "none" {
				why += "; did you mean \"" + sug + "\"?"
			}
			j.add(RuleIPVSScheduler, "ipvs.scheduler",
				fmt.Sprintf("ipvs.scheduler is %q: kube-proxy would exit at start-up (CrashLoopBackOff) with: can't use the IPVS proxier: no such file or directory (%s).", s, why),
				"use a kernel scheduler: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh (kernel ≥4.18) or twos (kernel ≥5.5); blank means rr")
		}
	}

	// Sections ignored in the configured mode.
	effMode := mode
	if effMode == "" {
		effMode = "iptables"
	}
	if effMode != "ipvs" && present(g, "ipvs") {
		for _, k := range setKeys(g, "ipvs") {
			j.add(RuleIgnoredSection, "ipvs."+k,
				fmt.Sprintf("ipvs.%s is ignored: kube-proxy runs in %s mode and reads the ipvs section only in ipvs mode.", k, effMode),
				"remove the ipvs section, or set mode: ipvs if IPVS was intended")
		}
	}
	if _, ok := j.t.Fields["nftables"]; ok && effMode != "nftables" && present(g, "nftables") {
		for _, k := range setKeys(g, "nftables") {
			j.add(RuleIgnoredSection, "nftables."+k,
				fmt.Sprintf("nftables.%s is ignored: kube-proxy runs in %s mode and reads the nftables section only in nftables mode.", k, effMode),
				"remove the nftables section, or set mode: nftables if nftables was intended")
		}
	}
	if effMode == "ipvs" || effMode == "nftables" {
		ignored := []string{"syncPeriod", "minSyncPeriod"}
		if effMode == "nftables" {
			ignored = append(ignored, "masqueradeAll", "masqueradeBit", "localhostNodePorts")
		} else {
			ignored = append(ignored, "localhostNodePorts")
		}
		for _, k := range ignored {
			if isSet(g, "iptables."+k) && (j.t.Minor >= 31 || k != "syncPeriod" && k != "minSyncPeriod") {
				j.add(RuleIgnoredSection, "iptables."+k,
					fmt.Sprintf("iptables.%s is ignored in %s mode%s.", k, effMode, j.t.assumedNote()),
					fmt.Sprintf("set %s.%s instead (if the %s section has it), or remove iptables.%s", effMode, k, effMode, k))
			}
		}
	}

	// Conntrack.
	if raw.Conntrack.MaxPerCore != nil {
		mpc := int64(*raw.Conntrack.MaxPerCore)
		switch {
		case mpc == 0:
			j.add(RuleMaxPerCoreZero, "conntrack.maxPerCore",
				"conntrack.maxPerCore is 0: kube-proxy leaves nf_conntrack_max and the hash size as they are (conntrack.min is ignored); it does not mean 'unlimited'.",
				"keep 0 only where /sys is read-only; otherwise set maxPerCore: 65536 or more (ACK advice)")
		case mpc > 0 && mpc < 65536:
			j.add(RuleMaxPerCoreLow, "conntrack.maxPerCore",
				fmt.Sprintf("conntrack.maxPerCore is %d, below the 65536 ACK recommends: nf_conntrack_max = maxPerCore × CPUs may fill up (`nf_conntrack: table full, dropping packet`).", mpc),
				"set conntrack.maxPerCore to 65536 or more")
		}
		if mpc > 0 && j.t.Minor >= 36 {
			cpus := 0
			if j.req.Cluster != nil {
				for _, n := range j.req.Cluster.Nodes {
					cpus = max(cpus, n.CPUs)
				}
			}
			if cpus > 0 && mpc*int64(cpus) > conntrackCap {
				j.add(RuleConntrackCap, "conntrack.maxPerCore",
					fmt.Sprintf("conntrack.maxPerCore %d × %d CPUs = %d, but kube-proxy 1.%d caps nf_conntrack_max at 1048576%s; the larger limit is silently not applied.", mpc, cpus, mpc*int64(cpus), j.t.Minor, j.t.assumedNote()),
					"set net.netfilter.nf_conntrack_max on the nodes directly if more than 1048576 entries are needed, or lower maxPerCore")
			} else if cpus == 0 && mpc > conntrackCap/16 {
				j.add(RuleConntrackCap, "conntrack.maxPerCore",
					fmt.Sprintf("conntrack.maxPerCore is %d: kube-proxy 1.%d caps nf_conntrack_max at 1048576%s, so on nodes with %d or more CPUs the limit is lower than maxPerCore × CPUs.", mpc, j.t.Minor, j.t.assumedNote(), (conntrackCap+mpc-1)/mpc),
					"set net.netfilter.nf_conntrack_max on the nodes directly if more than 1048576 entries are needed")
			}
		}
	}
	if raw.Conntrack.Min != nil && int64(*raw.Conntrack.Min) > conntrackCap && j.t.Minor >= 36 {
		j.add(RuleConntrackCap, "conntrack.min",
			fmt.Sprintf("conntrack.min is %d, above kube-proxy 1.%d's cap of 1048576: it is only honoured while maxPerCore × CPUs stays below the cap%s.", *raw.Conntrack.Min, j.t.Minor, j.t.assumedNote()),
			"set conntrack.min to at most 1048576")
	}

	// Sub-second / huge timeouts.
	subSecond := func(path string, d metav1.Duration, what string) {
		if d.Duration > 0 && d.Duration < time.Second {
			j.add(RuleSubSecond, path,
				fmt.Sprintf("%s is %s: kube-proxy writes whole seconds, so it becomes 0 (%s).", path, d.Duration, what),
				"use a value of at least 1s, or remove the field to keep the default")
		}
	}
	if tcp := raw.Conntrack.TCPEstablishedTimeout; tcp != nil {
		subSecond("conntrack.tcpEstablishedTimeout", *tcp, "the sysctl is set to 0")
	}
	if tcp := raw.Conntrack.TCPCloseWaitTimeout; tcp != nil {
		subSecond("conntrack.tcpCloseWaitTimeout", *tcp, "the sysctl is set to 0")
	}
	if _, ok := j.t.Fields["conntrack.udpTimeout"]; ok {
		subSecond("conntrack.udpTimeout", raw.Conntrack.UDPTimeout, "the sysctl is set to 0")
		subSecond("conntrack.udpStreamTimeout", raw.Conntrack.UDPStreamTimeout, "the sysctl is set to 0")
	}
	if mode == "ipvs" {
		for _, x := range []struct {
			path string
			d    metav1.Duration
		}{{"ipvs.tcpTimeout", raw.IPVS.TCPTimeout}, {"ipvs.tcpFinTimeout", raw.IPVS.TCPFinTimeout}, {"ipvs.udpTimeout", raw.IPVS.UDPTimeout}} {
			subSecond(x.path, x.d, "the IPVS timeout is silently not applied")
			if x.d.Duration > 596*time.Hour {
				j.add(RuleHugeTimeout, x.path,
					fmt.Sprintf("%s is %s: the kernel rejects IPVS timeouts above about 24.8 days (INT_MAX/HZ) with EINVAL, and then none of tcpTimeout/tcpFinTimeout/udpTimeout is applied (kube-proxy only logs `Failed to configure IPVS timeouts`).", x.path, x.d.Duration),
					"use a timeout below 596h")
			}
		}
	}

	// Mode advice.
	switch mode {
	case "ipvs":
		if j.t.Minor >= 35 {
			msg := fmt.Sprintf("mode ipvs is deprecated since Kubernetes 1.35%s: kube-proxy logs an error and emits an IPVSDeprecation event at every start.", j.t.assumedNote())
			if j.t.Minor >= 37 {
				msg = fmt.Sprintf("mode ipvs is deprecated%s: kube-proxy 1.37 says it will be disabled by default in Kubernetes 1.40 and removed in 1.43.", j.t.assumedNote())
			}
			j.add(RuleIPVSDeprecated, "mode", msg, "plan the migration to mode: nftables (kernel ≥ 5.13); ipvs.* settings have nftables/conntrack equivalents")
		}
	case "":
		if j.t.Minor >= 37 {
			j.add(RuleDefaultMode, "mode",
				fmt.Sprintf("mode is blank: kube-proxy runs iptables, logs an error and emits a KubeProxyDefaultMode warning event, because the default switches to nftables in Kubernetes 1.40%s.", j.t.assumedNote()),
				"set mode: iptables (or nftables) explicitly")
		}
	case "nftables":
		j.add(RuleNFTablesKernel, "mode",
			"mode nftables: kube-proxy exits at start-up on nodes with a kernel older than 5.13 (`kube-proxy in nftables mode requires kernel 5.13 or later`), e.g. Alibaba Cloud Linux 2 (4.19) or CentOS 7.",
			"make sure every node runs kernel 5.13 or later (e.g. Alibaba Cloud Linux 3) before switching")
	}
	if _, set := raw.FeatureGates["KubeProxyIPVS"]; set && j.t.Minor >= 37 {
		j.add(RuleIPVSGate, "featureGates.KubeProxyIPVS",
			fmt.Sprintf("featureGates.KubeProxyIPVS is set to %v: the gate is deprecated (kube-proxy logs a warning); it defaults to true in 1.37, false from 1.40, and goes away in 1.43.", raw.FeatureGates["KubeProxyIPVS"]),
			"remove the gate unless it is needed; migrate ipvs clusters to nftables")
	}

	// Local traffic detection.
	if c.DetectLocalMode == "NodeCIDR" {
		j.add(RuleNodeCIDR, "detectLocalMode",
			"detectLocalMode is NodeCIDR: kube-proxy waits for the node's spec.podCIDR and exits after 5 minutes (`timeout waiting for PodCIDR allocation`) when the CNI does not allocate node pod CIDRs (e.g. Terway ENI modes); it also restarts whenever the node's podCIDRs change.",
			"use detectLocalMode: ClusterCIDR with clusterCIDR set to the pod CIDR(s), or BridgeInterface/InterfaceNamePrefix; keep NodeCIDR only where every node has spec.podCIDR")
	}

	// Per-node values in a shared ConfigMap.
	if raw.HostnameOverride != "" && strings.TrimSpace(raw.HostnameOverride) == "" {
		j.add(RuleBlankHostname, "hostnameOverride",
			fmt.Sprintf("hostnameOverride is %q (only white space): kube-proxy trims it and would exit at start-up (CrashLoopBackOff) with: empty hostname is invalid — unless the DaemonSet passes --hostname-override, which wins over the file.", raw.HostnameOverride),
			"remove hostnameOverride (kube-proxy then uses the node's hostname), or quote a real node name")
	}
	if strings.TrimSpace(raw.HostnameOverride) != "" {
		j.add(RulePerNodeValue, "hostnameOverride",
			fmt.Sprintf("hostnameOverride is %q in a ConfigMap every kube-proxy pod shares: without a --hostname-override flag every node would claim that Node name (kubeadm's DaemonSet passes --hostname-override=$(NODE_NAME), which masks this field).", raw.HostnameOverride),
			"remove hostnameOverride and pass --hostname-override=$(NODE_NAME) in the DaemonSet")
	}
	if ip := netutils.ParseIPSloppy(raw.BindAddress); ip != nil && !ip.IsUnspecified() {
		j.add(RulePerNodeValue, "bindAddress",
			fmt.Sprintf("bindAddress is %s in a ConfigMap every kube-proxy pod shares: bindAddress overrides each node's IP, so every node would use that one address.", raw.BindAddress),
			"use bindAddress: 0.0.0.0 (or \"::\") and let kube-proxy detect each node's IP")
	}
	if raw.ClientConnection.QPS < 0 {
		j.add(RuleNegativeQPS, "clientConnection.qps",
			fmt.Sprintf("clientConnection.qps is %v: kube-proxy does not reject it, and client-go then disables client-side rate limiting towards the API server.", raw.ClientConnection.QPS),
			"use a positive qps (default 5) or remove the field")
	}
}

// present reports whether a top-level section is set to a non-empty value.
func present(g map[string]any, key string) bool { return len(setKeys(g, key)) > 0 }

// isZero reports whether a decoded JSON value means "unset" (kubeadm writes
// whole sections of zeros).
func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == "" || x == "0s" || x == "0"
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !isZero(e) {
				return false
			}
		}
		return true
	}
	return false
}

func setKeys(g map[string]any, key string) []string {
	m, _ := g[key].(map[string]any)
	var out []string
	for k, v := range m {
		if !isZero(v) {
			out = append(out, k)
		}
	}
	sortStrings(out)
	return out
}

// isSet reports whether a dotted path is present with a non-null value.
func isSet(g map[string]any, path string) bool {
	var cur any = g
	for _, seg := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		cur, ok = m[seg]
		if !ok {
			return false
		}
	}
	return !isZero(cur)
}
