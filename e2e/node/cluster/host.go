//go:build linux

package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// HostPaths are the fixed paths the components write to whatever their
// flags say (kubelet: /var/log/containers, /var/lib/kubelet; containerd
// 1.6: /run/containerd for its shims' sockets, /var/run/netns for pod
// network namespaces; libcni: /var/lib/cni). Inside the child's private
// mount namespace each is a bind mount of the work directory.
var HostPaths = []string{
	"/var/lib/kubelet", "/var/log/pods", "/var/log/containers", "/var/lib/cni",
	"/run/containerd", "/run/netns",
}

// GlobalSysctls are the kernel settings the kubelet changes that are not
// per network namespace (shared/reference/real-node.md); net.* ones live in
// the test's namespaces and vanish with them.
var GlobalSysctls = []string{
	"vm.overcommit_memory", "vm.panic_on_oom", "kernel.panic", "kernel.panic_on_oops",
	"kernel.keys.root_maxkeys", "kernel.keys.root_maxbytes",
}

// CgroupBase is where the cgroup hierarchies are mounted.
const CgroupBase = "/sys/fs/cgroup"

// Host is the machine's state before the test, and how to put it back.
type Host struct {
	// CgroupPrefix names the kubelets' cgroup roots (one per node:
	// PREFIX-a, PREFIX-b) in every hierarchy; nothing else is created there.
	CgroupPrefix string
	sysctls      map[string]string
	createdDirs  []string // created for HostPaths, deepest first
	mntNS, netNS string   // the child's namespaces
}

// RecordHost notes the global sysctls and creates the mount points of
// HostPaths that are missing (remembering which).
func RecordHost(dir string) (*Host, error) {
	h := &Host{CgroupPrefix: fmt.Sprintf("netguard-node-%d", os.Getpid()), sysctls: map[string]string{}}
	for _, k := range GlobalSysctls {
		v, err := os.ReadFile(sysctlPath(k))
		if err != nil {
			return nil, fmt.Errorf("reading sysctl %s: %w", k, err)
		}
		h.sysctls[k] = strings.TrimSpace(string(v))
	}
	for _, p := range HostPaths {
		created, err := mkdirRecording(p)
		h.createdDirs = append(created, h.createdDirs...)
		if err != nil {
			return h, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return h, err
	}
	return h, nil
}

// mkdirRecording creates p and its missing parents, returning the created
// directories deepest first.
func mkdirRecording(p string) ([]string, error) {
	var missing []string
	for d := p; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
	}
	return missing, os.MkdirAll(p, 0o755)
}

func sysctlPath(k string) string {
	return filepath.Join("/proc/sys", strings.ReplaceAll(k, ".", "/"))
}

// TrackNamespaces remembers the child's mount and network namespaces: every
// process in them was started by the test.
func (h *Host) TrackNamespaces(pid int) {
	h.mntNS, _ = os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", pid))
	h.netNS, _ = os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
}

// Restore kills every process the test started that is still alive (by PID:
// those in the child's namespaces and in the test's cgroups), removes the
// test's cgroups and the mount points it created, and resets the sysctls.
func (h *Host) Restore(logf func(string, ...any)) error {
	var errs []error
	if n := h.killLeftovers(); n > 0 {
		logf("killed %d leftover processes of the test", n)
	}
	errs = append(errs, h.removeCgroups())
	for _, d := range h.createdDirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing %s (created by the test): %w", d, err))
		}
	}
	for k, v := range h.sysctls {
		cur, err := os.ReadFile(sysctlPath(k))
		if err == nil && strings.TrimSpace(string(cur)) == v {
			continue
		}
		logf("restoring sysctl %s=%s (was %s)", k, v, strings.TrimSpace(string(cur)))
		if err := os.WriteFile(sysctlPath(k), []byte(v), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("restoring sysctl %s: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// killLeftovers SIGKILLs, until none is left (at most 30 s), the processes
// of the test: in its namespaces or its cgroups.
func (h *Host) killLeftovers() int {
	killed := map[int]bool{}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		pids := h.leftoverPIDs()
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed[pid] = true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return len(killed)
}

func (h *Host) leftoverPIDs() []int {
	var pids []int
	self := os.Getpid()
	if h.mntNS != "" {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == self {
				continue
			}
			mnt, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", pid))
			net, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
			if mnt == h.mntNS || net == h.netNS {
				pids = append(pids, pid)
			}
		}
	}
	for _, root := range h.cgroupRoots() {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "cgroup.procs" {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, f := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(f); err == nil && pid != self && !slices.Contains(pids, pid) {
					pids = append(pids, pid)
				}
			}
			return nil
		})
	}
	return pids
}

// cgroupRoots lists the test's cgroup directories in every hierarchy.
func (h *Host) cgroupRoots() []string {
	var roots []string
	hier, _ := os.ReadDir(CgroupBase)
	for _, e := range hier {
		sub, _ := os.ReadDir(filepath.Join(CgroupBase, e.Name()))
		for _, s := range sub {
			if s.IsDir() && strings.HasPrefix(s.Name(), h.CgroupPrefix) {
				roots = append(roots, filepath.Join(CgroupBase, e.Name(), s.Name()))
			}
		}
	}
	return roots
}

// removeCgroups removes the test's cgroups, children first (rmdir is how a
// cgroup is removed; it fails while a process is still in it).
func (h *Host) removeCgroups() error {
	var errs []error
	for _, root := range h.cgroupRoots() {
		var dirs []string
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			var err error
			for range 50 { // a killed process leaves its cgroup a moment later
				if err = syscall.Rmdir(dirs[i]); err == nil || errors.Is(err, syscall.ENOENT) {
					err = nil
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("removing cgroup %s: %w", dirs[i], err))
			}
		}
	}
	return errors.Join(errs...)
}

// CreateCgroupRoot creates name in every cgroup hierarchy (the kubelet
// requires its --cgroup-root to exist).
func CreateCgroupRoot(name string) error {
	hier, err := os.ReadDir(CgroupBase)
	if err != nil {
		return err
	}
	for _, e := range hier {
		dir := filepath.Join(CgroupBase, e.Name(), name)
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("creating cgroup %s/%s: %w", e.Name(), name, err)
		}
		// A new cpuset cgroup has no CPUs and memory nodes: no process
		// could join it (ENOSPC). Inherit the parent's.
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			b, err := os.ReadFile(filepath.Join(CgroupBase, e.Name(), f))
			if err != nil {
				continue // not the cpuset hierarchy
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				return fmt.Errorf("setting %s of %s: %w", f, dir, err)
			}
		}
	}
	return nil
}
