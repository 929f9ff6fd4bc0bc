package engine_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/netguard/netguard/internal/growth"
	"github.com/netguard/netguard/internal/manifest"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/rules/flannel"
	"github.com/netguard/netguard/rules/service"
	"github.com/netguard/netguard/rules/terway"
	"github.com/tidwall/gjson"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The engine-level fuzz targets judge fuzzed objects with every real
// checker and check the properties netguard promises on any input:
//
//   - no panic: each checker is also called directly, outside the engine's
//     recovery, and no NG001 (recovered panic) finding may appear;
//   - no hang (growth.NoHang; speed is measured by the benchmarks);
//   - determinism: judging twice gives the same result;
//   - mutation is idempotent (judging the mutated object changes nothing)
//     and never turns an object the validator allows into one it denies;
//   - values under credential keys ($SECRET in a seed becomes a marker) are
//     never echoed in a finding or change.
//
// `go test` runs the seeds (examples/ plus hostile seeds); hack/fuzz.sh
// runs them with -fuzz.

// secretMarker replaces "$SECRET" in fuzz inputs. Output containing
// secretPrefix leaks (part of) a credential.
const (
	secretPrefix = "NGSECRET"
	secretMarker = secretPrefix + "-0123456789abcdefXYZ"
)

type cmTarget struct {
	ns, name string
	keys     []string
}

var cmTargets = []cmTarget{
	{"kube-system", "eni-config", []string{"eni_conf", "10-terway.conf", "10-terway.conflist", "disable_network_policy", "in_cluster_loadbalance"}},
	{"kube-system", "eni-config-pool-a", []string{"eni_conf"}},
	{"kube-flannel", "kube-flannel-cfg", []string{"cni-conf.json", "net-conf.json"}},
	{"kube-system", "kube-proxy-worker", []string{"config.conf"}},
}

// fuzzConfig enables every mutation, in a dual-stack cluster.
func fuzzConfig() *rules.Config {
	c := rules.DefaultConfig()
	c.MutationsOf(flannel.Component).(*flannel.Mutations).HairpinMode = true
	c.MutationsOf(service.Component).(*service.Mutations).PreferDualStack = true
	c.Cluster = rules.ClusterContext{
		KubernetesVersion: "1.33", ServiceCIDRs: []string{"192.168.0.0/16", "fd00::/112"}, PodCIDRs: []string{"172.20.0.0/16"},
		Facts: map[string]string{flannel.VersionFact: "v0.26.7", terway.VersionFact: "v1.13.2"},
		Nodes: []rules.Node{{Name: "n1", PodCIDRs: []string{"172.20.1.0/24"}, CPUs: 4}},
	}
	return c
}

// exampleObjects decodes every object of examples/ with lint's manifest
// reader (YAML or JSON, multi-document, kind List).
func exampleObjects(t testing.TB) (cms []*corev1.ConfigMap, svcs []*corev1.Service) {
	t.Helper()
	root := filepath.Join("..", "..", "examples")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".json")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := manifest.Parse(path, data)
		if err != nil {
			return err
		}
		for _, o := range f.Objects {
			switch o.Kind {
			case "ConfigMap":
				cm := &corev1.ConfigMap{}
				if json.Unmarshal(o.JSON, cm) == nil {
					cms = append(cms, cm)
				}
			case "Service":
				s := &corev1.Service{}
				if json.Unmarshal(o.JSON, s) == nil {
					svcs = append(svcs, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cms) < 10 || len(svcs) < 5 {
		t.Fatalf("examples/: only %d ConfigMaps and %d Services", len(cms), len(svcs))
	}
	return cms, svcs
}

// withSecrets puts the "$SECRET" placeholder into every credential field of
// a JSON document (access_key/access_secret, PSK, AccessKeyID/Secret).
func withSecrets(doc string) string {
	if !gjson.Valid(doc) {
		return doc
	}
	var out string = doc
	for _, v := range rules.SecretValues(gjson.Parse(doc)) {
		b, _ := json.Marshal(v)
		out = strings.ReplaceAll(out, string(b), `"$SECRET"`)
	}
	return out
}

func FuzzJudgeConfigMap(f *testing.F) {
	cms, _ := exampleObjects(f)
	for _, cm := range cms {
		for ti, tg := range cmTargets {
			for ki, k := range tg.keys {
				if v, ok := cm.Data[k]; ok {
					f.Add(uint8(ti), uint8(ki), withSecrets(v), "")
					f.Add(uint8(ti), uint8(ki), v, v+" ")
				}
			}
		}
	}
	for _, s := range []string{
		`{"access_key":"$SECRET","access_secret":"$SECRET","vswitches":{"cn-a":["vsw-1"]},"security_group":"sg-1"}`,
		`{"access_secret":"$SECRET"`, `{"access_secret":["$SECRET"],"access_key":{"x":"$SECRET"}}`,
		`{"Network":"10.0.0.0/8","Backend":{"Type":"ipsec","PSK":"$SECRET"}}`,
		`{"Network":"10.0.0.0/8","Backend":{"Type":"ali-vpc","AccessKeyID":"$SECRET","AccessKeySecret":"$SECRET$SECRET"}}`,
		`{"Network":"10.0.0.0/8","Backend":{"Type":"wireguard","PSK":"$SECRET","psk":"x$SECRET"}}`,
		"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  scheduler: lc // c\n",
		"a: &a [1,2]\nb: [*a,*a]\n", "{\"a\":\"\xff\"}", "\xef\xbb\xbf{}", "{\"x\":1e400}", strings.Repeat("[", 3000),
	} {
		for ti := range cmTargets {
			f.Add(uint8(ti), uint8(0), s, "")
			f.Add(uint8(ti), uint8(1), s, "{}")
		}
	}
	e := all.NewEngine(fuzzConfig())
	f.Fuzz(func(t *testing.T, ti, ki uint8, value, oldValue string) {
		tg := cmTargets[int(ti)%len(cmTargets)]
		key := tg.keys[int(ki)%len(tg.keys)]
		value = strings.ReplaceAll(value, "$SECRET", secretMarker)
		oldValue = strings.ReplaceAll(oldValue, "$SECRET", secretMarker)
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: tg.ns, Name: tg.name}, Data: map[string]string{key: value}}
		// Flannel needs both keys to get far: keep the other one realistic.
		if tg.name == "kube-flannel-cfg" {
			other := map[string]string{"cni-conf.json": `{"name":"cbr0","plugins":[{"type":"flannel","delegate":{"isDefaultGateway":true}}]}`, "net-conf.json": `{"Network":"172.20.0.0/16","Backend":{"Type":"vxlan"}}`}
			for k, v := range other {
				if k != key {
					cm.Data[k] = v
				}
			}
		}
		in := engine.Input{Operation: rules.Create, Object: cm}
		if oldValue != "" {
			old := cm.DeepCopy()
			old.Data[key] = oldValue
			in = engine.Input{Operation: rules.Update, Object: cm, OldObject: old}
		}
		checkJudgement(t, e, in)
	})
}

func FuzzJudgeService(f *testing.F) {
	_, svcs := exampleObjects(f)
	for _, s := range svcs {
		b, _ := json.Marshal(s)
		f.Add(b, []byte(nil))
		f.Add(b, b)
	}
	for _, s := range []string{
		`{"metadata":{"name":"a","namespace":"b","annotations":{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-bandwidth":"1e400"}},"spec":{"type":"LoadBalancer","ipFamilyPolicy":"RequireDualStack","ipFamilies":["IPv6","IPv6","IPv4"]}}`,
		`{"metadata":{"name":"a","namespace":"b"},"spec":{"type":"LoadBalancer","loadBalancerClass":"alibabacloud.com/nlb","clusterIP":"None","clusterIPs":["None","fd00::1"],"ports":[{"port":-1,"nodePort":99999}]}}`,
		`{"metadata":{"name":"a","annotations":{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port":"https:443,http:80,:,x:y:z"}},"spec":{"type":"LoadBalancer"}}`,
		`{"metadata":{"name":"a","annotations":{"\u0000":"\ufffd","service.beta.kubernetes.io/alicloud-loadbalancer-address-type":"intranet"}},"spec":{"type":"ExternalName","externalName":"x"}}`,
	} {
		f.Add([]byte(s), []byte(nil))
		f.Add([]byte(s), []byte(`{"metadata":{"name":"a"},"spec":{"type":"ClusterIP","ipFamilyPolicy":"SingleStack"}}`))
	}
	e := all.NewEngine(fuzzConfig())
	f.Fuzz(func(t *testing.T, obj, old []byte) {
		svc := &corev1.Service{}
		if json.Unmarshal(obj, svc) != nil {
			return
		}
		if svc.Namespace == "" {
			svc.Namespace = "default"
		}
		in := engine.Input{Operation: rules.Create, Object: svc}
		prev := &corev1.Service{}
		if len(old) > 0 && json.Unmarshal(old, prev) == nil {
			prev.Namespace, prev.Name = svc.Namespace, svc.Name
			in = engine.Input{Operation: rules.Update, Object: svc, OldObject: prev}
		}
		checkJudgement(t, e, in)
	})
}

// checkJudgement checks every property on one input.
func checkJudgement(t *testing.T, e *engine.Engine, in engine.Input) {
	t.Helper()
	directly(t, e, in)

	// A hang fails the input (after minutes: growth.HangBound says why);
	// slowness is the benchmarks' business, not a fuzz failure.
	var res engine.Result
	growth.NoHang(t, "judgement", func() { res = e.Judge(in) })
	for _, f := range res.Findings {
		if f.Rule == engine.InternalErrorRule {
			t.Fatalf("internal error: %s", f.Message)
		}
	}
	if again := e.Judge(in); !reflect.DeepEqual(res, again) {
		t.Fatalf("not deterministic:\n%+v\n%+v", res, again)
	}
	checkSignatures(t, e, in, res)
	if !res.Judged {
		return
	}
	checkNoSecret(t, in.Object, res)

	// Mutation: idempotent, and never makes an allowed object denied.
	var mutated any
	switch {
	case res.Mutated != nil:
		mutated = res.Mutated
	case res.Mutated != nil:
		mutated = res.Mutated
	}
	if mutated == nil {
		if len(res.Changes) > 0 {
			t.Fatalf("changes without a mutated object: %+v", res.Changes)
		}
		return
	}
	if reflect.DeepEqual(mutated, in.Object) {
		t.Fatalf("mutation reported %+v but changed nothing", res.Changes)
	}
	second := in
	second.Object = mutated
	if again := e.Judge(second); len(again.Changes) > 0 {
		t.Fatalf("mutation not idempotent: second pass changed %+v", again.Changes)
	}
	before := in
	before.NoMutate = true
	after := second
	after.NoMutate = true
	if b, a := e.Judge(before), e.Judge(after); !b.Denied() && a.Denied() {
		t.Fatalf("mutation %+v made an allowed object denied: %+v", res.Changes, denies(a.Findings))
	}
}

// directly calls the component checker outside the engine's panic
// recovery, so a panic fails the fuzz test with its stack.
func directly(t *testing.T, e *engine.Engine, in engine.Input) {
	cfg := e.Config()
	req := &rules.Request{Operation: in.Operation, Cluster: &cfg.Cluster, Config: cfg}
	kind, obj, ok := rules.KindOf(in.Object)
	if !ok {
		return
	}
	req.Object = obj
	if _, old, ok := rules.KindOf(in.OldObject); ok && reflect.TypeOf(old) == reflect.TypeOf(obj) {
		req.OldObject = old
	}
	target, ok := cfg.Match(kind, obj.GetNamespace(), obj.GetName())
	if !ok {
		return
	}
	req.Target = target
	for _, c := range all.Checkers() {
		if c.Component() == target.Component {
			m := c.Mutate(req)
			if m.Object != nil {
				r2 := *req
				r2.Object = m.Object
				c.Validate(&r2)
			}
			c.Validate(req)
		}
	}
}

// checkSignatures proves Input.Signatures changes only the texts: the same
// decision and the same findings (rule, severity, key, path, position),
// none with a message or hint.
func checkSignatures(t *testing.T, e *engine.Engine, in engine.Input, full engine.Result) {
	t.Helper()
	in.Signatures = true
	sig := e.Judge(in)
	if sig.Judged != full.Judged || sig.Skipped != full.Skipped || sig.Target != full.Target {
		t.Fatalf("signatures-only judgement decided otherwise: %+v, want %+v", sig, full)
	}
	if got, want := signatures(sig.Findings), signatures(full.Findings); !reflect.DeepEqual(got, want) {
		t.Fatalf("signatures-only findings differ:\n got %v\nwant %v", got, want)
	}
	if got, want := signatures(sig.Waived), signatures(full.Waived); !reflect.DeepEqual(got, want) {
		t.Fatalf("signatures-only waived findings differ:\n got %v\nwant %v", got, want)
	}
	for _, f := range sig.Findings {
		if f.Message != "" || f.Hint != "" {
			if f.Rule == engine.WaivedRule || f.Rule == engine.IgnoreRefusedRule || f.Rule == engine.InternalErrorRule {
				continue // made by the engine, which keeps their texts
			}
			t.Fatalf("signatures-only finding has texts: %+v", f)
		}
	}
}

// signatures renders findings without their texts, in a canonical order.
func signatures(fs []rules.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s %q %q %d:%d", f.Rule, f.Severity, f.Kind+" "+f.Object, f.Key, f.Path, f.Line, f.Column))
	}
	slices.Sort(out)
	return out
}

func denies(fs []rules.Finding) []rules.Finding {
	var out []rules.Finding
	for _, f := range fs {
		if f.Severity == rules.Deny {
			out = append(out, f)
		}
	}
	return out
}

// checkNoSecret fails when the marker, placed only under credential keys,
// shows up in a finding or change.
func checkNoSecret(t *testing.T, obj any, res engine.Result) {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok || !onlyUnderSecretKeys(cm) {
		return
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message+f.Hint+f.Path+f.Key, secretPrefix) {
			t.Fatalf("finding leaks a credential: %+v", f)
		}
	}
	for _, c := range res.Changes {
		if strings.Contains(c.Old+c.New+c.Description+c.Path, secretPrefix) {
			t.Fatalf("change leaks a credential: %+v", c)
		}
	}
}

// onlyUnderSecretKeys reports whether the marker appears in the data and
// only as (part of) values of credential keys: with the credential values
// removed, the marker is gone.
func onlyUnderSecretKeys(cm *corev1.ConfigMap) bool {
	found := false
	for k, v := range cm.Data {
		if strings.Contains(k, secretPrefix) {
			return false
		}
		if !strings.Contains(v, secretPrefix) {
			continue
		}
		found = true
		var secrets []string
		if gjson.Valid(v) {
			secrets = rules.SecretValues(gjson.Parse(v))
		}
		secrets = append(secrets, rules.SecretValuesInText(v)...)
		rest := v
		for _, s := range secrets {
			if b, err := json.Marshal(s); err == nil {
				rest = strings.ReplaceAll(rest, strings.Trim(string(b), `"`), "")
			}
			rest = strings.ReplaceAll(rest, s, "")
		}
		if strings.Contains(rest, secretPrefix) {
			return false
		}
	}
	return found
}
