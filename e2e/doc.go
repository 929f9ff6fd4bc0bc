// Package e2e holds netguard's end-to-end tests: a real etcd +
// kube-apiserver (v1.37.2, built from source by hack/build-test-binaries.sh),
// `netguard serve` as a separate process registered as both admission
// webhooks, and the real kubectl.
//
// The tests carry the build tag e2e, so `go test ./...` never starts a
// control plane; run them with
//
//	hack/build-test-binaries.sh        # once; cached under bin/
//	go test -tags e2e ./e2e/...
//
// With the tag, missing binaries are a test failure, not a skip. See
// README.md in this directory.
package e2e
