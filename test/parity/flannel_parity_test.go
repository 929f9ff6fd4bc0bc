package parity

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/flannel-io/flannel/pkg/subnet"
	"github.com/netguard/netguard/rules/flannel"
)

// cniConfForNetConf is a valid cni-conf.json that goes with every
// net-conf.json of the flannel corpus, so that only net-conf.json is judged.
const cniConfForNetConf = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`

var (
	flannelBackendsOnce sync.Once
	flannelBackends     map[string]bool
	flannelBackendsErr  error
)

var (
	registerCall = regexp.MustCompile(`backend\.Register\(\s*(?:"([^"]+)"|(\w+))`)
	buildLine    = regexp.MustCompile(`(?m)^//go:build (.*)$`)
)

// registeredFlannelBackends lists the backend types flanneld (the imported
// module version) registers on linux/amd64: the backend.Register calls in
// pkg/backend/*, read from the module's source, since the backend packages
// themselves cannot be linked here (tencentvpc needs a Tencent Cloud SDK
// module that the module proxy does not serve).
func registeredFlannelBackends() (map[string]bool, error) {
	flannelBackendsOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/flannel-io/flannel").Output()
		if err != nil {
			flannelBackendsErr = fmt.Errorf("go list -m github.com/flannel-io/flannel: %v", err)
			return
		}
		dir := strings.TrimSpace(string(out))
		files, _ := filepath.Glob(filepath.Join(dir, "pkg", "backend", "*", "*.go"))
		flannelBackends = map[string]bool{}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_windows.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			src := string(b)
			if m := buildLine.FindStringSubmatch(src); m != nil && !buildsOnLinuxAMD64(m[1]) {
				continue
			}
			for _, m := range registerCall.FindAllStringSubmatch(src, -1) {
				name := m[1]
				if name == "" {
					name = resolveConst(filepath.Dir(f), m[2])
				}
				if name != "" {
					flannelBackends[name] = true
				}
			}
		}
		if len(flannelBackends) == 0 {
			flannelBackendsErr = fmt.Errorf("no backend.Register calls found under %s", dir)
		}
	})
	return flannelBackends, flannelBackendsErr
}

// buildsOnLinuxAMD64 evaluates the simple //go:build lines flannel uses
// (terms of windows/amd64 joined by && with optional !).
func buildsOnLinuxAMD64(expr string) bool {
	for _, term := range strings.Split(expr, "&&") {
		term = strings.TrimSpace(term)
		neg := strings.HasPrefix(term, "!")
		tag := strings.TrimPrefix(term, "!")
		on := tag == "linux" || tag == "amd64" || tag == "unix"
		if on == neg {
			return false
		}
	}
	return true
}

func resolveConst(dir, ident string) string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(ident) + `\s*=\s*"([^"]+)"`)
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	return ""
}

// flannelVerdict is what flanneld (the imported version) does with the file.
type flannelVerdict struct {
	Err   error
	Stage string
	cfg   *subnet.Config
}

func (v flannelVerdict) String() string {
	if v.Err != nil {
		return fmt.Sprintf("REFUSED by flanneld at %s: %v", v.Stage, v.Err)
	}
	return "ACCEPTED by flanneld (ParseConfig, CheckNetworkConfig and the backend lookup pass)"
}

// runFlannel runs subnet.ParseConfig (kube-subnet-mgr: `error parsing
// subnet config`), subnet.CheckNetworkConfig (the network checks; on
// ≥v0.20 only the etcd manager calls them, but every ≤v0.19 build ran them
// inside ParseConfig) and the backend lookup of backend.Manager.GetBackend
// (lower-cased type; `unknown backend type`).
func runFlannel(text string) flannelVerdict {
	cfg, err := subnet.ParseConfig(text)
	if err != nil {
		return flannelVerdict{Err: fmt.Errorf("error parsing subnet config: %w", err), Stage: "ParseConfig"}
	}
	if err := subnet.CheckNetworkConfig(cfg); err != nil {
		return flannelVerdict{Err: err, Stage: "CheckNetworkConfig", cfg: cfg}
	}
	backends, err := registeredFlannelBackends()
	if err != nil {
		return flannelVerdict{Err: err, Stage: "harness"}
	}
	if t := strings.ToLower(cfg.BackendType); !backends[t] {
		return flannelVerdict{Err: fmt.Errorf("unknown backend type: %v", t), Stage: "GetBackend", cfg: cfg}
	}
	return flannelVerdict{cfg: cfg}
}

// Bases of the net-conf.json corpus (flannel-kube-flannel-cfg.md §5, §6).
var (
	ncBaseUpstream = jobj{{"Network", str("10.244.0.0/16")}, {"EnableNFTables", jraw("false")}, {"Backend", jobj{{"Type", str("vxlan")}}}}
	ncBaseACK      = jobj{{"Network", str("172.20.0.0/16")}, {"Backend", jobj{{"Type", str("alloc")}}}}
	ncBaseDual     = jobj{{"EnableIPv6", jraw("true")}, {"Network", str("10.244.0.0/16")}, {"IPv6Network", str("fd00:10:244::/56")}, {"Backend", jobj{{"Type", str("vxlan")}}}}
	ncBaseAliyun   = jobj{{"Network", str("10.24.0.0/16")}, {"Backend", jobj{{"Type", str("ali-vpc")}}}}
)

var ncFieldValues = []struct {
	path   string
	values []any
}{
	{"Network", []any{str("10.244.0.0/16"), str("10.244.1.5/16"), str("010.244.0.0/16"), str("fd00::/64"), str("10.244.0.0/29"), str("10.244.0.0/28"), str("10.244.0.0/24"), str(""), jraw("null"), jraw("10"), str("10.244.0.0"), str("10.244.0.0/33"), str(" 10.244.0.0/16"), str("10.0.0.0/8")}},
	{"SubnetLen", []any{jraw("24"), jraw("25"), jraw("30"), jraw("31"), jraw("17"), jraw("16"), str("24"), jraw("-1"), jraw("0"), jraw("24.5"), jraw("null")}},
	{"SubnetMin", []any{str("10.244.1.0"), str("10.245.0.0"), str("10.244.1.1"), str("fd00::1"), str("x"), jraw("1")}},
	{"SubnetMax", []any{str("10.244.255.0"), str("10.245.0.0"), str("10.244.10.7")}},
	{"EnableIPv4", []any{jraw("true"), jraw("false"), str("true")}},
	{"EnableIPv6", []any{jraw("true"), jraw("false"), str("false")}},
	{"IPv6Network", []any{str("fd00::/56"), str("fd00::/125"), str("10.0.0.0/8"), str("fd00::/120"), str("")}},
	{"IPv6SubnetLen", []any{jraw("64"), jraw("127"), jraw("50"), jraw("126")}},
	{"EnableNFTables", []any{jraw("true"), str("false")}},
	{"Backend", []any{jobj{}, jraw("null"), str("vxlan"), jarr{}, jobj{{"Type", jraw("1")}}, jobj{{"type", str("vxlan")}}, jobj{{"TYPE", str("host-gw")}}}},
	{"Backend.Type", []any{str("vxlan"), str("VXLAN"), str("host-gw"), str("udp"), str("ipip"), str("ipsec"), str("alloc"), str("extension"), str("wireguard"), str("tencent-vpc"), str("ali-vpc"), str("aws-vpc"), str("gce"), str("foo"), str(""), str("vxlan "), str("hostgw")}},
	{"Backend.VNI", []any{jraw("1"), str("1"), jraw("16777216"), jraw("-1"), jraw("4096"), jraw("1.5")}},
	{"Backend.Port", []any{jraw("8472"), str("8472"), jraw("4789")}},
	{"Backend.DirectRouting", []any{jraw("true"), str("true")}},
	{"Backend.MTU", []any{jraw("1450"), str("1450")}},
	{"Backend.GBP", []any{jraw("true"), jraw("1")}},
	{"Backend.Learning", []any{jraw("true")}},
	{"network", []any{str("10.244.0.0/16")}},
	{"Networks", []any{jarr{str("10.244.0.0/16")}}},
	{"SubnetLength", []any{jraw("24")}},
	{"Foo", []any{str("bar")}},
}

// ncBackendVariants are whole Backend objects of each type.
var ncBackendVariants = []struct {
	name string
	v    jobj
}{
	{"wireguard", jobj{{"Type", str("wireguard")}}},
	{"wireguard-mode-auto", jobj{{"Type", str("wireguard")}, {"Mode", str("auto")}}},
	{"wireguard-mode-bad", jobj{{"Type", str("wireguard")}, {"Mode", str("both")}}},
	{"wireguard-listenport-string", jobj{{"Type", str("wireguard")}, {"ListenPort", str("51820")}}},
	{"wireguard-keepalive", jobj{{"Type", str("wireguard")}, {"PersistentKeepaliveInterval", jraw("25")}}},
	{"ipsec-no-psk", jobj{{"Type", str("ipsec")}}},
	{"ipsec-short-psk", jobj{{"Type", str("ipsec")}, {"PSK", str("shortsecret")}}},
	{"ipsec-long-psk", jobj{{"Type", str("ipsec")}, {"PSK", str(strings.Repeat("0123456789abcdef", 7))}}},
	{"ipsec-udpencap-string", jobj{{"Type", str("ipsec")}, {"PSK", str(strings.Repeat("0123456789abcdef", 7))}, {"UDPEncap", str("true")}}},
	{"udp-port", jobj{{"Type", str("udp")}, {"Port", jraw("8285")}}},
	{"host-gw", jobj{{"Type", str("host-gw")}}},
	{"ipip-directrouting", jobj{{"Type", str("ipip")}, {"DirectRouting", jraw("true")}}},
	{"extension", jobj{{"Type", str("extension")}, {"SubnetAddCommand", str("echo add")}}},
	{"vxlan-full", jobj{{"Type", str("vxlan")}, {"VNI", jraw("1")}, {"Port", jraw("8472")}, {"DirectRouting", jraw("true")}, {"MTU", jraw("1450")}}},
	{"vxlan-lowercase-keys", jobj{{"type", str("vxlan")}, {"vni", jraw("4096")}, {"port", jraw("4789")}}},
	{"vxlan-unknown-field", jobj{{"Type", str("vxlan")}, {"VNIs", jraw("1")}}},
	{"tencent-vpc", jobj{{"Type", str("tencent-vpc")}}},
	{"ali-vpc-with-keys", jobj{{"Type", str("ali-vpc")}, {"AccessKeyID", str("AKID")}, {"AccessKeySecret", str("s3cr3t")}}},
	// RKE renders VNI and Port whatever flannel_backend_type is
	// (rancher/rke cluster/network.go doFlannelDeploy).
	{"rke-host-gw-vxlan-keys", jobj{{"Type", str("host-gw")}, {"VNI", jraw("1")}, {"Port", jraw("8472")}}},
}

// ncCorpus generates the net-conf.json corpus; the order is fixed.
func ncCorpus() []corpusCase {
	var c corpus
	bases := []struct {
		name string
		o    jobj
	}{
		{"upstream", ncBaseUpstream},
		{"ack", ncBaseACK},
		{"dual", ncBaseDual},
	}
	c.add("base/aliyun", ncBaseAliyun.render())
	for _, b := range bases {
		c.add("base/"+b.name, b.o.render())
		for _, f := range ncFieldValues {
			for _, v := range f.values {
				c.add(fmt.Sprintf("%s/%s=%s", b.name, f.path, short(v)), b.o.with(f.path, v).render())
			}
			c.add(b.name+"/no-"+f.path, b.o.without(f.path).render())
		}
		for _, bv := range ncBackendVariants {
			c.add(b.name+"/backend:"+bv.name, b.o.with("Backend", bv.v).render())
		}
		c.add(b.name+"/duplicate-Network", b.o.appendKey("Network", str("10.96.0.0/16")).render())
		c.add(b.name+"/duplicate-Backend", b.o.appendKey("Backend", jobj{{"Type", str("host-gw")}}).render())
		c.add(b.name+"/network-and-Network", b.o.appendKey("network", str("10.96.0.0/16")).render())
		for _, m := range jsonTextMutations {
			c.add(b.name+"/json:"+m.name, m.apply(b.o.render()))
		}
	}
	c.add("dual/ipv6-only", ncBaseDual.with("EnableIPv4", jraw("false")).without("Network").render())
	// kubespray's IPv6-only rendering: no Network and no "EnableIPv4": false.
	c.add("dual/ipv6-without-EnableIPv4-false", ncBaseDual.without("Network").render())
	c.add("dual/no-stack", ncBaseDual.with("EnableIPv4", jraw("false")).with("EnableIPv6", jraw("false")).render())
	c.add("dual/ipv6-host-gw", ncBaseDual.with("Backend.Type", str("host-gw")).render())
	c.add("dual/ipv6-udp", ncBaseDual.with("Backend.Type", str("udp")).render())
	c.add("upstream/subnet-range", ncBaseUpstream.with("SubnetLen", jraw("24")).with("SubnetMin", str("10.244.10.0")).with("SubnetMax", str("10.244.100.0")).render())
	c.add("upstream/subnet-min>max", ncBaseUpstream.with("SubnetMin", str("10.244.100.0")).with("SubnetMax", str("10.244.10.0")).render())
	return c.cases
}

// ncException is a category of net-conf.json that ParseConfig,
// CheckNetworkConfig and the backend lookup accept but that netguard denies on
// purpose, because flanneld fails later (when the backend registers its
// network) or silently misreads the file. Each cites
// shared/reference/flannel-kube-flannel-cfg.md.
type ncException struct {
	name string
	// fatal: the component fails at run time (rather than silently
	// misreading); a config that matches and is not denied is reported as a gap.
	fatal bool
	ref   string
	match func(top map[string]any, text string, cfg *subnet.Config) bool
}

// ncBackendFieldTypes: per backend, field → JSON kind (§2.5 table).
var ncBackendFieldTypes = map[string]map[string]string{
	"vxlan":       {"VNI": "int", "Port": "int", "MTU": "int", "GBP": "bool", "Learning": "bool", "DirectRouting": "bool"},
	"udp":         {"Port": "int"},
	"ipip":        {"DirectRouting": "bool"},
	"wireguard":   {"ListenPort": "int", "ListenPortV6": "int", "MTU": "int", "PersistentKeepaliveInterval": "int", "PSK": "string", "Mode": "string"},
	"ipsec":       {"PSK": "string", "UDPEncap": "bool", "ESPProposal": "string"},
	"extension":   {"PreStartupCommand": "string", "PostStartupCommand": "string", "SubnetAddCommand": "string", "SubnetRemoveCommand": "string"},
	"tencent-vpc": {"AccessKeyID": "string", "AccessKeySecret": "string"},
}

func jsonKindOK(v any, kind string) bool {
	if v == nil {
		return true
	}
	switch kind {
	case "int":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f) && math.Abs(f) < 1<<62
	case "bool":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	}
	return true
}

// ncKnownKeys are subnet.Config's JSON fields (matched case-insensitively by
// encoding/json).
var ncKnownKeys = []string{"EnableIPv4", "EnableIPv6", "EnableNFTables", "Network", "IPv6Network", "SubnetMin", "SubnetMax", "IPv6SubnetMin", "IPv6SubnetMax", "SubnetLen", "IPv6SubnetLen", "Backend"}

func ncBackend(top map[string]any) map[string]any {
	b, _ := getFold(top, "Backend").(map[string]any)
	return b
}

var ncExceptions = []ncException{
	{
		name:  "backend-field-type",
		fatal: true,
		ref:   "§2.5: each backend decodes its fields from the Backend object; a type error fails RegisterNetwork (`error decoding VXLAN backend config: json: cannot unmarshal string …`) and flanneld exits",
		match: func(top map[string]any, _ string, cfg *subnet.Config) bool {
			be := ncBackend(top)
			types := ncBackendFieldTypes[strings.ToLower(cfg.BackendType)]
			for field, kind := range types {
				if v, ok := getFoldOK(be, field); ok && !jsonKindOK(v, kind) {
					return true
				}
			}
			return false
		},
	},
	{
		name:  "ipsec-psk-too-short",
		fatal: true,
		ref:   "§2.5: the ipsec backend requires a PSK of at least 96 characters (`config error, password is too short`)",
		match: func(top map[string]any, _ string, cfg *subnet.Config) bool {
			if strings.ToLower(cfg.BackendType) != "ipsec" {
				return false
			}
			psk, _ := getFold(ncBackend(top), "PSK").(string)
			return len(psk) < 96
		},
	},
	{
		name:  "wireguard-mode-invalid",
		fatal: true,
		ref:   "§2.5: wireguard Mode must be separate, auto, ipv4 or ipv6 (`no valid Mode configured`)",
		match: func(top map[string]any, _ string, cfg *subnet.Config) bool {
			if strings.ToLower(cfg.BackendType) != "wireguard" {
				return false
			}
			m, ok := getFoldOK(ncBackend(top), "Mode")
			if !ok || m == nil {
				return false
			}
			s, _ := m.(string)
			switch s {
			case "", "separate", "auto", "ipv4", "ipv6":
				return false
			}
			return true
		},
	},
	{
		name:  "vxlan-vni-out-of-range",
		fatal: true,
		ref:   "§2.5: netlink rejects a VXLAN VNI above 2^24-1 (and a negative one) when the device is created",
		match: func(top map[string]any, _ string, cfg *subnet.Config) bool {
			if strings.ToLower(cfg.BackendType) != "vxlan" {
				return false
			}
			v, _ := getFold(ncBackend(top), "VNI").(float64)
			return v < 0 || v > 1<<24-1
		},
	},
	{
		name:  "no-ip-stack",
		fatal: true,
		ref:   "§2.2: with EnableIPv4 and EnableIPv6 both false flanneld exits with `none defined stack`",
		match: func(_ map[string]any, _ string, cfg *subnet.Config) bool {
			return !cfg.EnableIPv4 && !cfg.EnableIPv6
		},
	},
	{
		name: "duplicate-or-case-variant-key",
		ref:  "§2.1: encoding/json keeps the last of duplicate (or case-variant) keys silently",
		match: func(_ map[string]any, text string, _ *subnet.Config) bool {
			return hasDuplicateOrMisCasedKey(text, nil)
		},
	},
	{
		name: "unknown-key",
		ref:  "§2.1: unknown keys are ignored silently; house policy (helper preamble): unknown fields are deny with did-you-mean for every component. A Backend key that another backend decodes (VNI/Port with host-gw, as RKE renders it) is not unknown: netguard only warns (FL048), so it is not excused here",
		match: func(top map[string]any, _ string, cfg *subnet.Config) bool {
			for k := range top {
				if !foldIn(k, ncKnownKeys) {
					return true
				}
			}
			be := ncBackend(top)
			known := []string{"Type", "Name", "MacPrefix", "DNSServerList", "RouteTableID"} // Windows vxlan/host-gw, aws-vpc
			for _, fields := range ncBackendFieldTypes {
				known = append(known, keysOf(fields)...)
			}
			for k := range be {
				if !foldIn(k, known) {
					return true
				}
			}
			return false
		},
	},
}

func foldIn(k string, list []string) bool {
	for _, l := range list {
		if strings.EqualFold(k, l) {
			return true
		}
	}
	return false
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFlannelNetConfParity runs every generated net-conf.json through
// flannel's own subnet.ParseConfig / CheckNetworkConfig and backend lookup
// and through netguard (cluster context empty: no service CIDR, no nodes).
func TestFlannelNetConfParity(t *testing.T) {
	if _, err := registeredFlannelBackends(); err != nil {
		t.Fatal(err)
	}
	cases := ncCorpus()
	if len(cases) < 100 {
		t.Fatalf("net-conf.json corpus has %d configs, want at least 100", len(cases))
	}
	cfg := flannelNetguardConfig()
	checker := flannel.New()
	r := newReport(t, "flannel net-conf")
	r.counts["configs"] = len(cases)
	for _, c := range cases {
		fv := runFlannel(c.Text)
		ng := onlyKey(judge(cfg, checker, "kube-system", "kube-flannel-cfg", map[string]string{flannel.CNIConfKey: cniConfForNetConf, flannel.NetConfKey: c.Text}), flannel.NetConfKey)
		d := disagreement{Case: c.Name, Input: c.Text, Reference: fv.String(), Netguard: ng.String()}
		if fv.Err != nil {
			r.count("flanneld REFUSED at " + fv.Stage)
			if ng.denied() {
				r.count("agree: REFUSED and denied")
			} else {
				d.Want = "deny (flanneld refuses it)"
				r.fail(d)
			}
			continue
		}
		r.count("flanneld ACCEPTED")
		if !ng.denied() {
			r.count("agree: ACCEPTED and not denied")
			for _, e := range ncExceptions {
				if e.fatal && e.match(ncTop(c.Text), c.Text, fv.cfg) {
					d.Want = "exception " + e.name + " matches (" + e.ref + ")"
					r.gap(d)
					break
				}
			}
			continue
		}
		var top map[string]any
		_ = json.Unmarshal([]byte(c.Text), &top)
		excused := false
		for _, e := range ncExceptions {
			if e.match(top, c.Text, fv.cfg) {
				r.count("ACCEPTED but denied, documented exception: " + e.name)
				t.Logf("%s: flanneld accepts it, netguard denies (exception %s: %s)", c.Name, e.name, e.ref)
				excused = true
				break
			}
		}
		if !excused {
			d.Want = "no deny (flanneld accepts it and no documented exception applies)"
			r.fail(d)
		}
	}
	r.finish()
}

// TestFlannelClassifier proves the reference can refuse and accept.
func TestFlannelClassifier(t *testing.T) {
	backends, err := registeredFlannelBackends()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vxlan", "host-gw", "udp", "ipip", "ipsec", "alloc", "extension", "wireguard", "tencent-vpc"} {
		if !backends[want] {
			t.Errorf("backend %q not found among %v", want, keysOfBool(backends))
		}
	}
	if backends["ali-vpc"] {
		t.Errorf("ali-vpc was removed in v0.20.0 but is registered in %s", flannelVersionUnderTest)
	}
	if v := runFlannel(ncBaseUpstream.render()); v.Err != nil {
		t.Errorf("upstream net-conf: %s", v)
	}
	if v := runFlannel(ncBaseAliyun.render()); v.Err == nil || v.Stage != "GetBackend" {
		t.Errorf("ali-vpc: %s", v)
	}
	if v := runFlannel(ncBaseUpstream.with("SubnetLen", str("24")).render()); v.Err == nil || v.Stage != "ParseConfig" {
		t.Errorf("string SubnetLen: %s", v)
	}
	if v := runFlannel(ncBaseUpstream.with("Network", str("10.244.0.0/29")).render()); v.Err == nil || v.Stage != "CheckNetworkConfig" {
		t.Errorf("/29 network: %s", v)
	}
}

func keysOfBool(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ncTop(text string) map[string]any {
	var top map[string]any
	_ = json.Unmarshal([]byte(text), &top)
	return top
}
