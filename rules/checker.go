package rules

import corev1 "k8s.io/api/core/v1"

// Operation is the admission operation being judged.
type Operation string

const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Request is one object to judge: an object of the kind the component's
// descriptor names (Descriptor.Kind); OldObject, of the same kind, is set
// on UPDATE.
type Request struct {
	Operation Operation
	Target    Target
	Object    Object
	OldObject Object
	Cluster   *ClusterContext
	Config    *Config
	// NoTexts says the caller needs only the findings' signatures (rule,
	// severity, key, path, position), not their messages and hints: see
	// Report.NoTexts. Reports made with NewReport honour it.
	NoTexts bool
}

// NewReport starts the report about the request's object (kind
// namespace/name), honouring NoTexts.
func (r *Request) NewReport(kind, namespace, name string) *Report {
	rep := NewReport(kind, namespace, name)
	rep.NoTexts = r.NoTexts
	return rep
}

// ConfigMap returns the object when it is a ConfigMap, else nil.
func (r *Request) ConfigMap() *corev1.ConfigMap { return asConfigMap(r.Object) }

// OldConfigMap returns the old object when it is a ConfigMap, else nil.
func (r *Request) OldConfigMap() *corev1.ConfigMap { return asConfigMap(r.OldObject) }

// Service returns the object when it is a Service, else nil.
func (r *Request) Service() *corev1.Service { return asService(r.Object) }

// OldService returns the old object when it is a Service, else nil.
func (r *Request) OldService() *corev1.Service { return asService(r.OldObject) }

func asConfigMap(o Object) *corev1.ConfigMap {
	cm, _ := o.(*corev1.ConfigMap)
	return cm
}

func asService(o Object) *corev1.Service {
	svc, _ := o.(*corev1.Service)
	return svc
}

// Mutation is the result of a mutating pass. Object holds a mutated deep
// copy of the request's object, or nil when nothing changed.
type Mutation struct {
	Object  Object
	Changes []Change
}

// Checker judges the objects of one component. Implementations must be pure
// (no I/O), deterministic, safe for concurrent use, and must not panic on any
// input.
type Checker interface {
	Component() Component
	// Mutate applies the configured certain fixes; it must be idempotent and
	// must not modify the request's objects.
	Mutate(req *Request) Mutation
	// Validate judges req's object (already mutated, when mutation ran).
	Validate(req *Request) []Finding
}
