package flannel

import (
	"encoding/base64"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// backendSpec describes one flannel backend: the config struct it decodes
// from the Backend object (case-insensitively) and the versions that
// register it.
type backendSpec struct {
	t            *schema.Type
	since, until rules.Version
}

var (
	tDuration = &schema.Type{Kind: schema.Int, GoType: "time.Duration"}
	// tRouteTables is aws-vpc's RouteTableID: an interface{} that must
	// hold a string or an array of strings.
	tRouteTables = &schema.Type{Kind: schema.Custom, GoType: "interface {}"}
)

func backendConf(fields map[string]*schema.Type) *schema.Type { return schema.StructOf("", fields) }

// Backends are the backend types flanneld registers (lowercase names).
var backends = map[string]backendSpec{
	"vxlan": {t: backendConf(map[string]*schema.Type{"VNI": schema.TInt, "Port": schema.TInt, "MTU": schema.TInt, "GBP": schema.TBool, "Learning": schema.TBool, "DirectRouting": schema.TBool,
		"MacPrefix": schema.TString, "Name": schema.TString})}, // MacPrefix, Name: Windows only
	"host-gw":     {t: backendConf(map[string]*schema.Type{"Name": schema.TString, "DNSServerList": schema.TString})}, // Windows only
	"udp":         {t: backendConf(map[string]*schema.Type{"Port": schema.TInt})},
	"ipip":        {t: backendConf(map[string]*schema.Type{"DirectRouting": schema.TBool})},
	"ipsec":       {t: backendConf(map[string]*schema.Type{"PSK": schema.TString, "UDPEncap": schema.TBool, "ESPProposal": schema.TString})},
	"wireguard":   {since: v0_16, t: backendConf(map[string]*schema.Type{"ListenPort": schema.TInt, "ListenPortV6": schema.TInt, "MTU": schema.TInt, "PSK": schema.TString, "PersistentKeepaliveInterval": tDuration, "Mode": schema.TString})},
	"alloc":       {t: backendConf(map[string]*schema.Type{})},
	"extension":   {t: backendConf(map[string]*schema.Type{"PreStartupCommand": schema.TString, "PostStartupCommand": schema.TString, "SubnetAddCommand": schema.TString, "SubnetRemoveCommand": schema.TString})},
	"tencent-vpc": {since: v0_14, t: backendConf(map[string]*schema.Type{"AccessKeyID": schema.TString, "AccessKeySecret": schema.TString})},
	"ali-vpc":     {until: v0_20, t: backendConf(map[string]*schema.Type{"AccessKeyID": schema.TString, "AccessKeySecret": schema.TString})},
	"aws-vpc":     {until: v0_20, t: backendConf(map[string]*schema.Type{"RouteTableID": tRouteTables})},
	"gce":         {until: v0_20, t: backendConf(map[string]*schema.Type{})},
}

// BackendTypes returns the backend types a flannel version registers
// (version "" = the newest), sorted.
func BackendTypes(flannelVersion string) []string {
	ver, err := rules.ParseVersion(flannelVersion)
	v := &validator{ver: ver, verOK: flannelVersion != "" && err == nil}
	var out []string
	for name, b := range backends {
		if has, _ := v.available(b.since, b.until); has {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

var wireguardModes = []string{"separate", "auto", "ipv4", "ipv6"}

// backend judges the Backend object and returns the lowercased type flanneld
// would look up and whether it names a backend that exists.
func (v *validator) backend(doc *schema.Doc, root gjson.Result, get func(string) (rules.Member, bool)) (string, bool) {
	bm, ok := get("Backend")
	if !ok {
		v.r.Add(RuleBackendMissing, doc.Loc(rules.Root("Backend"), root), "net-conf.json has no Backend: flanneld then uses the udp backend (userspace encapsulation, amd64 only, much slower), not vxlan as the flannel documentation says", `set the backend explicitly, e.g. "Backend": {"Type": "vxlan"} (ACK: "alloc"); do not change it on a running cluster without restarting every flannel pod`)
		return "udp", v.backendExists("udp", doc, rules.Loc{Key: NetConfKey, Path: rules.PathString(rules.Root("Backend"))}, false)
	}
	bp := rules.Root(bm.Name)
	val := bm.Value
	if !val.IsObject() {
		msg := fmt.Sprintf("Backend is %s: flanneld exits with `error decoding Backend property of config: json: cannot unmarshal %s into Go value of type struct { Type string }`", rules.Compact(val), rules.JSONType(val))
		if val.Type == gjson.Null {
			msg = "Backend is null: flanneld reads an empty type and exits with `unknown backend type: `"
		}
		hint := `use an object: "Backend": {"Type": "vxlan"}`
		if val.Type == gjson.String {
			hint = fmt.Sprintf(`use an object: "Backend": {"Type": %q}`, val.Str)
		}
		v.r.Add(RuleBackendInvalid, doc.Loc(bp, val), msg, hint)
		return "", false
	}
	v.foldDuplicates(doc, val, bp)
	typ := ""
	typeOK := true
	var tm rules.Member
	for _, m := range doc.AllFold(val, "Type") {
		switch m.Value.Type {
		case gjson.String:
			typ, tm = m.Value.Str, m
		case gjson.Null:
		default:
			typeOK = false
			v.r.Add(RuleBackendInvalid, doc.Loc(rules.Child(bp, m.Name), m.Value), fmt.Sprintf("Backend.Type is %s: flanneld exits with `error decoding Backend property of config: json: cannot unmarshal %s into Go struct field .Type of type string`", rules.Compact(m.Value), rules.JSONType(m.Value)), `use a string, e.g. "Type": "vxlan"`)
		}
	}
	if !typeOK {
		return "", false
	}
	if typ == "" {
		loc := doc.Loc(bp, val)
		if tm.Name != "" {
			loc = doc.Loc(rules.Child(bp, tm.Name), tm.Value)
		}
		v.r.Add(RuleBackendInvalid, loc, "Backend has no Type (or an empty one): flanneld exits with `unknown backend type: `", fmt.Sprintf(`set the type, e.g. "Backend": {"Type": "vxlan"}; this flannel knows: %s`, strings.Join(BackendTypes(v.flannelVersion), ", ")))
		return "", false
	}
	t := strings.ToLower(typ)
	tp := rules.Child(bp, tm.Name)
	if !v.backendExists(t, doc, doc.Loc(tp, tm.Value), true) {
		return t, false
	}
	spec := backends[t]
	names := append([]string{"Type"}, spec.t.Names()...)
	sort.Strings(names)
	for _, m := range doc.Members(val) {
		if strings.EqualFold(m.Name, "Type") {
			continue
		}
		fname, ft := spec.t.Field(m.Name, schema.Fold)
		mp := rules.Child(bp, m.Name)
		if ft == nil {
			if owner := otherBackendField(t, m.Name); owner != "" {
				// Not a typo: a setting of another backend, left over
				// by an installer that renders it whatever the type
				// (RKE fills VNI and Port for host-gw too) or from a
				// backend switch. flanneld ignores it and runs.
				v.r.Add(RuleBackendOtherKey, doc.KeyLoc(mp, m), fmt.Sprintf("%q is a setting of the %s backend; the %s backend ignores it, so it has no effect (flannel runs normally)", m.Name, owner, t), fmt.Sprintf("remove %q unless you mean to switch Backend.Type to %s", m.Name, owner))
				continue
			}
			hint := fmt.Sprintf("remove it; the %s backend knows: %s", t, strings.Join(names, ", "))
			if s := v.didYouMean(m.Name, names); s != "" {
				hint = s
			}
			v.r.Add(RuleBackendUnknownKey, doc.KeyLoc(mp, m), fmt.Sprintf("the %s backend does not know %q and silently ignores it", t, m.Name), hint)
			continue
		}
		v.backendFieldType(doc, t, m, mp, fname, ft)
	}
	v.backendValues(doc, t, val, bp)
	return t, true
}

// backendExists reports whether flanneld (at the known version) registers t,
// and reports it when not.
func (v *validator) backendExists(t string, doc *schema.Doc, loc rules.Loc, report bool) bool {
	spec, ok := backends[t]
	avail := BackendTypes(v.flannelVersion)
	if !ok {
		if report {
			hint := "use one of: " + strings.Join(avail, ", ")
			if s := v.suggest(t, avail); s != "" {
				hint = fmt.Sprintf("did you mean %q? (%s)", s, hint)
			}
			v.r.Add(RuleBackendType, loc, fmt.Sprintf("flanneld has no backend %q and exits with `Error fetching backend: unknown backend type: %s`", t, t), hint)
		}
		return false
	}
	has, known := v.available(spec.since, spec.until)
	switch {
	case !has && known:
		why := fmt.Sprintf("was removed in v%d.%d.0", spec.until.Major, spec.until.Minor)
		if spec.since != (rules.Version{}) && v.ver.Less(spec.since) {
			why = fmt.Sprintf("exists only since v%d.%d.0", spec.since.Major, spec.since.Minor)
		}
		hint := "use one of: " + strings.Join(avail, ", ")
		if t == "ali-vpc" {
			hint = `on ACK use "Type": "alloc" (the cloud controller manager programs the VPC routes), or stay on a flannel image that still has ali-vpc; ` + hint
		}
		v.r.Add(RuleBackendType, loc, fmt.Sprintf("backend %q %s, so flannel %s exits with `unknown backend type: %s`", t, why, v.flannelVersion, t), hint)
		return false
	case !has:
		v.r.Add(RuleBackendObsolete, loc, fmt.Sprintf("backend %q was removed in flannel v0.20.0: with a v0.20+ image flanneld exits with `unknown backend type: %s` (the flannel version is not configured, so netguard cannot tell)", t, t), "set cluster.flannelVersion in the netguard configuration; on ACK the supported backend is \"alloc\"")
	}
	return true
}

func (v *validator) backendFieldType(doc *schema.Doc, t string, m rules.Member, path *field.Path, fieldName string, ft *schema.Type) {
	val := m.Value
	if ft == tRouteTables {
		ok := val.Type == gjson.String || val.Type == gjson.Null
		if val.IsArray() {
			ok = true
			for _, e := range val.Array() {
				if e.Type != gjson.String {
					ok = false
				}
			}
		}
		if !ok {
			v.r.Add(RuleBackendField, doc.Loc(path, val), "aws-vpc RouteTableID must be a string or an array of strings: flanneld fails with `Unexpected RouteTableID type. Must be string or array of strings.`", `use "RouteTableID": "rtb-..." or ["rtb-a", "rtb-b"]`)
		}
		return
	}
	if ft.Accepts(val) {
		return
	}
	example := map[schema.Kind]string{schema.Bool: "true", schema.Int: "1", schema.String: `"..."`}[ft.Kind]
	if ft == tDuration {
		example = "25"
	}
	goT := ft.GoType
	v.r.Add(RuleBackendField, doc.Loc(path, val), fmt.Sprintf("Backend.%s is %s: the %s backend fails to start (`%s: json: cannot unmarshal %s into Go struct field .%s of type %s`) and flanneld exits", m.Name, describe(m.Name, val), t, decodeErrorPrefix(t), rules.JSONType(val), fieldName, goT), fmt.Sprintf(`use a JSON %s without quotes where it is not a string, e.g. "%s": %s`, strings.TrimPrefix(goT, "time."), fieldName, example))
}

// backendValues checks the effective values flannel validates at start-up.
func (v *validator) backendValues(doc *schema.Doc, t string, obj gjson.Result, bp *field.Path) {
	eff := func(name string) (rules.Member, bool) {
		m, ok := doc.Fold(obj, name)
		if !ok || m.Value.Type == gjson.Null {
			return m, false
		}
		return m, true
	}
	loc := func(m rules.Member) rules.Loc { return doc.Loc(rules.Child(bp, m.Name), m.Value) }
	intRange := func(name string, lo, hi int64, msg, hint string) {
		m, ok := eff(name)
		if !ok || !rules.IsInteger(m.Value, 64, false) {
			return
		}
		if n := m.Value.Int(); n < lo || n > hi {
			v.r.Add(RuleBackendField, loc(m), fmt.Sprintf("Backend.%s is %d: %s", m.Name, n, msg), hint)
		}
	}
	switch t {
	case "vxlan":
		intRange("VNI", 0, 1<<24-1, "VXLAN network identifiers are 24-bit, so creating flannel.<VNI> fails (netlink: numerical result out of range) and flanneld exits", `use a VNI between 0 and 16777215 (default 1; Windows needs ≥4096)`)
		intRange("Port", 0, 65535, "not a UDP port, so the vxlan device cannot be created", "use 0 (kernel default 8472) or a port up to 65535")
	case "udp":
		intRange("Port", 0, 65535, "not a UDP port, so flanneld cannot bind it", "use a port up to 65535 (default 8285)")
	case "wireguard":
		intRange("ListenPort", 0, 65535, "not a UDP port, so the WireGuard device cannot listen", "use a port up to 65535 (default 51820)")
		intRange("ListenPortV6", 0, 65535, "not a UDP port, so the WireGuard device cannot listen", "use a port up to 65535 (default 51821)")
		if m, ok := doc.Fold(obj, "Mode"); ok && m.Value.Type == gjson.String && !slices.Contains(wireguardModes, m.Value.Str) {
			hint := `use one of "separate" (default), "auto", "ipv4", "ipv6"`
			if slices.Contains(wireguardModes, strings.ToLower(m.Value.Str)) {
				hint = fmt.Sprintf("the mode is case-sensitive: use %q", strings.ToLower(m.Value.Str))
			}
			v.r.Add(RuleBackendField, loc(m), fmt.Sprintf("wireguard Mode %s is not separate, auto, ipv4 or ipv6: flanneld exits with `no valid Mode configured`", rules.Quote(m.Value.Str)), hint)
		}
		if m, ok := eff("PSK"); ok && m.Value.Type == gjson.String && m.Value.Str != "" {
			b, err := base64.StdEncoding.DecodeString(m.Value.Str)
			if err != nil || len(b) != 32 {
				what := "is not valid base64"
				if err == nil {
					what = fmt.Sprintf("decodes to %d bytes instead of 32", len(b))
				}
				v.r.Add(RuleBackendField, loc(m), fmt.Sprintf("the wireguard PSK (%s) %s: flanneld exits with `could not parse psk`", rules.Redacted, what), "generate a key with `wg genpsk` and paste it as a JSON string")
			}
		}
	case "ipsec":
		m, ok := eff("PSK")
		n := 0
		if ok && m.Value.Type == gjson.String {
			n = len(m.Value.Str)
		} else if ok {
			return // type error already reported
		}
		if n < 96 {
			l := doc.Loc(rules.Child(bp, "PSK"), obj)
			what := "ipsec needs a PSK"
			if ok {
				l = loc(m)
				what = fmt.Sprintf("the ipsec PSK (%s) is %d characters, needs at least 96", rules.Redacted, n)
			}
			v.r.Add(RuleBackendField, l, what+": flanneld exits with `config error, password is too short`", "generate one with `dd if=/dev/urandom count=48 bs=1 status=none | xxd -p -c 48` and set it as Backend.PSK")
		}
	}
}

// decodeErrorPrefix is how each backend wraps a config decoding error.
func decodeErrorPrefix(t string) string {
	switch t {
	case "vxlan", "udp", "ipip", "ipsec":
		return "error decoding " + strings.ToUpper(t) + " backend config"
	case "ali-vpc", "tencent-vpc":
		return "error decoding VPC backend config"
	}
	return "error decoding backend config"
}

// otherBackendField returns the backend types (sorted, joined with "/")
// that decode key, when typ does not: flanneld's backends decode their own
// fields case-insensitively and ignore the rest.
func otherBackendField(typ, key string) string {
	var owners []string
	for name, b := range backends {
		if name == typ {
			continue
		}
		if _, ft := b.t.Field(key, schema.Fold); ft != nil {
			owners = append(owners, name)
		}
	}
	sort.Strings(owners)
	return strings.Join(owners, "/")
}
