package service_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/service"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// fzExampleServices returns the Services of examples/service as JSON.
func fzExampleServices(t testing.TB) [][]byte {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*"))
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var obj map[string]any
			if sigsyaml.Unmarshal([]byte(doc), &obj) != nil {
				continue
			}
			items := []any{obj}
			if obj["kind"] == "List" {
				items, _ = obj["items"].([]any)
			}
			for _, it := range items {
				if m, _ := it.(map[string]any); m["kind"] == "Service" {
					b, _ := json.Marshal(m)
					out = append(out, b)
				}
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d example Services", len(out))
	}
	return out
}

// FuzzService decodes a Service (and an optional old Service) from fuzzed
// JSON, adds one fuzzed annotation, and calls the checker directly: no
// panic, bounded time, deterministic findings, idempotent mutation that
// never makes an allowed Service denied.
func FuzzService(f *testing.F) {
	for _, b := range fzExampleServices(f) {
		f.Add(b, []byte(nil), lb+"bandwidth", "100", true)
		f.Add(b, b, legacy+"address-type", "intranet", false)
	}
	for _, kv := range [][2]string{
		{lb + "bandwidth", "1e400"}, {lb + "protocol-port", "https:443,http:80,:,x:y:z"}, {lb + "health-check-flag", "on"},
		{lb + "spec", "\x00\xff"}, {lb + "connection-drain-timeout", "99999999999999999999"}, {lb + "", ""},
		{"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-acl-ids", strings.Repeat("acl-1,", 1000)},
	} {
		f.Add([]byte(`{"metadata":{"name":"a","namespace":"b"},"spec":{"type":"LoadBalancer","ports":[{"port":443}]}}`), []byte(nil), kv[0], kv[1], true)
		f.Add([]byte(`{"metadata":{"name":"a","namespace":"b"},"spec":{"type":"LoadBalancer","loadBalancerClass":"alibabacloud.com/nlb","ipFamilyPolicy":"RequireDualStack","ipFamilies":["IPv6","IPv6"]}}`), []byte(`{"spec":{"type":"ClusterIP"}}`), kv[0], kv[1], false)
	}
	f.Fuzz(func(t *testing.T, obj, old []byte, key, value string, dual bool) {
		s := &corev1.Service{}
		if json.Unmarshal(obj, s) != nil {
			return
		}
		if key != "" {
			if s.Annotations == nil {
				s.Annotations = map[string]string{}
			}
			s.Annotations[key] = value
		}
		cfg := rules.DefaultConfig()
		cfg.MutationsOf(service.Component).(*service.Mutations).PreferDualStack = true
		cl := &rules.ClusterContext{KubernetesVersion: "1.33", ServiceCIDRs: []string{"192.168.0.0/16"}}
		if dual {
			cl.ServiceCIDRs = append(cl.ServiceCIDRs, "fd00::/112")
		}
		req := &rules.Request{Operation: rules.Create, Target: rules.Target{Component: service.Component}, Object: s, Cluster: cl, Config: cfg}
		if p := (&corev1.Service{}); len(old) > 0 && json.Unmarshal(old, p) == nil {
			req.Operation, req.OldObject = rules.Update, p
		}
		orig := s.DeepCopy()
		start := time.Now()
		c := service.New()
		m := c.Mutate(req)
		a := c.Validate(req)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("judging took %v", d)
		}
		if !reflect.DeepEqual(s, orig) {
			t.Fatalf("the checker modified the request object")
		}
		if b := c.Validate(req); !reflect.DeepEqual(a, b) {
			t.Fatalf("not deterministic")
		}
		if m.Object == nil {
			return
		}
		r2 := *req
		r2.Object = m.Object
		if again := c.Mutate(&r2); len(again.Changes) > 0 {
			t.Fatalf("mutation not idempotent: %+v after %+v", again.Changes, m.Changes)
		}
		if !rules.HasDeny(a) && rules.HasDeny(c.Validate(&r2)) {
			t.Fatalf("mutation %+v made an allowed Service denied", m.Changes)
		}
	})
}
