// Package flannel judges the ConfigMap kube-flannel-cfg exactly the way its
// consumers parse it: cni-conf.json the way libcni, the flannel CNI plugin and
// the bridge plugin read it, net-conf.json the way flanneld's
// subnet.ParseConfig and its backends decode it. It also applies the
// configured cni-conf.json fixes (cniVersion, delegate.hairpinMode).
package flannel

import (
	"fmt"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/schema"
	"github.com/tidwall/gjson"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Data keys of kube-flannel-cfg.
const (
	CNIConfKey = "cni-conf.json"
	NetConfKey = "net-conf.json"
)

type checker struct{}

// New returns the Flannel checker.
func New() rules.Checker { return checker{} }

func (checker) Component() rules.Component { return Component }

// validator carries one judgement.
type validator struct {
	req            *rules.Request
	r              *rules.Report
	flannelVersion string
	ver            rules.Version
	verOK          bool
}

func newValidator(req *rules.Request, cm *corev1.ConfigMap) *validator {
	v := &validator{req: req, r: req.NewReport("ConfigMap", cm.Namespace, cm.Name)}
	if fv := req.Cluster.Fact(VersionFact); fv != "" {
		v.flannelVersion = fv
		if ver, err := rules.ParseVersion(fv); err == nil {
			v.ver, v.verOK = ver, true
		}
	}
	return v
}

// dataValue returns a ConfigMap key from data or binaryData (both become
// files in the mounted volume).
func dataValue(cm *corev1.ConfigMap, key string) (string, bool) {
	if cm == nil {
		return "", false
	}
	if s, ok := cm.Data[key]; ok {
		return s, true
	}
	if b, ok := cm.BinaryData[key]; ok {
		return string(b), true
	}
	return "", false
}

// Validate judges kube-flannel-cfg.
func (checker) Validate(req *rules.Request) []rules.Finding {
	if req == nil || req.ConfigMap() == nil {
		return nil
	}
	cm := req.ConfigMap()
	v := newValidator(req, cm)
	cniText, cniOK := dataValue(cm, CNIConfKey)
	netText, netOK := dataValue(cm, NetConfKey)
	cni := v.cniConf(cniText, cniOK)
	nc := v.netConf(netText, netOK)

	if req.Operation == rules.Update && req.OldConfigMap() != nil {
		// Judge the old object silently, only to compare: its findings
		// are dropped, so their texts are never built.
		oldReq := *req
		oldReq.Object = req.OldObject
		oldReq.Cluster = nil
		oldReq.NoTexts = true
		ov := newValidator(&oldReq, req.OldConfigMap())
		ov.flannelVersion, ov.ver, ov.verOK = v.flannelVersion, v.ver, v.verOK
		ot, ook := dataValue(req.OldConfigMap(), CNIConfKey)
		nt, nok := dataValue(req.OldConfigMap(), NetConfKey)
		oldCNI := ov.cniConf(ot, ook)
		oldNet := ov.netConf(nt, nok)
		v.compareCNI(oldCNI, cni)
		v.compareNet(oldNet, nc)
		v.restart(&oldCNI, cni)
	} else {
		v.restart(nil, cni)
	}
	return v.r.Findings
}

// exactDuplicates warns about keys repeated in one object (map decoding:
// the last wins). Paths are built only for duplicates.
func (v *validator) exactDuplicates(doc *schema.Doc, root gjson.Result) {
	tr := schema.NewTrail(nil)
	var walk func(val gjson.Result)
	walk = func(val gjson.Result) {
		switch {
		case val.IsObject():
			ms := doc.Members(val)
			var seen map[string]bool
			if len(ms) > 1 {
				seen = make(map[string]bool, len(ms))
			}
			for _, m := range ms {
				tr.Key(m.Name)
				if seen != nil {
					if seen[m.Name] {
						p := tr.Path()
						v.r.Add(RuleDuplicateKey, doc.KeyLoc(p, m), fmt.Sprintf("key %s appears more than once in its object: libcni and the flannel plugin keep only the last occurrence, so the earlier value is silently ignored", rules.PathString(p)), "remove the duplicate, keeping the value you mean")
					}
					seen[m.Name] = true
				}
				if m.Value.IsObject() || m.Value.IsArray() {
					walk(m.Value)
				}
				tr.Pop()
			}
		case val.IsArray():
			i := 0
			val.ForEach(func(_, e gjson.Result) bool {
				if e.IsObject() || e.IsArray() {
					tr.Index(i)
					walk(e)
					tr.Pop()
				}
				i++
				return true
			})
		}
	}
	walk(root)
}

// foldDuplicates warns about keys that flanneld decodes into the same struct
// field (case-insensitive match, the last in document order wins).
func (v *validator) foldDuplicates(doc *schema.Doc, obj gjson.Result, path *field.Path) {
	for _, dup := range doc.FoldDuplicates(obj) {
		m, last := dup.Member, dup.Winner
		v.r.Add(RuleDuplicateKey, doc.KeyLoc(rules.Child(path, m.Name), m), fmt.Sprintf("%q is set again later as %q: flanneld matches keys case-insensitively and keeps the last one, so this value (%s) is ignored", m.Name, last.Name, describe(m.Name, m.Value)), "remove the duplicate, keeping the value you mean")
	}
}
