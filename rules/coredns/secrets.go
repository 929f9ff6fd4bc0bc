package coredns

import (
	"strings"

	"github.com/netguard/netguard/rules"
)

// A Corefile can hold credentials as plain arguments: tsig's `secret NAME
// KEY`, route53's `aws_access_key ID SECRET`, etcd's `credentials USER
// PASS`, azure's `tenant`/`client`/`secret`, and any option whose name is
// a secret key name (rules.IsSecretKey). Their values are collected and
// scrubbed from every message (rules.Scrub), whatever rule produced it.

// secretOptions maps a directive (or "" for any) to option names whose
// arguments are secret, and the index from which they are.
var secretOptions = map[string]int{
	"secret": 1, "aws_access_key": 0, "credentials": 0, "tenant": 0, "client": 0, "subscription": 0,
}

func secretValues(cf *corefile, text string) []string {
	var out []string
	add := func(as []arg) {
		for _, x := range as {
			if x.Text != "" {
				out = append(out, x.Text)
			}
		}
	}
	if cf != nil {
		for _, b := range cf.Blocks {
			for _, d := range b.Directives {
				if d.Name == "tsig" || d.Name == "route53" || d.Name == "azure" || d.Name == "etcd" || d.Name == "clouddns" {
					for _, o := range d.Options {
						if from, ok := secretOptions[o.Name.Text]; ok && len(o.Args) > from {
							add(o.Args[from:])
						}
					}
					if d.Name == "route53" || d.Name == "azure" {
						// route53 [ZONE:HOSTED_ZONE_ID…]: not secret; keys are in the block.
						continue
					}
				}
				for _, o := range d.Options {
					if rules.IsSecretKey(o.Name.Text) {
						add(o.Args)
					}
				}
			}
		}
	}
	// A Corefile that does not parse still holds its secrets: scan its
	// lines for the same option names.
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if from, ok := secretOptions[f[0]]; ok && len(f) > 1+from {
			for _, s := range f[1+from:] {
				if s != "{" && s != "}" {
					out = append(out, s)
				}
			}
		} else if rules.IsSecretKey(f[0]) {
			out = append(out, f[1:]...)
		}
	}
	return out
}
