// Command enginebench drives Kyverno's policy engine in-process, the way
// Kyverno's admission controller does (one engine, a policy context per
// request and policy), to measure the cost per resource without the CLI's
// per-resource set-up and output. The webhook benchmark (bench/, `make
// bench`) compares it with netguard's in-process review of the same objects.
//
// It lives in this tools module because Kyverno v1.19 pins k8s.io/* v0.36
// and replaces k8s.io/pod-security-admission, which cannot share a module
// graph with netguard (k8s.io/* v0.37).
//
//	enginebench -policies bench/kyverno/policies.yaml -resources objects.yaml -min-cpu 300ms
//
// prints one JSON object: resources, validations per resource, pass/fail
// counts, and CPU and wall nanoseconds per resource.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	kyvernov1 "github.com/kyverno/kyverno/api/kyverno/v1"
	"github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno/policy"
	"github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno/resource"
	"github.com/kyverno/kyverno/pkg/config"
	"github.com/kyverno/kyverno/pkg/engine"
	engineapi "github.com/kyverno/kyverno/pkg/engine/api"
	"github.com/kyverno/kyverno/pkg/engine/factories"
	"github.com/kyverno/kyverno/pkg/engine/jmespath"
	"github.com/kyverno/kyverno/pkg/engine/policycontext"
	imageverifycache "github.com/kyverno/kyverno/pkg/image/verification/cache"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

type result struct {
	Resources         int
	RulesPerResource  float64
	Pass, Fail, Error int
	Iterations        int
	CPUNsPerResource  float64
	WallNsPerResource float64
}

func main() {
	policies := flag.String("policies", "", "policy file")
	resources := flag.String("resources", "", "resource file (multi-document YAML)")
	minCPU := flag.Duration("min-cpu", 300*time.Millisecond, "measure until this much CPU time was used")
	flag.Parse()
	if err := run(*policies, *resources, *minCPU); err != nil {
		fmt.Fprintln(os.Stderr, "enginebench:", err)
		os.Exit(1)
	}
}

func run(policyPath, resourcePath string, minCPU time.Duration) error {
	loaded, err := policy.Load(osfs.New("/"), "", mustAbs(policyPath))
	if err != nil {
		return err
	}
	if len(loaded.Policies) == 0 {
		return fmt.Errorf("no policies in %s", policyPath)
	}
	b, err := os.ReadFile(resourcePath)
	if err != nil {
		return err
	}
	objs, err := resource.GetUnstructuredResources(b)
	if err != nil {
		return err
	}
	cfg := config.NewDefaultConfiguration(false)
	jp := jmespath.New(cfg)
	isCluster := false
	eng := engine.NewEngine(cfg, jp, nil,
		factories.DefaultRegistryClientFactory(nil, nil),
		imageverifycache.DisabledImageVerifyCache(),
		factories.DefaultContextLoaderFactory(nil),
		nil, &isCluster)

	res := result{Resources: len(objs)}
	// One pass validates every resource against every policy, as the
	// admission controller does for each request.
	pass := func(count bool) error {
		for _, obj := range objs {
			for _, p := range loaded.Policies {
				pc, err := newContext(jp, cfg, *obj, p)
				if err != nil {
					return err
				}
				resp := eng.Validate(context.Background(), pc)
				if !count {
					continue
				}
				for _, r := range resp.PolicyResponse.Rules {
					switch r.Status() {
					case engineapi.RuleStatusPass:
						res.Pass++
					case engineapi.RuleStatusFail:
						res.Fail++
					case engineapi.RuleStatusError:
						res.Error++
					}
				}
			}
		}
		return nil
	}
	if err := pass(true); err != nil { // also the warm-up
		return err
	}
	res.RulesPerResource = float64(res.Pass+res.Fail+res.Error) / float64(len(objs))
	runtime.GC()
	c0, w0 := cpuTime(), time.Now()
	for res.Iterations < 3 || cpuTime()-c0 < minCPU {
		if err := pass(false); err != nil {
			return err
		}
		res.Iterations++
	}
	n := float64(res.Iterations * len(objs))
	res.CPUNsPerResource = float64(cpuTime()-c0) / n
	res.WallNsPerResource = float64(time.Since(w0)) / n
	return json.NewEncoder(os.Stdout).Encode(res)
}

func newContext(jp jmespath.Interface, cfg config.Configuration, obj unstructured.Unstructured, p kyvernov1.PolicyInterface) (*policycontext.PolicyContext, error) {
	pc, err := policycontext.NewPolicyContext(jp, obj, kyvernov1.Create, nil, cfg)
	if err != nil {
		return nil, err
	}
	return pc.WithPolicy(p).WithResourceKind(obj.GroupVersionKind(), ""), nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mustAbs(p string) string {
	if len(p) > 0 && p[0] == '/' {
		return p
	}
	wd, _ := os.Getwd()
	return wd + "/" + p
}
