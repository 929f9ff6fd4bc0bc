package webhook

import (
	"context"

	"github.com/netguard/netguard/internal/clusterfacts"
	"github.com/netguard/netguard/rules"
	corev1 "k8s.io/api/core/v1"
)

// Facts is what the webhook learned about the cluster from the API server
// (clusterfacts.Facts: the same facts scan reads).
type Facts = clusterfacts.Facts

// clusterSource provides Facts without blocking the request path.
type clusterSource interface {
	Start(ctx context.Context) error
	// Synced reports whether the initial discovery finished (or was given up).
	Synced() bool
	// Facts returns the latest facts, nil when none.
	Facts() *Facts
	// ConfigChanged tells the source about a new configuration.
	ConfigChanged(cfg *rules.Config)
	// Sources reports the state of each context source (for /contextz).
	Sources() []SourceStatus
}

// offlineSource knows nothing: the configuration file is the only source.
type offlineSource struct{}

func (offlineSource) Start(ctx context.Context) error { <-ctx.Done(); return nil }
func (offlineSource) Synced() bool                    { return true }
func (offlineSource) Facts() *Facts                   { return nil }
func (offlineSource) ConfigChanged(*rules.Config)     {}
func (offlineSource) Sources() []SourceStatus         { return nil }

// trimConfigMap keeps the data only of targeted ConfigMaps: the namespaces
// are shared with unrelated ConfigMaps (leader election, ...), and a field
// selector cannot select a set of names or a name pattern.
func (a *apiSource) trimConfigMap(obj any) (any, error) {
	cm, ok := obj.(*corev1.ConfigMap)
	if !ok {
		return obj, nil
	}
	cm.ManagedFields = nil
	cfg := a.config.Load()
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	if _, ok := cfg.Match("ConfigMap", cm.Namespace, cm.Name); !ok {
		cm.Data, cm.BinaryData = nil, nil
	}
	return cm, nil
}
