package scan

import (
	"context"
	"fmt"
	"sync"

	"github.com/netguard/netguard/internal/lint"
	"k8s.io/client-go/kubernetes"
)

// Cluster is one cluster of a fleet scan: a kubeconfig context and its
// client. Err is set when no client could be made for it (the context is
// then reported as failed, the others are still scanned).
type Cluster struct {
	Context string
	Host    string
	Client  kubernetes.Interface
	Err     error
}

// ClusterResult is the scan of one cluster of a fleet.
type ClusterResult struct {
	Cluster
	Result *Result
	Err    error
}

// Fleet is the scan of several clusters.
type Fleet struct {
	// Clusters in the order given.
	Clusters []ClusterResult
}

// RunFleet scans the clusters concurrently (at most parallel at once;
// 0 means 4) with the same options. A cluster that fails is reported in its
// ClusterResult; it never stops the others.
func RunFleet(ctx context.Context, clusters []Cluster, opts Options, parallel int) *Fleet {
	if parallel <= 0 {
		parallel = 4
	}
	f := &Fleet{Clusters: make([]ClusterResult, len(clusters))}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, c := range clusters {
		f.Clusters[i].Cluster = c
		if c.Err != nil {
			f.Clusters[i].Err = c.Err
			continue
		}
		wg.Add(1)
		go func(i int, c Cluster) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := Run(ctx, c.Client, opts)
			f.Clusters[i].Result, f.Clusters[i].Err = r, err
		}(i, c)
	}
	wg.Wait()
	return f
}

// Findings returns the findings of every cluster, each carrying its
// context (in Context and as the first element of File, so that the
// locations stay unique across clusters).
func (f *Fleet) Findings() []lint.Finding {
	var out []lint.Finding
	for _, c := range f.Clusters {
		if c.Result == nil {
			continue
		}
		for _, fd := range c.Result.Findings {
			fd.Context = c.Context
			fd.File = c.Context + "/" + fd.File
			out = append(out, fd)
		}
	}
	return out
}

// Errors returns the failures, each naming its context.
func (f *Fleet) Errors() []error {
	var out []error
	for _, c := range f.Clusters {
		if c.Err != nil {
			out = append(out, fmt.Errorf("context %s: %w", c.Context, c.Err))
		}
	}
	return out
}

// ExitCode is 2 when a cluster could not be scanned, else 1 when a finding
// denies, else 0.
func (f *Fleet) ExitCode() int {
	code := 0
	for _, c := range f.Clusters {
		switch {
		case c.Err != nil:
			return 2
		case c.Result.ExitCode() > code:
			code = c.Result.ExitCode()
		}
	}
	return code
}
