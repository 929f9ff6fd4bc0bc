package service

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestClassifyKey(t *testing.T) {
	const n, l = NewPrefix + lbInfix, LegacyPrefix + lbInfix
	for _, tc := range []struct {
		key  string
		kind keyClassKind
		want string
	}{
		{n + "address-type", keyKnown, ""},
		{l + "address-type", keyKnown, ""},
		{n + "type", keyKnown, ""},
		{l + "type", keyLegacyOnly, n + "type"},
		{"service.beta.kubernetes.io/backend-type", keyKnown, ""},
		{"service.beta.kubernetes.io/Backend-Type", keyCaseVar, "service.beta.kubernetes.io/backend-type"},
		{n + "adress-type", keyUnknown, n + "address-type"},
		{l + "healthcheck-flag", keyUnknown, l + "health-check-flag"},
		{n + "totally-made-up-thing", keyUnknown, ""},
		{"service.beta.kubernetes.io/alicloud-force-override-listeners", keyNoInfix, n + "force-override-listeners"},
		{"service.beta.kubernetes.io/alibaba-cloud-address-type", keyNoInfix, n + "address-type"},
		{"service.beta.kubernetes.io/Alibaba-Cloud-LoadBalancer-Address-Type", keyCaseVar, n + "address-type"},
		{n + "address-type ", keyCaseVar, n + "address-type"},
		{"service.beta.kubernetes.io/alibabacloud-loadbalancer-scheduler", keyBadPrefix, n + "scheduler"},
		{"service.kubernetes.io/alibaba-cloud-loadbalancer-scheduler", keyBadPrefix, n + "scheduler"},
		{"service.beta.kubernetes.io/aws-load-balancer-type", keyForeign, ""},
		{"example.com/alibaba", keyForeign, ""},
		{"", keyForeign, ""},
	} {
		got := classifyKey(tc.key)
		if got.kind != tc.kind || got.want != tc.want {
			t.Errorf("classifyKey(%q) = %+v, want kind %d want %q", tc.key, got, tc.kind, tc.want)
		}
	}
}

func TestSuggestSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"adress-type":            "address-type",
		"health_check_flag":      "health-check-flag",
		"HealthCheckInterval":    "health-check-interval",
		"protocol-ports":         "protocol-port",
		"zonemaps":               "zone-maps",
		"xyz":                    "",
		strings.Repeat("a", 200): "",
	} {
		if got := suggestSuffix(in); got != want {
			t.Errorf("suggestSuffix(%q) = %q, want %q", in, got, want)
		}
	}
	if editDistance("kitten", "sitting") != 3 {
		t.Error("editDistance")
	}
}

func TestPerPortList(t *testing.T) {
	ports := []corev1.ServicePort{{Port: 80}, {Port: 443}}
	second := func(p []string) string { return p[1] }
	bad := func(e string, p []string) string {
		if len(p) < 2 {
			return "bad " + e
		}
		return ""
	}
	// The malformed entry after every port's match is never reached by the CCM.
	errs, un := perPortList("http:80,https:443,junk", ports, second, bad)
	if len(errs) != 0 || len(un) != 0 {
		t.Errorf("unreached junk: errs=%v unmatched=%v", errs, un)
	}
	// A malformed entry before a port's match is reached.
	errs, _ = perPortList("http:80,junk,https:443", ports, second, bad)
	if len(errs) != 1 || errs[0] != "bad junk" {
		t.Errorf("reached junk: %v", errs)
	}
	// Entries for ports the Service does not expose.
	_, un = perPortList("https:8443,http:80", ports, second, bad)
	if len(un) != 1 || un[0] != "https:8443" {
		t.Errorf("unmatched: %v", un)
	}
}

func TestBadPortRange(t *testing.T) {
	for in, ok := range map[string]bool{"1000-2000": true, "1-65535": true, "2000-1000": false, "0-10": false, "a-b": false, "100": false, "1-65536": false} {
		if got := badPortRange(in) == ""; got != ok {
			t.Errorf("badPortRange(%q) ok=%v, want %v", in, got, ok)
		}
	}
}

func TestKeyTableCoversCCMSuffixes(t *testing.T) {
	// Every value table refers to known suffixes only.
	for _, m := range []map[string]bool{keysOf(intKeys), keysOf(enumKeys), keysOf(onFlags)} {
		for k := range m {
			if _, ok := lbKeys[k]; !ok {
				t.Errorf("value table names unknown suffix %q", k)
			}
		}
	}
	for _, s := range nlbHealthCheckKeys {
		if !lbKeys[s].nlb {
			t.Errorf("%s is not read by the NLB controller", s)
		}
	}
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
