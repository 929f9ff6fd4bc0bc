// Package kubeproxy judges the kube-proxy ConfigMaps (kubeadm's kube-proxy,
// ACK's kube-proxy-worker / kube-proxy-master): the config.conf key is decoded
// exactly the way kube-proxy decodes it and validated the way kube-proxy
// validates it for the target Kubernetes version, plus runtime checks that
// kube-proxy's own validation misses.
package kubeproxy

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

// ConfigKey is the ConfigMap data key kube-proxy reads (--config=/var/lib/kube-proxy/config.conf).
const ConfigKey = "config.conf"

// crash prefixes every start-up failure message.
const crash = "kube-proxy would exit at start-up (CrashLoopBackOff) with: "

type checker struct{}

// New returns the kube-proxy checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return Component }

// Mutate never changes kube-proxy ConfigMaps.
func (checker) Mutate(*rules.Request) rules.Mutation { return rules.Mutation{} }

// judge is the state of one Validate call.
type judge struct {
	req *rules.Request
	t   target
	rep *rules.Report
	d   *decoded
}

func (j *judge) loc(path string) rules.Loc {
	l := rules.Loc{Key: ConfigKey, Path: path}
	if j.d != nil && path != "" {
		l.Line, l.Column = j.d.pos.at(path)
	}
	return l
}

func (j *judge) add(rule, path, msg, hint string) { j.rep.Add(rule, j.loc(path), msg, hint) }

func (j *judge) generic() map[string]any {
	m, _ := j.d.generic.(map[string]any)
	return m
}

// Validate judges the config.conf key.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap() == nil {
		return nil
	}
	cm := req.ConfigMap()
	j := &judge{req: req, t: targetFor(req.Cluster), rep: req.NewReport("ConfigMap", cm.Namespace, cm.Name)}
	j.restartAdvice()

	text, ok := configText(cm)
	if !ok {
		j.rep.Add(RuleMissingKey, rules.Loc{Key: ConfigKey},
			crash+"failed complete: open /var/lib/kube-proxy/config.conf: no such file or directory (the ConfigMap has no config.conf key"+otherKeys(cm)+").",
			"put the KubeProxyConfiguration under the data key config.conf (the DaemonSet runs kube-proxy --config=/var/lib/kube-proxy/config.conf)")
		return j.rep.Findings
	}
	j.d = decode(text, j.t.versionTable)
	j.structural()
	if j.d.fatal != nil {
		return j.rep.Findings
	}
	raw := j.d.cfg
	c := defaulted(raw)

	// Stage C: feature gates.
	gates, gerrs := setFromMap(j.t.versionTable, raw.FeatureGates)
	for _, e := range gerrs {
		j.featureGateFinding(e)
	}
	if len(gerrs) > 0 {
		return j.rep.Findings
	}
	// Stage D: logging (only kube-proxy versions with the logging field).
	if _, ok := j.t.Fields["logging"]; ok {
		if errs := validateLogging(c, gates); len(errs) > 0 {
			for _, e := range errs {
				j.add(RuleLogging, e.Path, crash+"initialize logging: "+e.Text+j.t.assumedNote()+".",
					"logging.format must be text or json (lower case), flushFrequency positive, vmodule only with text; the split-stream/buffer options need the LoggingAlphaOptions gate")
			}
			return j.rep.Findings
		}
	}
	// Stage E: Validate.
	if errs := validate(j.t.versionTable, c, gates); len(errs) > 0 {
		for _, e := range errs {
			j.add(RuleValidation, e.Path, crash+"failed validate: "+e.Text+j.t.assumedNote()+".", validationHint(e.Path, j.t))
		}
	}
	j.runtimeChecks(raw, c)
	j.compareSibling()
	return j.rep.Findings
}

// configText returns config.conf from data or binaryData (a ConfigMap
// volume projects both).
func configText(cm *corev1.ConfigMap) (string, bool) {
	if s, ok := cm.Data[ConfigKey]; ok {
		return s, true
	}
	if b, ok := cm.BinaryData[ConfigKey]; ok {
		return string(b), true
	}
	return "", false
}

func otherKeys(cm *corev1.ConfigMap) string {
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return "; it has " + strings.Join(keys, ", ")
}

// restartAdvice reports KP090 on CREATE and on UPDATEs that change data.
func (j *judge) restartAdvice() {
	cm := j.req.ConfigMap()
	if j.req.Operation == rules.Update && j.req.OldConfigMap() != nil &&
		maps.Equal(cm.Data, j.req.OldConfigMap().Data) && equalBinary(cm.BinaryData, j.req.OldConfigMap().BinaryData) {
		return
	}
	var cmd, who string
	switch cm.Name {
	case "kube-proxy-worker", "kube-proxy-master":
		who = "the pods of DaemonSet " + cm.Namespace + "/" + cm.Name
		cmd = fmt.Sprintf("delete the pods of DaemonSet %s/%s (e.g. `kubectl -n %s rollout restart daemonset %s`, or delete them in the console: DaemonSets → %s → Pods)", cm.Namespace, cm.Name, cm.Namespace, cm.Name, cm.Name)
	default:
		who = "the kube-proxy pods"
		cmd = fmt.Sprintf("`kubectl -n %s delete pod -l k8s-app=kube-proxy` (kubeadm's label)", cm.Namespace)
	}
	j.rep.Add(RuleRestartRequired, rules.Loc{Key: ConfigKey},
		fmt.Sprintf("kube-proxy reads config.conf only at start-up: this change takes effect only when %s are recreated, and a bad edit bites at the next node reboot or pod restart.", who),
		cmd+"; do it during off-peak hours and watch the new pods start (`kubectl -n "+cm.Namespace+" get pods -w`)")
}

func equalBinary(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || string(v) != string(w) {
			return false
		}
	}
	return true
}

func sortStrings(s []string) { sort.Strings(s) }
