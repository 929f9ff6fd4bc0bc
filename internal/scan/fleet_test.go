package scan

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
)

func TestRunFleetScansEveryClusterAndKeepsGoingPastFailures(t *testing.T) {
	broken := fixture(t)
	broken.PrependReactor("list", "configmaps", func(k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, &forbiddenErr{}
	})
	f := RunFleet(context.Background(), []Cluster{
		{Context: "prod", Client: fixture(t)},
		{Context: "staging", Client: fixture(t)},
		{Context: "broken", Client: broken},
		{Context: "nokubeconfig", Err: errors.New("no such context")},
	}, Options{}, 2)
	if len(f.Clusters) != 4 || f.Clusters[0].Result == nil || f.Clusters[1].Result == nil {
		t.Fatalf("clusters %+v", f.Clusters)
	}
	if f.ExitCode() != 2 {
		t.Errorf("exit %d, want 2 (a cluster failed)", f.ExitCode())
	}
	errs := f.Errors()
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "context broken: listing ConfigMaps") || !strings.Contains(errs[1].Error(), "context nokubeconfig: no such context") {
		t.Errorf("errors %v", errs)
	}
	perContext := map[string]int{}
	for _, fd := range f.Findings() {
		perContext[fd.Context]++
		if !strings.HasPrefix(fd.File, fd.Context+"/") {
			t.Errorf("finding file %q lacks its context %q", fd.File, fd.Context)
		}
	}
	if perContext["prod"] == 0 || perContext["prod"] != perContext["staging"] || perContext["broken"] != 0 {
		t.Errorf("findings per context %v", perContext)
	}
	ok := RunFleet(context.Background(), []Cluster{{Context: "a", Client: fixture(t)}, {Context: "b", Client: fixture(t)}}, Options{}, 0)
	if ok.ExitCode() != f.Clusters[0].Result.ExitCode() {
		t.Errorf("exit %d, want the worst of the clusters %d", ok.ExitCode(), f.Clusters[0].Result.ExitCode())
	}
}
