package flannel

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

const (
	fzSecretPrefix = "NGSECRET"
	fzSecret       = fzSecretPrefix + "-c2VjcmV0LXByZS1zaGFyZWQta2V5"
)

// FuzzNetConfSecrets complements FuzzJudge (no panic, MutateCNIConf
// idempotent): with the checker called directly, a PSK or
// AccessKeyID/AccessKeySecret is never echoed, judging is deterministic
// and bounded, and the mutation never makes an allowed object denied.
func FuzzNetConfSecrets(f *testing.F) {
	for _, n := range []string{
		`{"Network":"172.20.0.0/16","Backend":{"Type":"ipsec","PSK":"$SECRET"}}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"ipsec","PSK":"$SECRET$SECRET$SECRET$SECRET$SECRET"}}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"wireguard","PSK":"$SECRET"}}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"ali-vpc","AccessKeyID":"$SECRET","AccessKeySecret":"$SECRET"}}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"tencent-vpc","AccessKeyID":"$SECRET","AccessKeySecret":"$SECRET"}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"ipsec","psk":"$SECRET","PSK":1}}`,
		`{"Network":"172.20.0.0/16","Backend":{"Type":"ipsec","PSK":"$SECRET","PSK":"$SECRET\u00e9"}}`,
		upstreamNet, ackNet, aliyunNet,
	} {
		f.Add(upstreamCNI, n)
		f.Add(ackCNI, n)
	}
	f.Fuzz(func(t *testing.T, cni, net string) {
		net = strings.ReplaceAll(net, "$SECRET", fzSecret)
		cm := &corev1.ConfigMap{Data: map[string]string{CNIConfKey: cni, NetConfKey: net}}
		cm.Namespace, cm.Name = "kube-flannel", "kube-flannel-cfg"
		cl := &rules.ClusterContext{Facts: map[string]string{VersionFact: "v0.26.7"}, ServiceCIDRs: []string{"10.96.0.0/12"}}
		req := &rules.Request{Operation: rules.Create, Object: cm, Cluster: cl, Config: hairpinConfig()}
		start := time.Now()
		c := New()
		m := c.Mutate(req)
		a := c.Validate(req)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("judging took %v", d)
		}
		if b := c.Validate(req); !reflect.DeepEqual(a, b) {
			t.Fatalf("not deterministic")
		}
		findings := a
		if m.Object != nil {
			r2 := *req
			r2.Object = m.Object
			after := c.Validate(&r2)
			if !rules.HasDeny(a) && rules.HasDeny(after) {
				t.Fatalf("mutation %+v made an allowed object denied", m.Changes)
			}
			if again := c.Mutate(&r2); len(again.Changes) > 0 {
				t.Fatalf("mutation not idempotent: %+v", again.Changes)
			}
			if m.Object.(*corev1.ConfigMap).Data[NetConfKey] != net {
				t.Fatalf("mutation touched net-conf.json")
			}
			findings = append(findings, after...)
		}
		if !fzOnlySecret(net) || strings.Contains(cni, fzSecretPrefix) {
			return
		}
		// A checker may show a wrongly typed value verbatim (Network set to
		// an object holding a PSK); the engine scrubs every credential value
		// of the document, so check what leaves the engine.
		secrets := rules.SecretValuesInText(net)
		for _, f := range findings {
			if strings.Contains(rules.Scrub(f.Message+f.Hint+f.Path, secrets), fzSecretPrefix) {
				t.Fatalf("%s echoes a credential: %s / %s", f.Rule, f.Message, f.Hint)
			}
		}
		for _, ch := range m.Changes {
			if strings.Contains(ch.Old+ch.New+ch.Description, fzSecretPrefix) {
				t.Fatalf("change echoes a credential: %+v", ch)
			}
		}
	})
}

func fzOnlySecret(doc string) bool {
	if !strings.Contains(doc, fzSecretPrefix) {
		return false
	}
	rest := fzMemberRE.ReplaceAllStringFunc(doc, func(m string) string {
		if rules.IsSecretKey(fzMemberRE.FindStringSubmatch(m)[1]) {
			return ""
		}
		return m
	})
	return !strings.Contains(rest, fzSecretPrefix)
}

// fzMemberRE matches `"key": "string value"` members, valid JSON or not.
var fzMemberRE = regexp.MustCompile(`"([^"\\]{1,40})"\s*:\s*"((?:[^"\\]|\\.)*)"`)
