// Package scan implements `netguard scan`: it lists the objects netguard
// targets that already exist in a cluster (the ConfigMaps of the configured
// names and namespaces, Services in every namespace) and judges them with
// the same engine as lint and the webhook, with the cluster context read
// from the API server (nodes, the base eni-config and sibling ConfigMaps,
// the `kubernetes` ServiceCIDR, the version from discovery). It is what an
// operator runs before turning enforcement on.
package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/netguard/netguard/internal/clusterfacts"
	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
)

// Options configure a scan.
type Options struct {
	// Config is netguard's configuration (targets, rule overrides, and the
	// cluster facts the API server cannot give: pod CIDRs, Flannel and
	// Terway versions). nil: defaults.
	Config *rules.Config
	// Engine judges the objects (nil: all.NewEngine(Config)).
	Engine *engine.Engine
	// KeepRestartAdvice keeps the xx090 "restart the pods" findings. A scan
	// changes nothing, so by default they are dropped.
	KeepRestartAdvice bool
	// PageSize bounds each list call (default clusterfacts.DefaultPageSize).
	PageSize int64
}

// Result is lint's result (Findings, Objects, Judged, Errors; Files is 0)
// plus what the scan learned about the cluster.
type Result struct {
	lint.Result
	// Cluster is the context the objects were judged in.
	Cluster *rules.ClusterContext
	// Notes say which facts could not be read from the API server (and came
	// from the configuration file instead).
	Notes []string
}

// Location is the "file" of a finding: namespace/kind/name[key].
func Location(kind, ns, name, key string) string {
	l := ns + "/" + strings.ToLower(kind) + "/" + name
	if key != "" {
		l += "[" + key + "]"
	}
	return l
}

// Run lists and judges the targeted objects.
func Run(ctx context.Context, c kubernetes.Interface, opts Options) (*Result, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = rules.DefaultConfig()
	}
	res := &Result{}
	facts, err := clusterFacts(ctx, c, opts.PageSize, res)
	if err != nil {
		return nil, err
	}

	var cms []*corev1.ConfigMap
	for _, ns := range targetNamespaces(cfg) {
		got, err := clusterfacts.ConfigMaps(ctx, c, ns, opts.PageSize, func(cm *corev1.ConfigMap) bool {
			_, ok := cfg.Match("ConfigMap", ns, cm.Name)
			return ok
		})
		if err != nil {
			return nil, fmt.Errorf("listing ConfigMaps in %s: %w", ns, err)
		}
		cms = append(cms, got...)
	}
	for _, cm := range cms {
		facts.AddConfigMap(cm)
	}
	cluster := clusterfacts.Overlay(&cfg.Cluster, facts)
	res.Cluster = cluster
	var svcs []*corev1.Service
	if _, all := cfg.TargetNamespaces("Service"); all {
		err := clusterfacts.List(ctx, opts.PageSize, func(ctx context.Context, lo metav1.ListOptions) (runtime.Object, error) {
			return c.CoreV1().Services(metav1.NamespaceAll).List(ctx, lo)
		}, func(obj runtime.Object) error {
			if svc, ok := obj.(*corev1.Service); ok {
				if _, ok := cfg.Match("Service", svc.Namespace, svc.Name); ok {
					svcs = append(svcs, svc)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("listing Services: %w", err)
		}
	}

	eng := opts.Engine
	if eng == nil {
		eng = all.NewEngine(cfg)
	}
	judge := func(kind, ns, name string, obj any) {
		res.Objects++
		// As stored: the configured mutations apply to the next write,
		// the components read the object as it is now.
		r := eng.Judge(engine.Input{Operation: rules.Create, Object: obj, Cluster: cluster, NoMutate: true})
		if !r.Judged {
			return
		}
		res.Judged++
		for _, f := range r.Findings {
			if !opts.KeepRestartAdvice && strings.HasSuffix(f.Rule, "090") {
				continue
			}
			res.Findings = append(res.Findings, lint.Finding{
				Rule: f.Rule, Severity: f.Severity, File: Location(kind, ns, name, f.Key), Object: f.Object, Kind: f.Kind,
				Key: f.Key, Path: f.Path, Line: f.Line, Column: f.Column, DocLine: f.Line, DocColumn: f.Column,
				Message: f.Message, Hint: f.Hint,
			})
		}
	}
	for _, cm := range cms {
		judge("ConfigMap", cm.Namespace, cm.Name, cm)
	}
	for _, svc := range svcs {
		judge("Service", svc.Namespace, svc.Name, svc)
	}
	lint.SortFindings(res.Findings)
	return res, nil
}

// targetNamespaces are the namespaces holding targeted ConfigMaps.
func targetNamespaces(cfg *rules.Config) []string {
	ns, _ := cfg.TargetNamespaces("ConfigMap")
	return ns
}

// clusterFacts reads what the API server says of the cluster: the version
// (discovery), the nodes, and the Service CIDRs (the `kubernetes`
// ServiceCIDR). A fact the API does not give (RBAC, an older API server)
// stays the file's, with a note.
func clusterFacts(ctx context.Context, c kubernetes.Interface, pageSize int64, res *Result) (*clusterfacts.Facts, error) {
	f := &clusterfacts.Facts{}
	var err error
	if f.KubernetesVersion, err = clusterfacts.Version(c); err != nil {
		// the first call: a wrong kubeconfig fails here
		return nil, fmt.Errorf("asking the API server for its version: %w", err)
	}
	f.Nodes, err = clusterfacts.Nodes(ctx, c, pageSize)
	switch {
	case err == nil:
		f.NodesKnown = true
	case apierrors.IsForbidden(err):
		res.Notes = append(res.Notes, "nodes: list forbidden; using the configuration file's cluster.nodes")
	default:
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	f.ServiceCIDRs, err = clusterfacts.ServiceCIDRs(ctx, c)
	switch {
	case err == nil:
	case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
		res.Notes = append(res.Notes, "servicecidrs/kubernetes: not readable ("+shortErr(err)+"); using the configuration file's cluster.serviceCIDRs")
	default:
		return nil, fmt.Errorf("reading the kubernetes ServiceCIDR: %w", err)
	}
	return f, nil
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
