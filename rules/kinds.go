package rules

import (
	"fmt"
	"maps"
	"reflect"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Object is an API object netguard judges: what controller-runtime calls a
// client.Object (object metadata plus a runtime.Object), without importing
// controller-runtime into the rules.
type Object interface {
	metav1.Object
	runtime.Object
}

// KindInfo says how netguard handles one API kind a component judges. The
// engine, the webhook's decoder and lint's decoder follow it, so a
// component judging a new kind registers the kind here, and its descriptor
// names it in Descriptor.Kind.
type KindInfo struct {
	// Group and Version of the kind as served ("" and "v1" for core/v1).
	Group, Version string
	Kind           string // "ConfigMap"
	Resource       string // "configmaps"
	// New returns an empty object of the kind to decode into.
	New func() Object
	// Changed reports whether an update from old to obj touches anything a
	// rule judges. Updates that only move finalizers, labels, managed fields
	// or status are never judged, so controllers can always finish.
	Changed func(obj, old Object) bool
}

var kinds = struct {
	sync.RWMutex
	byKind map[string]KindInfo
	byType map[reflect.Type]string
}{byKind: map[string]KindInfo{}, byType: map[reflect.Type]string{}}

// RegisterKind adds a kind. It panics on a duplicate or incomplete one.
func RegisterKind(k KindInfo) {
	if k.Kind == "" || k.Version == "" || k.Resource == "" || k.New == nil || k.Changed == nil {
		panic(fmt.Sprintf("rules: incomplete kind %+v", k))
	}
	kinds.Lock()
	defer kinds.Unlock()
	if _, dup := kinds.byKind[k.Kind]; dup {
		panic("rules: duplicate kind " + k.Kind)
	}
	kinds.byKind[k.Kind] = k
	kinds.byType[reflect.TypeOf(k.New())] = k.Kind
}

// LookupKind returns the registered kind.
func LookupKind(kind string) (KindInfo, bool) {
	kinds.RLock()
	defer kinds.RUnlock()
	k, ok := kinds.byKind[kind]
	return k, ok
}

// KindOf returns the kind of a registered Go object type (*corev1.ConfigMap:
// "ConfigMap"); ok is false for anything else, nil pointers included.
func KindOf(obj any) (kind string, o Object, ok bool) {
	o, ok = obj.(Object)
	if !ok || reflect.ValueOf(o).IsNil() {
		return "", nil, false
	}
	kinds.RLock()
	defer kinds.RUnlock()
	kind, ok = kinds.byType[reflect.TypeOf(o)]
	return kind, o, ok
}

// The core/v1 kinds today's components judge.
func init() {
	RegisterKind(KindInfo{Version: "v1", Kind: "ConfigMap", Resource: "configmaps",
		New: func() Object { return &corev1.ConfigMap{} },
		Changed: func(obj, old Object) bool {
			o, p := obj.(*corev1.ConfigMap), old.(*corev1.ConfigMap)
			return !maps.Equal(o.Data, p.Data) || !reflect.DeepEqual(o.BinaryData, p.BinaryData)
		}})
	RegisterKind(KindInfo{Version: "v1", Kind: "Service", Resource: "services",
		New: func() Object { return &corev1.Service{} },
		Changed: func(obj, old Object) bool {
			o, p := obj.(*corev1.Service), old.(*corev1.Service)
			return !reflect.DeepEqual(o.Spec, p.Spec) || !maps.Equal(o.Annotations, p.Annotations)
		}})
}
