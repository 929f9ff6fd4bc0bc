//go:build tools

// Package tools pins the Kyverno CLI (kubectl-kyverno) that the webhook
// benchmark (bench/, `make bench`) compares netguard against. It is never
// compiled into netguard.
package tools

import _ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
