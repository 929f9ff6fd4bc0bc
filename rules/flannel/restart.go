package flannel

import (
	"fmt"
	"maps"
	"strings"

	"github.com/netguard/netguard/rules"
)

const (
	defaultDataDir    = "/var/lib/cni/flannel"
	defaultSubnetFile = "/run/flannel/subnet.env"
)

// compareCNI judges dangerous cni-conf.json changes on UPDATE.
func (v *validator) compareCNI(old, cur cniInfo) {
	if !old.ok || !cur.ok {
		return
	}
	if old.hasName && cur.hasName && old.name != cur.name {
		v.r.Add(RuleCNINameChanged, cur.nameLoc,
			fmt.Sprintf("the CNI network name changes from %s to %s: host-local keeps pod IP allocations in /var/lib/cni/networks/%s, so on every running node the new name starts with an empty allocation store, new pods can get IPs that running pods still hold (duplicate pod IPs) and deleting old pods leaks their addresses", rules.Quote(old.name), rules.Quote(cur.name), old.name),
			fmt.Sprintf("keep \"name\": %q; to rename deliberately, drain and clean each node first (and override FL019 to warn for the migration)", old.name))
	}
	eff := func(s string, ok bool, def string) string {
		if ok && s != "" {
			return s
		}
		return def
	}
	if o, c := eff(old.dataDir, old.hasDataDir, defaultDataDir), eff(cur.dataDir, cur.hasDataDir, defaultDataDir); o != c {
		loc := cur.dirLoc
		if !cur.hasDataDir {
			loc = rules.Loc{Key: CNIConfKey, Path: rules.PathString(rules.Root("dataDir"))}
		}
		v.r.Add(RuleCNIDirChanged, loc,
			fmt.Sprintf("dataDir changes from %s to %s: the flannel plugin reads each pod's saved delegate config from dataDir on DEL, so pods created before the change are deleted without cleanup (leaked IPs and veths)", rules.Quote(o), rules.Quote(c)),
			"keep dataDir unchanged, or drain the nodes before changing it")
	}
	if o, c := eff(old.subnetFile, old.hasSubnet, defaultSubnetFile), eff(cur.subnetFile, cur.hasSubnet, defaultSubnetFile); o != c {
		loc := cur.subLoc
		if !cur.hasSubnet {
			loc = rules.Loc{Key: CNIConfKey, Path: rules.PathString(rules.Root("subnetFile"))}
		}
		v.r.Add(RuleCNIDirChanged, loc,
			fmt.Sprintf("subnetFile changes from %s to %s: the flannel plugin reads FLANNEL_NETWORK/FLANNEL_SUBNET from it on every ADD; unless flanneld's --subnet-file writes there too, every pod start fails with `failed to load flannel 'subnet.env' file`", rules.Quote(o), rules.Quote(c)),
			"keep subnetFile equal to flanneld's --subnet-file (default /run/flannel/subnet.env)")
	}
}

// compareNet judges Network and Backend changes on UPDATE.
func (v *validator) compareNet(old, cur netInfo) {
	if !old.ok || !cur.ok {
		return
	}
	for _, c := range []struct {
		name       string
		was, is    string
		loc        rules.Loc
		consequent string
	}{
		{"Network", prefixString(old.network), prefixString(cur.network), cur.networkLoc, "existing nodes keep their leases and cni0 keeps the old gateway address (bridge: `\"cni0\" already has an IP address different from ...`) until the node is cleaned (delete cni0 and flannel.1, or reboot); node podCIDRs must be re-allocated from the new range"},
		{"IPv6Network", prefixString(old.ipv6Network), prefixString(cur.ipv6Network), cur.ipv6Loc, "existing nodes keep their IPv6 leases and cni0 keeps the old IPv6 gateway until cleaned"},
		{"Backend.Type", old.backendType, cur.backendType, cur.backendLoc, "the old backend keeps running on every node until its flannel pod restarts, and nodes on different backends cannot reach each other's pods meanwhile (flannel: \"Once set, the backend should not be changed at runtime\"); leftover devices (flannel.1, routes) may need manual cleanup"},
	} {
		if c.was == "" || c.is == "" || c.was == c.is {
			continue
		}
		loc := c.loc
		if loc.Key == "" {
			loc = rules.Loc{Key: NetConfKey, Path: c.name}
		}
		v.r.Add(RuleNetworkChanged, loc,
			fmt.Sprintf("%s changes from %s to %s on a live cluster: flanneld reads it only at start-up; %s", c.name, c.was, c.is, c.consequent),
			"plan it as a migration: change it in a maintenance window, restart all flannel pods at once, then clean up or reboot the nodes and recreate the pods")
	}
}

func prefixString(p interface{ IsValid() bool }) string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprint(p)
}

// restart tells what to restart after a change (FL090).
func (v *validator) restart(old *cniInfo, cur cniInfo) {
	req := v.req
	cm := req.ConfigMap()
	if req.Operation != rules.Create && req.Operation != rules.Update {
		return
	}
	var changed []string
	if req.Operation == rules.Update && req.OldConfigMap() != nil {
		if maps.Equal(cm.Data, req.OldConfigMap().Data) && maps.EqualFunc(cm.BinaryData, req.OldConfigMap().BinaryData, func(a, b []byte) bool { return string(a) == string(b) }) {
			return
		}
		for _, k := range []string{CNIConfKey, NetConfKey} {
			a, aok := dataValue(req.OldConfigMap(), k)
			b, bok := dataValue(cm, k)
			if a != b || aok != bok {
				changed = append(changed, k)
			}
		}
		if len(changed) == 0 {
			return // only unrelated keys changed
		}
	} else {
		changed = []string{CNIConfKey, NetConfKey}
	}
	ns := cm.Namespace
	if ns == "" {
		ns = "kube-system"
	}
	msg := fmt.Sprintf("%s take effect only when the flannel pods restart (flanneld reads net-conf.json and the install-cni init container copies cni-conf.json to /etc/cni/net.d only at pod start)", strings.Join(changed, " and "))
	hint := fmt.Sprintf("after the change run `kubectl -n %s delete pod -l app=flannel` (or `kubectl -n %s rollout restart daemonset/kube-flannel-ds`)", ns, ns)
	if old != nil && old.hairpin != cur.hairpin {
		msg += fmt.Sprintf("; delegate.hairpinMode changed (%s → %s), and bridge sets hairpin mode on a pod's veth only when the pod is created, so existing pods keep the old behaviour", orAbsent(old.hairpin), orAbsent(cur.hairpin))
		hint += ", then delete and recreate the existing pods that must reach themselves through their Service"
	}
	key := ""
	if len(changed) == 1 {
		key = changed[0]
	}
	v.r.Add(RuleRestart, rules.Loc{Key: key}, msg, hint)
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
