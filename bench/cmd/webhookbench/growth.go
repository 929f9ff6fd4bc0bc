package main

import (
	"fmt"
	"runtime"
	"syscall"
	"time"

	"github.com/netguard/netguard/bench/corpus"
	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/all"
	"github.com/netguard/netguard/rules/engine"
	"github.com/netguard/netguard/webhook"
	admissionv1 "k8s.io/api/admission/v1"
)

// Growth is the in-process cost of one review (decode the object, judge,
// build the response; no HTTP) against object size and cluster size.
type Growth struct {
	Sizes []int // bytes of the embedded document
	// BySize[family][i] is the cost at Sizes[i].
	BySize   map[string][]Cost
	Nodes    []int
	ByNodes  map[string][]Cost
	Families []string // order of BySize
	Objects  []string // order of ByNodes
}

// Cost of one review, measured as process CPU time (robust against other
// work on a shared machine) and wall time.
type Cost struct {
	CPU, Wall time.Duration
	Iters     int
}

func (b *bench) growth() (*Growth, error) {
	cfg, err := rules.LoadConfig(b.config)
	if err != nil {
		return nil, err
	}
	eng := engine.New(cfg, all.Checkers()...)
	adm := func(cl *rules.ClusterContext) *webhook.Admission {
		snap := webhook.Snapshot{Engine: eng, Cluster: cl}
		return &webhook.Admission{Snapshot: func() webhook.Snapshot { return snap }, Ratcheting: true, InfoWarnings: true}
	}
	budget := 300 * time.Millisecond
	if b.res.Quick {
		budget = 60 * time.Millisecond
	}
	g := &Growth{Sizes: []int{1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20}, BySize: map[string][]Cost{},
		Nodes: []int{10, 100, 1000, 5000}, ByNodes: map[string][]Cost{}}
	a := adm(&cfg.Cluster)
	for _, n := range g.Sizes {
		for _, o := range corpus.SizedObjects(n) {
			req, err := request(o)
			if err != nil {
				return nil, err
			}
			if out := a.Review(webhook.Validating, req); !out.Response.Allowed || out.Decision == webhook.DecisionSkipped {
				return nil, fmt.Errorf("%s at %d bytes: %s %v", o.Name, n, out.Decision, out.Response.Result)
			}
			if len(g.BySize[o.Name]) == 0 {
				g.Families = append(g.Families, o.Name)
			}
			g.BySize[o.Name] = append(g.BySize[o.Name], measure(budget, func() { a.Review(webhook.Validating, req) }))
		}
	}
	if err := b.corpus(); err != nil {
		return nil, err
	}
	var typical []corpus.Object
	for _, o := range b.objects {
		if o.Size == corpus.Typical && o.Family != "none" && !o.Denied {
			typical = append(typical, o)
		}
	}
	for _, n := range g.Nodes {
		cl := cfg.Cluster
		cl.Nodes = nodes(n)
		a := adm(&cl)
		for _, o := range typical {
			req, err := request(o)
			if err != nil {
				return nil, err
			}
			if len(g.ByNodes[o.Name]) == 0 {
				g.Objects = append(g.Objects, o.Name)
			}
			g.ByNodes[o.Name] = append(g.ByNodes[o.Name], measure(budget, func() { a.Review(webhook.Validating, req) }))
		}
	}
	return g, nil
}

// nodes returns n nodes as the cluster-context cache holds them: podCIDRs
// inside the examples' pod CIDR 172.20.0.0/16 (/28 each so that 5000 fit),
// zone labels, and a terway-config label on every tenth node.
func nodes(n int) []rules.Node {
	out := make([]rules.Node, n)
	for i := range out {
		labels := map[string]string{"topology.kubernetes.io/zone": fmt.Sprintf("cn-hangzhou-%c", 'h'+i%4), "kubernetes.io/os": "linux"}
		if i%10 == 0 {
			labels["terway-config"] = "eni-config-pool-a"
		}
		out[i] = rules.Node{
			Name:     fmt.Sprintf("cn-hangzhou.10.%d.%d.%d", i/65536, i/256%256, i%256),
			PodCIDRs: []string{fmt.Sprintf("172.20.%d.%d/28", i/16, i%16*16)},
			Labels:   labels,
			CPUs:     8,
		}
	}
	return out
}

func request(o corpus.Object) (*admissionv1.AdmissionRequest, error) {
	body, err := corpus.Review(o.Obj, admissionv1.Create, "growth")
	if err != nil {
		return nil, err
	}
	rev, err := webhook.DecodeReview(body)
	if err != nil {
		return nil, err
	}
	return rev.Request, nil
}

// measure runs f until it has used budget of CPU time (at least 5 times)
// after one warm-up call, and returns the cost per call.
func measure(budget time.Duration, f func()) Cost {
	f()
	runtime.GC()
	c0, w0 := cpuTime(), time.Now()
	n := 0
	for n < 5 || cpuTime()-c0 < budget {
		f()
		n++
	}
	return Cost{CPU: (cpuTime() - c0) / time.Duration(n), Wall: time.Since(w0) / time.Duration(n), Iters: n}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
