// Package parity holds netguard's differential tests: the real parsers of
// kube-proxy (k8s.io/kubernetes v1.37.2), libcni and flannel judge generated
// corpora next to netguard's checkers, and the tests assert that both agree.
// It is a module of its own so that the main module does not depend on
// k8s.io/kubernetes.
package parity
