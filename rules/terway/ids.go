package terway

import (
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ID shapes (reference §4): Terway has no check of its own; ECS/VPC reject
// a bad ID only when an ENI is created, long after the config was applied.
var (
	vswRe  = regexp.MustCompile(`^vsw-[A-Za-z0-9]{1,26}$`)
	sgRe   = regexp.MustCompile(`^sg-[A-Za-z0-9]{1,27}$`)
	zoneRe = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)*-([a-z]|[0-9]+[a-z])$`)
)

// checkID judges one vSwitch or security-group ID at path. The path and
// location are worked out only for a finding (a 1 MiB list of valid IDs
// has none).
func checkID(s *scope, what string, re *regexp.Regexp, v gjson.Result, path func() *field.Path) {
	id := v.Str
	loc := func() rules.Loc { return s.doc.Loc(path(), v) }
	prefix := "vsw-"
	example := "vsw-bp1aaaaaaaaaaaaaaaaaa"
	if re == sgRe {
		prefix, example = "sg-", "sg-bp1abcdefghijklmnopq"
	}
	if strings.Contains(id, "*") {
		s.r.Add(RuleMaskedID, loc(), fmt.Sprintf("%s ID %s contains '*': this looks like a masked ID copied from documentation; Terway will fail to find it, so ENI creation fails and pods on the affected nodes get no IP", what, rules.Quote(id)),
			fmt.Sprintf("replace it with the real %s ID from the VPC/ECS console (like %s)", what, example))
		return
	}
	if re.MatchString(id) {
		return
	}
	why := fmt.Sprintf("does not look like a %s ID (%s followed by letters and digits, at most 30 characters)", what, prefix)
	if strings.TrimSpace(id) != id {
		why = "has leading or trailing whitespace, which is part of the ID for ECS"
	}
	s.r.Add(RuleIDShape, loc(), fmt.Sprintf("%s ID %s %s: ECS will not find it when Terway creates an ENI, and pods on the affected nodes get no IP", what, rules.Quote(id), why),
		fmt.Sprintf("use the exact %s ID from the console, like %s", what, example))
}

// checkVSwitches judges zone keys and vSwitch IDs of eni_conf.vswitches.
func checkVSwitches(s *scope, v gjson.Result) {
	for _, z := range s.doc.Members(v) {
		p := func() *field.Path { return rules.Child(rules.Root("vswitches"), z.Name) }
		if !zoneRe.MatchString(z.Name) {
			s.r.Add(RuleZoneKey, s.doc.KeyLoc(p(), z), fmt.Sprintf("vswitches key %s does not look like a zone ID (e.g. cn-hangzhou-j, eu-central-1a): a node picks its vSwitches by exact match with its ECS zone-id, so no node matches this key and nodes silently fall back to their own primary vSwitch", rules.Quote(z.Name)),
				"use the zone ID exactly as ECS metadata reports it (curl 100.100.100.200/latest/meta-data/zone-id), e.g. \"cn-hangzhou-j\"")
		}
		if !z.Value.IsArray() {
			continue
		}
		i := 0
		z.Value.ForEach(func(_, e gjson.Result) bool {
			if e.Type == gjson.String {
				checkID(s, "vSwitch", vswRe, e, func() *field.Path { return p().Index(i) })
			}
			i++
			return true
		})
	}
}

// checkServiceCIDR judges service_cidr the way Terway reads it: split on
// commas, net.ParseCIDR each entry without trimming, silently drop failures,
// keep the last IPv4 and the last IPv6.
func checkServiceCIDR(s *scope, v gjson.Result, loc rules.Loc) {
	plain := v.Raw == `"`+v.Str+`"` // no escapes: offsets map 1:1
	var v4, v6 []string
	off := 0
	for _, e := range strings.Split(v.Str, ",") {
		eloc := loc
		if plain {
			eloc = s.doc.At(rules.Root("service_cidr"), v.Index+1+off)
		}
		off += len(e) + 1
		if e == "" {
			continue
		}
		ip, _, err := net.ParseCIDR(e)
		if err != nil {
			hint := "write each entry as a CIDR such as 192.168.0.0/16, separated by commas without spaces"
			if t := strings.TrimSpace(e); t != e {
				if _, _, err2 := net.ParseCIDR(t); err2 == nil {
					hint = fmt.Sprintf("remove the whitespace: Terway does not trim entries (write %q)", t)
				}
			} else if strings.Count(strings.SplitN(e, "/", 2)[0], ".") == 2 {
				hint = "write all four octets of the IPv4 address, e.g. 172.16.0.0/16 instead of 172.16.0/16"
			}
			s.r.Add(RuleServiceCIDRDropped, eloc, fmt.Sprintf("service_cidr entry %s is not a CIDR Terway can parse (net.ParseCIDR, no trimming): Terway silently DROPS it; without a valid IPv4 entry it falls back to kubeadm-config's serviceSubnet, and terwayd fails with \"error retrieving service cidr\" when that is missing too", rules.Quote(e)), hint)
			continue
		}
		if ip.To4() != nil {
			v4 = append(v4, e)
		} else {
			v6 = append(v6, e)
		}
	}
	for _, fam := range []struct {
		name string
		got  []string
	}{{"IPv4", v4}, {"IPv6", v6}} {
		if len(fam.got) > 1 {
			s.r.Add(RuleServiceCIDRFamily, loc, fmt.Sprintf("service_cidr has %d %s CIDRs (%s): Terway keeps only the last one (%s) and ignores the others", len(fam.got), fam.name, strings.Join(fam.got, ", "), fam.got[len(fam.got)-1]),
				fmt.Sprintf("list exactly one %s CIDR, the cluster's Service CIDR (kubectl cluster-info dump | grep service-cluster-ip-range)", fam.name))
		}
	}
}
