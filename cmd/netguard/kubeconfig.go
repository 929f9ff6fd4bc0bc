package main

import (
	"flag"
	"sort"
	"sync"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
)

// kubeconfigMu serializes restConfig: controller-runtime keeps the path in
// a package variable behind its flag.
var kubeconfigMu sync.Mutex

// restConfig is the one kubeconfig lookup of scan, serve and
// uninstall-cleanup: controller-runtime's GetConfigWithContext, i.e.
// --kubeconfig, else $KUBECONFIG, else in-cluster, else ~/.kube/config, in
// the given context ("" the current one).
//
// controller-runtime reads --kubeconfig from the "kubeconfig" flag it
// registers on the Go command line; netguard's --kubeconfig is a flag of
// each cobra command, so its value is set there for the call, always
// (also when empty: a test running several commands in one process must
// not inherit the previous command's path).
func restConfig(kubeconfig, kubeContext string) (*rest.Config, error) {
	kubeconfigMu.Lock()
	defer kubeconfigMu.Unlock()
	if err := flag.CommandLine.Set(config.KubeconfigFlagName, kubeconfig); err != nil {
		return nil, err
	}
	cfg, err := config.GetConfigWithContext(kubeContext)
	if err != nil {
		return nil, err
	}
	// controller-runtime turns client-side rate limiting off (QPS -1) for
	// controllers; netguard's one-shot commands keep client-go's defaults
	// (5/s, burst 10) as before, serve sets its own.
	cfg.QPS, cfg.Burst = 0, 0
	return cfg, nil
}

// kubeconfigContexts lists the contexts of the kubeconfig (--kubeconfig,
// else $KUBECONFIG or ~/.kube/config), sorted: scan --all-contexts and the
// completion of --context. controller-runtime has no lister; the loading
// rules are client-go's, which its lookup uses too.
func kubeconfigContexts(kubeconfig string) ([]string, error) {
	loading := clientcmd.NewDefaultClientConfigLoadingRules()
	loading.ExplicitPath = kubeconfig
	raw, err := loading.Load()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(raw.Contexts))
	for n := range raw.Contexts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
