package parity

import (
	"flag"
	"fmt"
	"io"
	"sync/atomic"
	_ "unsafe" // go:linkname, see setKubeProxyBinaryVersion

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	logsapi "k8s.io/component-base/logs/api/v1"
	_ "k8s.io/component-base/logs/json/register" // cmd/kube-proxy/proxy.go registers the json log format
	metricsfeatures "k8s.io/component-base/metrics/features"
	"k8s.io/klog/v2"
	kubeproxyconfig "k8s.io/kubernetes/pkg/proxy/apis/config"
	proxyconfigscheme "k8s.io/kubernetes/pkg/proxy/apis/config/scheme"
	kubeproxyconfigv1alpha1 "k8s.io/kubernetes/pkg/proxy/apis/config/v1alpha1"
	"k8s.io/kubernetes/pkg/proxy/apis/config/validation"
)

// This file reproduces kube-proxy v1.37.2's start-up pipeline
// (k8s.io/kubernetes@v1.37.2/cmd/kube-proxy/app) with the exported packages it
// uses, in the same order:
//
//	NewProxyCommand().RunE
//	  opts.Complete
//	    loadConfigFromFile → loadConfig        (options.go: strict decode, lenient fallback)
//	    platformApplyDefaults                  (server_linux.go)
//	    DefaultMutableFeatureGate.SetFromMap   (options.go)
//	  logsapi.ValidateAndApplyAsField          (server.go; here: logsapi.Validate, see below)
//	  opts.Validate → validation.Validate      (options.go)
//
// Error texts are wrapped exactly like kube-proxy wraps them ("failed complete:",
// "initialize logging:", "failed validate:") so that a failure report can be
// compared with a real kube-proxy log.

// kpClass is kube-proxy's verdict on one config.conf.
type kpClass int

const (
	// kpRefused: kube-proxy exits at start-up (decode, feature gate, logging or validation error).
	kpRefused kpClass = iota
	// kpClean: strict decoding succeeded and nothing failed.
	kpClean
	// kpLenient: kube-proxy starts, but strict decoding failed on unknown fields
	// or duplicate keys (one Info log line; the keys are dropped / last wins).
	kpLenient
)

func (c kpClass) String() string {
	switch c {
	case kpRefused:
		return "REFUSED"
	case kpClean:
		return "CLEAN"
	case kpLenient:
		return "LENIENT"
	}
	return "?"
}

// kpVerdict is the outcome of the reproduced start-up pipeline.
type kpVerdict struct {
	Class kpClass
	// Stage of the fatal error: decode, featuregates, logging, validate.
	Stage string
	// Err is the fatal error as kube-proxy prints it after `"command failed" err=`.
	Err error
	// StrictErr is the strict-decoding error a LENIENT config was logged with.
	StrictErr error
	// Config is the decoded, defaulted internal config (nil when decoding failed).
	Config *kubeproxyconfig.KubeProxyConfiguration
}

func (v kpVerdict) String() string {
	switch v.Class {
	case kpRefused:
		return fmt.Sprintf("REFUSED at %s: %v", v.Stage, v.Err)
	case kpLenient:
		return fmt.Sprintf("LENIENT (starts; Info log \"Using lenient decoding as strict decoding failed\" err=%q)", v.StrictErr.Error())
	}
	return "CLEAN (starts)"
}

// kubeProxyBinaryVersion is what the parity harness pretends to be. Without
// -ldflags the component-base version is v0.0.0-master, which would make
// showHiddenMetricsForVersion validation differ from a real v1.37.2 binary.
const kubeProxyBinaryVersion = "v1.37.2"

//go:linkname componentBaseDynamicGitVersion k8s.io/component-base/version.dynamicGitVersion
var componentBaseDynamicGitVersion atomic.Value

// pristineGates is the process-wide feature gate registry exactly as the
// kube-proxy binary has it before Complete runs (k8s.io/kubernetes/pkg/features
// registers its gates in init; server.go's init adds the metrics and logging
// gates). Every config gets a deep copy, so SetFromMap of one case can never
// leak into the next.
var pristineGates featuregate.MutableVersionedFeatureGate

func init() {
	// server.go init().
	utilruntime.Must(metricsfeatures.AddFeatureGates(utilfeature.DefaultMutableFeatureGate))
	utilruntime.Must(logsapi.AddFeatureGates(utilfeature.DefaultMutableFeatureGate))
	pristineGates = utilfeature.DefaultMutableFeatureGate.DeepCopy()

	// The equivalent of building with
	// -ldflags "-X k8s.io/component-base/version.gitVersion=v1.37.2".
	componentBaseDynamicGitVersion.Store(kubeProxyBinaryVersion)

	// Keep klog (feature-gate warnings, lenient-decoding Info) out of the test output.
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("logtostderr", "false")
	_ = fs.Set("alsologtostderr", "false")
	klog.SetOutput(io.Discard)
}

// useFreshGates installs a fresh copy of the pristine registry as the global
// gate (validation.Validate and logsapi read utilfeature.DefaultFeatureGate).
func useFreshGates() featuregate.MutableVersionedFeatureGate {
	g := pristineGates.DeepCopy()
	utilfeature.DefaultMutableFeatureGate = g
	utilfeature.DefaultFeatureGate = g
	return g
}

// newLenientCodecs is options.go newLenientSchemeAndCodecs.
func newLenientCodecs() (*serializer.CodecFactory, error) {
	lenientScheme := runtime.NewScheme()
	if err := kubeproxyconfig.AddToScheme(lenientScheme); err != nil {
		return nil, fmt.Errorf("failed to add kube-proxy config API to lenient scheme: %w", err)
	}
	if err := kubeproxyconfigv1alpha1.AddToScheme(lenientScheme); err != nil {
		return nil, fmt.Errorf("failed to add kube-proxy config v1alpha1 API to lenient scheme: %w", err)
	}
	lenientCodecs := serializer.NewCodecFactory(lenientScheme, serializer.DisableStrict)
	return &lenientCodecs, nil
}

// loadConfig is options.go loadConfig. It returns the strict-decoding error
// that kube-proxy logs at Info level when it fell back to lenient decoding.
func loadConfig(data []byte) (cfg *kubeproxyconfig.KubeProxyConfiguration, strictErr error, err error) {
	configObj, gvk, err := proxyconfigscheme.Codecs.UniversalDecoder().Decode(data, nil, nil)
	if err != nil {
		if !runtime.IsStrictDecodingError(err) {
			return nil, nil, fmt.Errorf("failed to decode: %w", err)
		}
		lenientCodecs, lenientErr := newLenientCodecs()
		if lenientErr != nil {
			return nil, nil, lenientErr
		}
		configObj, gvk, lenientErr = lenientCodecs.UniversalDecoder().Decode(data, nil, nil)
		if lenientErr != nil {
			return nil, nil, fmt.Errorf("failed lenient decoding: %w", err)
		}
		strictErr = err
	}
	proxyConfig, ok := configObj.(*kubeproxyconfig.KubeProxyConfiguration)
	if !ok {
		return nil, nil, fmt.Errorf("got unexpected config type: %v", gvk)
	}
	return proxyConfig, strictErr, nil
}

// platformApplyDefaults is server_linux.go platformApplyDefaults (minus logging).
func platformApplyDefaults(config *kubeproxyconfig.KubeProxyConfiguration) {
	if config.Mode == "" {
		config.Mode = kubeproxyconfig.ProxyModeIPTables
	}
	if config.Mode == kubeproxyconfig.ProxyModeNFTables && len(config.NodePortAddresses) == 0 {
		config.NodePortAddresses = []string{kubeproxyconfig.NodePortAddressesPrimary}
	}
	if config.DetectLocalMode == "" {
		config.DetectLocalMode = kubeproxyconfig.LocalModeClusterCIDR
	}
}

// runKubeProxy runs the start-up pipeline of `kube-proxy --config=<file>` over
// the file's bytes and stops before the proxier is created (the runtime stage
// needs root, netlink and a cluster).
//
// Steps of Complete that do not apply to a config file are left out:
// copyLogsFromFlags (no logging flags are set), initWatcher (fsnotify on the
// file), processHostnameOverrideFlag (no --hostname-override),
// metricsfeatures.ApplyFeatureGates and the flagz setup (global metrics
// state; they cannot fail).
func runKubeProxy(data []byte) kpVerdict {
	// NewProxyCommand: opts := NewOptions(); RunE → initForOS (no-op on Linux) → Complete.
	cfg, strictErr, err := loadConfig(data)
	if err != nil {
		return kpVerdict{Class: kpRefused, Stage: "decode", Err: fmt.Errorf("failed complete: %w", err)}
	}
	platformApplyDefaults(cfg)

	gates := useFreshGates()
	if err := gates.SetFromMap(cfg.FeatureGates); err != nil {
		return kpVerdict{Class: kpRefused, Stage: "featuregates", Err: fmt.Errorf("failed complete: %w", err), Config: cfg}
	}

	// server.go: logsapi.ValidateAndApplyAsField(&opts.config.Logging,
	// utilfeature.DefaultFeatureGate, field.NewPath("logging")). That is
	// Validate followed by apply; in a fresh process apply can only fail on
	// values Validate already rejects (verbosity > MaxInt32), so Validate
	// alone gives the same verdict without touching the global klog state.
	if errs := logsapi.Validate(&cfg.Logging, utilfeature.DefaultFeatureGate, field.NewPath("logging")); len(errs) > 0 {
		return kpVerdict{Class: kpRefused, Stage: "logging", Err: fmt.Errorf("initialize logging: %w", errs.ToAggregate()), Config: cfg}
	}

	// options.go Validate.
	if errs := validation.Validate(cfg); len(errs) != 0 {
		return kpVerdict{Class: kpRefused, Stage: "validate", Err: fmt.Errorf("failed validate: %w", errs.ToAggregate()), Config: cfg}
	}

	if strictErr != nil {
		return kpVerdict{Class: kpLenient, StrictErr: strictErr, Config: cfg}
	}
	return kpVerdict{Class: kpClean, Config: cfg}
}
