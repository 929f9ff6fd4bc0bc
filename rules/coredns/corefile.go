package coredns

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/coredns/caddy/caddyfile"
)

// The Corefile is read with CoreDNS's own Caddyfile parser
// (github.com/coredns/caddy/caddyfile, the module and version CoreDNS
// v1.15.0's go.mod requires), so server blocks, directives, quoting,
// comments, snippets and line numbers are exactly what CoreDNS sees.
// Two things the parser would do are kept away from the webhook:
//
//   - `import FILE` reads files (and globs) from the local filesystem: in
//     CoreDNS these are the pod's files, in netguard they would be the
//     webhook's. Such imports are blanked before parsing and reported.
//   - `{$NAME}` / `{%NAME%}` are replaced by the process environment: the
//     webhook's environment is not CoreDNS's, and must never leak into a
//     message. They are masked before parsing and restored afterwards; a
//     token holding one is "dynamic" and its value is not judged.

const corefileName = "Corefile"

// envMarks replace the opening of environment references before parsing
// (characters that cannot occur in a Corefile token otherwise).
var envMarks = strings.NewReplacer("{$", "{\x01", "{%", "{\x02")
var envUnmarks = strings.NewReplacer("{\x01", "{$", "{\x02", "{%")

// arg is one token with its line in the Corefile.
type arg struct {
	Text string
	Line int
	// Dynamic tokens hold an environment reference: CoreDNS substitutes
	// its own environment, so the value is unknown here.
	Dynamic bool
}

// option is one line of a directive's block: `max_concurrent 1000`.
type option struct {
	Name arg
	Args []arg
}

// directive is one occurrence of a directive in a server block.
type directive struct {
	Name    string
	Line    int
	Args    []arg
	Options []option
	// Block reports whether the directive had a `{ … }` block.
	Block bool
}

// serverBlock is one server block: its keys (zones and ports) and its
// directives in document order.
type serverBlock struct {
	Keys       []arg
	Directives []directive
}

// importRef is an `import` of a file that netguard does not read.
type importRef struct {
	Pattern string
	Line    int
}

// corefile is a parsed Corefile.
type corefile struct {
	Blocks  []serverBlock
	Imports []importRef
	// Err is the parser's error (a Corefile CoreDNS refuses to load), with
	// the line it names (0 when none).
	Err     string
	ErrLine int
}

// parseErrRE matches the "Corefile:12 - " prefix of caddyfile errors.
var parseErrRE = regexp.MustCompile(`^` + corefileName + `:(\d+) - `)

// parseCorefile parses text with the Caddyfile parser (every directive name
// accepted: netguard judges directive names itself, against the known
// CoreDNS builds, with positions).
func parseCorefile(text string) *corefile {
	cf := &corefile{}
	masked := envMarks.Replace(text)
	masked, cf.Imports = blankFileImports(masked)
	blocks, err := caddyfile.Parse(corefileName, strings.NewReader(masked), nil)
	if err != nil {
		msg := envUnmarks.Replace(err.Error())
		if m := parseErrRE.FindStringSubmatch(msg); m != nil {
			cf.ErrLine, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		cf.Err = msg
		return cf
	}
	keyLines := newKeyLocator(masked)
	for _, sb := range blocks {
		var b serverBlock
		first := firstDirectiveLine(sb)
		for _, k := range sb.Keys {
			b.Keys = append(b.Keys, mkArg(k, keyLines.next(k, first)))
		}
		b.Directives = splitDirectives(sb)
		keyLines.skipPast(lastLine(sb))
		cf.Blocks = append(cf.Blocks, b)
	}
	return cf
}

func mkArg(text string, line int) arg {
	return arg{Text: envUnmarks.Replace(text), Line: line, Dynamic: text != envUnmarks.Replace(text)}
}

// splitDirectives turns the block's tokens (grouped by directive name) into
// directive occurrences in document order, reading them with the same
// Dispenser calls the plugins' setup functions use: Next for each
// occurrence, RemainingArgs for its arguments, NextBlock for each line of
// its block.
func splitDirectives(sb caddyfile.ServerBlock) []directive {
	var out []directive
	for name, toks := range sb.Tokens {
		d := caddyfile.NewDispenserTokens(corefileName, toks)
		for d.Next() {
			dir := directive{Name: envUnmarks.Replace(name), Line: d.Line()}
			dir.Args = remaining(&d)
			for d.NextBlock() {
				dir.Block = true
				opt := option{Name: mkArg(d.Val(), d.Line())}
				opt.Args = remaining(&d)
				dir.Options = append(dir.Options, opt)
			}
			if !dir.Block && d.Val() == "}" {
				dir.Block = true // an empty block: `health { }`
			}
			out = append(out, dir)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// remaining is Dispenser.RemainingArgs with each token's line. The
// arguments of a directive or option are on its own line (NextArg stops at
// a line break), so they carry the line the Dispenser stands on.
func remaining(d *caddyfile.Dispenser) []arg {
	line := d.Line()
	var out []arg
	for _, s := range d.RemainingArgs() {
		out = append(out, mkArg(s, line))
	}
	return out
}

func firstDirectiveLine(sb caddyfile.ServerBlock) int {
	first := 0
	for _, toks := range sb.Tokens {
		if len(toks) > 0 && (first == 0 || toks[0].Line < first) {
			first = toks[0].Line
		}
	}
	return first
}

func lastLine(sb caddyfile.ServerBlock) int {
	last := 0
	for _, toks := range sb.Tokens {
		for _, t := range toks {
			last = max(last, t.Line)
		}
	}
	return last
}

// keyLocator finds the line of each server block key in the token stream:
// keys are the tokens before a block's first directive, in order.
type keyLocator struct {
	toks []caddyfile.Token
	i    int
}

func newKeyLocator(text string) *keyLocator {
	d := caddyfile.NewDispenser(corefileName, strings.NewReader(text))
	var toks []caddyfile.Token
	for d.Next() {
		toks = append(toks, caddyfile.Token{Text: d.Val(), Line: d.Line()})
	}
	return &keyLocator{toks: toks}
}

// next returns the line of the next token spelling key (a trailing comma
// stripped) before line limit (0: no limit), or 0.
func (k *keyLocator) next(key string, limit int) int {
	for j := k.i; j < len(k.toks); j++ {
		t := k.toks[j]
		if limit > 0 && t.Line > limit {
			break
		}
		if strings.TrimSuffix(t.Text, ",") == key {
			k.i = j + 1
			return t.Line
		}
	}
	return 0
}

// skipPast moves past the tokens up to line (the end of a block).
func (k *keyLocator) skipPast(line int) {
	for k.i < len(k.toks) && k.toks[k.i].Line <= line {
		k.i++
	}
}

// blankFileImports replaces every `import` line whose argument is not a
// snippet defined earlier with spaces (line numbers unchanged), and
// returns the imports removed. An import that shares its line with other
// tokens is blanked with them: netguard then judges less, never more.
func blankFileImports(text string) (string, []importRef) {
	d := caddyfile.NewDispenser(corefileName, strings.NewReader(text))
	var toks []caddyfile.Token
	for d.Next() {
		toks = append(toks, caddyfile.Token{Text: d.Val(), Line: d.Line()})
	}
	snippets := map[string]bool{}
	blank := map[int]bool{}
	var refs []importRef
	for i, t := range toks {
		if i+1 < len(toks) && strings.HasPrefix(t.Text, "(") && strings.HasSuffix(t.Text, ")") && toks[i+1].Text == "{" &&
			(i == 0 || toks[i-1].Line < t.Line) {
			snippets[strings.TrimSuffix(t.Text[1:], ")")] = true
		}
		if t.Text != "import" || i+1 >= len(toks) || toks[i+1].Line != t.Line || (i > 0 && toks[i-1].Line == t.Line) {
			continue
		}
		p := toks[i+1].Text
		if snippets[p] {
			continue
		}
		blank[t.Line] = true
		refs = append(refs, importRef{Pattern: envUnmarks.Replace(p), Line: t.Line})
	}
	if len(blank) == 0 {
		return text, nil
	}
	lines := strings.SplitAfter(text, "\n")
	for n := range blank {
		if n-1 < len(lines) {
			l := lines[n-1]
			nl := len(l) - len(strings.TrimRight(l, "\r\n"))
			lines[n-1] = strings.Repeat(" ", len(l)-nl) + l[len(l)-nl:]
		}
	}
	return strings.Join(lines, ""), refs
}
