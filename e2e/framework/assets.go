// Package framework starts a real Kubernetes control plane (etcd +
// kube-apiserver built from source by hack/build-test-binaries.sh) with
// controller-runtime's envtest, starts `netguard serve` as a separate process
// with a freshly generated CA, registers netguard's admission webhooks, and
// runs the real kubectl against it. The e2e tests (package e2e, build tag
// e2e) and the local playground use it.
//
// Everything listens on 127.0.0.1 only.
package framework

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ModulePath is the main module; RepoRoot looks for its go.mod.
const ModulePath = "github.com/netguard/netguard"

// ControlPlaneBinaries are the binaries a control-plane assets directory
// holds (the names envtest and KUBEBUILDER_ASSETS use).
var ControlPlaneBinaries = []string{"kube-apiserver", "etcd", "kubectl"}

// BuildHint tells how to get the binaries; used in error messages.
const BuildHint = "build them with `hack/build-test-binaries.sh` (about 5-10 minutes the first time on 2 cores, seconds afterwards), or set KUBEBUILDER_ASSETS to a directory holding kube-apiserver, etcd and kubectl"

// RepoRoot returns the directory of the main module's go.mod, searching
// upwards from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isMainModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

func isMainModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == ModulePath
		}
	}
	return false
}

// FindAssets returns the directory holding kube-apiserver, etcd and kubectl:
// $KUBEBUILDER_ASSETS when it is set and holds all three, else <root>/bin/k8s
// (the same choice as hack/build-test-binaries.sh, which builds into
// bin/k8s when KUBEBUILDER_ASSETS is incomplete).
func FindAssets(root string) (string, error) {
	var why string
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		missing := missingBinaries(dir)
		if len(missing) == 0 {
			return dir, nil
		}
		why = fmt.Sprintf("KUBEBUILDER_ASSETS=%s lacks %s, and ", dir, strings.Join(missing, ", "))
	}
	dir := filepath.Join(root, "bin", "k8s")
	if missing := missingBinaries(dir); len(missing) > 0 {
		return "", fmt.Errorf("%s%s lacks %s; %s", why, dir, strings.Join(missing, ", "), BuildHint)
	}
	return dir, nil
}

// FindHelm returns the helm binary: $HELM, $KUBEBUILDER_ASSETS/helm, or
// <root>/bin/helm.
func FindHelm(root string) (string, error) {
	if p := os.Getenv("HELM"); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("HELM=%s is not an executable file", p)
		}
		return p, nil
	}
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" && isExecutable(filepath.Join(dir, "helm")) {
		return filepath.Join(dir, "helm"), nil
	}
	p := filepath.Join(root, "bin", "helm")
	if !isExecutable(p) {
		return "", errors.New(p + " does not exist and HELM is not set; build it with `hack/build-test-binaries.sh helm`")
	}
	return p, nil
}

func missingBinaries(dir string) []string {
	var missing []string
	for _, b := range ControlPlaneBinaries {
		if !isExecutable(filepath.Join(dir, b)) {
			missing = append(missing, b)
		}
	}
	return missing
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
