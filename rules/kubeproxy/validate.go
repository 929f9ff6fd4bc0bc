package kubeproxy

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/kube-proxy/config/v1alpha1"
	netutils "k8s.io/utils/net"
)

// fieldErr is one error of kube-proxy's Validate (or of the logging
// validation): Text is kube-proxy's own rendering, Path the JSON path.
type fieldErr struct {
	Text string
	Path string
}

func invalid(kpPath string, value any, detail, jsonPath string) fieldErr {
	return fieldErr{Text: fmt.Sprintf("%s: Invalid value: %s: %s", kpPath, render(value), detail), Path: jsonPath}
}

// render mirrors how field.Invalid prints values.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case metav1.Duration:
		return strconv.Quote(x.Duration.String())
	case *metav1.Duration:
		if x == nil {
			return "null"
		}
		return strconv.Quote(x.Duration.String())
	case *int32:
		if x == nil {
			return "null"
		}
		return strconv.Itoa(int(*x))
	case []string, map[string]bool:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// defaulted returns a copy of cfg with kube-proxy's defaulting
// (SetDefaults_KubeProxyConfiguration) and platformApplyDefaults (linux)
// applied.
func defaulted(in *v1alpha1.KubeProxyConfiguration) *v1alpha1.KubeProxyConfiguration {
	c := in.DeepCopy()
	if c.BindAddress == "" {
		c.BindAddress = "0.0.0.0"
	}
	healthzHost, metricsHost := "[::]", "[::1]"
	if ip := netutils.ParseIPSloppy(c.BindAddress); ip != nil && ip.To4() != nil {
		healthzHost, metricsHost = "0.0.0.0", "127.0.0.1"
	}
	if c.HealthzBindAddress == "" {
		c.HealthzBindAddress = healthzHost + ":10256"
	} else {
		c.HealthzBindAddress = appendPortIfNeeded(c.HealthzBindAddress, 10256)
	}
	if c.MetricsBindAddress == "" {
		c.MetricsBindAddress = metricsHost + ":10249"
	} else {
		c.MetricsBindAddress = appendPortIfNeeded(c.MetricsBindAddress, 10249)
	}
	def := func(d *metav1.Duration, v time.Duration) {
		if d.Duration == 0 {
			d.Duration = v
		}
	}
	def(&c.IPTables.SyncPeriod, 30*time.Second)
	def(&c.IPTables.MinSyncPeriod, time.Second)
	def(&c.IPVS.SyncPeriod, 30*time.Second)
	def(&c.NFTables.SyncPeriod, 30*time.Second)
	def(&c.NFTables.MinSyncPeriod, time.Second)
	def(&c.ConfigSyncPeriod, 15*time.Minute)
	if c.Conntrack.MaxPerCore == nil {
		v := int32(32 * 1024)
		c.Conntrack.MaxPerCore = &v
	}
	if c.Conntrack.Min == nil {
		v := int32(128 * 1024)
		c.Conntrack.Min = &v
	}
	if c.ClientConnection.QPS == 0 {
		c.ClientConnection.QPS = 5
	}
	if c.ClientConnection.Burst == 0 {
		c.ClientConnection.Burst = 10
	}
	if c.Logging.Format == "" {
		c.Logging.Format = "text"
	}
	if c.Logging.FlushFrequency.Duration.Duration == 0 {
		c.Logging.FlushFrequency.Duration.Duration = 5 * time.Second
	}
	// platformApplyDefaults (mode defaulting happens after conversion, so
	// the sync periods are chosen from the mode as written).
	if c.DetectLocalMode == "" {
		c.DetectLocalMode = "ClusterCIDR"
	}
	return c
}

func appendPortIfNeeded(addr string, port int) string {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return addr
	}
	if netutils.ParseIPSloppy(addr) == nil {
		return addr
	}
	return net.JoinHostPort(addr, strconv.Itoa(port))
}

// validateLogging mirrors logsapi.Validate (component-base) for kube-proxy,
// which registers the text and json formats.
func validateLogging(c *v1alpha1.KubeProxyConfiguration, gates *gateState) []fieldErr {
	var errs []fieldErr
	l := &c.Logging
	if l.FlushFrequency.Duration.Duration <= 0 {
		errs = append(errs, fieldErr{Text: fmt.Sprintf("logging.flushFrequency: Invalid value: %s: Must be greater than zero", render(l.FlushFrequency.Duration)), Path: "logging.flushFrequency"})
	}
	switch l.Format {
	case "text":
	case "json":
		if !gates.Enabled("LoggingBetaOptions") {
			errs = append(errs, fieldErr{Text: "logging.format: Forbidden: Log format json is disabled, see LoggingBetaOptions feature", Path: "logging.format"})
		}
	default:
		errs = append(errs, fieldErr{Text: fmt.Sprintf("logging.format: Invalid value: %q: Unsupported log format", l.Format), Path: "logging.format"})
	}
	if uint64(l.Verbosity) > math.MaxInt32 {
		errs = append(errs, fieldErr{Text: fmt.Sprintf("logging.verbosity: Invalid value: %d: Must be <= %d", l.Verbosity, math.MaxInt32), Path: "logging.verbosity"})
	}
	if len(l.VModule) > 0 && l.Format != "" && l.Format != "text" {
		errs = append(errs, fieldErr{Text: "logging.vmodule: Forbidden: Only supported for text log format", Path: "logging.vmodule"})
	}
	for i, item := range l.VModule {
		p := fmt.Sprintf("logging.vmodule[%d]", i)
		if item.FilePattern == "" {
			errs = append(errs, fieldErr{Text: p + ": Required value: File pattern must not be empty", Path: p})
		}
		if strings.ContainsAny(item.FilePattern, "=,") {
			errs = append(errs, fieldErr{Text: fmt.Sprintf("%s: Invalid value: %q: File pattern must not contain equal sign or comma", p, item.FilePattern), Path: p})
		}
		if uint64(item.Verbosity) > math.MaxInt32 {
			errs = append(errs, fieldErr{Text: fmt.Sprintf("%s: Invalid value: %d: Must be <= %d", p, item.Verbosity, math.MaxInt32), Path: p})
		}
	}
	alpha := gates.Enabled("LoggingAlphaOptions")
	for _, o := range []struct {
		name  string
		split bool
		size  int64
	}{{"text", l.Options.Text.SplitStream, l.Options.Text.InfoBufferSize.Value()}, {"json", l.Options.JSON.SplitStream, l.Options.JSON.InfoBufferSize.Value()}} {
		if o.split && !alpha {
			p := "logging.options." + o.name + ".splitStream"
			errs = append(errs, fieldErr{Text: p + ": Forbidden: Feature LoggingAlphaOptions is disabled", Path: p})
		}
		if o.size != 0 && !alpha {
			p := "logging.options." + o.name + ".infoBufferSize"
			errs = append(errs, fieldErr{Text: p + ": Forbidden: Feature LoggingAlphaOptions is disabled", Path: p})
		}
	}
	return errs
}

// validate mirrors pkg/proxy/apis/config/validation.Validate of the target
// minor on Linux. rawMode is the mode as written (conversion picks the sync
// periods from it before platformApplyDefaults).
func validate(v *versionTable, c *v1alpha1.KubeProxyConfiguration, gates *gateState) []fieldErr {
	const P = "KubeProxyConfiguration"
	var errs []fieldErr
	add := func(e ...fieldErr) { errs = append(errs, e...) }
	minor := v.Minor
	mode := string(c.Mode)

	masq := func(kp string, bit *int32, jp string) {
		if bit != nil && (*bit < 0 || *bit > 31) {
			add(invalid(kp, bit, "must be within the range [0, 31]", jp))
		}
	}
	syncs := func(kp string, sync, min metav1.Duration, section string) {
		if sync.Duration <= 0 {
			add(invalid(kp+".SyncPeriod", sync, "must be greater than 0", section+".syncPeriod"))
		}
		if min.Duration < 0 {
			add(invalid(kp+".MinSyncPeriod", min, "must be greater than or equal to 0", section+".minSyncPeriod"))
		}
		if min.Duration > sync.Duration {
			add(invalid(kp+".SyncPeriod", min, "must be greater than or equal to "+kp+".MinSyncPeriod", section+".minSyncPeriod"))
		}
	}
	nonNeg := func(kp string, d metav1.Duration, jp string) {
		if d.Duration < 0 {
			add(invalid(kp, d, "must be greater than or equal to 0", jp))
		}
	}

	// iptables: masqueradeBit always; before 1.31 the sync periods too.
	ipt := P + ".KubeProxyIPTablesConfiguration"
	masq(ipt+".MasqueradeBit", c.IPTables.MasqueradeBit, "iptables.masqueradeBit")
	if minor < 31 {
		syncs(ipt, c.IPTables.SyncPeriod, c.IPTables.MinSyncPeriod, "iptables")
	}
	switch mode {
	case "ipvs":
		ipvs := P + ".KubeProxyIPVSConfiguration"
		if minor < 31 {
			syncs(ipvs, c.IPVS.SyncPeriod, c.IPVS.MinSyncPeriod, "ipvs")
		}
		nonNeg(ipvs+".TCPTimeout", c.IPVS.TCPTimeout, "ipvs.tcpTimeout")
		nonNeg(ipvs+".TCPFinTimeout", c.IPVS.TCPFinTimeout, "ipvs.tcpFinTimeout")
		nonNeg(ipvs+".UDPTimeout", c.IPVS.UDPTimeout, "ipvs.udpTimeout")
		if v.Schedulers != nil && !contains(v.Schedulers, c.IPVS.Scheduler) {
			add(invalid(ipvs+".Scheduler.Scheduler", c.IPVS.Scheduler, fmt.Sprintf("must be in %v, blank means the default algorithm method (currently rr)", v.Schedulers), "ipvs.scheduler"))
		}
		for i, cidr := range c.IPVS.ExcludeCIDRs {
			if _, _, err := netutils.ParseCIDRSloppy(cidr); err != nil {
				add(invalid(fmt.Sprintf("%s.ExcludeCidrs[%d]", ipvs, i), cidr, "must be a valid CIDR", fmt.Sprintf("ipvs.excludeCIDRs[%d]", i)))
			}
		}
	case "nftables":
		if _, ok := v.Fields["nftables"]; ok {
			nft := P + ".KubeProxyNFTablesConfiguration"
			masq(nft+".MasqueradeBit", c.NFTables.MasqueradeBit, "nftables.masqueradeBit")
			if minor < 31 {
				syncs(nft, c.NFTables.SyncPeriod, c.NFTables.MinSyncPeriod, "nftables")
			}
		}
	}

	ct := P + ".KubeProxyConntrackConfiguration"
	if minor >= 31 {
		ct = P + ".KubeProxyLinuxConfiguration.KubeProxyConntrackConfiguration"
	}
	if c.Conntrack.MaxPerCore != nil && *c.Conntrack.MaxPerCore < 0 {
		add(invalid(ct+".MaxPerCore", c.Conntrack.MaxPerCore, "must be greater than or equal to 0", "conntrack.maxPerCore"))
	}
	if c.Conntrack.Min != nil && *c.Conntrack.Min < 0 {
		add(invalid(ct+".Min", c.Conntrack.Min, "must be greater than or equal to 0", "conntrack.min"))
	}
	if d := c.Conntrack.TCPEstablishedTimeout; d != nil && d.Duration < 0 {
		add(invalid(ct+".TCPEstablishedTimeout", d, "must be greater than or equal to 0", "conntrack.tcpEstablishedTimeout"))
	}
	if d := c.Conntrack.TCPCloseWaitTimeout; d != nil && d.Duration < 0 {
		add(invalid(ct+".TCPCloseWaitTimeout", d, "must be greater than or equal to 0", "conntrack.tcpCloseWaitTimeout"))
	}
	if _, ok := v.Fields["conntrack.udpTimeout"]; ok {
		nonNeg(ct+".UDPTimeout", c.Conntrack.UDPTimeout, "conntrack.udpTimeout")
		nonNeg(ct+".UDPStreamTimeout", c.Conntrack.UDPStreamTimeout, "conntrack.udpStreamTimeout")
	}
	if minor >= 31 && c.OOMScoreAdj != nil && (*c.OOMScoreAdj < -1000 || *c.OOMScoreAdj > 1000) {
		add(invalid(P+".KubeProxyLinuxConfiguration.OOMScoreAdj", *c.OOMScoreAdj, "must be within the range [-1000, 1000]", "oomScoreAdj"))
	}

	// mode
	if mode != "" {
		ok := false
		var valid []string
		for _, m := range v.Modes {
			if m.Gate == "" || gates.Enabled(m.Gate) {
				valid = append(valid, m.Name)
				if m.Name == mode {
					ok = true
				}
			}
		}
		if !ok {
			add(invalid(P+".Mode.ProxyMode", mode, fmt.Sprintf("must be %s or blank (blank means the best-available proxy [currently iptables])", strings.Join(valid, v.ModeSeparator)), "mode"))
		}
	}

	if c.ClientConnection.Burst < 0 {
		add(invalid(P+".ClientConnection.Burst", int64(c.ClientConnection.Burst), "must be greater than or equal to 0", "clientConnection.burst"))
	}
	if minor < 31 && c.OOMScoreAdj != nil && (*c.OOMScoreAdj < -1000 || *c.OOMScoreAdj > 1000) {
		add(invalid(P+".OOMScoreAdj", *c.OOMScoreAdj, "must be within the range [-1000, 1000]", "oomScoreAdj"))
	}
	if c.ConfigSyncPeriod.Duration <= 0 {
		add(invalid(P+".ConfigSyncPeriod", c.ConfigSyncPeriod, "must be greater than 0", "configSyncPeriod"))
	}
	if minor >= 31 {
		// Conversion takes the sync periods of the mode's section.
		switch mode {
		case "ipvs":
			syncs(P, c.IPVS.SyncPeriod, c.IPVS.MinSyncPeriod, "ipvs")
		case "nftables":
			syncs(P, c.NFTables.SyncPeriod, c.NFTables.MinSyncPeriod, "nftables")
		default:
			syncs(P, c.IPTables.SyncPeriod, c.IPTables.MinSyncPeriod, "iptables")
		}
	}

	if netutils.ParseIPSloppy(c.BindAddress) == nil {
		add(invalid(P+".BindAddress", c.BindAddress, "not a valid textual representation of an IP address", "bindAddress"))
	}
	if c.HealthzBindAddress != "" {
		add(validateHostPort(c.HealthzBindAddress, P+".HealthzBindAddress", "healthzBindAddress")...)
	}
	add(validateHostPort(c.MetricsBindAddress, P+".MetricsBindAddress", "metricsBindAddress")...)

	if minor < 31 {
		if c.ClusterCIDR != "" {
			cidrs := strings.Split(c.ClusterCIDR, ",")
			switch {
			case len(cidrs) > 2:
				add(invalid(P+".ClusterCIDR", c.ClusterCIDR, "only one CIDR allowed or a valid DualStack CIDR (e.g. 10.100.0.0/16,fde4:8dba:82e1::/48)", "clusterCIDR"))
			case len(cidrs) == 2:
				if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err != nil || !dual {
					add(invalid(P+".ClusterCIDR", c.ClusterCIDR, "must be a valid DualStack CIDR (e.g. 10.100.0.0/16,fde4:8dba:82e1::/48)", "clusterCIDR"))
				}
			default:
				if _, _, err := netutils.ParseCIDRSloppy(c.ClusterCIDR); err != nil {
					add(invalid(P+".ClusterCIDR", c.ClusterCIDR, "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)", "clusterCIDR"))
				}
			}
		}
		if _, err := utilnet.ParsePortRange(c.PortRange); err != nil {
			add(invalid(P+".PortRange", c.PortRange, "must be a valid port range (e.g. 300-2000)", "portRange"))
		}
	}

	add(validateNodePortAddresses(v, c.NodePortAddresses, mode, P+".NodePortAddresses")...)

	if s := c.ShowHiddenMetricsForVersion; s != "" {
		want := fmt.Sprintf("1.%d", minor-1)
		if s != want {
			add(invalid(P+".ShowHiddenMetricsForVersion", s, fmt.Sprintf("--show-hidden-metrics-for-version must be omitted or have the value '%s'. Only the previous minor version is allowed", want), "showHiddenMetricsForVersion"))
		}
	}

	lm := string(c.DetectLocalMode)
	switch lm {
	case "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", "":
	default:
		if minor >= 28 {
			add(fieldErr{Text: fmt.Sprintf("%s.DetectLocalMode: Unsupported value: %q: supported values: \"ClusterCIDR\", \"NodeCIDR\", \"BridgeInterface\", \"InterfaceNamePrefix\", \"\"", P, lm), Path: "detectLocalMode"})
		} else {
			add(fieldErr{Text: fmt.Sprintf("cannot determine detect-local-mode: unknown detect-local-mode: %s", lm), Path: "detectLocalMode"})
		}
	}
	dl := P
	if minor >= 31 {
		dl = P + ".DetectLocalConfiguration"
	}
	switch lm {
	case "BridgeInterface":
		if c.DetectLocal.BridgeInterface == "" {
			add(invalid(dl+".InterfaceName", "", "must not be empty", "detectLocal.bridgeInterface"))
		}
	case "InterfaceNamePrefix":
		if c.DetectLocal.InterfaceNamePrefix == "" {
			add(invalid(dl+".InterfacePrefix", "", "must not be empty", "detectLocal.interfaceNamePrefix"))
		}
	case "ClusterCIDR":
		if minor >= 31 && c.ClusterCIDR != "" {
			add(validateDualStackCIDRs(strings.Split(c.ClusterCIDR, ","), dl+".ClusterCIDRs")...)
		}
	}
	return errs
}

func validateHostPort(input, kp, jp string) []fieldErr {
	host, port, err := net.SplitHostPort(input)
	if err != nil {
		return []fieldErr{invalid(kp, input, "must be IP:port", jp)}
	}
	var errs []fieldErr
	if netutils.ParseIPSloppy(host) == nil {
		errs = append(errs, invalid(kp, host, "must be a valid IP", jp))
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		errs = append(errs, invalid(kp, port, "must be a valid port", jp))
	}
	return errs
}

func validateDualStackCIDRs(cidrs []string, kp string) []fieldErr {
	const pair = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
	var errs []fieldErr
	switch {
	case len(cidrs) > 2:
		errs = append(errs, invalid(kp, cidrs, pair, "clusterCIDR"))
	default:
		for i, s := range cidrs {
			if _, _, err := netutils.ParseCIDRSloppy(s); err != nil {
				errs = append(errs, invalid(fmt.Sprintf("%s[%d]", kp, i), s, "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)", "clusterCIDR"))
			}
		}
		if len(cidrs) == 2 {
			if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err == nil && !dual {
				errs = append(errs, invalid(kp, cidrs, pair, "clusterCIDR"))
			}
		}
	}
	return errs
}

func validateNodePortAddresses(v *versionTable, addrs []string, mode, kp string) []fieldErr {
	if v.Minor >= 31 && mode == "nftables" && len(addrs) == 0 {
		addrs = []string{"primary"} // platformApplyDefaults
	}
	var errs []fieldErr
	jp := func(i int) string { return fmt.Sprintf("nodePortAddresses[%d]", i) }
	switch {
	case len(v.NodePortKeywords) == 0:
		for i, a := range addrs {
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(fmt.Sprintf("%s[%d]", kp, i), a, "must be a valid CIDR", jp(i)))
			}
		}
	case !v.NodePortMixing:
		for i, a := range addrs {
			if contains(v.NodePortKeywords, a) {
				if i != 0 || len(addrs) != 1 {
					errs = append(errs, invalid(fmt.Sprintf("%s[%d]", kp, i), a, "can't use both 'primary' and CIDRs", jp(i)))
				}
				break
			}
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(fmt.Sprintf("%s[%d]", kp, i), a, "must be a valid CIDR", jp(i)))
			}
		}
	default:
		seen := map[string]bool{}
		kw := make([]string, 0, len(v.NodePortKeywords))
		for _, k := range []string{"primary", "localhost", "all"} {
			if contains(v.NodePortKeywords, k) {
				kw = append(kw, "'"+k+"'")
			}
		}
		for i, a := range addrs {
			if contains(v.NodePortKeywords, a) {
				if seen[a] && v.NodePortDupCheck {
					errs = append(errs, fieldErr{Text: fmt.Sprintf("%s[%d]: Duplicate value: %q", kp, i, a), Path: jp(i)})
				}
				seen[a] = true
				continue
			}
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(fmt.Sprintf("%s[%d]", kp, i), a, "must be a valid CIDR or one of the keywords "+strings.Join(kw, ", "), jp(i)))
			}
		}
	}
	return errs
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
