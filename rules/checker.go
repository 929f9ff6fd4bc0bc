package rules

import corev1 "k8s.io/api/core/v1"

// Operation is the admission operation being judged.
type Operation string

const (
	Create Operation = "CREATE"
	Update Operation = "UPDATE"
	Delete Operation = "DELETE"
)

// Request is one object to judge. Exactly one of ConfigMap / Service is set,
// matching Target.Component; Old* are set on UPDATE.
type Request struct {
	Operation    Operation
	Target       Target
	ConfigMap    *corev1.ConfigMap
	OldConfigMap *corev1.ConfigMap
	Service      *corev1.Service
	OldService   *corev1.Service
	Cluster      *ClusterContext
	Config       *Config
}

// Mutation is the result of a mutating pass. The object fields hold a mutated
// deep copy, or nil when nothing changed.
type Mutation struct {
	ConfigMap *corev1.ConfigMap
	Service   *corev1.Service
	Changes   []Change
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
