package framework

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/netguard/netguard/rules"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// DefaultAuditPolicy records every write to ConfigMaps in the namespaces
// netguard's default targets live in (the registered components' defaults:
// kube-system, kube-flannel) and to Services at RequestResponse level, so the
// log shows who changed what, the object as stored, and netguard's audit
// annotations (which the API server adds to the event of every request a
// webhook judged). Everything else is not logged.
var DefaultAuditPolicy = auditPolicy(rules.DefaultConfig())

// auditPolicy is DefaultAuditPolicy for the ConfigMap namespaces cfg targets.
func auditPolicy(cfg *rules.Config) string {
	ns, _ := cfg.TargetNamespaces("ConfigMap")
	return `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: RequestResponse
  namespaces: ` + celList(ns) + `
  verbs: ["create", "update", "patch", "delete"]
  resources:
  - group: ""
    resources: ["configmaps"]
- level: RequestResponse
  verbs: ["create", "update", "patch", "delete"]
  resources:
  - group: ""
    resources: ["services"]
- level: None
`
}

// ControlPlaneOptions configure StartControlPlane.
type ControlPlaneOptions struct {
	// AssetsDir holds kube-apiserver, etcd and kubectl (see FindAssets).
	AssetsDir string
	// Dir receives the audit policy and log, the kubeconfig, the
	// components' logs and kubectl's HOME. Required.
	Dir string
	// AuditPolicy is the audit policy YAML (default DefaultAuditPolicy).
	AuditPolicy string
	// APIServerFlags are extra kube-apiserver flags (name without dashes).
	APIServerFlags map[string][]string
	// StartTimeout bounds the start of each component (default 90s; the
	// machines this runs on are small and often busy).
	StartTimeout time.Duration
	// UserName and UserGroups are the identity of the kubeconfig written for
	// kubectl (default "netguard-e2e-operator" in system:masters): the "who"
	// of the audit log.
	UserName   string
	UserGroups []string
}

// ControlPlane is a running etcd + kube-apiserver.
type ControlPlane struct {
	Env *envtest.Environment
	// Config is the envtest admin's client configuration.
	Config *rest.Config
	Client kubernetes.Interface

	Dir            string
	AuditLogPath   string
	KubeconfigPath string // the operator user's kubeconfig (UserName)
	KubectlPath    string
	UserName       string
	// APIServerLog and EtcdLog are the components' stdout+stderr.
	APIServerLog, EtcdLog string

	logs []*os.File
	// apiArgs and apiCmd: the command line of a kube-apiserver stopped by
	// StopAPIServer and the process StartAPIServer started (restart.go).
	apiArgs []string
	apiCmd  *exec.Cmd
}

// StartControlPlane starts etcd and kube-apiserver from opts.AssetsDir with
// the audit policy, and writes a kubeconfig for the operator user.
func StartControlPlane(opts ControlPlaneOptions) (_ *ControlPlane, err error) {
	if opts.Dir == "" {
		return nil, errors.New("ControlPlaneOptions.Dir is required")
	}
	if opts.AssetsDir == "" {
		return nil, errors.New("ControlPlaneOptions.AssetsDir is required")
	}
	if opts.AuditPolicy == "" {
		opts.AuditPolicy = DefaultAuditPolicy
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 90 * time.Second
	}
	if opts.UserName == "" {
		opts.UserName = "netguard-e2e-operator"
	}
	if opts.UserGroups == nil {
		opts.UserGroups = []string{"system:masters"}
	}
	cp := &ControlPlane{
		Dir:            opts.Dir,
		AuditLogPath:   filepath.Join(opts.Dir, "audit.log"),
		KubeconfigPath: filepath.Join(opts.Dir, "kubeconfig"),
		KubectlPath:    filepath.Join(opts.AssetsDir, "kubectl"),
		UserName:       opts.UserName,
		APIServerLog:   filepath.Join(opts.Dir, "kube-apiserver.log"),
		EtcdLog:        filepath.Join(opts.Dir, "etcd.log"),
	}
	defer func() {
		if err != nil {
			_ = cp.Stop()
		}
	}()
	policy := filepath.Join(opts.Dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(opts.AuditPolicy), 0o600); err != nil {
		return nil, err
	}
	apiLog, err := cp.openLog(cp.APIServerLog)
	if err != nil {
		return nil, err
	}
	etcdLog, err := cp.openLog(cp.EtcdLog)
	if err != nil {
		return nil, err
	}

	env := &envtest.Environment{
		BinaryAssetsDirectory:    opts.AssetsDir,
		ControlPlaneStartTimeout: opts.StartTimeout,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	// Explicit paths: envtest would otherwise prefer $KUBEBUILDER_ASSETS
	// over BinaryAssetsDirectory.
	api := env.ControlPlane.GetAPIServer()
	api.Path = filepath.Join(opts.AssetsDir, "kube-apiserver")
	api.Out, api.Err = apiLog, apiLog
	env.ControlPlane.Etcd = &envtest.Etcd{Path: filepath.Join(opts.AssetsDir, "etcd"), Out: etcdLog, Err: etcdLog}
	env.ControlPlane.KubectlPath = cp.KubectlPath

	args := api.Configure()
	args.Set("audit-policy-file", policy)
	args.Set("audit-log-path", cp.AuditLogPath)
	args.Set("audit-log-format", "json")
	// blocking: the event is written before the response is sent, so a
	// test can read it right after kubectl returns.
	args.Set("audit-log-mode", "blocking")
	for k, v := range opts.APIServerFlags {
		args.Set(k, v...)
	}

	cp.Env = env
	if cp.Config, err = env.Start(); err != nil {
		return nil, fmt.Errorf("starting etcd + kube-apiserver from %s: %w%s", opts.AssetsDir, err, tail(cp.APIServerLog, 2048))
	}
	// netguard's warnings are asserted through kubectl; client-go would
	// only log them.
	cp.Config.WarningHandler = rest.NoWarnings{}
	if cp.Client, err = kubernetes.NewForConfig(cp.Config); err != nil {
		return nil, err
	}
	user, err := env.AddUser(envtest.User{Name: opts.UserName, Groups: opts.UserGroups}, nil)
	if err != nil {
		return nil, fmt.Errorf("provisioning user %s: %w", opts.UserName, err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cp.KubeconfigPath, kc, 0o600); err != nil {
		return nil, err
	}
	for _, d := range []string{"home", "tmp"} {
		if err := os.MkdirAll(filepath.Join(opts.Dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	return cp, nil
}

func (cp *ControlPlane) openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cp.logs = append(cp.logs, f)
	return f, nil
}

// Stop stops kube-apiserver and etcd.
func (cp *ControlPlane) Stop() error {
	var err error
	cp.stopRestarted()
	if cp.Env != nil {
		err = cp.Env.Stop()
		cp.Env = nil
	}
	for _, f := range cp.logs {
		_ = f.Close()
	}
	cp.logs = nil
	return err
}

// AddUser provisions another user (client certificate), writes its
// kubeconfig into Dir and returns the kubeconfig's path and a client
// configuration for it.
func (cp *ControlPlane) AddUser(name string, groups ...string) (string, *rest.Config, error) {
	user, err := cp.Env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return "", nil, err
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return "", nil, err
	}
	p := filepath.Join(cp.Dir, "kubeconfig-"+sanitizeFileName(name))
	return p, user.Config(), os.WriteFile(p, kc, 0o600)
}

// KubectlResult is the outcome of a kubectl run.
type KubectlResult struct {
	Args           []string
	Stdout, Stderr string
	ExitCode       int
	// Err is set when kubectl could not run or exited non-zero.
	Err error
}

func (r KubectlResult) String() string {
	return fmt.Sprintf("kubectl %s: exit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Stdout, r.Stderr)
}

// KubectlCmd returns a kubectl command for the operator user in a hermetic
// environment: KUBECONFIG set, HOME and TMPDIR under Dir, and none of
// the caller's KUBECONFIG, KUBE_EDITOR or EDITOR. Add to cmd.Env as needed
// (later entries win).
func (cp *ControlPlane) KubectlCmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, cp.KubectlPath, args...)
	cmd.Env = append(hermeticEnv(os.Environ()),
		"KUBECONFIG="+cp.KubeconfigPath,
		"HOME="+filepath.Join(cp.Dir, "home"),
		// kubectl edit keeps its buffers (and the copy of a rejected
		// edit) in TMPDIR: keep them in the work directory.
		"TMPDIR="+filepath.Join(cp.Dir, "tmp"),
		"KUBECTL_INTERACTIVE_DELETE=false",
	)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Kubectl runs kubectl (see KubectlCmd) with stdin (may be empty) and extra
// environment entries.
func (cp *ControlPlane) Kubectl(ctx context.Context, stdin string, env []string, args ...string) KubectlResult {
	cmd := cp.KubectlCmd(ctx, args...)
	cmd.Env = append(cmd.Env, env...)
	return runCmd(cmd, stdin, args)
}

func runCmd(cmd *exec.Cmd, stdin string, args []string) KubectlResult {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	r := KubectlResult{Args: args, Stdout: out.String(), Stderr: errb.String(), Err: err}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.ExitCode = ee.ExitCode()
	case err != nil:
		r.ExitCode = -1
	}
	return r
}

func hermeticEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KUBECONFIG", "KUBE_EDITOR", "EDITOR", "HOME", "TMPDIR", "KUBECTL_EXTERNAL_DIFF":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func sanitizeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ':' || r == ' ' || r == '\\' {
			return '_'
		}
		return r
	}, s)
}

// tail returns the last n bytes of a file, prefixed for an error message
// (empty if unreadable).
func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return ""
	}
	off := max(fi.Size()-n, 0)
	b, _ := io.ReadAll(io.NewSectionReader(f, off, fi.Size()-off))
	return fmt.Sprintf("\n--- last %d bytes of %s:\n%s", len(b), path, b)
}
