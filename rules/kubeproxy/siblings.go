package kubeproxy

import (
	"fmt"
	"strings"

	"github.com/netguard/netguard/rules"
)

// RuleSiblingMismatch compares kube-proxy-master with kube-proxy-worker.
const RuleSiblingMismatch = "KP044"

// RuleBlankHostname is a white-space-only hostnameOverride.
const RuleBlankHostname = "KP045"

func init() {
	Categories[RuleBlankHostname] = CategoryRuntime
	reg(RuleBlankHostname, "hostnameOverride is blank", rules.Deny,
		"kube-proxy trims hostnameOverride and lower-cases it; a value of only spaces passes decoding and validation, then makes kube-proxy exit at start-up with `empty hostname is invalid` (unless a --hostname-override flag masks the field).",
		"hostnameOverride: \"\"  # or leave it out", "hostnameOverride: \"  \"")
	Categories[RuleSiblingMismatch] = CategoryAdvice
	reg(RuleSiblingMismatch, "kube-proxy-master and kube-proxy-worker disagree", rules.Warn,
		"ACK dedicated clusters run kube-proxy twice: DaemonSet kube-proxy-master on the control-plane nodes and kube-proxy-worker on the workers, each with its own ConfigMap. When they disagree on mode or clusterCIDR, Service traffic is handled differently depending on the node it enters (IPVS vs iptables rules, different masquerade decisions), which shows up as intermittent connection problems that are hard to trace. The FAQ says to edit both ConfigMaps together.",
		"kube-proxy-master and kube-proxy-worker both with\nmode: ipvs\nclusterCIDR: 172.20.0.0/16",
		"kube-proxy-master: mode: iptables\nkube-proxy-worker: mode: ipvs")
}

// siblingNames pairs the two ACK kube-proxy ConfigMaps.
var siblingNames = map[string]string{
	"kube-proxy-master": "kube-proxy-worker",
	"kube-proxy-worker": "kube-proxy-master",
}

// knownModes are the Linux modes; an invalid mode is reported by the
// ConfigMap's own validation, not as a disagreement.
var knownModes = map[string]bool{"iptables": true, "ipvs": true, "nftables": true}

// effectiveMode is the mode kube-proxy runs with on Linux ("" → iptables).
func effectiveMode(m string) string {
	if m == "" {
		return "iptables"
	}
	return m
}

// compareSibling warns when the sibling ConfigMap (from the cluster
// context) decodes cleanly and disagrees with this one on mode or
// clusterCIDR. Nothing is said when the sibling is unknown or broken: its own
// judgement reports that.
func (j *judge) compareSibling() {
	cm := j.req.ConfigMap()
	other, ok := siblingNames[cm.Name]
	if !ok || j.req.Cluster == nil || j.d == nil || j.d.cfg == nil {
		return
	}
	sib := j.req.Cluster.ConfigMap(cm.Namespace, other)
	if sib == nil {
		return
	}
	text, ok := configText(sib)
	if !ok {
		return
	}
	sd := decode(text, j.t.versionTable)
	if sd.fatal != nil || sd.cfg == nil {
		return
	}
	mine, theirs := j.d.cfg, sd.cfg
	if a, b := effectiveMode(string(mine.Mode)), effectiveMode(string(theirs.Mode)); a != b && knownModes[a] && knownModes[b] {
		j.add(RuleSiblingMismatch, "mode", fmt.Sprintf(
			"%s runs kube-proxy in %s mode but %s/%s uses %s: Services are proxied differently on control-plane and worker nodes.",
			cm.Name, a, cm.Namespace, other, b),
			fmt.Sprintf("set the same mode in both ConfigMaps (kubectl -n %s edit cm %s), then restart both DaemonSets' pods", cm.Namespace, other))
	}
	if a, b := strings.TrimSpace(mine.ClusterCIDR), strings.TrimSpace(theirs.ClusterCIDR); a != b {
		show := func(s string) string {
			if s == "" {
				return "(unset)"
			}
			return s
		}
		j.add(RuleSiblingMismatch, "clusterCIDR", fmt.Sprintf(
			"%s has clusterCIDR %s but %s/%s has %s: the two DaemonSets classify pod traffic differently (masquerading, externalTrafficPolicy: Local short-circuit).",
			cm.Name, show(a), cm.Namespace, other, show(b)),
			"use the cluster's pod CIDR in both ConfigMaps")
	}
}
