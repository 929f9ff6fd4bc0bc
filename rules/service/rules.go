package service

import "github.com/netguard/netguard/rules"

const (
	lbA = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
)

func init() {
	rules.Register(
		// ---- dual-stack ----
		rules.Rule{
			ID: RuleSingleStack, Title: "Service stays single-stack on a dual-stack cluster", Severity: rules.Warn, Component: Component,
			Rationale: "Dual-stack is strictly opt-in: the API server defaults ipFamilyPolicy to SingleStack (or infers it from a one-entry ipFamilies) even when the cluster has an IPv4 and an IPv6 Service CIDR. Such a Service gets a ClusterIP and EndpointSlices of the primary family only, so IPv6 clients cannot reach it. Headless Services without selector default to RequireDualStack and are exempt, as are ExternalName Services. ipFamilyPolicy is mutable: PreferDualStack upgrades the Service in place.",
			Good:      "spec:\n  ipFamilyPolicy: PreferDualStack",
			Bad:       "spec:\n  ipFamilyPolicy: SingleStack   # cluster serviceCIDRs: [10.96.0.0/16, fd00::/112]",
		},
		rules.Rule{
			ID: RuleFamiliesPinned, Title: "ipFamilies pinned to one family with a dual-stack policy (apply drift)", Severity: rules.Warn, Component: Component,
			Rationale: "With Prefer/RequireDualStack the API server appends the second family on create. A manifest that pins ipFamilies to one family then differs from the stored object, and the next apply fails with \"must be 'SingleStack' to release the secondary IP family\" (kubernetes/ingress-nginx#11068).",
			Good:      "spec:\n  ipFamilyPolicy: PreferDualStack   # ipFamilies left unset",
			Bad:       "spec:\n  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4]",
		},
		rules.Rule{
			ID: RuleRequireDualStack, Title: "RequireDualStack on a single-stack cluster", Severity: rules.Warn, Component: Component,
			Rationale: "The API server rejects RequireDualStack when the cluster has only one Service CIDR family (\"this cluster is not configured for dual-stack services\"); headless Services without selector are the exception. PreferDualStack is the portable choice.",
			Good:      "spec:\n  ipFamilyPolicy: PreferDualStack",
			Bad:       "spec:\n  ipFamilyPolicy: RequireDualStack   # cluster serviceCIDRs: [10.96.0.0/16]",
		},
		// ---- annotation keys ----
		rules.Rule{
			ID: RuleUnknownAnnotation, Title: "Unknown Alibaba Cloud load-balancer annotation", Severity: rules.Deny, Component: Component,
			Rationale: "The cloud controller manager looks up exact keys only. A misspelt or unknown " + lbA + "* key is silently ignored, yet any annotation change makes the CCM emit a Normal AnnotationChanged event, so operators believe the setting took effect.",
			Good:      lbA + "address-type: intranet",
			Bad:       lbA + "adress-type: intranet",
		},
		rules.Rule{
			ID: RuleMissingInfix, Title: "Load-balancer annotation without the loadbalancer- infix", Severity: rules.Deny, Component: Component,
			Rationale: "The CCM resolves suffix k as service.beta.kubernetes.io/alibaba-cloud-loadbalancer-k, then the legacy alicloud-loadbalancer-k. A key without the loadbalancer- infix (e.g. alicloud-force-override-listeners) never matches and is silently ignored.",
			Good:      lbA + "force-override-listeners: \"true\"",
			Bad:       "service.beta.kubernetes.io/alicloud-force-override-listeners: \"true\"",
		},
		rules.Rule{
			ID: RuleKeyCase, Title: "Load-balancer annotation key differs in case or whitespace", Severity: rules.Deny, Component: Component,
			Rationale: "Annotation keys are case-sensitive and the CCM's lookups are exact, so a key that differs only in case or surrounding whitespace is silently ignored.",
			Good:      lbA + "address-type: intranet",
			Bad:       "service.beta.kubernetes.io/Alibaba-Cloud-LoadBalancer-Address-Type: intranet",
		},
		rules.Rule{
			ID: RuleLegacyConflict, Title: "Same annotation under the new and the legacy prefix with different values", Severity: rules.Warn, Component: Component,
			Rationale: "The CCM reads service.beta.kubernetes.io/alibaba-cloud-loadbalancer-k first and falls back to the legacy alicloud-loadbalancer-k only when the new key is absent. When both are set with different values, the legacy one is silently ignored.",
			Good:      lbA + "address-type: intranet",
			Bad:       lbA + "address-type: intranet\nservice.beta.kubernetes.io/alicloud-loadbalancer-address-type: internet",
		},
		rules.Rule{
			ID: RuleNotLoadBalancer, Title: "Load-balancer annotation on a Service that is not type LoadBalancer", Severity: rules.Warn, Component: Component,
			Rationale: "The CCM only reconciles type: LoadBalancer Services; on ClusterIP or NodePort Services its annotations do nothing.",
			Good:      "spec:\n  type: LoadBalancer\nmetadata.annotations:\n  " + lbA + "address-type: intranet",
			Bad:       "spec:\n  type: ClusterIP\nmetadata.annotations:\n  " + lbA + "address-type: intranet",
		},
		rules.Rule{
			ID: RuleOtherController, Title: "Annotation read only by the other load-balancer controller", Severity: rules.Warn, Component: Component,
			Rationale: "The CLB and NLB controllers read different annotation sets (e.g. zone-maps is NLB-only, bandwidth and acl-* are CLB-only). An annotation for the other controller is silently ignored.",
			Good:      "spec.loadBalancerClass: alibabacloud.com/nlb\n" + lbA + "zone-maps: cn-hangzhou-h:vsw-a,cn-hangzhou-i:vsw-b",
			Bad:       "# no loadBalancerClass: this is a CLB\n" + lbA + "zone-maps: cn-hangzhou-h:vsw-a,cn-hangzhou-i:vsw-b",
		},
		rules.Rule{
			ID: RuleLBTypeIgnored, Title: "alibaba-cloud-loadbalancer-type is ignored by default", Severity: rules.Warn, Component: Component,
			Rationale: "The CCM honours " + lbA + "type only with its alpha feature gate LoadBalancerTypeAnnotation (off by default); otherwise a CLB is created. An NLB is selected with spec.loadBalancerClass: alibabacloud.com/nlb.",
			Good:      "spec:\n  loadBalancerClass: alibabacloud.com/nlb",
			Bad:       lbA + "type: nlb",
		},
		rules.Rule{
			ID: RuleLBClassNearMiss, Title: "loadBalancerClass is a near-miss of alibabacloud.com/nlb", Severity: rules.Deny, Component: Component,
			Rationale: "The CCM handles a LoadBalancer Service only when loadBalancerClass is unset (CLB) or exactly alibabacloud.com/nlb (NLB); any other class is left to another controller. A typo such as alibabacloud.com/NLB leaves the Service <pending> forever with no event, and loadBalancerClass is immutable. Classes of other controllers are not judged.",
			Good:      "spec:\n  loadBalancerClass: alibabacloud.com/nlb",
			Bad:       "spec:\n  loadBalancerClass: alibabacloud.com/NLB",
		},
		// ---- values ----
		rules.Rule{
			ID: RuleUnparsable, Title: "Annotation value the CCM cannot parse", Severity: rules.Deny, Component: Component,
			Rationale: "Integers are parsed with strconv.Atoi, lists (protocol-port, vgroup-port, forward-port, listener-port-range, domain-extensions, backend-label, zone-maps) and a few flags (cross-zone-enabled, server-group-type, weight ranges) are parsed by the CCM itself. A bad value fails the model build before any cloud call: Warning SyncLoadBalancerFailed on every sync, and the Service stays <pending> or keeps its old load-balancer settings.",
			Good:      lbA + "health-check-interval: \"5\"\n" + lbA + "protocol-port: \"https:443,http:80\"",
			Bad:       lbA + "health-check-interval: \"5s\"\n" + lbA + "protocol-port: \"https:443, http:80\"",
		},
		rules.Rule{
			ID: RuleOutOfRange, Title: "Integer annotation outside its documented range", Severity: rules.Warn, Component: Component,
			Rationale: "The CCM passes integers to the Alibaba Cloud API without range checks; values outside the documented ranges (e.g. healthy-threshold 2-10, health-check-interval 1-50) are rejected by the API and the listener is not created or updated.",
			Good:      lbA + "healthy-threshold: \"3\"",
			Bad:       lbA + "healthy-threshold: \"20\"",
		},
		rules.Rule{
			ID: RuleValueCase, Title: "Annotation value differs only in case or whitespace where the CCM compares exactly", Severity: rules.Deny, Component: Component,
			Rationale: "The CLB controller compares values such as address-type, ip-version, network-type, charge-type or scheduler exactly with what the CLB API returns, and backend-type is compared with == \"eni\". A case variant (Intranet, PayByBandwidth, ENI) is either rejected by the API, silently means something else, or makes every sync fail with \"can not change ... once created\".",
			Good:      lbA + "address-type: intranet",
			Bad:       lbA + "address-type: Intranet",
		},
		rules.Rule{
			ID: RuleUndocumentedValue, Title: "Annotation value not among the documented values", Severity: rules.Warn, Component: Component,
			Rationale: "Most enumerations (address-type, scheduler, health-check-type, acl-type, on/off flags of the CLB listener) are passed to the Alibaba Cloud API unchecked; an undocumented value is expected to fail there with InvalidParameter (Warning SyncLoadBalancerFailed).",
			Good:      lbA + "scheduler: wrr",
			Bad:       lbA + "scheduler: round-robin",
		},
		rules.Rule{
			ID: RulePreserveOnDelete, Title: "preserve-lb-on-delete: \"false\" still preserves the load balancer", Severity: rules.Deny, Component: Component,
			Rationale: "The CCM only checks that preserve-lb-on-delete is non-empty; \"false\", \"off\" or \"no\" therefore PRESERVE the load balancer when the Service is deleted, leaving it behind (and billing).",
			Good:      "# annotation absent: the load balancer is deleted with the Service",
			Bad:       lbA + "preserve-lb-on-delete: \"false\"",
		},
		rules.Rule{
			ID: RuleForceOverride, Title: "force-override-listeners is not exactly \"true\"", Severity: rules.Deny, Component: Component,
			Rationale: "For a reused load balancer (id annotation) the CCM reconciles listeners only when force-override-listeners == \"true\"; \"on\", \"True\" or \"yes\" silently skip listener reconciliation.",
			Good:      lbA + "force-override-listeners: \"true\"",
			Bad:       lbA + "force-override-listeners: \"on\"",
		},
		rules.Rule{
			ID: RuleFlagStaysOff, Title: "On/off flag that silently stays off", Severity: rules.Deny, Component: Component,
			Rationale: "The CCM computes flags such as proxy-protocol and remove-unscheduled-backend as value == \"on\" (CLB, case-sensitive) or EqualFold(value, \"on\") (NLB). \"true\", \"enabled\" or (on CLB) \"On\" leave the feature off without any error.",
			Good:      lbA + "proxy-protocol: \"on\"",
			Bad:       lbA + "proxy-protocol: \"true\"",
		},
		rules.Rule{
			ID: RuleMissingCompanion, Title: "Annotation ignored without its companion", Severity: rules.Warn, Component: Component,
			Rationale: "Several annotations only work together with others: weight needs id and vgroup-port, vgroup-port and force-override-listeners need id, bandwidth needs charge-type paybybandwidth on an internet CLB, forward-port needs an http listener, NLB alpn/additional-cert-ids need a TCPSSL listener, backend-ip-version needs a matching ip-version. Otherwise the CCM silently ignores them.",
			Good:      lbA + "id: lb-xxx\n" + lbA + "vgroup-port: rsp-xxx:80\n" + lbA + "weight: \"50\"",
			Bad:       lbA + "weight: \"50\"",
		},
		rules.Rule{
			ID: RuleHealthCheckFlag, Title: "NLB health-check annotation without health-check-flag: on", Severity: rules.Warn, Component: Component,
			Rationale: "The NLB controller reads health-check-type, -uri, -interval, thresholds and the other health-check keys only when health-check-flag is \"on\"; otherwise they are silently ignored.",
			Good:      lbA + "health-check-flag: \"on\"\n" + lbA + "health-check-type: tcp",
			Bad:       lbA + "health-check-type: tcp   # health-check-flag not set",
		},
		rules.Rule{
			ID: RuleXForwardedProto, Title: "xforwardedfor-proto on a TCP/UDP-only load balancer", Severity: rules.Warn, Component: Component,
			Rationale: "xforwardedfor-proto sets an HTTP header on L7 listeners; on TCP/UDP listeners it does nothing. People usually mean proxy-protocol: \"on\" to pass the client address (kubernetes/cloud-provider-alibaba-cloud#267).",
			Good:      lbA + "proxy-protocol: \"on\"",
			Bad:       lbA + "xforwardedfor-proto: \"on\"   # all ports TCP",
		},
		rules.Rule{
			ID: RuleFieldIgnored, Title: "Service field ignored by the Alibaba Cloud CCM", Severity: rules.Warn, Component: Component,
			Rationale: "The CCM never reads spec.loadBalancerIP (the address comes from the ip annotation, zone-maps or a reused id), and the CLB controller ignores spec.loadBalancerSourceRanges (CLB access control uses the acl-* annotations), so the Service is open to everyone.",
			Good:      lbA + "acl-status: \"on\"\n" + lbA + "acl-id: acl-xxx\n" + lbA + "acl-type: white",
			Bad:       "spec:\n  loadBalancerSourceRanges: [10.0.0.0/8]   # CLB",
		},
		rules.Rule{
			ID: RuleLocalScheduler, Title: "externalTrafficPolicy Local with a CLB scheduler that ignores weights", Severity: rules.Warn, Component: Component,
			Rationale: "With externalTrafficPolicy: Local the CCM adds only nodes that run endpoints and weights each by its number of local pods, but the default CLB scheduler rr ignores weights; the CCM documentation requires wrr (or wlc) for Local mode.",
			Good:      "spec.externalTrafficPolicy: Local\n" + lbA + "scheduler: wrr",
			Bad:       "spec.externalTrafficPolicy: Local   # scheduler unset (rr)",
		},
		rules.Rule{
			ID: RuleNLBZoneMaps, Title: "NLB Service without zone-maps", Severity: rules.Deny, Component: Component,
			Rationale: "An NLB created by the CCM needs zone-maps; without it (and without a reused id) the CCM fails with \"ParameterMissing, zone mappings are required\" and the Service stays <pending>.",
			Good:      "spec.loadBalancerClass: alibabacloud.com/nlb\n" + lbA + "zone-maps: cn-hangzhou-h:vsw-a,cn-hangzhou-i:vsw-b",
			Bad:       "spec.loadBalancerClass: alibabacloud.com/nlb   # no zone-maps",
		},
		rules.Rule{
			ID: RuleNLBFewZones, Title: "NLB zone-maps with fewer than two zones", Severity: rules.Warn, Component: Component,
			Rationale: "The ACK NLB documentation requires vSwitches in at least two different zones; the CCM itself accepts one, so the failure only shows up at the NLB API.",
			Good:      lbA + "zone-maps: cn-hangzhou-h:vsw-a,cn-hangzhou-i:vsw-b",
			Bad:       lbA + "zone-maps: cn-hangzhou-h:vsw-a",
		},
		rules.Rule{
			ID: RulePortEntry, Title: "Per-port annotation entry for a port the Service does not expose", Severity: rules.Warn, Component: Component,
			Rationale: "protocol-port, vgroup-port and listener-port-range entries are matched against spec.ports[].port; entries naming a targetPort, a nodePort or a removed port are silently ignored, so the listener keeps its default protocol.",
			Good:      "ports: [{port: 443, targetPort: 8443}]\n" + lbA + "protocol-port: \"https:443\"",
			Bad:       "ports: [{port: 443, targetPort: 8443}]\n" + lbA + "protocol-port: \"https:8443\"",
		},
		rules.Rule{
			ID: RuleListMisread, Title: "List annotation silently misread", Severity: rules.Deny, Component: Component,
			Rationale: "backend-label and additional-resource-tags are split at every ',' and '=' without complaint: a value containing '=' is truncated and spaces are kept, so backends are selected by the wrong label (often none) or tags get wrong values.",
			Good:      lbA + "backend-label: \"pool=web,zone=a\"",
			Bad:       lbA + "backend-label: \"pool=web, zone=a\"",
		},
		rules.Rule{
			ID: RuleLiveCompare, Title: "Annotation value the CCM accepts on create but compares with the live load balancer", Severity: rules.Deny, Component: Component,
			Rationale: "network-type is never sent to the CLB API, so any value creates the load balancer, but every later sync compares it exactly with the live network type (\"vpc\" or \"classic\") and fails with \"can not change LoadBalancer network type once created\": the Service never gets its external IP and later changes are not applied (kubernetes/cloud-provider-alibaba-cloud pkg/controller/service/clbv1/loadbalancer.go Update). The CCM's own docs/usage.md example uses network-type: \"alibaba\".",
			Good:      lbA + "network-type: vpc",
			Bad:       lbA + "network-type: alibaba",
		},
		rules.Rule{
			ID: RuleMaskedID, Title: "Resource ID is masked or an unfilled placeholder", Severity: rules.Deny, Component: Component,
			Rationale: "Documentation masks IDs (lb-bp1hfycf39bbeb019****) or writes placeholders (${YOUR_CERT_ID}). No Alibaba Cloud resource ID contains '*', '$', '{', '}', '<' or '>', so the CCM cannot find the load balancer, certificate, ACL, vSwitch or security group: the sync fails every time and the Service stays <pending> or its listener is never created.",
			Good:      lbA + "id: lb-bp1hfycf39bbeb019pg7m",
			Bad:       lbA + "id: lb-bp1hfycf39bbeb019****",
		},
		// ---- updates ----
		rules.Rule{
			ID: RuleImmutableChanged, Title: "Change of a load-balancer attribute fixed at creation", Severity: rules.Deny, Component: Component,
			Rationale: "address-type, ip-version, network-type, resource-group-id, master-zoneid, slave-zoneid and ip (CLB), ip-version and resource-group-id (NLB), and the id of the load balancer cannot change after creation. The CCM reports \"can not change ... once created\" on every sync and never applies the change. A CLB's instance-charge-type converts one way only (PayBySpec to PayByCLCU): back to PayBySpec, ModifyLoadBalancerInstanceChargeType fails on every sync. Only real changes are judged.",
			Good:      "# address-type unchanged on update",
			Bad:       "# old: " + lbA + "address-type: internet\n# new: " + lbA + "address-type: intranet",
		},
		rules.Rule{
			ID: RuleImmutableAdded, Title: "Creation-time load-balancer attribute added to an existing Service", Severity: rules.Warn, Component: Component,
			Rationale: "Adding a creation-time annotation (e.g. resource-group-id, master-zoneid, id) to a Service whose load balancer already exists only works if it equals the live value; otherwise the CCM reports an error on every sync.",
			Good:      "# resource-group-id set when the Service is created",
			Bad:       "# resource-group-id added to a Service whose CLB exists",
		},
		// ---- mutation ----
		rules.Rule{
			ID: RulePreferDualStack, Title: "Default ipFamilyPolicy to PreferDualStack", Severity: rules.Info, Component: Component, Mutation: true,
			Rationale: "Optional (mutations.service.preferDualStack). On CREATE in a dual-stack cluster, a Service without ipFamilyPolicy and ipFamilies gets PreferDualStack, so it receives a ClusterIP of each family instead of the SingleStack default. Headless Services without selector (already RequireDualStack), ExternalName Services and Services that pin ipFamilies are left alone; ipFamilies and clusterIPs are never touched.",
			Good:      "spec:\n  ipFamilyPolicy: PreferDualStack   # set by netguard",
			Bad:       "spec: {}   # would default to SingleStack",
		},
	)
}
