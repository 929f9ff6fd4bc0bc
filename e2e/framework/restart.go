package framework

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StopAPIServer stops this control plane's kube-apiserver (SIGTERM, as a
// kubelet or systemd would) and keeps its command line so StartAPIServer can
// bring the same server back: same port, certificates, etcd and users. Only
// a kube-apiserver that is a child of this process and serves
// cp.Config.Host is touched.
func (cp *ControlPlane) StopAPIServer(ctx context.Context) error {
	pid, args, err := cp.apiServerProcess()
	if err != nil {
		return err
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping kube-apiserver (pid %d): %w", pid, err)
	}
	cp.apiArgs = args
	if cp.apiCmd != nil && cp.apiCmd.Process != nil && cp.apiCmd.Process.Pid == pid {
		// Our own restarted process: reap it.
		_ = cp.apiCmd.Wait()
		cp.apiCmd = nil
		return nil
	}
	// envtest's process (it reaps it): wait until the pid is gone.
	for {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// StartAPIServer starts the kube-apiserver stopped by StopAPIServer again
// with the same command line and waits until it answers /readyz.
func (cp *ControlPlane) StartAPIServer(ctx context.Context) error {
	if cp.apiArgs == nil {
		return errors.New("StartAPIServer: the API server was not stopped with StopAPIServer")
	}
	log, err := cp.openLog(cp.APIServerLog)
	if err != nil {
		return err
	}
	cmd := exec.Command(cp.apiArgs[0], cp.apiArgs[1:]...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	cp.apiCmd = cmd
	for {
		res := cp.Client.Discovery().RESTClient().Get().AbsPath("/readyz").Do(ctx)
		if res.Error() == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver did not become ready after the restart: %w%s", ctx.Err(), tail(cp.APIServerLog, 2048))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// stopRestarted stops an API server started by StartAPIServer (from Stop).
func (cp *ControlPlane) stopRestarted() {
	if cp.apiCmd == nil || cp.apiCmd.Process == nil {
		return
	}
	_ = cp.apiCmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cp.apiCmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cp.apiCmd.Process.Kill()
		<-done
	}
	cp.apiCmd = nil
}

// apiServerProcess finds the kube-apiserver child of this process that
// listens on cp.Config.Host's port, by /proc.
func (cp *ControlPlane) apiServerProcess() (int, []string, error) {
	u, err := url.Parse(cp.Config.Host)
	if err != nil {
		return 0, nil, err
	}
	port := u.Port()
	me := os.Getpid()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil, fmt.Errorf("finding kube-apiserver needs /proc: %w", err)
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(bytes.TrimRight(raw, "\x00")), "\x00")
		if len(args) == 0 || filepath.Base(args[0]) != "kube-apiserver" || parentPID(pid) != me {
			continue
		}
		for _, a := range args {
			if a == "--secure-port="+port {
				return pid, args, nil
			}
		}
	}
	return 0, nil, fmt.Errorf("no kube-apiserver child of pid %d serves port %s", me, port)
}

func parentPID(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	// pid (comm) state ppid ...; comm may contain spaces: cut after ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return -1
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}
