package terway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// scope is the document being judged and what a failure in it means.
type scope struct {
	r        *rules.Report
	doc      *schema.Doc
	override bool
	name     string // ConfigMap name
	cluster  *rules.ClusterContext
	// impact says what Terway does when it cannot decode the document.
	impact string
}

func newScope(r *rules.Report, req *rules.Request) *scope {
	s := &scope{r: r, override: req.Target.Role == RoleOverride, name: req.ConfigMap().Name, cluster: req.Cluster}
	if s.override {
		s.impact = fmt.Sprintf("terwayd on every node labelled terway-config=%s exits (\"failed parse config\") and its Terway pod crash-loops", s.name)
	} else {
		s.impact = "terway-init and terwayd exit and the Terway pod on every node crash-loops (terway-controlplane also refuses the config)"
	}
	return s
}

// parseENIConf parses eni_conf; it reports syntax errors and non-objects
// and returns nil when the document cannot be judged further.
func parseENIConf(s *scope, text string) *schema.Doc {
	doc, serr := schema.Parse("eni_conf", text)
	if serr != nil {
		what := "terway-init (jq, encoding/json) and terwayd cannot parse it"
		if s.override {
			what = fmt.Sprintf("terwayd on the nodes labelled terway-config=%s fails with \"failed parse config: Invalid JSON Patch\"", s.name)
		}
		s.r.Add(RuleENIConfSyntax, serr.Loc, fmt.Sprintf("eni_conf is not valid JSON (%s): %s and the Terway pods crash-loop", serr.Msg, what),
			"fix the JSON: eni_conf is strict JSON, without comments, trailing commas or single quotes; check it with `jq . <file>`")
		return nil
	}
	if !doc.Root.IsObject() {
		var msg string
		switch {
		case doc.Root.Type == gjson.Null && s.override:
			msg = fmt.Sprintf("eni_conf is null: as a JSON merge patch null REPLACES the whole base configuration, so nodes labelled terway-config=%s run with an all-default Terway config (no vSwitches, security groups or credentials from eni-config)", s.name)
		case doc.Root.Type == gjson.Null:
			msg = "eni_conf is null: terwayd silently runs with an all-default configuration, and terway-controlplane cannot read it"
		default:
			msg = fmt.Sprintf("eni_conf is a JSON %s, not an object: %s", rules.JSONType(doc.Root), s.impact)
		}
		s.r.Add(RuleENIConfMissing, doc.Loc(nil, doc.Root), msg, `eni_conf must be one JSON object, e.g. {"version": "1", "max_pool_size": 5}`)
		return nil
	}
	return doc
}

// checkENIConf judges every member of eni_conf on its own: duplicates,
// types, unknown, removed and misplaced keys, and the value of each field.
func checkENIConf(s *scope) {
	root := s.doc.Root
	checkDuplicates(s, root, schema.NewTrail(nil))
	tc := &typeCheck{r: s.r, doc: s.doc, mismatchRule: RuleFieldType, unknownRule: RuleUnknownField, structName: "Config", impact: s.impact}
	members := s.doc.Members(root)
	last := map[string]int{}
	for i, m := range members {
		last[m.Name] = i
	}
	for i, m := range members {
		loc := s.doc.TopKeyLoc(m)
		f, known := eniConfFields[m.Name]
		switch {
		case known:
			ok := tc.check(f.t, m.Value, rules.Root(m.Name), rules.IsSecretKey(m.Name))
			if ok && last[m.Name] == i && m.Value.Type != gjson.Null {
				checkFieldValue(s, m, loc)
				checkSince(s, m.Name, f, loc)
			}
		case isRemoved(m.Name):
			checkRemoved(s, tc, m, loc)
		case misplacedInENIConf[m.Name] != "":
			s.r.Add(RuleWrongDocument, loc, fmt.Sprintf("%q is not an eni_conf field: Terway reads it from %s and silently ignores it here, so this setting has no effect", m.Name, misplacedInENIConf[m.Name]),
				fmt.Sprintf("move %q out of eni_conf to %s", m.Name, misplacedInENIConf[m.Name]))
		default:
			unknownENIConfKey(s, m, loc)
		}
	}
	if a, ok := s.doc.Get(root, "access_key"); ok && a.Value.Type == gjson.String && a.Value.Str != "" {
		s.r.Add(RuleStaticAccessKey, s.doc.KeyLoc(rules.Root("access_key"), a),
			"eni_conf holds a static AccessKey pair (access_key/access_secret, values <redacted>): anyone who can read ConfigMaps in kube-system can read it",
			"prefer credential_path (ACK: /var/addon/token-config), the addon secret /var/alibaba-addon-secret, or the ECS RAM role of the nodes, and remove access_key/access_secret")
	}
}

func unknownENIConfKey(s *scope, m rules.Member, loc rules.Loc) {
	candidates := eniConfCandidates
	for _, c := range candidates {
		if strings.EqualFold(c, m.Name) {
			s.r.Add(RuleUnknownField, loc, fmt.Sprintf("%q is not an eni_conf field: Terway matches keys case-sensitively and silently discards %q, so the setting has no effect (terway-cli, which is case-insensitive, may still read it: the two disagree)", m.Name, m.Name),
				fmt.Sprintf("rename %q to %q", m.Name, c))
			return
		}
	}
	msg := fmt.Sprintf("%q is not an eni_conf field: Terway silently ignores unknown keys, so this setting has no effect", m.Name)
	hint := fmt.Sprintf("remove %q or correct its name (see the Terway eni_conf fields)", m.Name)
	if sug := s.r.Suggest(m.Name, candidates); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
		hint = fmt.Sprintf("rename %q to %q", m.Name, sug)
	}
	s.r.Add(RuleUnknownField, loc, msg, hint)
}

// checkDuplicates reports repeated keys; Terway's decoder keeps the last.
// One pass per object keeps it linear in the document size; paths are
// built only for duplicates.
func checkDuplicates(s *scope, v gjson.Result, tr *schema.Trail) {
	switch {
	case v.IsObject():
		members := s.doc.Members(v)
		var groups map[string][]int
		seen := make(map[string]int, len(members))
		for i, m := range members {
			if j, dup := seen[m.Name]; dup {
				if groups == nil {
					groups = map[string][]int{}
				}
				if groups[m.Name] == nil {
					groups[m.Name] = []int{j}
				}
				groups[m.Name] = append(groups[m.Name], i)
			}
			seen[m.Name] = i
			if m.Value.IsObject() || m.Value.IsArray() {
				tr.Key(m.Name)
				checkDuplicates(s, m.Value, tr)
				tr.Pop()
			}
		}
		for _, name := range sortedKeys(groups) {
			idx := groups[name]
			lastM := members[idx[len(idx)-1]]
			same := true
			for _, i := range idx[:len(idx)-1] {
				if !equalJSON(members[i].Value, lastM.Value) {
					same = false
				}
			}
			fp := rules.Child(tr.Path(), name)
			p := rules.PathString(fp)
			loc := s.doc.KeyLoc(fp, lastM)
			if same {
				s.r.Add(RuleDuplicateSame, loc, fmt.Sprintf("%s appears %d times with the same value: Terway keeps the last one", p, len(idx)),
					fmt.Sprintf("delete the repeated %q", name))
				continue
			}
			val := describe(lastM.Value, isSecretPath(p))
			s.r.Add(RuleDuplicateKey, loc, fmt.Sprintf("%s appears %d times with different values: Terway silently keeps only the LAST one (%s) and ignores the others", p, len(idx), val),
				fmt.Sprintf("keep exactly one %q with the value you want", name))
		}
	case v.IsArray():
		i := 0
		v.ForEach(func(_, e gjson.Result) bool {
			if e.IsObject() || e.IsArray() {
				tr.Index(i)
				checkDuplicates(s, e, tr)
				tr.Pop()
			}
			i++
			return true
		})
	}
}

// equalJSON compares two values ignoring insignificant whitespace.
func equalJSON(a, b gjson.Result) bool {
	var x, y bytes.Buffer
	if json.Compact(&x, []byte(a.Raw)) != nil || json.Compact(&y, []byte(b.Raw)) != nil {
		return a.Raw == b.Raw
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

func isSecretPath(p string) bool {
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' || r == '"' }) {
		if rules.IsSecretKey(part) {
			return true
		}
	}
	return false
}

// checkSince warns about fields the configured Terway version lacks.
func checkSince(s *scope, name string, f eniField, loc rules.Loc) {
	if f.since == "" || s.cluster == nil || s.cluster.Fact(VersionFact) == "" {
		return
	}
	have, err := rules.ParseVersion(s.cluster.Fact(VersionFact))
	if err != nil {
		return
	}
	need, _ := rules.ParseVersion(f.since)
	if have.Less(need) {
		s.r.Add(RuleFieldVersion, loc, fmt.Sprintf("%q needs Terway v%s or later, but the cluster runs Terway %s: this version silently ignores it", name, f.since, s.cluster.Fact(VersionFact)),
			fmt.Sprintf("upgrade Terway to v%s or later, or remove %q", f.since, name))
	}
}

// enums are string fields where Terway recognises some values and silently
// treats every other value as the default.
var enums = map[string]struct {
	valid    []string
	fallback string
}{
	"vswitch_selection_policy": {[]string{"ordered", "random"}, `"random"`},
	"eni_selection_policy":     {[]string{"most_ips", "least_ips"}, `"most_ips"`},
	"ipam_type":                {[]string{"crd"}, `legacy (non-centralized) IPAM`},
}

// checkFieldValue judges the value of one known, well-typed field.
func checkFieldValue(s *scope, m rules.Member, loc rules.Loc) {
	v := m.Value
	vloc := s.doc.TopLoc(m.Name, v)
	switch m.Name {
	case "ip_stack":
		checkIPStack(s, v.Str, vloc)
	case "vswitch_selection_policy", "eni_selection_policy", "ipam_type":
		checkEnum(s, m.Name, v.Str, enums[m.Name].valid, enums[m.Name].fallback, vloc)
	case "idle_ip_reclaim_after", "idle_ip_reclaim_interval":
		if _, err := time.ParseDuration(v.Str); err != nil {
			s.r.Add(RuleDuration, vloc, fmt.Sprintf("%s %s is not a Go duration (%v): terwayd fails at start in legacy IPAM and every Node reconcile fails in centralized (crd) IPAM", m.Name, rules.Quote(v.Str), err),
				fmt.Sprintf(`use a Go duration such as "30m", "1h" or "1h30m" (units ns, us, ms, s, m, h; no "d"): %q: "1h"`, m.Name))
		}
	case "ip_pool_sync_period":
		if v.Str != "" {
			if _, err := time.ParseDuration(v.Str); err != nil {
				s.r.Add(RuleDuration, vloc, fmt.Sprintf("ip_pool_sync_period %s is not a Go duration (%v): Terway silently ignores it and keeps syncing every 120s", rules.Quote(v.Str), err),
					`use a Go duration such as "120s" or "5m" (units ns, us, ms, s, m, h)`)
			}
		}
	case "idle_ip_reclaim_jitter_factor":
		if _, err := strconv.ParseFloat(v.Str, 64); err != nil {
			s.r.Add(RuleJitterFactor, vloc, fmt.Sprintf("idle_ip_reclaim_jitter_factor %s is not a number: terwayd (legacy IPAM) fails at start on strconv.ParseFloat, and centralized IPAM silently ignores it", rules.Quote(v.Str)),
				`use a decimal number inside a JSON string: "idle_ip_reclaim_jitter_factor": "0.1"`)
		}
	case "max_pool_size", "min_pool_size", "ip_warm_up_size", "min_eni", "max_eni", "ipv4_prefix_count", "ipv6_prefix_count", "kube_client_burst":
		if n, err := strconv.ParseInt(v.Raw, 10, 64); err == nil && n < 0 {
			s.r.Add(RuleNegativeCount, vloc, fmt.Sprintf("%s is %d: a negative size is never valid; the Node CR schema (minimum 0) rejects it, so every reconcile of centralized IPAM fails, and legacy IPAM misbehaves", m.Name, n),
				fmt.Sprintf("use 0 or a positive number: %q: 0", m.Name))
		}
	case "service_cidr":
		checkServiceCIDR(s, v, vloc)
	case "vswitches":
		checkVSwitches(s, v)
	case "security_group":
		checkID(s, "security group", sgRe, v, func() *field.Path { return rules.Root("security_group") })
	case "security_groups":
		for i, e := range v.Array() {
			if e.Type == gjson.String {
				checkID(s, "security group", sgRe, e, func() *field.Path { return rules.Root("security_groups").Index(i) })
			}
		}
	case "backoff_override":
		for _, b := range s.doc.Members(v) {
			if !containsStr(backoffKeys, b.Name) {
				p := rules.Child(rules.Root("backoff_override"), b.Name)
				msg := fmt.Sprintf("backoff_override has no entry %q: Terway stores it but never looks it up, so it has no effect", b.Name)
				hint := "use one of " + strings.Join(backoffKeys[1:], ", ") + " (or \"\" for the default)"
				if sug := s.r.Suggest(b.Name, backoffKeys[1:]); sug != "" {
					msg += fmt.Sprintf("; did you mean %q?", sug)
					hint = fmt.Sprintf("rename %q to %q", b.Name, sug)
				}
				s.r.Add(RuleUnknownField, s.doc.KeyLoc(p, b), msg, hint)
			}
		}
	case "rate_limit":
		for _, a := range s.doc.Members(v) {
			if containsStr(rateLimitActions, a.Name) {
				continue
			}
			if sug := rules.Suggest(a.Name, rateLimitActions); sug != "" {
				p := rules.Child(rules.Root("rate_limit"), a.Name)
				s.r.Add(RuleUnknownField, s.doc.KeyLoc(p, a), fmt.Sprintf("rate_limit has no OpenAPI action %q (names are case-sensitive): Terway creates a limiter nobody uses, so %q keeps its default limit", a.Name, sug),
					fmt.Sprintf("rename %q to %q", a.Name, sug))
			}
		}
	}
}

// rateLimitActions are the OpenAPI actions with built-in limits
// (pkg/aliyun/client/ratelimit.go).
var rateLimitActions = []string{
	"AttachNetworkInterface", "CreateNetworkInterface", "DeleteNetworkInterface", "DescribeNetworkInterfaces",
	"DescribeNetworkInterfaceAttribute", "DetachNetworkInterface", "AssignPrivateIpAddresses",
	"UnassignPrivateIpAddresses", "AssignIpv6Addresses", "UnassignIpv6Addresses", "DescribeInstanceTypes",
	"DescribeVSwitches", "AssignLeniPrivateIpAddress", "AttachElasticNetworkInterface", "DetachElasticNetworkInterface",
	"ListElasticNetworkInterfaces", "CreateElasticNetworkInterface", "DeleteElasticNetworkInterface",
	"CreateHighDensityElasticNetworkInterface", "DeleteHighDensityElasticNetworkInterface",
	"AttachHighDensityElasticNetworkInterface", "DetachHighDensityElasticNetworkInterface",
	"ListHighDensityElasticNetworkInterfaces", "GetNodeInfoForPod",
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func checkIPStack(s *scope, v string, loc rules.Loc) {
	switch v {
	case "", "ipv4", "dual":
		return
	case "ipv6":
		s.r.Add(RuleIPStack, loc, `ip_stack "ipv6" is accepted by terway-controlplane but terwayd refuses it ("unsupported ipStack ipv6 in configMap") and the Terway pods crash-loop`,
			`use "ip_stack": "ipv4" or "ip_stack": "dual" (IPv6-only is not supported by the daemon)`)
		return
	}
	hint := `use "ip_stack": "ipv4" or "ip_stack": "dual"`
	if sug := s.r.Suggest(v, []string{"ipv4", "dual"}); sug != "" {
		hint = fmt.Sprintf(`use "ip_stack": %q (the value is case-sensitive)`, sug)
	}
	s.r.Add(RuleIPStack, loc, fmt.Sprintf("ip_stack %s is not supported: terwayd fails at start with \"unsupported ipStack %s in configMap\" and the Terway pods crash-loop", rules.Quote(v), v), hint)
}

// checkEnum judges a string field whose unknown values silently fall back.
func checkEnum(s *scope, name, v string, valid []string, fallback string, loc rules.Loc) {
	if v == "" || containsStr(valid, v) {
		return
	}
	if sug := nearMiss(v, valid); sug != "" {
		s.r.Add(RuleEnumNearMiss, loc, fmt.Sprintf("%s %s is not a value Terway recognises (it compares case-sensitively); Terway silently uses %s instead of %q", name, rules.Quote(v), fallback, sug),
			fmt.Sprintf("write %q: %q", name, sug))
		return
	}
	s.r.Add(RuleEnumUnknown, loc, fmt.Sprintf("%s %s is not a value Terway recognises; Terway silently uses %s", name, rules.Quote(v), fallback),
		fmt.Sprintf("use one of %s, or remove %q to get the default", quoteList(valid), name))
}

// nearMiss returns the valid value v was evidently meant as (case, spacing,
// separators or a small typo), or "".
func nearMiss(v string, valid []string) string {
	t := strings.TrimSpace(v)
	for _, c := range valid {
		if strings.EqualFold(t, c) {
			return c
		}
	}
	return rules.Suggest(t, valid)
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func isRemoved(name string) bool { _, ok := removedFields[name]; return ok }

// checkRemoved judges a field Terway once had: a cluster whose Terway
// still reads it gets it type-checked like any field; otherwise it is
// silently ignored (TW007), said in words true for the version judged.
func checkRemoved(s *scope, tc *typeCheck, m rules.Member, loc rules.Loc) {
	f := removedFields[m.Name]
	version := clusterTerwayVersion(s)
	v, err := rules.ParseVersion(version)
	known := version != "" && err == nil
	if known && f.liveIn(v) {
		tc.check(f.t, m.Value, rules.Root(m.Name), false)
		return
	}
	msg := fmt.Sprintf("%q was removed from Terway (%s): Terway v%s and later silently ignore it", m.Name, f.lifetime(), f.gone)
	if known {
		msg = fmt.Sprintf("%q is not read by Terway %s (%s): it is silently ignored", m.Name, version, f.lifetime())
	}
	s.r.Add(RuleRemovedField, loc, msg, fmt.Sprintf("delete %q from eni_conf", m.Name))
}
