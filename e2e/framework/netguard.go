package framework

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// BuildNetguard builds ./cmd/netguard of the repository at root into out
// with the go command on PATH (or $GO).
func BuildNetguard(ctx context.Context, root, out string) error {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, "./cmd/netguard")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/netguard: %w\n%s", err, b)
	}
	return nil
}

// NetguardOptions configure StartNetguard.
type NetguardOptions struct {
	// Binary is the netguard executable (see BuildNetguard).
	Binary string
	// Dir receives the certificates (Dir/certs) and the log. Required.
	Dir string
	// ConfigFile is passed as --config (optional).
	ConfigFile string
	// Kubeconfig, when set, makes netguard read its cluster context from the
	// API server (--kubeconfig); otherwise it runs with --offline.
	Kubeconfig string
	// SecureMetrics keeps netguard's default HTTPS metrics behind the API
	// server's TokenReview/SubjectAccessReview (needs Kubeconfig); false
	// passes --metrics-secure=false so tests scrape plain HTTP.
	SecureMetrics bool
	// ExtraArgs are appended to the command line.
	ExtraArgs []string
	// Certs is the key pair to serve (default: freshly generated for
	// 127.0.0.1 and localhost, valid 24h).
	Certs *Certs
	// ReadyTimeout bounds the wait for /readyz (default 60s).
	ReadyTimeout time.Duration
}

// Netguard is a running `netguard serve` process.
type Netguard struct {
	// URL is the webhook server's base URL (https://127.0.0.1:PORT).
	URL                   string
	Port                  int
	Certs                 *Certs
	CertDir               string
	LogPath               string
	Args                  []string
	HealthURL, MetricsURL string

	cmd  *exec.Cmd
	done chan struct{}
	err  error // exit status, valid after done is closed
	log  *os.File
}

// StartNetguard starts `netguard serve` on free loopback ports and waits
// until /readyz answers 200.
func StartNetguard(ctx context.Context, opts NetguardOptions) (_ *Netguard, err error) {
	if opts.Dir == "" || opts.Binary == "" {
		return nil, errors.New("NetguardOptions.Dir and Binary are required")
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 60 * time.Second
	}
	if opts.Certs == nil {
		if opts.Certs, err = GenerateCerts(24*time.Hour, "127.0.0.1", "localhost"); err != nil {
			return nil, err
		}
	}
	n := &Netguard{Certs: opts.Certs, CertDir: filepath.Join(opts.Dir, "certs"), LogPath: filepath.Join(opts.Dir, "netguard.log")}
	if err := opts.Certs.WriteTo(n.CertDir); err != nil {
		return nil, err
	}
	ports, err := FreePorts(3)
	if err != nil {
		return nil, err
	}
	n.Port = ports[0]
	n.URL = "https://127.0.0.1:" + strconv.Itoa(ports[0])
	health := "127.0.0.1:" + strconv.Itoa(ports[1])
	metrics := "127.0.0.1:" + strconv.Itoa(ports[2])
	n.HealthURL, n.MetricsURL = "http://"+health, "http://"+metrics
	if opts.SecureMetrics {
		n.MetricsURL = "https://" + metrics
	}

	n.Args = []string{"serve",
		"--host", "127.0.0.1",
		"--cert-dir", n.CertDir,
		"--port", strconv.Itoa(n.Port),
		"--health-probe-bind-address", health,
		"--metrics-bind-address", metrics,
	}
	if opts.ConfigFile != "" {
		n.Args = append(n.Args, "--config", opts.ConfigFile)
	}
	if opts.Kubeconfig != "" {
		n.Args = append(n.Args, "--kubeconfig", opts.Kubeconfig)
	} else {
		n.Args = append(n.Args, "--offline")
	}
	if !opts.SecureMetrics {
		n.Args = append(n.Args, "--metrics-secure=false")
	}
	n.Args = append(n.Args, opts.ExtraArgs...)

	if n.log, err = os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, err
	}
	n.cmd = exec.Command(opts.Binary, n.Args...)
	n.cmd.Stdout, n.cmd.Stderr = n.log, n.log
	n.cmd.Env = hermeticEnv(os.Environ())
	if err := n.cmd.Start(); err != nil {
		n.log.Close()
		return nil, err
	}
	n.done = make(chan struct{})
	go func() {
		n.err = n.cmd.Wait()
		close(n.done)
	}()
	if err := n.waitReady(ctx, opts.ReadyTimeout); err != nil {
		_ = n.Stop()
		return nil, fmt.Errorf("netguard %v: %w%s", n.Args, err, tail(n.LogPath, 4096))
	}
	return n, nil
}

// waitReady polls /readyz and, once it is 200, checks that the webhook port
// completes a TLS handshake with the generated CA.
func (n *Netguard) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second}
	var last string
	for {
		select {
		case <-n.done:
			return fmt.Errorf("exited before it was ready: %v", n.err)
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s (last: %s)", timeout, last)
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := hc.Get(n.HealthURL + "/readyz")
		if err != nil {
			last = err.Error()
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			last = "readyz " + resp.Status
			continue
		}
		if err := n.Handshake(); err != nil {
			last = err.Error()
			continue
		}
		return nil
	}
}

// Handshake dials the webhook port and verifies its certificate against the
// CA, as the API server will.
func (n *Netguard) Handshake() error {
	pool, err := certPool(n.Certs.CACert)
	if err != nil {
		return err
	}
	d := &net.Dialer{Timeout: 2 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(n.Port)), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
	if err != nil {
		return err
	}
	return c.Close()
}

// Running reports whether the process has not exited.
func (n *Netguard) Running() bool {
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM (graceful shutdown), waits up to 15s, then kills.
func (n *Netguard) Stop() error {
	if n.cmd == nil || n.cmd.Process == nil {
		return nil
	}
	defer n.log.Close()
	if !n.Running() {
		return nil
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(15 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
		return errors.New("netguard did not stop within 15s of SIGTERM; killed")
	}
	var ee *exec.ExitError
	if n.err != nil && !errors.As(n.err, &ee) {
		return n.err
	}
	return nil
}

// Log returns the process's output so far.
func (n *Netguard) Log() string {
	b, _ := os.ReadFile(n.LogPath)
	return string(b)
}

// FreePorts returns n distinct free TCP ports on 127.0.0.1 (held open until
// all are chosen so they differ).
func FreePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
