package kubeproxy

import (
	"reflect"
	"strings"
	"testing"
)

func TestYAMLPos(t *testing.T) {
	p := newYAMLPos("a: 1\nipvs:\n  scheduler: lc\nlist:\n- x\n- y\nmode: a\nmode: b\n")
	for path, want := range map[string][2]int{"ipvs.scheduler": {3, 3}, "list[1]": {6, 3}, "mode": {8, 1}, "ipvs": {2, 1}, "missing": {0, 0}} {
		l, c := p.at(path)
		if [2]int{l, c} != want {
			t.Errorf("%s: got %d:%d want %v", path, l, c, want)
		}
	}
	if got := splitPath("a.b[2].c"); !reflect.DeepEqual(got, []string{"a", "b", "[2]", "c"}) {
		t.Errorf("splitPath: %v", got)
	}
	if l, _ := newYAMLPos("a:\n\tb: 1\n").at("a"); l != 0 {
		t.Errorf("unparsable YAML must yield no positions")
	}
}

func TestDecode(t *testing.T) {
	v := generatedVersions[37]
	d := decode(head+"conntrack:\n  maxPerCore: 6.5536e4\nipvs:\n  schedular: lc\nmode: ipvs\nmode: iptables\n", v)
	if d.fatal != nil {
		t.Fatalf("fatal: %+v", d.fatal)
	}
	if *d.cfg.Conntrack.MaxPerCore != 65536 || d.cfg.Mode != "iptables" {
		t.Errorf("decoded %+v", d.cfg)
	}
	if !reflect.DeepEqual(d.unknown, []string{"ipvs.schedular"}) {
		t.Errorf("unknown %v", d.unknown)
	}
	if len(d.duplicates) != 1 || d.duplicates[0].Key != "mode" || d.duplicates[0].Line != 8 {
		t.Errorf("duplicates %+v", d.duplicates)
	}
	// A field unknown to 1.28 is dropped before the typed decode, so a bad
	// value there is not a type error on 1.28.
	if d := decode(head+"nftables: 5\n", generatedVersions[28]); d.fatal != nil || !reflect.DeepEqual(d.unknown, []string{"nftables"}) {
		t.Errorf("1.28 nftables: %+v %v", d.fatal, d.unknown)
	}
	if d := decode(head+"nftables: 5\n", v); d.fatal == nil || d.fatal.Path != "nftables" || d.fatal.Line != 3 {
		t.Errorf("1.37 nftables: %+v", d.fatal)
	}
	if d := decode("\ufeff"+strings.ReplaceAll(head+"mode: ipvs\n", "\n", "\r\n"), v); d.fatal != nil || d.cfg.Mode != "ipvs" {
		t.Errorf("BOM/CRLF: %+v", d.fatal)
	}
}

func TestSlashComments(t *testing.T) {
	for line, want := range map[string]int{
		"  scheduler: lc // x":          17,
		"// whole line":                 1,
		"  kubeconfig: http://a/b":      0,
		"  a: \"x // y\"":               0,
		"  a: x # y // z":               0,
		"  udpTimeout: 10s // The def…": 19,
	} {
		if got := slashCommentCol(line); got != want {
			t.Errorf("%q: got %d want %d", line, got, want)
		}
	}
	if got := extraDocuments("---\na: 1\n---\nb: 2\n---\n"); !reflect.DeepEqual(got, []int{3}) {
		t.Errorf("extraDocuments: %v", got)
	}
}
