package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/netguard/netguard/bench/loadgen"
	"github.com/netguard/netguard/e2e/framework"
)

// server is a webhook server process started for the benchmark.
type server struct {
	name   string
	cmd    *exec.Cmd
	done   chan struct{}
	target loadgen.Target
	log    string
}

// startServer runs `BIN serve --host 127.0.0.1 ... extra` with fresh
// certificates in dir and waits for /readyz and a TLS handshake.
func startServer(ctx context.Context, name, bin, dir string, extra ...string) (*server, error) {
	certs, err := framework.GenerateCerts(24*time.Hour, "127.0.0.1", "localhost")
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(dir, name+"-certs")
	if err := certs.WriteTo(certDir); err != nil {
		return nil, err
	}
	ports, err := framework.FreePorts(2)
	if err != nil {
		return nil, err
	}
	health := "127.0.0.1:" + strconv.Itoa(ports[1])
	args := append([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(ports[0]), "--cert-dir", certDir,
		"--health-probe-bind-address", health, "--metrics-bind-address", "0"}, extra...)
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{name: name, cmd: cmd, done: make(chan struct{}), log: logPath,
		target: loadgen.Target{URL: "https://127.0.0.1:" + strconv.Itoa(ports[0]), CA: certs.CACert, PID: cmd.Process.Pid}}
	go func() { _ = cmd.Wait(); logf.Close(); close(s.done) }()
	if err := s.waitReady(ctx, health, 60*time.Second); err != nil {
		s.stop()
		b, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%s %v: %w\n%s", bin, args, err, b)
	}
	return s, nil
}

func (s *server) waitReady(ctx context.Context, health string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.target.CA)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.done:
			return errors.New("exited before it was ready")
		case <-ctx.Done():
			return errors.New("not ready in time")
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := hc.Get("http://" + health + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			continue
		}
		c, err := tls.Dial("tcp", s.target.URL[len("https://"):], &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			continue
		}
		c.Close()
		return nil
	}
}

func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}
