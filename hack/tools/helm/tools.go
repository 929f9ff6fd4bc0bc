//go:build tools

// Package tools pins the helm CLI that hack/build-test-binaries.sh builds for
// the chart e2e tests. It is never compiled into netguard.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
