package kubeproxy

import (
	"fmt"
	"sort"
	"strings"
)

// gateState is kube-proxy's global feature gate after SetFromMap.
type gateState struct {
	v       *versionTable
	enabled map[string]bool
}

// Enabled mirrors featureGate.Enabled (false for unknown gates).
func (g *gateState) Enabled(name string) bool {
	if on, ok := g.enabled[name]; ok {
		return on
	}
	return g.v.Gates[name].Default
}

// gateError is one error of SetFromMap.
type gateError struct {
	Gate string // the featureGates key the error is about
	Msg  string
}

// setFromMap mirrors component-base featuregate SetFromMap for kube-proxy's
// global gate at the target version: unknown gates, locked gates, PreAlpha
// gates, AllAlpha/AllBeta, then dependencies. Gates are processed in sorted
// order (kube-proxy iterates the map in random order; the set of errors is
// the same, the first unknown gate it names may differ).
func setFromMap(v *versionTable, m map[string]bool) (*gateState, []gateError) {
	g := &gateState{v: v, enabled: map[string]bool{}}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var errs []gateError
	for _, k := range names {
		if _, ok := v.Gates[k]; !ok {
			return g, []gateError{{Gate: k, Msg: "unrecognized feature gate: " + k}}
		}
	}
	for _, k := range names {
		val := m[k]
		spec := v.Gates[k]
		if spec.Locked && spec.Default != val {
			errs = append(errs, gateError{Gate: k, Msg: fmt.Sprintf("cannot set feature gate %s to %v, feature is locked to %v", k, val, spec.Default)})
			continue
		}
		if k == "AllAlpha" || k == "AllBeta" {
			want := stageAlpha
			if k == "AllBeta" {
				want = stageBeta
			}
			for name, s := range v.Gates {
				if name == "AllAlpha" || name == "AllBeta" || s.Stage != want {
					continue
				}
				if _, set := m[name]; !set {
					if _, done := g.enabled[name]; !done {
						g.enabled[name] = val
					}
				}
			}
			g.enabled[k] = val
			continue
		}
		if spec.Stage == stagePreAlpha {
			errs = append(errs, gateError{Gate: k, Msg: fmt.Sprintf("cannot set feature gate %s to %v, feature is PreAlpha at emulated version 1.%d", k, val, v.Minor)})
			continue
		}
		g.enabled[k] = val
	}
	if len(errs) > 0 {
		return g, errs
	}
	for _, feature := range v.sortedDeps() {
		if !g.Enabled(feature) {
			continue
		}
		var off []string
		for _, d := range v.Deps[feature] {
			if !g.Enabled(d) {
				off = append(off, d)
			}
		}
		if len(off) > 0 {
			gate := feature
			if _, set := m[feature]; !set {
				// Enabled by AllAlpha/AllBeta or by default: blame the setting.
				gate = blameGate(m, feature, off)
			}
			errs = append(errs, gateError{Gate: gate, Msg: fmt.Sprintf("%s is enabled, but depends on features that are disabled: [%s]", feature, strings.Join(off, " "))})
		}
	}
	return g, errs
}

// Sorting the dependent gates on every review cost more than the rest of
// setFromMap: the generated tables are sorted once.
func init() {
	for _, v := range generatedVersions {
		v.depOrder = v.sortedDeps()
	}
}

// sortedDeps returns the keys of v.Deps in sorted order.
func (v *versionTable) sortedDeps() []string {
	if v.depOrder != nil || len(v.Deps) == 0 {
		return v.depOrder
	}
	deps := make([]string, 0, len(v.Deps))
	for k := range v.Deps {
		deps = append(deps, k)
	}
	sort.Strings(deps)
	return deps
}

func blameGate(m map[string]bool, feature string, off []string) string {
	for _, d := range off {
		if _, set := m[d]; set {
			return d
		}
	}
	for _, k := range []string{"AllAlpha", "AllBeta"} {
		if _, set := m[k]; set {
			return k
		}
	}
	return feature
}
