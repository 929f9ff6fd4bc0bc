package terway

import (
	"fmt"
	"strings"
	"testing"

	"github.com/netguard/netguard/rules"
)

func benchRequest() *rules.Request {
	return &rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleBase}, Object: eni(goodENIConf), Cluster: &rules.ClusterContext{}}
}

func BenchmarkValidateTypical(b *testing.B) {
	req := benchRequest()
	req.Object = parseCM(b, validExamples["ACK centralized IPAM, dual stack, trunking, datapathv2"])
	c := New()
	b.ReportAllocs()
	for b.Loop() {
		c.Validate(req)
	}
}

// BenchmarkValidate1MiB judges a ~1 MiB eni_conf: a valid config with a
// very large vswitches map and eni_tags.
func BenchmarkValidate1MiB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"version": "1", "max_pool_size": 5, "service_cidr": "192.168.0.0/16", "security_group": "sg-bp1abcdefghijklmnopq", "vswitches": {`)
	for i := 0; sb.Len() < 700<<10; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "\n  \"cn-%s-%c\": [\"vsw-bp1%020d\", \"vsw-bp2%020d\"]", letters(i/26), 'a'+i%26, i, i)
	}
	sb.WriteString("}, \"eni_tags\": {")
	for i := 0; sb.Len() < 1<<20; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "\n  \"team-%06d\": \"networking-%06d\"", i, i)
	}
	sb.WriteString("}}")
	req := benchRequest()
	req.Object = eni(sb.String())
	c := New()
	fs := c.Validate(req)
	if rules.HasDeny(fs) || len(fs) > 50 {
		b.Fatalf("1 MiB doc should be valid: %d findings, first %v", len(fs), fs[0])
	}
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		c.Validate(req)
	}
}

// letters renders n in base 26 with the letters a-z (a region-like word).
func letters(n int) string {
	b := []byte{'r'}
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}
