package terway

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
)

const restartBase = "kubectl -n kube-system delete pod -l app=terway-eniip"

// checkRestart says what must be restarted for a change to take effect and
// warns about changes Terway refuses to apply to existing nodes.
func checkRestart(req *rules.Request, r *rules.Report) {
	cm := req.ConfigMap()
	old := req.OldConfigMap()
	if req.Operation == rules.Update && old != nil && maps.Equal(cm.Data, old.Data) {
		return
	}
	if req.Operation != rules.Create && req.Operation != rules.Update {
		return
	}
	kept := "ENIs and IPs already allocated keep their vSwitch and security groups; only ENIs created afterwards use the new settings"
	if req.Target.Role == RoleOverride {
		nodes := ""
		if req.Cluster != nil {
			names := req.Cluster.NodeIndex().NodesLabelled(nodeLabel, cm.Name)
			if len(names) > 0 {
				if len(names) > 5 {
					names = append(slices.Clip(names[:5]), fmt.Sprintf("and %d more", len(names)-5))
				}
				nodes = " (" + strings.Join(names, ", ") + ")"
			}
		}
		r.Add(RuleRestart, rules.Loc{Key: "eni_conf"}, fmt.Sprintf("Terway reads %s only when a Terway pod starts on a node labelled %s=%s%s: the change takes effect after those pods restart; labelling or re-labelling a node also needs a restart, and %s", cm.Name, nodeLabel, cm.Name, nodes, kept),
			fmt.Sprintf("for n in $(kubectl get nodes -l %s=%s -o name); do kubectl -n kube-system delete pod -l app=terway-eniip --field-selector spec.nodeName=${n#node/}; done", nodeLabel, cm.Name))
	} else {
		r.Add(RuleRestart, rules.Loc{}, fmt.Sprintf("Terway reads %s/%s only when its pods start (terway-init, terwayd and the policy container never reload it): the change takes effect on each node after its Terway pod restarts, and %s", cm.Namespace, cm.Name, kept),
			restartBase+" (use your Terway DaemonSet's label, e.g. app=terway-eni, in other modes)")
	}
	if req.Operation != rules.Update || old == nil {
		return
	}
	oldV, oldOK := prefixMode(old.Data["eni_conf"])
	newV, newOK := prefixMode(cm.Data["eni_conf"])
	if oldOK && newOK && oldV != newV {
		loc := rules.Loc{Key: "eni_conf", Path: rules.PathString(rules.Root("enable_ip_prefix"))}
		if doc, err := schema.Parse("eni_conf", cm.Data["eni_conf"]); err == nil {
			if m, ok := doc.Get(doc.Root, "enable_ip_prefix"); ok {
				loc = doc.Loc(rules.Root("enable_ip_prefix"), m.Value)
			}
		}
		r.Add(RuleIPPrefixChanged, loc, fmt.Sprintf("enable_ip_prefix changes from %t to %t: the IP-prefix mode is immutable once a node's Node CR exists, so existing nodes keep their mode and report the event PrefixModeImmutable; only nodes added later get the new mode", oldV, newV),
			"roll the change out with new nodes: create a node pool whose nodes carry a terway-config override (e.g. eni-config-prefix with {\"enable_ip_prefix\": true}) and drain the old nodes")
	}
}

// prefixMode reads enable_ip_prefix from an eni_conf text (false when
// absent); ok is false when the text is not a JSON object.
func prefixMode(text string) (bool, bool) {
	if !gjson.Valid(text) {
		return false, false
	}
	root := gjson.Parse(text)
	if !root.IsObject() {
		return false, false
	}
	m, ok := schema.Get(root, "enable_ip_prefix")
	return ok && m.Value.Type == gjson.True, true
}
