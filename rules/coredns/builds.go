package coredns

//go:generate go run ./internal/gen -o zz_generated_builds.go

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netguard/netguard/rules"
)

// stockRelease is the plugin list of one stock CoreDNS release.
type stockRelease struct {
	Version    string
	Directives []string
}

// vendorBuild is a CoreDNS build that compiles in plugins beyond the stock
// plugin.cfg.
type vendorBuild struct {
	Name  string // what the build fact names it ("ack")
	Title string
	Extra []string
	// Source cites where the extra plugins are documented.
	Source string
}

// vendorBuilds are the vendor builds netguard knows.
//
// ACK: Alibaba Cloud's CoreDNS ships kubeapi and k8s_event (ACK Edge's
// default Corefile for CoreDNS 1.11 enables both:
// https://www.alibabacloud.com/help/tc/doc-detail/2867347.html; k8s_event
// needs kubeapi: https://coredns.io/explugins/k8s_event/).
var vendorBuilds = []vendorBuild{{
	Name:   "ack",
	Title:  "ACK (Alibaba Cloud) CoreDNS",
	Extra:  []string{"kubeapi", "k8s_event"},
	Source: "https://www.alibabacloud.com/help/tc/doc-detail/2867347.html",
}}

// build is the plugin set of one CoreDNS binary.
type build struct {
	Title      string
	directives map[string]bool
}

func (b *build) has(name string) bool { return b != nil && b.directives[name] }

func newBuild(title string, lists ...[]string) *build {
	b := &build{Title: title, directives: map[string]bool{}}
	for _, l := range lists {
		for _, d := range l {
			b.directives[d] = true
		}
	}
	return b
}

// stockFor returns the stock release of the minor of version v (the newest
// known release for a newer minor; nil for an older one).
func stockFor(v rules.Version) *stockRelease {
	if v.Major != 1 {
		return nil
	}
	var best *stockRelease
	for i := range stockReleases {
		r := &stockReleases[i]
		rv, err := rules.ParseVersion(r.Version)
		if err != nil {
			continue
		}
		if rv.Minor == v.Minor {
			return r
		}
		if rv.Minor < v.Minor {
			best = r
		}
	}
	if best != nil && best == &stockReleases[len(stockReleases)-1] {
		return best // newer than every known release: the newest list
	}
	return nil
}

// parseBuild reads the CoreDNS build fact: a version ("1.11", "v1.11.3"),
// optionally a vendor build ("ack", "ack-v1.11.3", "v1.11.3-aliyun"). An
// empty value means "not configured" (nil build, nil error).
func parseBuild(s string) (*build, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return nil, nil
	}
	var vendor *vendorBuild
	rest := s
	for i := range vendorBuilds {
		vb := &vendorBuilds[i]
		if rest == vb.Name || strings.HasPrefix(rest, vb.Name+"-") || strings.HasSuffix(rest, "-aliyun") && vb.Name == "ack" {
			vendor = vb
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, vb.Name), "-")
		}
	}
	newest := &stockReleases[len(stockReleases)-1]
	stock := newest
	if rest != "" {
		v, err := rules.ParseVersion(rest)
		if err != nil {
			return nil, fmt.Errorf("CoreDNS build %q: want a version such as v1.11.3, optionally with a vendor build (%s)", s, vendorNames())
		}
		if stock = stockFor(v); stock == nil {
			return nil, fmt.Errorf("CoreDNS build %q: netguard knows CoreDNS %s to %s", s, stockReleases[0].Version, newest.Version)
		}
	}
	if vendor == nil {
		return newBuild("stock CoreDNS "+stock.Version, stock.Directives), nil
	}
	return newBuild(vendor.Title+" (stock "+stock.Version+" plugins + "+strings.Join(vendor.Extra, ", ")+")", stock.Directives, vendor.Extra), nil
}

func vendorNames() string {
	var out []string
	for _, v := range vendorBuilds {
		out = append(out, v.Name)
	}
	return strings.Join(out, ", ")
}

// knownBy lists the known builds that compile in a directive: stock
// releases (as a version range or list) and vendor builds.
func knownBy(name string) (stock []string, vendors []string) {
	for _, r := range stockReleases {
		if slices.Contains(r.Directives, name) {
			stock = append(stock, r.Version)
		}
	}
	for _, v := range vendorBuilds {
		if slices.Contains(v.Extra, name) {
			vendors = append(vendors, v.Title)
		}
	}
	return stock, vendors
}

// describeBuilds renders knownBy's result for a message.
func describeBuilds(stock, vendors []string) string {
	var parts []string
	switch {
	case len(stock) == len(stockReleases):
		parts = append(parts, "every stock release")
	case len(stock) > 0:
		parts = append(parts, "stock CoreDNS "+strings.Join(stock, ", "))
	}
	parts = append(parts, vendors...)
	return strings.Join(parts, " and ")
}

// allDirectives is every directive of every known build (for suggestions).
func allDirectives() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ds []string) {
		for _, d := range ds {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	for _, r := range stockReleases {
		add(r.Directives)
	}
	for _, v := range vendorBuilds {
		add(v.Extra)
	}
	return out
}
