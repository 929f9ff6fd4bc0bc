package kubeproxy

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kube-proxy/config/v1alpha1"
	netutils "k8s.io/utils/net"
)

// fieldErr is one error of kube-proxy's Validate (or of the logging
// validation): Text is kube-proxy's own rendering (apimachinery's
// field.Error), Path the JSON path in config.conf.
type fieldErr struct {
	Text string
	Path string
}

// errAt pairs an upstream field.Error with the JSON path it concerns.
func errAt(e *field.Error, jsonPath *field.Path) fieldErr {
	return fieldErr{Text: e.Error(), Path: rules.PathString(jsonPath)}
}

// invalid is field.Invalid at kube-proxy's internal path kp, reported at
// jsonPath.
func invalid(kp *field.Path, value any, detail string, jsonPath *field.Path) fieldErr {
	return errAt(field.Invalid(kp, value, detail), jsonPath)
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
	// The logging paths are config.conf's own.
	add := func(e *field.Error) { errs = append(errs, fieldErr{Text: e.Error(), Path: e.Field}) }
	lp := field.NewPath("logging")
	l := &c.Logging
	if l.FlushFrequency.Duration.Duration <= 0 {
		add(field.Invalid(lp.Child("flushFrequency"), l.FlushFrequency.Duration, "Must be greater than zero"))
	}
	switch l.Format {
	case "text":
	case "json":
		if !gates.Enabled("LoggingBetaOptions") {
			add(field.Forbidden(lp.Child("format"), "Log format json is disabled, see LoggingBetaOptions feature"))
		}
	default:
		add(field.Invalid(lp.Child("format"), l.Format, "Unsupported log format"))
	}
	if uint64(l.Verbosity) > math.MaxInt32 {
		add(field.Invalid(lp.Child("verbosity"), l.Verbosity, fmt.Sprintf("Must be <= %d", math.MaxInt32)))
	}
	if len(l.VModule) > 0 && l.Format != "" && l.Format != "text" {
		add(field.Forbidden(lp.Child("vmodule"), "Only supported for text log format"))
	}
	for i, item := range l.VModule {
		p := lp.Child("vmodule").Index(i)
		if item.FilePattern == "" {
			add(field.Required(p, "File pattern must not be empty"))
		}
		if strings.ContainsAny(item.FilePattern, "=,") {
			add(field.Invalid(p, item.FilePattern, "File pattern must not contain equal sign or comma"))
		}
		if uint64(item.Verbosity) > math.MaxInt32 {
			add(field.Invalid(p, item.Verbosity, fmt.Sprintf("Must be <= %d", math.MaxInt32)))
		}
	}
	alpha := gates.Enabled("LoggingAlphaOptions")
	for _, o := range []struct {
		name  string
		split bool
		size  int64
	}{{"text", l.Options.Text.SplitStream, l.Options.Text.InfoBufferSize.Value()}, {"json", l.Options.JSON.SplitStream, l.Options.JSON.InfoBufferSize.Value()}} {
		op := lp.Child("options", o.name)
		if o.split && !alpha {
			add(field.Forbidden(op.Child("splitStream"), "Feature LoggingAlphaOptions is disabled"))
		}
		if o.size != 0 && !alpha {
			add(field.Forbidden(op.Child("infoBufferSize"), "Feature LoggingAlphaOptions is disabled"))
		}
	}
	return errs
}

// validate mirrors pkg/proxy/apis/config/validation.Validate of the target
// minor on Linux. rawMode is the mode as written (conversion picks the sync
// periods from it before platformApplyDefaults).
func validate(v *versionTable, c *v1alpha1.KubeProxyConfiguration, gates *gateState) []fieldErr {
	P := field.NewPath("KubeProxyConfiguration")
	var errs []fieldErr
	add := func(e ...fieldErr) { errs = append(errs, e...) }
	minor := v.Minor
	mode := string(c.Mode)

	masq := func(kp *field.Path, bit *int32, jp *field.Path) {
		if bit != nil && (*bit < 0 || *bit > 31) {
			add(invalid(kp, bit, "must be within the range [0, 31]", jp))
		}
	}
	syncs := func(kp *field.Path, sync, min metav1.Duration, jp *field.Path) {
		if sync.Duration <= 0 {
			add(invalid(kp.Child("SyncPeriod"), sync, "must be greater than 0", jp.Child("syncPeriod")))
		}
		if min.Duration < 0 {
			add(invalid(kp.Child("MinSyncPeriod"), min, "must be greater than or equal to 0", jp.Child("minSyncPeriod")))
		}
		if min.Duration > sync.Duration {
			add(invalid(kp.Child("SyncPeriod"), min, "must be greater than or equal to "+kp.Child("MinSyncPeriod").String(), jp.Child("minSyncPeriod")))
		}
	}
	nonNeg := func(kp *field.Path, d metav1.Duration, jp *field.Path) {
		if d.Duration < 0 {
			add(invalid(kp, d, "must be greater than or equal to 0", jp))
		}
	}

	// iptables: masqueradeBit always; before 1.31 the sync periods too.
	ipt := P.Child("KubeProxyIPTablesConfiguration")
	masq(ipt.Child("MasqueradeBit"), c.IPTables.MasqueradeBit, field.NewPath("iptables", "masqueradeBit"))
	if minor < 31 {
		syncs(ipt, c.IPTables.SyncPeriod, c.IPTables.MinSyncPeriod, field.NewPath("iptables"))
	}
	switch mode {
	case "ipvs":
		ipvs := P.Child("KubeProxyIPVSConfiguration")
		if minor < 31 {
			syncs(ipvs, c.IPVS.SyncPeriod, c.IPVS.MinSyncPeriod, field.NewPath("ipvs"))
		}
		nonNeg(ipvs.Child("TCPTimeout"), c.IPVS.TCPTimeout, field.NewPath("ipvs", "tcpTimeout"))
		nonNeg(ipvs.Child("TCPFinTimeout"), c.IPVS.TCPFinTimeout, field.NewPath("ipvs", "tcpFinTimeout"))
		nonNeg(ipvs.Child("UDPTimeout"), c.IPVS.UDPTimeout, field.NewPath("ipvs", "udpTimeout"))
		if v.Schedulers != nil && !contains(v.Schedulers, c.IPVS.Scheduler) {
			add(invalid(ipvs.Child("Scheduler", "Scheduler"), c.IPVS.Scheduler, fmt.Sprintf("must be in %v, blank means the default algorithm method (currently rr)", v.Schedulers), field.NewPath("ipvs", "scheduler")))
		}
		for i, cidr := range c.IPVS.ExcludeCIDRs {
			if _, _, err := netutils.ParseCIDRSloppy(cidr); err != nil {
				add(invalid(ipvs.Child("ExcludeCidrs").Index(i), cidr, "must be a valid CIDR", field.NewPath("ipvs", "excludeCIDRs").Index(i)))
			}
		}
	case "nftables":
		if _, ok := v.Fields["nftables"]; ok {
			nft := P.Child("KubeProxyNFTablesConfiguration")
			masq(nft.Child("MasqueradeBit"), c.NFTables.MasqueradeBit, field.NewPath("nftables", "masqueradeBit"))
			if minor < 31 {
				syncs(nft, c.NFTables.SyncPeriod, c.NFTables.MinSyncPeriod, field.NewPath("nftables"))
			}
		}
	}

	ct := P.Child("KubeProxyConntrackConfiguration")
	if minor >= 31 {
		ct = P.Child("KubeProxyLinuxConfiguration", "KubeProxyConntrackConfiguration")
	}
	if c.Conntrack.MaxPerCore != nil && *c.Conntrack.MaxPerCore < 0 {
		add(invalid(ct.Child("MaxPerCore"), c.Conntrack.MaxPerCore, "must be greater than or equal to 0", field.NewPath("conntrack", "maxPerCore")))
	}
	if c.Conntrack.Min != nil && *c.Conntrack.Min < 0 {
		add(invalid(ct.Child("Min"), c.Conntrack.Min, "must be greater than or equal to 0", field.NewPath("conntrack", "min")))
	}
	if d := c.Conntrack.TCPEstablishedTimeout; d != nil && d.Duration < 0 {
		add(invalid(ct.Child("TCPEstablishedTimeout"), d, "must be greater than or equal to 0", field.NewPath("conntrack", "tcpEstablishedTimeout")))
	}
	if d := c.Conntrack.TCPCloseWaitTimeout; d != nil && d.Duration < 0 {
		add(invalid(ct.Child("TCPCloseWaitTimeout"), d, "must be greater than or equal to 0", field.NewPath("conntrack", "tcpCloseWaitTimeout")))
	}
	if _, ok := v.Fields["conntrack.udpTimeout"]; ok {
		nonNeg(ct.Child("UDPTimeout"), c.Conntrack.UDPTimeout, field.NewPath("conntrack", "udpTimeout"))
		nonNeg(ct.Child("UDPStreamTimeout"), c.Conntrack.UDPStreamTimeout, field.NewPath("conntrack", "udpStreamTimeout"))
	}
	if minor >= 31 && c.OOMScoreAdj != nil && (*c.OOMScoreAdj < -1000 || *c.OOMScoreAdj > 1000) {
		add(invalid(P.Child("KubeProxyLinuxConfiguration", "OOMScoreAdj"), *c.OOMScoreAdj, "must be within the range [-1000, 1000]", field.NewPath("oomScoreAdj")))
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
			add(invalid(P.Child("Mode", "ProxyMode"), mode, fmt.Sprintf("must be %s or blank (blank means the best-available proxy [currently iptables])", strings.Join(valid, v.ModeSeparator)), field.NewPath("mode")))
		}
	}

	if c.ClientConnection.Burst < 0 {
		add(invalid(P.Child("ClientConnection", "Burst"), int64(c.ClientConnection.Burst), "must be greater than or equal to 0", field.NewPath("clientConnection", "burst")))
	}
	if minor < 31 && c.OOMScoreAdj != nil && (*c.OOMScoreAdj < -1000 || *c.OOMScoreAdj > 1000) {
		add(invalid(P.Child("OOMScoreAdj"), *c.OOMScoreAdj, "must be within the range [-1000, 1000]", field.NewPath("oomScoreAdj")))
	}
	if c.ConfigSyncPeriod.Duration <= 0 {
		add(invalid(P.Child("ConfigSyncPeriod"), c.ConfigSyncPeriod, "must be greater than 0", field.NewPath("configSyncPeriod")))
	}
	if minor >= 31 {
		// Conversion takes the sync periods of the mode's section.
		switch mode {
		case "ipvs":
			syncs(P, c.IPVS.SyncPeriod, c.IPVS.MinSyncPeriod, field.NewPath("ipvs"))
		case "nftables":
			syncs(P, c.NFTables.SyncPeriod, c.NFTables.MinSyncPeriod, field.NewPath("nftables"))
		default:
			syncs(P, c.IPTables.SyncPeriod, c.IPTables.MinSyncPeriod, field.NewPath("iptables"))
		}
	}

	if netutils.ParseIPSloppy(c.BindAddress) == nil {
		add(invalid(P.Child("BindAddress"), c.BindAddress, "not a valid textual representation of an IP address", field.NewPath("bindAddress")))
	}
	if c.HealthzBindAddress != "" {
		add(validateHostPort(c.HealthzBindAddress, P.Child("HealthzBindAddress"), field.NewPath("healthzBindAddress"))...)
	}
	add(validateHostPort(c.MetricsBindAddress, P.Child("MetricsBindAddress"), field.NewPath("metricsBindAddress"))...)

	if minor < 31 {
		if c.ClusterCIDR != "" {
			cidrs := strings.Split(c.ClusterCIDR, ",")
			switch {
			case len(cidrs) > 2:
				add(invalid(P.Child("ClusterCIDR"), c.ClusterCIDR, "only one CIDR allowed or a valid DualStack CIDR (e.g. 10.100.0.0/16,fde4:8dba:82e1::/48)", field.NewPath("clusterCIDR")))
			case len(cidrs) == 2:
				if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err != nil || !dual {
					add(invalid(P.Child("ClusterCIDR"), c.ClusterCIDR, "must be a valid DualStack CIDR (e.g. 10.100.0.0/16,fde4:8dba:82e1::/48)", field.NewPath("clusterCIDR")))
				}
			default:
				if _, _, err := netutils.ParseCIDRSloppy(c.ClusterCIDR); err != nil {
					add(invalid(P.Child("ClusterCIDR"), c.ClusterCIDR, "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)", field.NewPath("clusterCIDR")))
				}
			}
		}
		if _, err := utilnet.ParsePortRange(c.PortRange); err != nil {
			add(invalid(P.Child("PortRange"), c.PortRange, "must be a valid port range (e.g. 300-2000)", field.NewPath("portRange")))
		}
	}

	add(validateNodePortAddresses(v, c.NodePortAddresses, mode, P.Child("NodePortAddresses"))...)

	if s := c.ShowHiddenMetricsForVersion; s != "" {
		want := fmt.Sprintf("1.%d", minor-1)
		if s != want {
			add(invalid(P.Child("ShowHiddenMetricsForVersion"), s, fmt.Sprintf("--show-hidden-metrics-for-version must be omitted or have the value '%s'. Only the previous minor version is allowed", want), field.NewPath("showHiddenMetricsForVersion")))
		}
	}

	lm := string(c.DetectLocalMode)
	switch lm {
	case "ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", "":
	default:
		if minor >= 28 {
			add(errAt(field.NotSupported(P.Child("DetectLocalMode"), lm, []string{"ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix", ""}), field.NewPath("detectLocalMode")))
		} else {
			add(fieldErr{Text: fmt.Sprintf("cannot determine detect-local-mode: unknown detect-local-mode: %s", lm), Path: rules.PathString(field.NewPath("detectLocalMode"))})
		}
	}
	dl := P
	if minor >= 31 {
		dl = P.Child("DetectLocalConfiguration")
	}
	switch lm {
	case "BridgeInterface":
		if c.DetectLocal.BridgeInterface == "" {
			add(invalid(dl.Child("InterfaceName"), "", "must not be empty", field.NewPath("detectLocal", "bridgeInterface")))
		}
	case "InterfaceNamePrefix":
		if c.DetectLocal.InterfaceNamePrefix == "" {
			add(invalid(dl.Child("InterfacePrefix"), "", "must not be empty", field.NewPath("detectLocal", "interfaceNamePrefix")))
		}
	case "ClusterCIDR":
		if minor >= 31 && c.ClusterCIDR != "" {
			add(validateDualStackCIDRs(strings.Split(c.ClusterCIDR, ","), dl.Child("ClusterCIDRs"))...)
		}
	}
	return errs
}

func validateHostPort(input string, kp, jp *field.Path) []fieldErr {
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

func validateDualStackCIDRs(cidrs []string, kp *field.Path) []fieldErr {
	const pair = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
	var errs []fieldErr
	switch {
	case len(cidrs) > 2:
		errs = append(errs, invalid(kp, cidrs, pair, field.NewPath("clusterCIDR")))
	default:
		for i, s := range cidrs {
			if _, _, err := netutils.ParseCIDRSloppy(s); err != nil {
				errs = append(errs, invalid(kp.Index(i), s, "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)", field.NewPath("clusterCIDR")))
			}
		}
		if len(cidrs) == 2 {
			if dual, err := netutils.IsDualStackCIDRStrings(cidrs); err == nil && !dual {
				errs = append(errs, invalid(kp, cidrs, pair, field.NewPath("clusterCIDR")))
			}
		}
	}
	return errs
}

func validateNodePortAddresses(v *versionTable, addrs []string, mode string, kp *field.Path) []fieldErr {
	if v.Minor >= 31 && mode == "nftables" && len(addrs) == 0 {
		addrs = []string{"primary"} // platformApplyDefaults
	}
	var errs []fieldErr
	jp := func(i int) *field.Path { return field.NewPath("nodePortAddresses").Index(i) }
	switch {
	case len(v.NodePortKeywords) == 0:
		for i, a := range addrs {
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(kp.Index(i), a, "must be a valid CIDR", jp(i)))
			}
		}
	case !v.NodePortMixing:
		for i, a := range addrs {
			if contains(v.NodePortKeywords, a) {
				if i != 0 || len(addrs) != 1 {
					errs = append(errs, invalid(kp.Index(i), a, "can't use both 'primary' and CIDRs", jp(i)))
				}
				break
			}
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(kp.Index(i), a, "must be a valid CIDR", jp(i)))
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
					errs = append(errs, errAt(field.Duplicate(kp.Index(i), a), jp(i)))
				}
				seen[a] = true
				continue
			}
			if _, _, err := netutils.ParseCIDRSloppy(a); err != nil {
				errs = append(errs, invalid(kp.Index(i), a, "must be a valid CIDR or one of the keywords "+strings.Join(kw, ", "), jp(i)))
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
