package kubeproxy

import "github.com/netguard/netguard/rules"

// Rule IDs of the kube-proxy checker. They are stable forever.
const (
	// Start-up failures (kube-proxy exits; the pod goes into CrashLoopBackOff).
	RuleMissingKey   = "KP001" // config.conf key missing
	RuleYAMLSyntax   = "KP002" // failed to decode: YAML syntax
	RuleTypeError    = "KP003" // failed to decode: JSON type error / bad duration
	RuleTypeMeta     = "KP004" // failed to decode: apiVersion / kind
	RuleSlashComment = "KP005" // `//` used as a comment (decodes into the value)
	RuleSlashIgnored = "KP006" // `//` inside a setting the configured mode ignores
	RuleFeatureGate  = "KP020" // failed complete: feature gates
	RuleLogging      = "KP021" // initialize logging
	RuleValidation   = "KP022" // failed validate

	// Strict-only problems kube-proxy silently ignores.
	RuleUnknownField  = "KP010" // unknown field (typo, wrong case, newer than the target)
	RuleRemovedField  = "KP011" // field kube-proxy once had / no longer uses
	RuleDuplicateKey  = "KP012" // duplicate key with a different value: last wins
	RuleDuplicateSame = "KP015" // duplicate key with the same value
	RuleExtraDoc      = "KP013" // second YAML document ignored
	RuleOctal         = "KP014" // YAML 1.1 octal number

	// Runtime checks kube-proxy's validation misses.
	RuleIPVSScheduler   = "KP030" // scheduler not in the kernel set
	RuleIgnoredSection  = "KP031" // section ignored in the configured mode
	RuleMaxPerCoreLow   = "KP032" // maxPerCore below 65536
	RuleMaxPerCoreZero  = "KP033" // maxPerCore 0 leaves the kernel alone
	RuleConntrackCap    = "KP034" // maxPerCore × CPUs above the 1.36+ cap
	RuleSubSecond       = "KP035" // sub-second conntrack/IPVS timeouts
	RuleIPVSDeprecated  = "KP036" // IPVS deprecated (1.35+)
	RuleDefaultMode     = "KP037" // blank mode on 1.37
	RuleNFTablesKernel  = "KP038" // nftables needs kernel 5.13
	RuleNodeCIDR        = "KP039" // detectLocalMode NodeCIDR
	RulePerNodeValue    = "KP040" // hostnameOverride / bindAddress in a shared ConfigMap
	RuleNegativeQPS     = "KP041" // negative qps disables rate limiting
	RuleIPVSGate        = "KP042" // KubeProxyIPVS gate notes (1.37)
	RuleHugeTimeout     = "KP043" // IPVS timeout above the kernel limit
	RuleRestartRequired = "KP090" // delete the pods for the change to apply
)

// Category groups the rules by what kube-proxy itself does with the config.
type Category string

const (
	// CategoryStartup: kube-proxy's own pipeline (decode, feature gates,
	// logging, Validate) refuses the config and exits.
	CategoryStartup Category = "startup"
	// CategoryStrict: kube-proxy starts, silently ignoring part of the
	// config (strict decoding errors, extra documents); netguard denies
	// most of them because the operator's intent is lost.
	CategoryStrict Category = "strict"
	// CategoryRuntime: passes kube-proxy's validation but fails or
	// misbehaves later (IPVS probe, sysctls, kernel).
	CategoryRuntime Category = "runtime"
	// CategoryAdvice: info/warn advice.
	CategoryAdvice Category = "advice"
)

// Categories maps every kube-proxy rule ID to its category. A parity test
// against kube-proxy's own code compares the CategoryStartup denials.
var Categories = map[string]Category{
	RuleMissingKey: CategoryStartup, RuleYAMLSyntax: CategoryStartup, RuleTypeError: CategoryStartup,
	RuleTypeMeta: CategoryStartup, RuleFeatureGate: CategoryStartup, RuleLogging: CategoryStartup,
	RuleValidation:   CategoryStartup,
	RuleUnknownField: CategoryStrict, RuleRemovedField: CategoryStrict, RuleDuplicateKey: CategoryStrict,
	RuleDuplicateSame: CategoryStrict,
	RuleExtraDoc:      CategoryStrict, RuleOctal: CategoryStrict,
	RuleSlashComment: CategoryRuntime, RuleSlashIgnored: CategoryAdvice, RuleIPVSScheduler: CategoryRuntime, RuleSubSecond: CategoryRuntime,
	RuleHugeTimeout: CategoryRuntime, RuleNodeCIDR: CategoryRuntime,
	RuleIgnoredSection: CategoryAdvice, RuleMaxPerCoreLow: CategoryAdvice, RuleMaxPerCoreZero: CategoryAdvice,
	RuleConntrackCap: CategoryAdvice, RuleIPVSDeprecated: CategoryAdvice, RuleDefaultMode: CategoryAdvice,
	RuleNFTablesKernel: CategoryAdvice, RulePerNodeValue: CategoryAdvice, RuleNegativeQPS: CategoryAdvice,
	RuleIPVSGate: CategoryAdvice, RuleRestartRequired: CategoryAdvice,
}

const goodConf = "data:\n  config.conf: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: ipvs\n    ipvs:\n      scheduler: lc  # comments start with #\n"

func reg(id, title string, sev rules.Severity, rationale, good, bad string) {
	rules.Register(rules.Rule{ID: id, Title: title, Severity: sev, Component: Component, Rationale: rationale, Good: good, Bad: bad})
}

func init() {
	reg(RuleMissingKey, "config.conf key missing", rules.Deny,
		"kube-proxy runs with --config=/var/lib/kube-proxy/config.conf from the mounted ConfigMap; without the key it exits with `failed complete: open /var/lib/kube-proxy/config.conf: no such file or directory`.",
		goodConf, "data:\n  config.yaml: |\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    ...")
	reg(RuleYAMLSyntax, "config.conf is not valid YAML", rules.Deny,
		"kube-proxy converts config.conf with sigs.k8s.io/yaml (YAML 1.1); a syntax error is fatal: `failed complete: failed to decode: yaml: line N: ...`. Typical causes: `//` comments containing `: `, tabs, `key:value` without a space, full-width colons, unquoted `::`.",
		"conntrack:\n  maxPerCore: 65536  # Default value: 65536.", "conntrack:\n  maxPerCore: 65536 // Default value: 65536.")
	reg(RuleTypeError, "config.conf value has the wrong type", rules.Deny,
		"kube-proxy decodes the JSON form case-sensitively into KubeProxyConfiguration; a value of the wrong type or an unparsable duration is fatal: `failed to decode: json: cannot unmarshal ...` / `time: unknown unit ...`.",
		"ipvs:\n  udpTimeout: 10s", "ipvs:\n  udpTimeout: 10s // The default timeout period is 300 seconds.")
	reg(RuleTypeMeta, "apiVersion/kind are not kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration", rules.Deny,
		"kube-proxy only decodes kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration (v1alpha2 was never released); anything else is fatal at start-up.",
		"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration", "apiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration")
	reg(RuleSlashComment, "`//` is not a YAML comment", rules.Deny,
		"YAML comments start with `#`. Text after `//` becomes part of the value: `scheduler: lc // ...` makes the scheduler the whole string, which the kernel rejects at start-up (`can't use the IPVS proxier`).",
		"ipvs:\n  scheduler: lc  # Set scheduler to a proper scheduling algorithm.", "ipvs:\n  scheduler: lc // Set scheduler to a proper scheduling algorithm.")
	reg(RuleSlashIgnored, "`//` inside a setting the proxy mode ignores", rules.Warn,
		"The text after `//` still ends up in the value, but kube-proxy never reads that value in the configured mode (ipvs.* outside ipvs mode, nftables.* outside nftables mode; a blank mode is iptables through 1.37), so the running proxy is unaffected. It becomes KP005 (deny) as soon as the mode switches.",
		"mode: iptables\nipvs:\n  scheduler: lc  # only read in ipvs mode", "mode: iptables\nipvs:\n  scheduler: lc // only read in ipvs mode")
	reg(RuleFeatureGate, "feature gate kube-proxy refuses", rules.Deny,
		"kube-proxy applies featureGates to its global gate registry before anything else; an unknown gate (removed after GA, e.g. IPv6DualStack since 1.25), a locked gate set to its non-default value, or unmet gate dependencies make it exit: `failed complete: unrecognized feature gate: X`.",
		"featureGates: {}", "featureGates:\n  IPv6DualStack: true")
	reg(RuleLogging, "logging configuration kube-proxy refuses", rules.Deny,
		"kube-proxy validates `logging` (component-base) before validating the rest and exits on an error: `initialize logging: logging.format: Invalid value: \"JSON\": Unsupported log format`.",
		"logging:\n  format: json", "logging:\n  format: JSON")
	reg(RuleValidation, "kube-proxy validation error", rules.Deny,
		"kube-proxy's own Validate (for the target Kubernetes version) rejects the configuration and kube-proxy exits at start-up: `failed validate: ...`. The messages are kube-proxy's own so they match the pod's log.",
		"mode: ipvs", "mode: IPVS")
	reg(RuleUnknownField, "field unknown to kube-proxy", rules.Deny,
		"kube-proxy decodes strictly first and, when only unknown fields fail, decodes again leniently and starts with one Info log line: the setting is silently ignored (`Mode: ipvs` silently runs iptables; a `linux:` block drops conntrack). Fields newer than the running kube-proxy are ignored the same way.",
		"mode: ipvs\nipvs:\n  scheduler: lc", "Mode: ipvs\nipvs:\n  schedular: lc")
	reg(RuleRemovedField, "field kube-proxy no longer uses", rules.Warn,
		"Fields that kube-proxy once had and has since removed (udpIdleTimeout, resourceContainer, conntrack.max) or no longer uses (portRange since 1.31) are ignored; they are leftovers, not typos, and can be deleted.",
		"conntrack:\n  maxPerCore: 32768", "udpIdleTimeout: 250ms")
	reg(RuleDuplicateKey, "duplicate key in config.conf with a different value", rules.Warn,
		"kube-proxy's strict decode fails on a repeated key and its lenient fallback keeps the last value (a repeated section replaces the whole earlier block), with one Info log line, and starts. The earlier copy a reader sees is not what runs, but the last one is usually the intended edit (appended overrides; upstream manifests have shipped such duplicates), so netguard warns and names the value that wins instead of denying. (One policy for every component: see the duplicate-key note at the top.)",
		"mode: ipvs", "mode: ipvs\nmode: iptables")
	reg(RuleDuplicateSame, "duplicate key in config.conf with the same value", rules.Warn,
		"kube-proxy keeps the last of repeated keys; identical copies change nothing today, but the next edit of only the earlier copy silently has no effect.",
		"mode: ipvs", "mode: ipvs\nmode: ipvs")
	reg(RuleExtraDoc, "second YAML document in config.conf", rules.Deny,
		"kube-proxy reads only the first YAML document of config.conf; settings after a `---` line are silently ignored, without even a log line.",
		"mode: ipvs", "mode: iptables\n---\nmode: ipvs")
	reg(RuleOctal, "number with a leading zero is octal", rules.Warn,
		"config.conf is YAML 1.1: a plain number with a leading zero is octal (`010` is 8).",
		"maxPerCore: 10", "maxPerCore: 010")
	reg(RuleIPVSScheduler, "IPVS scheduler the kernel does not have", rules.Deny,
		"kube-proxy ≥1.27 does not validate ipvs.scheduler; at start-up it creates a dummy virtual server with it and exits with `can't use the IPVS proxier: no such file or directory` when the kernel has no ip_vs_<name> module (names longer than 15 bytes are rejected by netlink). `none` is accepted by the kernel but schedules nothing.",
		"ipvs:\n  scheduler: wrr", "ipvs:\n  scheduler: leastconn")
	reg(RuleIgnoredSection, "setting ignored in the configured proxy mode", rules.Warn,
		"kube-proxy uses only the section of its mode: `ipvs.*` is ignored unless mode is ipvs, `nftables.*` unless mode is nftables, and iptables.syncPeriod/minSyncPeriod only in iptables mode (1.31+).",
		"mode: ipvs\nipvs:\n  strictARP: true", "mode: iptables\nipvs:\n  strictARP: true")
	reg(RuleMaxPerCoreLow, "conntrack.maxPerCore below 65536", rules.Warn,
		"nf_conntrack_max is maxPerCore × CPUs (at least conntrack.min). ACK recommends maxPerCore ≥ 65536 when the conntrack table fills up (`nf_conntrack: table full, dropping packet`).",
		"conntrack:\n  maxPerCore: 65536", "conntrack:\n  maxPerCore: 16384")
	reg(RuleMaxPerCoreZero, "conntrack.maxPerCore 0 leaves the kernel limit alone", rules.Info,
		"With maxPerCore: 0 kube-proxy neither sets nf_conntrack_max nor the hash size, and conntrack.min is ignored; the kernel/sysctl value stays. That is the workaround where /sys is read-only, but it is easy to misread as 'unlimited'.",
		"conntrack:\n  maxPerCore: 65536", "conntrack:\n  maxPerCore: 0")
	reg(RuleConntrackCap, "conntrack limit above kube-proxy's cap", rules.Warn,
		"Since 1.36 kube-proxy caps nf_conntrack_max at 1,048,576 regardless of maxPerCore × CPUs (conntrack.min is ignored then); a larger intended limit is silently not applied.",
		"conntrack:\n  maxPerCore: 65536   # on 16 CPUs", "conntrack:\n  maxPerCore: 131072  # on 32 CPUs")
	reg(RuleSubSecond, "sub-second conntrack or IPVS timeout", rules.Deny,
		"Conntrack timeouts are written to sysctls and IPVS timeouts to the kernel in whole seconds: 0 < value < 1s becomes 0 (a conntrack sysctl of 0; an IPVS timeout silently not applied).",
		"conntrack:\n  udpTimeout: 30s", "ipvs:\n  udpTimeout: 500ms")
	reg(RuleIPVSDeprecated, "IPVS mode is deprecated", rules.Warn,
		"From 1.35 kube-proxy logs an error and emits an IPVSDeprecation event in ipvs mode; in 1.37 the KubeProxyIPVS gate exists and the plan is to disable ipvs by default in 1.40 and remove it in 1.43. nftables is the replacement.",
		"mode: nftables", "mode: ipvs")
	reg(RuleDefaultMode, "proxy mode left blank", rules.Info,
		"A blank mode means iptables; kube-proxy 1.37 logs an error and emits a KubeProxyDefaultMode warning event because the default switches to nftables in 1.40.",
		"mode: iptables", "mode: \"\"")
	reg(RuleNFTablesKernel, "nftables mode needs kernel 5.13+", rules.Info,
		"In nftables mode kube-proxy exits at start-up on kernels older than 5.13 (`kube-proxy in nftables mode requires kernel 5.13 or later`), e.g. Alibaba Cloud Linux 2 (4.19) or CentOS 7 (3.10).",
		"mode: nftables  # on kernel ≥ 5.13", "mode: nftables  # on CentOS 7")
	reg(RuleNodeCIDR, "detectLocalMode NodeCIDR needs node podCIDRs", rules.Warn,
		"With NodeCIDR kube-proxy waits for node.spec.podCIDR and exits after 5 minutes (`timeout waiting for PodCIDR allocation`) on CNIs that do not allocate node pod CIDRs (e.g. Terway ENI modes); it also restarts whenever the node's podCIDRs change.",
		"detectLocalMode: ClusterCIDR\nclusterCIDR: 172.20.0.0/16", "detectLocalMode: NodeCIDR")
	reg(RulePerNodeValue, "per-node value in a shared ConfigMap", rules.Warn,
		"The ConfigMap is shared by every kube-proxy pod of the DaemonSet: hostnameOverride makes every node claim the same Node name, bindAddress makes every node use the same node IP.",
		"bindAddress: 0.0.0.0", "hostnameOverride: node-1")
	reg(RuleNegativeQPS, "negative clientConnection.qps", rules.Warn,
		"kube-proxy does not validate qps; client-go treats a negative value as 'no client-side rate limit', so kube-proxy can flood the API server on large clusters.",
		"clientConnection:\n  qps: 5", "clientConnection:\n  qps: -1")
	reg(RuleIPVSGate, "KubeProxyIPVS feature gate", rules.Info,
		"kube-proxy 1.37 adds the deprecated KubeProxyIPVS gate (default true); setting it logs a deprecation warning, and setting it to false makes mode ipvs invalid. The default becomes false in 1.40.",
		"mode: nftables", "featureGates:\n  KubeProxyIPVS: true")
	reg(RuleHugeTimeout, "IPVS timeout above the kernel limit", rules.Warn,
		"The kernel rejects IPVS timeouts above INT_MAX/HZ seconds (about 24.8 days at HZ=1000) with EINVAL for all three at once; kube-proxy only logs `Failed to configure IPVS timeouts` and none is applied.",
		"ipvs:\n  tcpTimeout: 900s", "ipvs:\n  tcpTimeout: 720h")
	rules.Register(rules.Rule{ID: RuleRestartRequired, Title: "kube-proxy must be restarted to apply the change", Severity: rules.Info, Component: Component,
		Rationale: "kube-proxy reads config.conf only at start-up (a ConfigMap volume update does not trigger its file watcher); the pods must be deleted, and a bad edit otherwise bites at the next node reboot or pod restart.",
		Good:      "(every change)", Bad: "(every change)", RestartAdvice: true})
}
