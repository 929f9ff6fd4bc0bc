package webhook

import (
	"container/list"
	"encoding/binary"
	"encoding/json"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The ratchet cache. On a denied UPDATE the webhook judges the old object
// again, only for the deny signatures Ratchet compares. In real traffic
// that old object is the one netguard judged when it was last admitted (a
// CREATE), or the old object of the previous attempt (a denied edit is
// retried against the same stored object). judgementCache remembers the
// deny signatures of those judgements, so the old object is not parsed
// again.
//
// What is cached is exactly what the ratchet judgement computes:
// Engine.Judge of the object as a CREATE, not mutated, with the
// snapshot's cluster context. A validating CREATE review is that judgement
// (its Findings); an UPDATE review is not (rules compare with the old
// object: Flannel's FL019, Service ratcheting), so it is never stored.
//
// The key is the object's kind, namespace and name, compared exactly, and
// a 128-bit digest (two process-secret maphash seeds) of everything
// judging reads from it (digestObject), so a hit never crosses objects.
// The engine and cluster context the entries were judged with are kept
// with them: a new snapshot (configuration reload, cluster facts) empties
// the cache.

// ratchetCache returns the cache of judgements for ratcheting, or nil.
func (a *Admission) ratchetCache() *judgementCache {
	a.cacheOnce.Do(func() {
		if a.Ratcheting && a.RatchetCache > 0 {
			a.cache = newJudgementCache(a.RatchetCache)
		}
	})
	return a.cache
}

// oldDenies returns the deny findings of the old object of an UPDATE (only
// their signatures, which is all Ratchet compares), from the cache when it
// has them.
func (a *Admission) oldDenies(cache *judgementCache, snap Snapshot, kind string, old any) []rules.Finding {
	judge := func() []rules.Finding {
		return snap.Engine.Judge(engine.Input{Operation: rules.Create, Object: old, Cluster: snap.Cluster, NoMutate: true, Signatures: true}).Findings
	}
	if cache == nil {
		return judge()
	}
	key, ok := digestObject(kind, old)
	if !ok {
		return judge()
	}
	if sigs, hit := cache.get(snap, key); hit {
		return sigs.findings()
	}
	prev := judge()
	cache.put(snap, key, prev)
	return prev
}

// cacheKey identifies an object's content.
type cacheKey struct {
	kind, namespace, name string
	sum                   [2]uint64
}

// signature is what Ratchet compares of a deny finding.
type signature struct{ rule, key, path string }

type cacheEntry struct {
	key   cacheKey
	sigs  sigList
	bytes int
}

// Bounds of the cache's memory: entries larger than maxEntryBytes (a
// hostile object with thousands of deny findings) are not stored.
const (
	maxEntryBytes       = 16 << 10
	maxCacheBytes       = 4 << 20
	entryOverhead       = 160 // list element, map slot and key, roughly
	sigOverhead         = 48  // three string headers
	DefaultRatchetCache = 512 // entries, the server's default
)

// judgementCache is a bounded LRU of deny signatures, safe for concurrent
// use.
type judgementCache struct {
	max int

	mu      sync.Mutex
	engine  *engine.Engine
	cluster *rules.ClusterContext
	lru     list.List // of *cacheEntry, most recent first
	byKey   map[cacheKey]*list.Element
	bytes   int
	// hits and misses count lookups (tests; a metric some day).
	hits, misses int
}

func newJudgementCache(max int) *judgementCache {
	return &judgementCache{max: max, byKey: map[cacheKey]*list.Element{}}
}

// sameSnapshot resets the cache when snap is not the one its entries were
// judged with. Called with mu held.
func (c *judgementCache) sameSnapshot(snap Snapshot) {
	if c.engine == snap.Engine && c.cluster == snap.Cluster {
		return
	}
	c.engine, c.cluster = snap.Engine, snap.Cluster
	c.lru.Init()
	clear(c.byKey)
	c.bytes = 0
}

// get returns the deny signatures cached for key under snap.
func (c *judgementCache) get(snap Snapshot, key cacheKey) (sigList, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sameSnapshot(snap)
	e, ok := c.byKey[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).sigs, true
}

// put stores the deny signatures of findings, judged under snap.
func (c *judgementCache) put(snap Snapshot, key cacheKey, findings []rules.Finding) {
	entry := &cacheEntry{key: key, bytes: entryOverhead + len(key.kind) + len(key.namespace) + len(key.name)}
	for _, f := range findings {
		if f.Severity != rules.Deny {
			continue
		}
		entry.bytes += sigOverhead + len(f.Rule) + len(f.Key) + len(f.Path)
		if entry.bytes > maxEntryBytes {
			return
		}
		// Clones: a path may share the memory of a large document.
		entry.sigs = append(entry.sigs, signature{strings.Clone(f.Rule), strings.Clone(f.Key), strings.Clone(f.Path)})
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sameSnapshot(snap)
	if e, ok := c.byKey[key]; ok {
		c.remove(e)
	}
	c.byKey[key] = c.lru.PushFront(entry)
	c.bytes += entry.bytes
	for c.lru.Len() > c.max || c.bytes > maxCacheBytes {
		c.remove(c.lru.Back())
	}
}

func (c *judgementCache) remove(e *list.Element) {
	entry := c.lru.Remove(e).(*cacheEntry)
	delete(c.byKey, entry.key)
	c.bytes -= entry.bytes
}

// sigList is the deny signatures of one judgement.
type sigList []signature

// findings returns the signatures as deny findings, for Ratchet.
func (sigs sigList) findings() []rules.Finding {
	out := make([]rules.Finding, len(sigs))
	for i, s := range sigs {
		out[i] = rules.Finding{Rule: s.rule, Key: s.key, Path: s.path, Severity: rules.Deny}
	}
	return out
}

// digestSeeds are drawn once per process: without them nobody can build
// two objects with the same digest on purpose.
var digestSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// digestObject returns the key of obj's content, or false for a type it
// does not know (not cached). It covers everything the engine and the
// rules read: the name (targeting), labels and annotations (exceptions,
// Service annotations), whether it is being deleted, and the content
// (ConfigMap data, binaryData and immutable; Service spec and status).
// What it leaves out (resourceVersion, uid, managedFields, timestamps,
// owners, finalizers) no rule reads; an UPDATE that changes only those is
// not judged at all.
func digestObject(kind string, obj any) (cacheKey, bool) {
	var hs [2]maphash.Hash
	for i := range hs {
		hs[i].SetSeed(digestSeeds[i])
	}
	w := digestWriter(hs[:])
	var meta *metav1.ObjectMeta
	switch o := obj.(type) {
	case *corev1.ConfigMap:
		if o == nil {
			return cacheKey{}, false
		}
		meta = &o.ObjectMeta
		w.strings(o.Data)
		w.int(len(o.BinaryData))
		for _, k := range slices.Sorted(maps.Keys(o.BinaryData)) {
			w.string(k)
			w.bytes(o.BinaryData[k])
		}
		w.bool(o.Immutable != nil)
		w.bool(o.Immutable != nil && *o.Immutable)
	case *corev1.Service:
		if o == nil {
			return cacheKey{}, false
		}
		meta = &o.ObjectMeta
		for _, part := range []any{o.Spec, o.Status} {
			b, err := json.Marshal(part)
			if err != nil {
				return cacheKey{}, false
			}
			w.bytes(b)
		}
	default:
		return cacheKey{}, false
	}
	w.strings(meta.Labels)
	w.strings(meta.Annotations)
	w.bool(meta.DeletionTimestamp != nil)
	return cacheKey{kind: kind, namespace: meta.Namespace, name: meta.Name, sum: [2]uint64{hs[0].Sum64(), hs[1].Sum64()}}, true
}

// digestWriter writes length-prefixed values, so that no two different
// sequences of values write the same bytes.
type digestWriter []maphash.Hash

func (w digestWriter) int(n int) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	for i := range w {
		w[i].Write(b[:])
	}
}

func (w digestWriter) bool(v bool) {
	if v {
		w.int(1)
	} else {
		w.int(0)
	}
}

func (w digestWriter) string(s string) {
	w.int(len(s))
	for i := range w {
		w[i].WriteString(s)
	}
}

func (w digestWriter) bytes(b []byte) {
	w.int(len(b))
	for i := range w {
		w[i].Write(b)
	}
}

// strings writes a map in key order (nil and empty alike: the rules do not
// tell them apart).
func (w digestWriter) strings(m map[string]string) {
	w.int(len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.string(k)
		w.string(m[k])
	}
}
