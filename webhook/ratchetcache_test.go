package webhook

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// cachedAdmission is realAdmission with a ratchet cache, judging with
// *snap (which a test may replace).
func cachedAdmission(e *engine.Engine, snap *Snapshot) *Admission {
	*snap = Snapshot{Engine: e}
	return &Admission{Snapshot: func() Snapshot { return *snap }, Ratcheting: true, RatchetCache: 16, InfoWarnings: true, Log: logr.Discard()}
}

func denySignatures(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity == rules.Deny {
			out = append(out, f.Rule+" "+f.Key+" "+f.Path)
		}
	}
	slices.Sort(out)
	return out
}

// TestRatchetCacheHoldsWhatJudgingTheOldObjectGives: for every example
// object, what a validating CREATE stores is what the ratchet judgement of
// the same object as an UPDATE's old object computes.
func TestRatchetCacheHoldsWhatJudgingTheOldObjectGives(t *testing.T) {
	e := all.NewEngine(nil)
	var snap Snapshot
	a := cachedAdmission(e, &snap)
	denied := 0
	for _, obj := range examplesCorpus(t) {
		kind, meta, _ := rules.KindOf(obj)
		t.Run(kind+" "+meta.GetNamespace()+"/"+meta.GetName(), func(t *testing.T) {
			a.Review(Validating, request(t, admissionv1.Create, obj, nil))
			key, ok := digestObject(kind, obj)
			if !ok {
				t.Fatalf("%s is not cacheable", kind)
			}
			want := denySignatures(e.Judge(engine.Input{Operation: rules.Create, Object: obj, NoMutate: true}).Findings)
			sigs, hit := a.ratchetCache().get(snap, key)
			if len(want) > 0 {
				denied++
			}
			if _, judged := e.Config().Match(kind, meta.GetNamespace(), meta.GetName()); !judged {
				if hit {
					t.Fatalf("an object netguard does not judge was cached")
				}
				return
			}
			if !hit {
				t.Fatalf("a judged CREATE was not cached")
			}
			if got := denySignatures(sigs.findings()); !slices.Equal(got, want) {
				t.Errorf("cached %v, judging gives %v", got, want)
			}
		})
	}
	if denied < 3 {
		t.Fatalf("only %d example objects are denied: the test proves little", denied)
	}
}

// TestRatchetCacheHitAnswersAsJudging: a denied UPDATE whose old object is
// cached gets the response it gets without the cache, in every case.
func TestRatchetCacheHitAnswersAsJudging(t *testing.T) {
	noCNIVersion := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": realNetConf})
	alsoBadBackend := flannelCM(map[string]string{"cni-conf.json": realCNIConf, "net-conf.json": strings.Replace(realNetConf, "vxlan", "vxlann", 1)})
	valid := flannelCM(map[string]string{"cni-conf.json": strings.Replace(realCNIConf, `"name"`, `"cniVersion":"0.3.1","name"`, 1), "net-conf.json": realNetConf})
	cases := []struct {
		name     string
		old, cm  any
		ratchets bool
	}{
		{"pre-existing problem ratcheted, new one denied", noCNIVersion, alsoBadBackend, true},
		{"valid old object: nothing to ratchet", valid, alsoBadBackend, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var snap Snapshot
			cached := cachedAdmission(all.NewEngine(nil), &snap)
			plain := realAdmission()
			cached.Review(Validating, request(t, admissionv1.Create, tc.old, nil))
			req := request(t, admissionv1.Update, tc.cm, tc.old)
			got, want := cached.Review(Validating, req), plain.Review(Validating, req)
			if !reflect.DeepEqual(got.Response, want.Response) {
				t.Errorf("with the cache:\n%+v\nwithout:\n%+v", got.Response, want.Response)
			}
			if c := cached.ratchetCache(); c.hits != 1 || c.misses != 0 {
				t.Errorf("hits %d, misses %d: want the old object found", c.hits, c.misses)
			}
			if _, ok := want.Response.AuditAnnotations[AnnotationRatcheted]; ok != tc.ratchets || want.Response.Allowed {
				t.Errorf("case does not test what it says: %v", want.Response.AuditAnnotations)
			}
		})
	}
}

// TestRatchetCacheMissesOnANewSnapshot: judgements made with another
// engine or cluster context are never used.
func TestRatchetCacheMissesOnANewSnapshot(t *testing.T) {
	old := flannelCM(map[string]string{"deny": "boom"})
	cm := flannelCM(map[string]string{"deny": "boom", "deny2": "udp"})
	for _, change := range []struct {
		name string
		next func(Snapshot) Snapshot
	}{
		{"new cluster context", func(s Snapshot) Snapshot { s.Cluster = &rules.ClusterContext{}; return s }},
		{"new engine (configuration reload)", func(s Snapshot) Snapshot { s.Engine = testEngine(nil); return s }},
	} {
		t.Run(change.name, func(t *testing.T) {
			var snap Snapshot
			a := cachedAdmission(testEngine(nil), &snap)
			a.Review(Validating, request(t, admissionv1.Create, old, nil))
			snap = change.next(snap)
			a.Review(Validating, request(t, admissionv1.Update, cm, old))
			c := a.ratchetCache()
			if c.hits != 0 || c.misses != 1 {
				t.Fatalf("hits %d, misses %d after a snapshot change: want one miss", c.hits, c.misses)
			}
			a.Review(Validating, request(t, admissionv1.Update, cm, old)) // a retry
			if c.hits != 1 {
				t.Errorf("the retry under the same snapshot missed (hits %d)", c.hits)
			}
		})
	}
}

// TestRatchetCacheKeyNeverCrossesObjects: every change that judging can
// see gives another key; what no rule reads does not.
func TestRatchetCacheKeyNeverCrossesObjects(t *testing.T) {
	base := func() *corev1.ConfigMap {
		return &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-flannel", Name: "kube-flannel-cfg", Labels: map[string]string{"app": "flannel"}, Annotations: map[string]string{"a": "b"}},
			Data:       map[string]string{"ab": "c", "net-conf.json": realNetConf},
		}
	}
	now := metav1.Now()
	yes := true
	differ := map[string]func(*corev1.ConfigMap){
		"name":                 func(c *corev1.ConfigMap) { c.Name = "kube-flannel-cfg2" },
		"namespace":            func(c *corev1.ConfigMap) { c.Namespace = "kube-system" },
		"data value":           func(c *corev1.ConfigMap) { c.Data["net-conf.json"] += " " },
		"data key boundary":    func(c *corev1.ConfigMap) { delete(c.Data, "ab"); c.Data["a"] = "bc" },
		"data moved to binary": func(c *corev1.ConfigMap) { delete(c.Data, "ab"); c.BinaryData = map[string][]byte{"ab": []byte("c")} },
		"label":                func(c *corev1.ConfigMap) { c.Labels["app"] = "other" },
		"label to annotation":  func(c *corev1.ConfigMap) { delete(c.Labels, "app"); c.Annotations["app"] = "flannel" },
		"annotation":           func(c *corev1.ConfigMap) { c.Annotations["netguard.io/ignore"] = "FL001" },
		"being deleted":        func(c *corev1.ConfigMap) { c.DeletionTimestamp = &now },
		"immutable":            func(c *corev1.ConfigMap) { c.Immutable = &yes },
	}
	same := map[string]func(*corev1.ConfigMap){
		"resourceVersion and uid": func(c *corev1.ConfigMap) { c.ResourceVersion, c.UID = "4711", "u-1" },
		"managed fields":          func(c *corev1.ConfigMap) { c.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubectl"}} },
		"creation timestamp":      func(c *corev1.ConfigMap) { c.CreationTimestamp = now },
	}
	key := func(c any) cacheKey {
		k, ok := digestObject(fmt.Sprintf("%T", c), c)
		if !ok {
			t.Fatalf("%T not cacheable", c)
		}
		return k
	}
	seen := map[cacheKey]string{key(base()): "base"}
	for name, change := range differ {
		c := base()
		change(c)
		k := key(c)
		if prev, dup := seen[k]; dup {
			t.Errorf("%q has the key of %q", name, prev)
		}
		seen[k] = name
	}
	for name, change := range same {
		c := base()
		change(c)
		if key(c) != key(base()) {
			t.Errorf("%q changed the key although no rule reads it", name)
		}
	}
	svc := &corev1.Service{ObjectMeta: base().ObjectMeta}
	if _, dup := seen[key(svc)]; dup {
		t.Errorf("a Service has the key of a ConfigMap")
	}
	svc2 := svc.DeepCopy()
	svc2.Spec.Type = corev1.ServiceTypeLoadBalancer
	if key(svc) == key(svc2) {
		t.Errorf("Services differing in spec have one key")
	}
}

// TestRatchetCacheStaysBounded: entries and bytes never exceed their
// bounds, and a judgement too large to keep is not kept.
func TestRatchetCacheStaysBounded(t *testing.T) {
	c := newJudgementCache(8)
	snap := Snapshot{Engine: testEngine(nil)}
	deny := rules.Finding{Rule: "WT001", Severity: rules.Deny, Key: "deny", Path: "value"}
	for i := 0; i < 100; i++ {
		c.put(snap, cacheKey{kind: "ConfigMap", name: fmt.Sprint(i)}, []rules.Finding{deny})
		if c.lru.Len() > 8 || len(c.byKey) != c.lru.Len() {
			t.Fatalf("after %d puts: %d entries, %d keys", i+1, c.lru.Len(), len(c.byKey))
		}
	}
	if _, hit := c.get(snap, cacheKey{kind: "ConfigMap", name: "0"}); hit {
		t.Errorf("the least recently used entry was kept")
	}
	if _, hit := c.get(snap, cacheKey{kind: "ConfigMap", name: "99"}); !hit {
		t.Errorf("the newest entry was dropped")
	}
	huge := make([]rules.Finding, maxEntryBytes/sigOverhead+1)
	for i := range huge {
		huge[i] = deny
	}
	c.put(snap, cacheKey{kind: "ConfigMap", name: "huge"}, huge)
	if _, hit := c.get(snap, cacheKey{kind: "ConfigMap", name: "huge"}); hit {
		t.Errorf("a judgement over maxEntryBytes was kept")
	}
	big := newJudgementCache(1 << 20)
	long := deny
	long.Path = strings.Repeat("p", maxEntryBytes/2)
	for i := 0; i < 2*maxCacheBytes/(maxEntryBytes/2); i++ {
		big.put(snap, cacheKey{kind: "ConfigMap", name: fmt.Sprint(i)}, []rules.Finding{long})
		if big.bytes > maxCacheBytes {
			t.Fatalf("%d bytes cached, bound %d", big.bytes, maxCacheBytes)
		}
	}
}

// TestRatchetCacheConcurrentUse: reviews under two alternating snapshots
// from many goroutines (run with -race) always answer as without a cache.
func TestRatchetCacheConcurrentUse(t *testing.T) {
	e1, e2 := testEngine(nil), testEngine(nil)
	var mu sync.Mutex
	flip := false
	a := &Admission{Ratcheting: true, RatchetCache: 4, Log: logr.Discard(), Snapshot: func() Snapshot {
		mu.Lock()
		defer mu.Unlock()
		flip = !flip
		if flip {
			return Snapshot{Engine: e1}
		}
		return Snapshot{Engine: e2}
	}}
	plain := newAdmission(nil, true)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				old := flannelCM(map[string]string{"deny": fmt.Sprint(i % 6)})
				cm := flannelCM(map[string]string{"deny": fmt.Sprint(i % 6), "deny2": fmt.Sprint(g)})
				if i%2 == 0 {
					a.Review(Validating, request(t, admissionv1.Create, old, nil))
				}
				req := request(t, admissionv1.Update, cm, old)
				if got, want := a.Review(Validating, req).Response, plain.Review(Validating, req).Response; !reflect.DeepEqual(got, want) {
					t.Errorf("goroutine %d, review %d: %+v, want %+v", g, i, got, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}
