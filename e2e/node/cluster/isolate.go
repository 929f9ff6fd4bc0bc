//go:build linux

package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// Environment of the re-executed child.
const (
	insideEnv  = "NETGUARD_NODE_INSIDE"  // the child's work directory
	cgroupEnv  = "NETGUARD_NODE_CGROUPS" // prefix of the cgroup roots of its nodes
	childGrace = 30 * time.Second
)

// Inside reports whether this process is the child Isolate started, and its
// work directory.
func Inside() (workDir string, ok bool) {
	d := os.Getenv(insideEnv)
	return d, d != ""
}

// InsideCgroupPrefix is the prefix of the cgroup roots the child may create
// (Host.CgroupPrefix), passed down by Isolate.
func InsideCgroupPrefix() string { return os.Getenv(cgroupEnv) }

// Isolate re-executes this binary with args in a new network and mount
// namespace (the child runs the tests on the cluster), waits for it, and then
// puts the machine back as it was (see Host). It returns the child's exit
// code. The work directory dir is created and, unless keep, removed.
func Isolate(dir string, args []string, keep bool, logf func(string, ...any)) (code int, err error) {
	host, err := RecordHost(dir)
	if err != nil {
		return 1, err
	}
	defer func() {
		if cerr := host.Restore(logf); cerr != nil && err == nil {
			err = cerr
		}
		if keep || code != 0 {
			logf("work directory kept: %s", dir)
		} else if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = rerr
		}
	}()
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	cmd := exec.Command(self, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), insideEnv+"="+dir, cgroupEnv+"="+host.CgroupPrefix)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS,
		Setpgid:    true,
	}
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("starting the test in a new network and mount namespace: %w", err)
	}
	host.TrackNamespaces(cmd.Process.Pid)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			logf("got %v: stopping the cluster", s)
			_ = cmd.Process.Signal(syscall.SIGTERM)
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return ee.ExitCode(), nil
			}
			if err != nil {
				return 1, err
			}
			return 0, nil
		}
	}
}

// PrepareInside makes the child's mount namespace private (nothing it
// mounts is seen outside) and bind-mounts a directory of the work directory
// over each path in HostPaths, so the components' fixed paths are scratch
// space that disappears with the namespace.
func PrepareInside(dir string) error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the mount namespace private: %w", err)
	}
	for _, p := range HostPaths {
		src := filepath.Join(dir, "host", sanitize(p))
		if err := os.MkdirAll(src, 0o755); err != nil {
			return err
		}
		if err := syscall.Mount(src, p, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind-mounting %s over %s: %w", src, p, err)
		}
	}
	return nil
}

func sanitize(p string) string {
	b := []byte(p)
	for i, c := range b {
		if c == '/' {
			b[i] = '_'
		}
	}
	return string(b)
}
