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
	"sort"
	"strings"

	"github.com/netguard/netguard/internal/lint"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	// PageSize bounds each list call (default 500).
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
	if opts.PageSize == 0 {
		opts.PageSize = 500
	}
	res := &Result{}
	cluster, err := clusterContext(ctx, c, cfg, res)
	if err != nil {
		return nil, err
	}
	res.Cluster = cluster

	var cms []*corev1.ConfigMap
	for _, ns := range targetNamespaces(cfg) {
		err := list(ctx, opts.PageSize, func(lo metav1.ListOptions) (string, error) {
			l, err := c.CoreV1().ConfigMaps(ns).List(ctx, lo)
			if err != nil {
				return "", err
			}
			for i := range l.Items {
				if _, ok := cfg.Match("ConfigMap", ns, l.Items[i].Name); ok {
					cms = append(cms, &l.Items[i])
				}
			}
			return l.Continue, nil
		})
		if err != nil {
			return nil, fmt.Errorf("listing ConfigMaps in %s: %w", ns, err)
		}
	}
	for _, cm := range cms {
		cluster.AddConfigMap(cm)
	}
	var svcs []*corev1.Service
	if cfg.Targets.Services.Enabled != nil && *cfg.Targets.Services.Enabled {
		err := list(ctx, opts.PageSize, func(lo metav1.ListOptions) (string, error) {
			l, err := c.CoreV1().Services(metav1.NamespaceAll).List(ctx, lo)
			if err != nil {
				return "", err
			}
			for i := range l.Items {
				if _, ok := cfg.Match("Service", l.Items[i].Namespace, l.Items[i].Name); ok {
					svcs = append(svcs, &l.Items[i])
				}
			}
			return l.Continue, nil
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

// list pages through a list call.
func list(ctx context.Context, limit int64, call func(metav1.ListOptions) (string, error)) error {
	lo := metav1.ListOptions{Limit: limit}
	for {
		next, err := call(lo)
		if err != nil {
			return err
		}
		if next == "" || ctx.Err() != nil {
			return ctx.Err()
		}
		lo.Continue = next
	}
}

// targetNamespaces are the namespaces holding targeted ConfigMaps.
func targetNamespaces(cfg *rules.Config) []string {
	t := cfg.Targets
	seen := map[string]bool{}
	var out []string
	for _, ns := range append(append(append([]string{}, t.Terway.Namespaces...), t.Flannel.Namespaces...), t.KubeProxy.Namespaces...) {
		if !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

// clusterContext overlays what the API server says on the configuration's
// cluster section: the version (discovery), the nodes, and the Service
// CIDRs (the `kubernetes` ServiceCIDR). A fact the API does not give (RBAC,
// an older API server) stays the file's, with a note.
func clusterContext(ctx context.Context, c kubernetes.Interface, cfg *rules.Config, res *Result) (*rules.ClusterContext, error) {
	cl := cfg.Cluster
	cl.ConfigMaps = map[string]*corev1.ConfigMap{}
	for k, v := range cfg.Cluster.ConfigMaps {
		cl.ConfigMaps[k] = v
	}
	v, err := c.Discovery().ServerVersion()
	if err != nil {
		// the first call: a wrong kubeconfig fails here
		return nil, fmt.Errorf("asking the API server for its version: %w", err)
	}
	cl.KubernetesVersion = v.GitVersion

	var nodes []rules.Node
	err = list(ctx, 500, func(lo metav1.ListOptions) (string, error) {
		l, err := c.CoreV1().Nodes().List(ctx, lo)
		if err != nil {
			return "", err
		}
		for _, n := range l.Items {
			node := rules.Node{Name: n.Name, Labels: n.Labels, PodCIDRs: n.Spec.PodCIDRs}
			if len(node.PodCIDRs) == 0 && n.Spec.PodCIDR != "" {
				node.PodCIDRs = []string{n.Spec.PodCIDR}
			}
			if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
				node.CPUs = int(q.Value())
			}
			nodes = append(nodes, node)
		}
		return l.Continue, nil
	})
	switch {
	case err == nil:
		cl.Nodes = nodes
	case apierrors.IsForbidden(err):
		res.Notes = append(res.Notes, "nodes: list forbidden; using the configuration file's cluster.nodes")
	default:
		return nil, fmt.Errorf("listing nodes: %w", err)
	}

	sc, err := c.NetworkingV1().ServiceCIDRs().Get(ctx, "kubernetes", metav1.GetOptions{})
	switch {
	case err == nil && len(sc.Spec.CIDRs) > 0:
		cl.ServiceCIDRs = append([]string(nil), sc.Spec.CIDRs...)
	case err == nil:
	case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
		res.Notes = append(res.Notes, "servicecidrs/kubernetes: not readable ("+shortErr(err)+"); using the configuration file's cluster.serviceCIDRs")
	default:
		return nil, fmt.Errorf("reading the kubernetes ServiceCIDR: %w", err)
	}
	return &cl, nil
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
