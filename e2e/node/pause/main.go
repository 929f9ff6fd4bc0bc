// Command pause is the real-node test's pod sandbox ("pause") image: it
// holds the pod's namespaces by sleeping until SIGTERM or SIGINT, like
// registry.k8s.io/pause, without a registry to pull that from.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	<-sigs
}
