package lint

import (
	"fmt"
	"path"
	"strings"

	"github.com/netguard/netguard/rules"
)

// Notice is an object that carries a name netguard targets but sits in a
// namespace it does not judge, so nothing about it was checked. The common
// cause is `helm template ./chart | netguard lint -`: a chart's ConfigMaps
// usually have no namespace (helm fills in --namespace at install time), so
// lint puts them into its default namespace ("default") where no component
// looks, and a run that judged nothing would otherwise end in "ok".
type Notice struct {
	File   string
	Line   int
	Column int
	Kind   string
	// Object is "namespace/name" as judged.
	Object string
	// Component is the component whose target name matched.
	Component rules.Component
	// Namespaces are the namespaces in which that component's ConfigMaps
	// are judged.
	Namespaces []string
	// NoNamespace is true when the manifest gave no namespace and lint
	// used its default one.
	NoNamespace bool
}

// String says what was not judged, why, and how to have it judged.
func (n Notice) String() string {
	where := strings.Join(n.Namespaces, " or ")
	ns, _, _ := strings.Cut(n.Object, "/")
	name := n.Object[len(ns)+1:]
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s %s was not judged: %s judges %s only in namespace %s", n.File, n.Line, n.Column, n.Kind, n.Object, n.Component, name, where)
	if n.NoNamespace {
		fmt.Fprintf(&b, ", and the manifest gives it no namespace (lint used %q). Lint it in the namespace it is installed into: `netguard lint -n %s` (`--namespace`); for a chart, `helm template --namespace %s ... | netguard lint -n %s -`", ns, n.Namespaces[0], n.Namespaces[0], n.Namespaces[0])
	} else {
		fmt.Fprintf(&b, ". If it is meant for %s, set metadata.namespace; if %s really runs in %s, add %s to the component's targets namespaces in netguard's configuration", where, n.Component, ns, ns)
	}
	return b.String()
}

// targetElsewhere reports whether a ConfigMap called name would be judged
// in some namespace (which component, which namespaces). Services are
// judged in every namespace not explicitly excluded, so they never are.
func targetElsewhere(cfg *rules.Config, kind, name string) (rules.Component, []string, bool) {
	if kind != "ConfigMap" {
		return "", nil, false
	}
	for _, s := range cfg.Scopes(kind) {
		if s.AllNamespaces || len(s.Namespaces) == 0 {
			continue
		}
		for _, role := range s.Names {
			for _, p := range role.Names {
				if ok, err := path.Match(p, name); err == nil && ok {
					return s.Component, s.Namespaces, true
				}
			}
		}
	}
	return "", nil, false
}

// notice returns the notice for a decoded object that was not judged, if
// its name is targeted in another namespace.
func notice(cfg *rules.Config, d decoded) (Notice, bool) {
	o := d.obj
	if d.cm == nil {
		return Notice{}, false
	}
	if _, judged := cfg.Match(o.Kind, o.Namespace, o.Name); judged {
		return Notice{}, false
	}
	comp, namespaces, ok := targetElsewhere(cfg, o.Kind, o.Name)
	if !ok {
		return Notice{}, false
	}
	return Notice{File: o.File.Name, Line: o.Line(), Column: o.Column(), Kind: o.Kind, Object: o.Namespace + "/" + o.Name,
		Component: comp, Namespaces: namespaces, NoNamespace: d.noNamespace}, true
}
