package parity

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/kubeproxy"
	kubeproxyconfig "k8s.io/kubernetes/pkg/proxy/apis/config"
)

// kpException is a category of configs that kube-proxy's start-up pipeline
// accepts cleanly but that netguard denies on purpose, because kube-proxy
// fails later at run time or silently misreads them. A CLEAN config that
// netguard denies is only excused when one of these predicates matches it.
type kpException struct {
	name string
	// fatal: the component fails at run time (rather than silently
	// misreading); a config that matches and is not denied is reported as a gap.
	fatal bool
	// ref cites the reference (shared/reference/kube-proxy.md) for the
	// runtime failure or the silent misreading.
	ref   string
	match func(text string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool
}

// kernelIPVSSchedulers are the IPVS scheduler modules of the Linux kernel
// (kube-proxy.md §6.1); "" means rr.
var kernelIPVSSchedulers = map[string]bool{"": true, "rr": true, "wrr": true, "lc": true, "wlc": true, "lblc": true, "lblcr": true, "dh": true, "sh": true, "sed": true, "nq": true, "fo": true, "ovf": true, "mh": true, "twos": true}

// kernelMaxTimeout is INT_MAX/HZ seconds at HZ=1000, the largest IPVS timeout
// the kernel accepts (kube-proxy.md §6.3).
const kernelMaxTimeout = 2147483 * time.Second

// wholeSeconds reports whether d is sent to the kernel unchanged
// (uint32(d.Seconds()) truncates sub-second parts).
func wholeSeconds(d time.Duration) bool { return d%time.Second == 0 }

var leadingZeroInt = regexp.MustCompile(`(?m):\s+[-+]?0[0-9_]+\s*$`)

var kpExceptions = []kpException{
	{
		name:  "ipvs-scheduler-not-a-kernel-scheduler",
		fatal: true,
		ref:   "kube-proxy.md §6.1-6.2, §11 #3, §13: since 1.27 the scheduler is not validated; an unknown name (or `none`, or a name with a `//` comment) makes the dummy-VS probe fail and kube-proxy exits with `can't use the IPVS proxier`",
		match: func(_ string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			return cfg.Mode == kubeproxyconfig.ProxyModeIPVS && !kernelIPVSSchedulers[cfg.IPVS.Scheduler]
		},
	},
	{
		name: "ipvs-timeout-not-applied",
		ref:  "kube-proxy.md §6.3, §11 #23: IPVS timeouts are sent as whole seconds (500ms becomes 0 = not applied, 1.5s becomes 1) and values above INT_MAX/HZ make the kernel reject all three",
		match: func(_ string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			if cfg.Mode != kubeproxyconfig.ProxyModeIPVS {
				return false
			}
			for _, d := range []time.Duration{cfg.IPVS.TCPTimeout.Duration, cfg.IPVS.TCPFinTimeout.Duration, cfg.IPVS.UDPTimeout.Duration} {
				if d > 0 && (!wholeSeconds(d) || d > kernelMaxTimeout) {
					return true
				}
			}
			return false
		},
	},
	{
		name: "conntrack-timeout-sub-second",
		ref:  "kube-proxy.md §9, §11 #24: conntrack timeouts are written to the sysctls in whole seconds; 500ms writes 0",
		match: func(_ string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			ct := cfg.Linux.Conntrack
			ds := []time.Duration{ct.UDPTimeout.Duration, ct.UDPStreamTimeout.Duration}
			if ct.TCPEstablishedTimeout != nil {
				ds = append(ds, ct.TCPEstablishedTimeout.Duration)
			}
			if ct.TCPCloseWaitTimeout != nil {
				ds = append(ds, ct.TCPCloseWaitTimeout.Duration)
			}
			for _, d := range ds {
				if d > 0 && !wholeSeconds(d) {
					return true
				}
			}
			return false
		},
	},
	{
		name: "second-yaml-document",
		ref:  "kube-proxy.md §3.1, §11 #13: only the first YAML document is decoded; the settings after `---` are silently ignored",
		match: func(text string, _ *kubeproxyconfig.KubeProxyConfiguration) bool {
			parts := regexp.MustCompile(`(?m)^---\s*$`).Split(strings.TrimPrefix(text, "\ufeff"), -1)
			n := 0
			for _, p := range parts {
				if strings.TrimSpace(stripHashComments(p)) != "" {
					n++
				}
			}
			return n > 1
		},
	},
	{
		name: "slash-comment-inside-a-value",
		ref:  "kube-proxy.md §3.1, §11 #1-#3: `//` is not a YAML comment; `value // text` is read as part of the string value. Not an excuse inside a section the mode never reads (ipvs.* outside ipvs mode, nftables.* outside nftables mode): netguard must not deny those (KP006, issue 10 §2)",
		match: func(text string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			section := ""
			for _, l := range strings.Split(text, "\n") {
				if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(l, " ") {
					section, _, _ = strings.Cut(t, ":")
				}
				if (section == "ipvs" || section == "nftables") && cfg != nil && string(cfg.Mode) != section {
					continue
				}
				if k, v, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(strings.TrimSpace(k), "#") && strings.Contains(v, " //") {
					return true
				}
			}
			return false
		},
	},
	{
		name:  "blank-hostname-override",
		fatal: true,
		ref:   "kube-proxy.md §4.1: hostnameOverride is trimmed at start-up; whitespace only fails with `empty hostname is invalid`",
		match: func(_ string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			return cfg.HostnameOverride != "" && strings.TrimSpace(cfg.HostnameOverride) == ""
		},
	},
	{
		name: "negative-client-qps",
		ref:  "kube-proxy.md §4.2, §11 #41: a negative clientConnection.qps is not validated and silently disables client-side rate limiting",
		match: func(_ string, cfg *kubeproxyconfig.KubeProxyConfiguration) bool {
			return cfg.ClientConnection.QPS < 0
		},
	},
	{
		name: "yaml-1.1-octal-integer",
		ref:  "kube-proxy.md §3.1, §11 #44: sigs.k8s.io/yaml follows YAML 1.1, so `010` is read as 8",
		match: func(text string, _ *kubeproxyconfig.KubeProxyConfiguration) bool {
			return leadingZeroInt.MatchString(text)
		},
	},
}

func stripHashComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func kpNetguardConfig() *rules.Config {
	cfg := rules.DefaultConfig()
	cfg.Cluster.KubernetesVersion = "1.37"
	return cfg
}

// kpObjectName picks the ConfigMap the config would live in.
func kpObjectName(caseName string) string {
	if strings.HasPrefix(caseName, "ack/") || strings.HasPrefix(caseName, "faq/") {
		return "kube-proxy-worker"
	}
	return "kube-proxy"
}

// TestKubeProxyParity runs every generated config.conf through kube-proxy
// v1.37.2's own start-up pipeline and through netguard, and asserts:
//   - REFUSED (kube-proxy exits) ⇒ netguard denies;
//   - CLEAN (kube-proxy starts, strict decoding OK) ⇒ netguard does not deny,
//     unless a documented kpException matches;
//   - LENIENT (kube-proxy starts but drops unknown/duplicate keys) ⇒ netguard
//     denies or warns.
func TestKubeProxyParity(t *testing.T) {
	cases := kpCorpus()
	if len(cases) < 200 {
		t.Fatalf("kube-proxy corpus has %d configs, want at least 200", len(cases))
	}
	cfg := kpNetguardConfig()
	checker := kubeproxy.New()
	r := newReport(t, "kube-proxy")
	r.counts["configs"] = len(cases)
	for _, c := range cases {
		kp := runKubeProxy([]byte(c.Text))
		ng := judge(cfg, checker, "kube-system", kpObjectName(c.Name), map[string]string{kubeproxy.ConfigKey: c.Text})
		r.count("kube-proxy " + kp.Class.String())
		if kp.Class == kpRefused {
			r.count("kube-proxy REFUSED at " + kp.Stage)
		}
		d := disagreement{Case: c.Name, Input: c.Text, Reference: kp.String(), Netguard: ng.String()}
		switch kp.Class {
		case kpRefused:
			if ng.denied() {
				r.count("agree: REFUSED and denied")
			} else {
				d.Want = "deny (kube-proxy refuses to start)"
				r.fail(d)
			}
		case kpClean:
			if !ng.denied() {
				r.count("agree: CLEAN and not denied")
				for _, e := range kpExceptions {
					if e.fatal && e.match(c.Text, kp.Config) {
						d.Want = "exception " + e.name + " matches (" + e.ref + ")"
						r.gap(d)
						break
					}
				}
				break
			}
			excused := false
			for _, e := range kpExceptions {
				if e.match(c.Text, kp.Config) {
					r.count("CLEAN but denied, documented exception: " + e.name)
					t.Logf("%s: CLEAN in kube-proxy, denied by netguard (exception %s: %s)", c.Name, e.name, e.ref)
					excused = true
					break
				}
			}
			if !excused {
				d.Want = "no deny (kube-proxy starts cleanly and no documented exception applies)"
				r.fail(d)
			}
		case kpLenient:
			switch {
			case ng.denied():
				r.count("agree: LENIENT and denied")
			case ng.warned():
				r.count("agree: LENIENT and warned")
			default:
				d.Want = "deny or warn (kube-proxy silently drops keys)"
				r.fail(d)
			}
		}
	}
	r.finish()
}

// TestKubeProxyClassifier proves the reproduced pipeline can tell the classes
// apart (so the parity test can fail) and that cases do not leak into each
// other through the global feature gate.
func TestKubeProxyClassifier(t *testing.T) {
	minimal := parseYdoc(kpBaseMinimal)
	ack := parseYdoc(kpBaseACK)
	tests := []struct {
		name  string
		text  string
		class kpClass
		stage string
		err   string
	}{
		{"minimal base starts", kpBaseMinimal, kpClean, "", ""},
		{"kubeadm base starts", kpBaseKubeadm, kpClean, "", ""},
		{"ACK FAQ maxPerCore sample crashes on the // comment", kpFAQMaxPerCore, kpRefused, "decode", "mapping values are not allowed in this context"},
		{"removed gate IPv6DualStack is fatal", ack.set("featureGates", "{IPv6DualStack: true}").render(), kpRefused, "featuregates", "unrecognized feature gate: IPv6DualStack"},
		{"KubeProxyIPVS=false makes mode ipvs invalid", ack.set("featureGates", "{KubeProxyIPVS: false}").render(), kpRefused, "validate", `Invalid value: "ipvs"`},
		{"the gate of the previous case did not leak", ack.render(), kpClean, "", ""},
		{"locked gate set false is fatal", minimal.set("featureGates", "{NFTablesProxyMode: false}").render(), kpRefused, "featuregates", "locked to true"},
		{"unknown field is lenient", minimal.set("ipvs.schedular", "lc").render(), kpLenient, "", ""},
		{"duplicate key is lenient", kpBaseMinimal + "mode: ipvs\n", kpLenient, "", ""},
		{"bad log format fails at logging", minimal.set("logging.format", "xml").render(), kpRefused, "logging", "Unsupported log format"},
		{"binary version is v1.37.2 for showHiddenMetricsForVersion", minimal.set("showHiddenMetricsForVersion", `"1.36"`).render(), kpClean, "", ""},
		{"showHiddenMetricsForVersion other than 1.36 fails", minimal.set("showHiddenMetricsForVersion", `"1.35"`).render(), kpRefused, "validate", "1.36"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := runKubeProxy([]byte(tt.text))
			if v.Class != tt.class || v.Stage != tt.stage {
				t.Fatalf("got %s, want %s at %q", v, tt.class, tt.stage)
			}
			if tt.err != "" && !strings.Contains(v.Err.Error(), tt.err) {
				t.Fatalf("error %q does not contain %q", v.Err, tt.err)
			}
		})
	}
}
