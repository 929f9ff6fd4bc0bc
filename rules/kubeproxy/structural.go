package kubeproxy

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/netguard/netguard/rules"
)

// removedFields lists v1alpha1 fields kube-proxy once had that were removed
// before the k8s.io/kube-proxy module was published (so the generator cannot
// see them), with a note.
var removedFields = map[string]string{
	"conntrack.max": "removed in Kubernetes 1.12; use conntrack.maxPerCore and conntrack.min",
}

// structural reports decoding failures and strict-only problems.
func (j *judge) structural() {
	d := j.d
	slashLines := map[int]bool{}
	if f := d.fatal; f != nil {
		line := lineOf(d.text, f.Line)
		cause := ""
		at := rules.Loc{Key: ConfigKey, Path: f.Path, Line: f.Line, Column: f.Col}
		for _, n := range []int{f.Line, f.Line - 1} {
			if l := lineOf(d.text, n); n > 0 && slashCommentCol(l) > 0 {
				slashLines[n] = true
				line = l
				at.Line, at.Column = n, slashCommentCol(l)
				cause = fmt.Sprintf(" — caused by the `//` comment on line %d, which YAML does not treat as a comment", n)
				break
			}
		}
		hint := decodeHint(f, line)
		if f.Kind == fatalYAML && cause == "" && f.Line > 1 {
			if prev := decodeHint(f, lineOf(d.text, f.Line-1)); prev != genericYAMLHint && hint == genericYAMLHint {
				hint = prev
				at.Line = f.Line - 1
			}
		}
		rule := map[fatalKind]string{fatalYAML: RuleYAMLSyntax, fatalType: RuleTypeError, fatalTypeMeta: RuleTypeMeta, fatalJSON: RuleYAMLSyntax}[f.Kind]
		where := ""
		if f.Line > 0 && f.Kind != fatalYAML {
			where = fmt.Sprintf(" (line %d)", f.Line)
		}
		j.rep.Add(rule, at,
			crash+"failed complete: failed to decode: "+f.Msg+where+cause+".", hint)
	}
	// `//` comments anywhere (beyond the one that broke decoding).
	for i, l := range strings.Split(d.text, "\n") {
		n := i + 1
		col := slashCommentCol(l)
		if col == 0 || slashLines[n] {
			continue
		}
		what := "kube-proxy reads it as part of the value"
		if d.fatal != nil {
			what = "it would break decoding here too once the error above is fixed, or end up inside the value"
		} else if path, val := scalarOnLine(d, n); path != "" {
			what = fmt.Sprintf("%s is the string %q, not %q", path, val, strings.TrimSpace(val[:max(0, strings.Index(val, "//"))]))
			if _, sec := ignoredIn(d, path); path == "ipvs.scheduler" && sec == "" {
				what += ": kube-proxy would exit at start-up with `can't use the IPVS proxier: ...` (no such kernel scheduler)"
			}
		}
		path := pathOnLine(d, n)
		rule := RuleSlashComment
		if mode, sec := ignoredIn(d, path); sec != "" {
			// The value is wrong but never read: the running proxy is unaffected.
			rule = RuleSlashIgnored
			what += fmt.Sprintf("; kube-proxy runs in %s mode and does not read the %s section, so today this changes nothing, but it breaks as soon as mode becomes %s", mode, sec, sec)
		}
		j.rep.Add(rule, rules.Loc{Key: ConfigKey, Line: n, Column: col, Path: path},
			fmt.Sprintf("line %d uses `//` as a comment, but YAML comments start with `#`: %s.", n, what),
			"replace `//` with `#` (with a space before it), or delete the comment")
	}
	if d.fatal != nil {
		return
	}
	// Unknown and removed fields.
	for _, p := range d.unknown {
		j.unknownField(p)
	}
	if j.t.Minor >= 31 && isSet(j.generic(), "portRange") {
		j.add(RuleRemovedField, "portRange",
			fmt.Sprintf("portRange is ignored: kube-proxy has not used it since the userspace proxier was removed (1.26) and stopped validating it in 1.31%s.", j.t.assumedNote()),
			"delete portRange")
	}
	var differs map[int]bool
	if len(d.duplicates) > 0 {
		differs = d.pos.duplicateDiffers()
	}
	for _, dup := range d.duplicates {
		loc := rules.Loc{Key: ConfigKey, Line: dup.Line, Path: dupPath(d, dup)}
		if diff, known := differs[dup.Line]; known && !diff {
			// Same value: kube-proxy runs what the reader sees.
			j.rep.Add(RuleDuplicateSame, loc,
				fmt.Sprintf("key %q is repeated (line %d) with the same value: kube-proxy keeps the last copy, so nothing changes today, but an edit of only the earlier copy will silently have no effect.", dup.Key, dup.Line),
				"delete the repeated "+dup.Key)
			continue
		}
		j.rep.Add(RuleDuplicateKey, loc,
			fmt.Sprintf("key %q is repeated (line %d) with a different value: kube-proxy keeps the last one%s (a repeated section replaces the whole earlier block), so the earlier setting a reader sees is not what runs.", dup.Key, dup.Line, lastValueNote(d, dup)),
			"keep one "+dup.Key+" with the value you mean (merge the settings of a repeated section into one block)")
	}
	for _, line := range extraDocuments(d.text) {
		j.rep.Add(RuleExtraDoc, rules.Loc{Key: ConfigKey, Line: line},
			fmt.Sprintf("a second YAML document starts at line %d: kube-proxy reads only the first document of config.conf, so everything after this `---` is silently ignored.", line),
			"remove the `---` line and merge the settings into the first document")
	}
	d.pos.walkScalars(func(path string, n *yamlNode) {
		if n.Style == 0 && yaml11Octal(n.Value) && strings.TrimLeft(strings.TrimLeft(n.Value, "+-"), "0") != "" {
			j.rep.Add(RuleOctal, rules.Loc{Key: ConfigKey, Path: path, Line: n.Line, Column: n.Column},
				fmt.Sprintf("%s is %s: config.conf is YAML 1.1, where a leading zero makes an octal number (%s = %d).", path, n.Value, n.Value, octalValue(n.Value)),
				"drop the leading zero")
		}
	})
}

func octalValue(s string) int64 {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(strings.ReplaceAll(s, "_", ""), "+-")
	var v int64
	for _, c := range s {
		v = v*8 + int64(c-'0')
		if v > 1<<40 {
			break
		}
	}
	if neg {
		v = -v
	}
	return v
}

// lineScalar is a scalar value node and its JSON path.
type lineScalar struct {
	path string
	n    *yamlNode
}

// scalarsOn returns the scalars on a line in document order. The index is
// built once per judgement: looking each line up by walking the whole
// document was quadratic (200,000 repeated keys took minutes).
func (d *decoded) scalarsOn(line int) []lineScalar {
	if d.byLine == nil {
		d.byLine = map[int][]lineScalar{}
		d.pos.walkScalars(func(p string, n *yamlNode) {
			d.byLine[n.Line] = append(d.byLine[n.Line], lineScalar{p, n})
		})
	}
	return d.byLine[line]
}

// scalarOnLine finds the scalar value on a line.
func scalarOnLine(d *decoded, line int) (path, value string) {
	for _, s := range d.scalarsOn(line) {
		if strings.Contains(s.n.Value, "//") {
			return s.path, s.n.Value
		}
	}
	return "", ""
}

func pathOnLine(d *decoded, line int) string {
	p, _ := scalarOnLine(d, line)
	return p
}

func dupPath(d *decoded, dup duplicateKey) string {
	for _, s := range d.scalarsOn(dup.Line) {
		if strings.HasSuffix(s.path, dup.Key) {
			return s.path
		}
	}
	return dup.Key
}

const genericYAMLHint = "fix the YAML at that line: indent child keys by two spaces under their section, keep siblings aligned, use `#` for comments, and quote values containing `: `"

// decodeHint explains a decoding failure from the offending line.
func decodeHint(f *decodeError, line string) string {
	switch {
	case f.Kind == fatalJSON:
		return "config.conf starts with '{', so kube-proxy parses it as strict JSON, not YAML: remove trailing commas and comments (or write the configuration as YAML)"
	case slashCommentCol(line) > 0:
		return "`//` is not a YAML comment: replace it with `#` (e.g. `maxPerCore: 65536  # comment`), or delete the comment"
	case strings.Contains(line, "\t") && f.Kind == fatalYAML:
		return "indent with spaces, not tabs"
	case strings.ContainsRune(line, '：'):
		return "the full-width colon `：` is not a YAML separator; use `: ` (ASCII colon and a space)"
	case strings.Contains(line, "::") && !strings.Contains(line, "\"") && !strings.Contains(line, "'"):
		return "quote IPv6 addresses: `bindAddress: \"::\"`"
	case f.Kind == fatalYAML && missingSpace(line):
		return "put a space after the colon: `key: value`"
	case f.Kind == fatalYAML:
		return genericYAMLHint
	case f.Kind == fatalTypeMeta:
		return "start config.conf with `apiVersion: kubeproxy.config.k8s.io/v1alpha1` and `kind: KubeProxyConfiguration` (exact spelling and case)"
	case strings.Contains(f.Msg, "time: "):
		return "durations are strings with a unit and no spaces: 10s, 5m, 1h (no `d`); put comments after `#`"
	case strings.Contains(f.Msg, "cannot unmarshal string") && strings.Contains(f.Msg, "of type bool"):
		return "write booleans unquoted: true / false"
	case strings.Contains(f.Msg, "cannot unmarshal string") && (strings.Contains(f.Msg, "int32") || strings.Contains(f.Msg, "float32")):
		return "write numbers unquoted and without units or comments: e.g. maxPerCore: 65536"
	case strings.Contains(f.Msg, "cannot unmarshal number") && strings.Contains(f.Msg, "of type string"):
		return "durations need a unit: write e.g. 10s instead of 10"
	case strings.Contains(f.Msg, "[]string"):
		return "write a YAML list: `- 10.0.0.0/8` on its own line, or [\"10.0.0.0/8\"]"
	}
	return "give the field a value of the type kube-proxy expects (see the error)"
}

func missingSpace(line string) bool {
	t := strings.TrimSpace(line)
	i := strings.IndexByte(t, ':')
	return i > 0 && i+1 < len(t) && !unicode.IsSpace(rune(t[i+1])) && !strings.ContainsAny(t[:i], "\"'")
}

// unknownField reports a member the target kube-proxy does not know.
func (j *judge) unknownField(path string) {
	parent, name := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, name = path[:i], path[i+1:]
	}
	typeParent := stripIndexes(parent)
	typePath := stripIndexes(path)
	if lm, since := lastMinorWithField(typePath), firstMinorWithField(typePath); since > j.t.Minor && lm > 0 {
		j.add(RuleUnknownField, path,
			fmt.Sprintf("%s is unknown to kube-proxy 1.%d (the field exists from 1.%d): kube-proxy silently ignores it (one Info log line `Using lenient decoding as strict decoding failed`)%s.", path, j.t.Minor, since, j.t.assumedNote()),
			fmt.Sprintf("remove %s, or upgrade to Kubernetes 1.%d+ first; set cluster.kubernetesVersion if netguard assumes the wrong version", path, since))
		return
	}
	if note, ok := removedFields[typePath]; ok {
		j.add(RuleRemovedField, path, fmt.Sprintf("%s is ignored: the field was %s.", path, note), "delete "+path)
		return
	}
	if last, ok := generatedHistoricalFields[typePath]; ok || lastMinorWithField(typePath) > 0 {
		if !ok {
			last = fmt.Sprintf("1.%d", lastMinorWithField(typePath))
		}
		j.add(RuleRemovedField, path,
			fmt.Sprintf("%s is ignored: kube-proxy had this field until %s and has since removed it, so it is silently dropped%s.", path, last, j.t.assumedNote()),
			"delete "+path)
		return
	}
	candidates := j.t.fieldNames(typeParent)
	sug := rules.Suggest(strings.TrimSpace(strings.Map(nbspToSpace, name)), candidates)
	var msg string
	switch {
	case name == "linux":
		msg = fmt.Sprintf("%s is unknown: v1alpha1 has no `linux` section (conntrack, oomScoreAdj and masqueradeAll are top-level / per mode); kube-proxy silently ignores the whole block and keeps the defaults", path)
		sug = "conntrack"
	case strings.ContainsRune(name, '\u00a0'):
		msg = fmt.Sprintf("%q is unknown: the key is indented with non-breaking spaces (U+00A0, from a web page), so kube-proxy sees a different key and silently ignores it", path)
	case parent == "" && sug == "" && j.isSectionChild(name):
		sec := j.sectionOf(name)
		msg = fmt.Sprintf("%s is unknown at the top level: it belongs under `%s:` but is not indented, so kube-proxy silently ignores it (and the %s section stays empty)", path, sec, sec)
		sug = sec + "." + name
	case name == "Mode" || sug == "mode":
		msg = fmt.Sprintf("%s is unknown (keys are case-sensitive): kube-proxy silently ignores it and runs the default mode (iptables)", path)
	default:
		msg = fmt.Sprintf("%s is unknown to kube-proxy 1.%d: kube-proxy silently ignores it (one Info log line `Using lenient decoding as strict decoding failed`) and uses the default instead", path, j.t.Minor)
	}
	hint := "remove it, or fix the key name (keys are case-sensitive)"
	if sug != "" {
		hint = fmt.Sprintf("did you mean %q? %s", sug, hint)
	}
	j.add(RuleUnknownField, path, msg+".", hint)
}

func nbspToSpace(r rune) rune {
	if r == '\u00a0' {
		return ' '
	}
	return r
}

func stripIndexes(p string) string {
	var b strings.Builder
	skip := false
	for _, r := range p {
		switch {
		case r == '[':
			skip = true
			b.WriteString("[]")
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (j *judge) sectionOf(name string) string {
	for _, sec := range []string{"ipvs", "iptables", "nftables", "conntrack", "clientConnection", "detectLocal", "logging", "winkernel"} {
		if _, ok := j.t.Fields[sec+"."+name]; ok {
			return sec
		}
	}
	return ""
}

func (j *judge) isSectionChild(name string) bool { return j.sectionOf(name) != "" }

// featureGateFinding reports a stage C error.
func (j *judge) featureGateFinding(e gateError) {
	path := "featureGates." + e.Gate
	hint := "remove the gate from featureGates"
	if strings.HasPrefix(e.Msg, "unrecognized") {
		first, last := gateHistory(e.Gate)
		switch {
		case last > 0 && last < j.t.Minor:
			hint = fmt.Sprintf("remove %s: kube-proxy knew it up to 1.%d and it was removed after graduating", e.Gate, last)
		case first > j.t.Minor:
			hint = fmt.Sprintf("remove %s: it exists only from Kubernetes 1.%d", e.Gate, first)
		default:
			if s := rules.Suggest(e.Gate, gateNames(j.t.versionTable)); s != "" {
				hint = fmt.Sprintf("did you mean %q? gate names are case-sensitive; otherwise remove %s", s, e.Gate)
			} else {
				hint = fmt.Sprintf("remove %s: the gate is GA and was removed (e.g. IPv6DualStack since 1.25), or it never existed", e.Gate)
			}
		}
	} else if strings.Contains(e.Msg, "locked to") {
		hint = fmt.Sprintf("remove %s: the feature is GA and always on", e.Gate)
	} else if strings.Contains(e.Msg, "depends on") {
		hint = "enable the dependencies too, or do not enable the gate (AllAlpha is not usable on this version)"
	}
	j.add(RuleFeatureGate, path, crash+"failed complete: "+e.Msg+j.t.assumedNote()+".", hint)
}

func gateNames(v *versionTable) []string {
	out := make([]string, 0, len(v.Gates))
	for k := range v.Gates {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// validationHint says how to fix a Validate error, by JSON path.
func validationHint(path string, t target) string {
	base := path
	if i := strings.IndexByte(base, '['); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "mode":
		var modes []string
		for _, m := range t.Modes {
			modes = append(modes, m.Name)
		}
		return "mode is case-sensitive and has no spaces: one of " + strings.Join(modes, ", ") + " or blank"
	case "iptables.masqueradeBit", "nftables.masqueradeBit":
		return "use a bit between 0 and 31 (default 14)"
	case "oomScoreAdj":
		return "use a value between -1000 and 1000 (default -999)"
	case "bindAddress":
		return "bindAddress is a bare IP (e.g. 0.0.0.0), not a hostname or IP:port"
	case "healthzBindAddress", "metricsBindAddress":
		return "use IP:port with an IP literal (e.g. 0.0.0.0:10249, \"[::]:10256\"); hostnames like localhost are rejected, ports are 1..65535"
	case "clusterCIDR":
		return "one CIDR, or an IPv4 and an IPv6 CIDR separated by a comma without spaces (e.g. 10.244.0.0/16,fd00:10:244::/56)"
	case "nodePortAddresses":
		if len(t.NodePortKeywords) == 0 {
			return "list CIDRs (e.g. 10.0.0.0/8); a bare IP needs /32"
		}
		if !t.NodePortMixing {
			return "list CIDRs (e.g. 10.0.0.0/8), or only the keyword primary"
		}
		return "list CIDRs and/or the keywords primary, localhost, all (lower case), each once"
	case "detectLocalMode":
		return "one of ClusterCIDR, NodeCIDR, BridgeInterface, InterfaceNamePrefix (case-sensitive) or blank"
	case "detectLocal.bridgeInterface", "detectLocal.interfaceNamePrefix":
		return "set the interface name (prefix) that detectLocalMode uses"
	case "showHiddenMetricsForVersion":
		return fmt.Sprintf("omit it or set it to \"1.%d\"", t.Minor-1)
	case "configSyncPeriod":
		return "use a positive duration (default 15m)"
	case "clientConnection.burst":
		return "use a burst of 0 or more (default 10)"
	}
	if strings.HasSuffix(base, "SyncPeriod") {
		return "syncPeriod must be positive and at least minSyncPeriod (defaults 30s / 1s)"
	}
	if strings.HasPrefix(base, "conntrack.") || strings.HasPrefix(base, "ipvs.") {
		return "use a value of 0 or more (0 leaves the kernel setting alone)"
	}
	if base == "portRange" {
		return "use a port range like 300-2000, or delete portRange (unused since 1.26)"
	}
	return "fix the value as the message says"
}

// ignoredIn reports the effective mode and the mode section of path when
// kube-proxy does not read that section in the effective mode (ipvs.* outside
// ipvs, nftables.* outside nftables; blank means iptables on Linux through
// 1.37: cmd/kube-proxy/app server_others.go getProxyMode in 1.26-1.28,
// server_linux.go platformApplyDefaults since 1.29; and Validate checks the
// ipvs section only when mode is ipvs, pkg/proxy/apis/config/validation
// since 1.26). sec is "" when the value is read or the config did not decode.
func ignoredIn(d *decoded, path string) (mode, sec string) {
	if d.fatal != nil || d.cfg == nil {
		return "", ""
	}
	mode = effectiveMode(string(d.cfg.Mode))
	if !knownModes[mode] {
		return mode, "" // an invalid mode is a validation error of its own
	}
	for _, s := range []string{"ipvs", "nftables"} {
		if mode != s && (path == s || strings.HasPrefix(path, s+".") || strings.HasPrefix(path, s+"[")) {
			return mode, s
		}
	}
	return mode, ""
}

// lastValueNote names the value kube-proxy keeps for a repeated scalar key.
func lastValueNote(d *decoded, dup duplicateKey) string {
	if _, v := d.pos.find(dupPath(d, dup)); v != nil && v.Kind == yamlScalar {
		return fmt.Sprintf(" (%q)", v.Value)
	}
	return ""
}
