package kubeproxy

//go:generate go run ./internal/gen -o zz_generated_versions.go

import (
	"sort"
	"strconv"

	"github.com/netguard/netguard/rules"
)

// stage is a feature gate's maturity at one Kubernetes minor.
type stage string

const (
	stagePreAlpha   stage = "PreAlpha"
	stageAlpha      stage = "Alpha"
	stageBeta       stage = "Beta"
	stageGA         stage = "GA"
	stageDeprecated stage = "Deprecated"
)

// gateSpec is the effective spec of a feature gate in one kube-proxy release.
type gateSpec struct {
	Default bool
	Locked  bool
	Stage   stage
}

// modeSpec is a valid Linux proxy mode; Gate, when set, is the feature gate
// that must be enabled for validation to accept it.
type modeSpec struct {
	Name string
	Gate string
}

// versionTable is what differs between kube-proxy minors; the instances are
// generated from the Kubernetes sources (zz_generated_versions.go).
type versionTable struct {
	Minor      int
	Kubernetes string // k8s.io/kubernetes version the table was read from
	KubeProxy  string // k8s.io/kube-proxy version the fields were read from
	// Modes accepted by validateProxyModeLinux, and the separator of the
	// list in its error message.
	Modes         []modeSpec
	ModeSeparator string
	// NodePortKeywords accepted in nodePortAddresses; NodePortMixing says
	// whether they may be combined with CIDRs; NodePortDupCheck whether a
	// repeated keyword is rejected.
	NodePortKeywords []string
	NodePortMixing   bool
	NodePortDupCheck bool
	// Schedulers is the IPVS scheduler list validation checks (nil: none).
	Schedulers []string
	// Gates known to kube-proxy's global feature gate, and dependencies.
	Gates map[string]gateSpec
	Deps  map[string][]string
	// Fields maps every v1alpha1 JSON path ("ipvs.scheduler",
	// "logging.vmodule[].filePattern") to its Go type.
	Fields map[string]string
	// depOrder is the keys of Deps, sorted (see gates.go).
	depOrder []string
}

const (
	oldestMinor  = 26
	newestMinor  = 37
	defaultMinor = newestMinor
)

// target is the Kubernetes version the rules judge for.
type target struct {
	*versionTable
	// Assumed is true when the cluster context did not say.
	Assumed bool
	// Clamped is set when the configured version is outside 1.26..1.37.
	Requested string
}

func (t target) label() string { return "Kubernetes 1." + strconv.Itoa(t.Minor) }

// assumedNote is appended to version-dependent messages when the version
// was not configured.
func (t target) assumedNote() string {
	if t.Assumed {
		return " (assuming Kubernetes 1." + strconv.Itoa(defaultMinor) + "; set cluster.kubernetesVersion)"
	}
	if t.Requested != "" {
		return " (netguard knows kube-proxy 1." + strconv.Itoa(oldestMinor) + "–1." + strconv.Itoa(newestMinor) + "; judged as 1." + strconv.Itoa(t.Minor) + " for the configured " + t.Requested + ")"
	}
	return ""
}

// targetFor picks the table for the cluster's Kubernetes version.
func targetFor(c *rules.ClusterContext) target {
	minor := c.KubernetesMinor()
	if minor == 0 {
		return target{versionTable: generatedVersions[defaultMinor], Assumed: true}
	}
	t := target{}
	switch {
	case minor < oldestMinor:
		t.Requested = c.KubernetesVersion
		minor = oldestMinor
	case minor > newestMinor:
		t.Requested = c.KubernetesVersion
		minor = newestMinor
	}
	t.versionTable = generatedVersions[minor]
	return t
}

// firstMinorWithField returns the first known minor whose kube-proxy has the
// field, or 0.
func firstMinorWithField(path string) int {
	for m := oldestMinor; m <= newestMinor; m++ {
		if _, ok := generatedVersions[m].Fields[path]; ok {
			return m
		}
	}
	return 0
}

// lastMinorWithField returns the newest known minor whose kube-proxy has
// the field (0 when none of 1.26..1.37 has it).
func lastMinorWithField(path string) int {
	for m := newestMinor; m >= oldestMinor; m-- {
		if _, ok := generatedVersions[m].Fields[path]; ok {
			return m
		}
	}
	return 0
}

// gateHistory says in which known minors a gate exists.
func gateHistory(name string) (first, last int) {
	for m := oldestMinor; m <= newestMinor; m++ {
		if _, ok := generatedVersions[m].Gates[name]; ok {
			if first == 0 {
				first = m
			}
			last = m
		}
	}
	return first, last
}

// fieldNames lists the field names directly under prefix ("" = top level).
func (v *versionTable) fieldNames(prefix string) []string {
	var out []string
	for p := range v.Fields {
		rest := p
		if prefix != "" {
			var ok bool
			rest, ok = cutPrefix(p, prefix+".")
			if !ok {
				continue
			}
		}
		if !containsAny(rest, ".[") {
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}
