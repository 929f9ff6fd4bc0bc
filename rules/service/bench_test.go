package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/service"
)

func benchValidate(b *testing.B, req *rules.Request) {
	c := service.New()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c.Mutate(req)
		c.Validate(req)
	}
}

// BenchmarkValidateTypical judges a CLB Service with ~20 annotations.
func BenchmarkValidateTypical(b *testing.B) {
	benchValidate(b, &rules.Request{Operation: rules.Create, Object: goodCLB(), Cluster: dual, Config: preferDualConfig()})
}

// BenchmarkValidate1MiB judges a Service carrying ~1 MiB of annotations:
// the typical CCM keys, ~4000 foreign annotations, 200 misspelt CCM keys
// and long list values.
func BenchmarkValidate1MiB(b *testing.B) {
	s := goodCLB()
	size := 0
	for i := 0; size < 1<<20-64<<10; i++ {
		k := fmt.Sprintf("example.com/note-%05d", i)
		v := strings.Repeat("v", 240)
		s.Annotations[k] = v
		size += len(k) + len(v)
	}
	for i := 0; i < 200; i++ {
		s.Annotations[fmt.Sprintf("%shealth-check-intervall-%d", lb, i)] = "5"
	}
	var labels []string
	for i := 0; i < 2000; i++ {
		labels = append(labels, fmt.Sprintf("label-%d=value-%d", i, i))
	}
	s.Annotations[lb+"backend-label"] = strings.Join(labels, ",")
	var pp []string
	for i := 0; i < 2000; i++ {
		pp = append(pp, fmt.Sprintf("tcp:%d", 10000+i))
	}
	s.Annotations[lb+"protocol-port"] = strings.Join(pp, ",")
	total := 0
	for k, v := range s.Annotations {
		total += len(k) + len(v)
	}
	b.ReportMetric(float64(total), "annotation-bytes")
	benchValidate(b, &rules.Request{Operation: rules.Create, Object: s, Cluster: dual, Config: preferDualConfig()})
}
