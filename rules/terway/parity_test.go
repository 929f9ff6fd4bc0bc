package terway

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/netguard/netguard/rules"
	"github.com/netguard/netguard/rules/rulestest"
	sigsjson "sigs.k8s.io/json"
)

// terwayConfig mirrors the field types of Terway's types/daemon/config.go
// Config (HEAD 89aadf8b), so that the decoder Terway uses can be run on the
// same documents netguard judges.
type terwayConfig struct {
	Version                     string                     `json:"version"`
	AccessID                    string                     `json:"access_key"`
	AccessSecret                string                     `json:"access_secret"`
	RegionID                    string                     `json:"region_id"`
	CredentialPath              string                     `json:"credential_path"`
	ServiceCIDR                 string                     `json:"service_cidr"`
	VSwitches                   map[string][]string        `json:"vswitches"`
	ENITags                     map[string]string          `json:"eni_tags"`
	MaxPoolSize                 int                        `json:"max_pool_size"`
	MinPoolSize                 int                        `json:"min_pool_size"`
	IPWarmUpSize                *int                       `json:"ip_warm_up_size"`
	IdleIPReclaimAfter          *string                    `json:"idle_ip_reclaim_after,omitempty"`
	IdleIPReclaimBatchSize      int                        `json:"idle_ip_reclaim_batch_size,omitempty"`
	IdleIPReclaimInterval       *string                    `json:"idle_ip_reclaim_interval,omitempty"`
	IdleIPReclaimJitterFactor   *string                    `json:"idle_ip_reclaim_jitter_factor,omitempty"`
	MinENI                      int                        `json:"min_eni"`
	MaxENI                      int                        `json:"max_eni"`
	Prefix                      string                     `json:"prefix"`
	SecurityGroup               string                     `json:"security_group"`
	SecurityGroups              []string                   `json:"security_groups"`
	EniCapRatio                 float64                    `json:"eni_cap_ratio"`
	EniCapShift                 int                        `json:"eni_cap_shift"`
	VSwitchSelectionPolicy      string                     `json:"vswitch_selection_policy"`
	EniSelectionPolicy          string                     `json:"eni_selection_policy"`
	IPStack                     string                     `json:"ip_stack"`
	EnableENITrunking           bool                       `json:"enable_eni_trunking"`
	EnableERDMA                 bool                       `json:"enable_erdma"`
	CustomStatefulWorkloadKinds []string                   `json:"custom_stateful_workload_kinds"`
	IPAMType                    string                     `json:"ipam_type"`
	BackoffOverride             map[string]extendedBackoff `json:"backoff_override,omitempty"`
	ExtraRoutes                 []struct {
		Dst string `json:"dst"`
	} `json:"extra_routes,omitempty"`
	DisableDevicePlugin bool              `json:"disable_device_plugin"`
	ENITagFilter        map[string]string `json:"eni_tag_filter"`
	ENITagBlockList     []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"eni_tag_block_list,omitempty"`
	KubeClientQPS     float32        `json:"kube_client_qps"`
	KubeClientBurst   int            `json:"kube_client_burst"`
	ResourceGroupID   string         `json:"resource_group_id"`
	RateLimit         map[string]int `json:"rate_limit"`
	EnablePatchPodIPs *bool          `json:"enable_patch_pod_ips,omitempty"`
	IPPoolSyncPeriod  string         `json:"ip_pool_sync_period"`
	EnableIPPrefix    bool           `json:"enable_ip_prefix,omitempty"`
	IPv4PrefixCount   int            `json:"ipv4_prefix_count,omitempty"`
	IPv6PrefixCount   int            `json:"ipv6_prefix_count,omitempty"`
}

// extendedBackoff mirrors pkg/backoff ExtendedBackoff (untagged fields,
// embedded wait.Backoff).
type extendedBackoff struct {
	InitialDelay time.Duration
	waitBackoff
}

type waitBackoff struct {
	Duration time.Duration
	Factor   float64
	Jitter   float64
	Steps    int
	Cap      time.Duration
}

// sampleValues are JSON values of every shape, good and bad for some field.
var sampleValues = []string{
	`"5"`, `5`, `5.0`, `-1`, `1e3`, `99999999999999999999`, `3.5e38`, `1e39`, `true`, `"true"`, `null`,
	`[]`, `["a"]`, `[1]`, `[null]`, `{}`, `{"a": "b"}`, `{"a": 1}`, `{"a": ["vsw-x"]}`, `{"a": "vsw-x"}`,
	`{"eni_create": {"Duration": 1000, "Factor": 1.5, "Steps": 3}}`, `{"eni_create": {"Steps": 2.5}}`,
	`{"eni_create": {"Duration": "1s"}}`, `{"eni_create": []}`, `[{"dst": "10.0.0.0/8"}]`, `[{"dst": 1}]`,
	`[{"key": "a", "value": "b"}]`, `[{"key": 1}]`, `"0.1"`,
}

// TestTypeParityWithTerwayDecoder proves that TW005 fires exactly when
// Terway's decoder (sigs.k8s.io/json, case-sensitive) refuses eni_conf.
func TestTypeParityWithTerwayDecoder(t *testing.T) {
	n := 0
	for _, key := range eniConfCandidates {
		for _, val := range sampleValues {
			conf := fmt.Sprintf(`{"version": "1", %q: %s}`, key, val)
			var cfg terwayConfig
			decodeErr := sigsjson.UnmarshalCaseSensitivePreserveInts([]byte(conf), &cfg)
			fs := New().Validate(&rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleBase}, Object: eni(conf)})
			fired := hasRule(fs, "TW005")
			if fired != (decodeErr != nil) {
				t.Errorf("%s: terway decode error %v, TW005 fired %v: %s", conf, decodeErr, fired, rulestest.Describe(fs))
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("corpus too small: %d", n)
	}
}

// TestUnknownKeyParity proves that TW006/TW007/TW008 cover exactly the keys
// Terway's decoder drops (strict decoding reports them as unknown).
func TestUnknownKeyParity(t *testing.T) {
	keys := append([]string{"Max_Pool_Size", "max_pool_sise", "vswitch", "hot_plug", "in_cluster_loadbalance", "eniip_virtual_type", "IP_STACK", "flux"}, eniConfCandidates...)
	for _, k := range keys {
		conf := fmt.Sprintf(`{%q: null}`, k)
		var cfg terwayConfig
		strict, err := sigsjson.UnmarshalStrict([]byte(conf), &cfg, sigsjson.DisallowUnknownFields)
		if err != nil {
			t.Fatal(err)
		}
		fs := New().Validate(&rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleBase}, Object: eni(conf)})
		fired := hasRule(fs, "TW006") || hasRule(fs, "TW007") || hasRule(fs, "TW008")
		if fired != (len(strict) > 0) {
			t.Errorf("%s: strict errors %v, unknown-key finding %v: %s", conf, strict, fired, rulestest.Describe(fs))
		}
	}
}

// TestServiceCIDRParity compares TW026 with Terway's own reading:
// strings.Split + net.ParseCIDR without trimming.
func TestServiceCIDRParity(t *testing.T) {
	for _, v := range []string{
		"172.21.0.0/20", "172.16.0/16", " 10.0.0.0/16", "10.0.0.0/16 ", "192.168.0.0/16,fd00::/112",
		"192.168.0.0/16, fd00::/112", "10.0.0.1/16", "10.0.0.0/33", "fd00::/129", "10.0.0.0", "10.0.0.0/16,",
		"", ",", "10.0.0.0/16,,fd00::/112", "010.0.0.0/16", "::ffff:10.0.0.0/104",
	} {
		dropped := false
		for _, e := range strings.Split(v, ",") {
			if _, _, err := net.ParseCIDR(e); err != nil && e != "" {
				dropped = true
			}
		}
		fs := New().Validate(&rules.Request{Operation: rules.Create, Target: rules.Target{Component: Component, Role: RoleBase}, Object: eni(fmt.Sprintf(`{"service_cidr": %q}`, v))})
		if hasRule(fs, "TW026") != dropped {
			t.Errorf("service_cidr %q: terway drops an entry: %v; TW026: %s", v, dropped, rulestest.Describe(fs))
		}
	}
}
