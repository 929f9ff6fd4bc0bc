package corpus

import (
	"fmt"
	"regexp"
	"strconv"
	"sync/atomic"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
)

// Updates is an endless stream of kube-proxy UPDATE reviews to /validate
// as successive `kubectl edit`s produce them: request i sets
// conntrack.maxPerCore in config.conf to a value no other request carries,
// and its old object is the last object admitted before it (old(i) =
// new(i-1), or new(i-2) after a denied edit), so no cache can answer a
// request from an identical earlier one, while a cache of objects admitted
// before legitimately can for the old object. Every DenyEvery-th edit
// (i % DenyEvery == DenyEvery-1) is denied: maxPerCore becomes a word, a
// type error kube-proxy refuses to start with.
//
// The bodies are generated per request from a template (the review encoded
// once with placeholders), so a run of any length never repeats one and
// needs no memory per request; filling the template copies a few KiB.
type Updates struct {
	DenyEvery int
	parts     [][]byte // the template split at the placeholders
	slots     []slot   // what goes between parts[i] and parts[i+1]
	next      atomic.Int64
}

type slot int

const (
	slotNew slot = iota // the new object's maxPerCore
	slotOld             // the old object's maxPerCore
	slotUID             // the review's UID
)

// Bucket names of Updates (loadgen statistics).
const (
	UpdateAllowed = "kube-proxy/UPDATE config.conf/validate (allowed)"
	UpdateDenied  = "kube-proxy/UPDATE config.conf/validate (denied)"
)

var maxPerCoreLine = regexp.MustCompile(`(maxPerCore: )\d+`)

// Placeholders; they survive JSON encoding unchanged.
const (
	phNew = "@@NEWMAXPERCORE@@"
	phOld = "@@OLDMAXPERCORE@@"
	phUID = "@@UID@@"
)

// KubeProxyUpdates builds the stream from a kube-proxy ConfigMap whose
// config.conf sets conntrack.maxPerCore (examples/kube-proxy).
func KubeProxyUpdates(cm *corev1.ConfigMap, denyEvery int) (*Updates, error) {
	conf, ok := cm.Data["config.conf"]
	if !ok || !maxPerCoreLine.MatchString(conf) {
		return nil, fmt.Errorf("%s/%s: no config.conf with conntrack.maxPerCore", cm.Namespace, cm.Name)
	}
	with := func(ph string) *corev1.ConfigMap {
		c := cm.DeepCopy()
		c.Data["config.conf"] = maxPerCoreLine.ReplaceAllString(conf, "${1}"+ph)
		return c
	}
	body, err := review(with(phNew), with(phOld), admissionv1.Update, phUID)
	if err != nil {
		return nil, err
	}
	u := &Updates{DenyEvery: denyEvery}
	// Split at every placeholder, in the order they appear.
	phs := map[string]slot{phNew: slotNew, phOld: slotOld, phUID: slotUID}
	re := regexp.MustCompile(regexp.QuoteMeta(phNew) + "|" + regexp.QuoteMeta(phOld) + "|" + regexp.QuoteMeta(phUID))
	last := 0
	for _, m := range re.FindAllIndex(body, -1) {
		u.parts = append(u.parts, body[last:m[0]])
		u.slots = append(u.slots, phs[string(body[m[0]:m[1]])])
		last = m[1]
	}
	u.parts = append(u.parts, body[last:])
	if len(u.slots) != 3 {
		return nil, fmt.Errorf("template has %d placeholders, want 3", len(u.slots))
	}
	return u, nil
}

// Denied reports whether request i is a denied edit.
func (u *Updates) Denied(i int) bool { return u.DenyEvery > 0 && i%u.DenyEvery == u.DenyEvery-1 }

// value is request i's new maxPerCore: distinct per request, a word for a
// denied edit.
func (u *Updates) value(i int) string {
	if u.Denied(i) {
		return "many" + strconv.Itoa(i)
	}
	return strconv.Itoa(65536 + i)
}

// lastAdmitted is the edit whose object request i replaces: the latest
// allowed one before i (request 0 replaces a base object, numbered -1).
func (u *Updates) lastAdmitted(i int) int {
	for j := i - 1; j >= 0; j-- {
		if !u.Denied(j) {
			return j
		}
	}
	return -1
}

// Body encodes request i.
func (u *Updates) Body(i int) []byte {
	vals := [...]string{slotNew: u.value(i), slotOld: strconv.Itoa(65536 + u.lastAdmitted(i)), slotUID: "kp-update-" + strconv.Itoa(i)}
	n := 0
	for _, p := range u.parts {
		n += len(p)
	}
	out := make([]byte, 0, n+64)
	for k, p := range u.parts {
		out = append(out, p...)
		if k < len(u.slots) {
			out = append(out, vals[u.slots[k]]...)
		}
	}
	return out
}

// Buckets implements loadgen.Stream.
func (u *Updates) Buckets() []string { return []string{UpdateAllowed, UpdateDenied} }

// Next implements loadgen.Stream: the next request of the stream, whatever
// the worker (one shared sequence, so no request is ever sent twice).
func (u *Updates) Next(_, _ int) (int, string, []byte) {
	i := int(u.next.Add(1) - 1)
	b := 0
	if u.Denied(i) {
		b = 1
	}
	return b, "/validate", u.Body(i)
}

// Sent is how many requests the stream has handed out.
func (u *Updates) Sent() int { return int(u.next.Load()) }

// Items returns requests from..from+n-1 as corpus items (for
// loadgen.Check), without advancing the stream.
func (u *Updates) Items(from, n int) []Item {
	var out []Item
	for i := from; i < from+n; i++ {
		name := fmt.Sprintf("kube-proxy/UPDATE config.conf #%d/validate", i)
		out = append(out, Item{Name: name, Object: "kube-proxy", Family: "kube-proxy", Size: Typical, Operation: "UPDATE", Path: "/validate", Body: u.Body(i)})
	}
	return out
}
