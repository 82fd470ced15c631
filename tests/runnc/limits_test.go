// Programs under runnc with root.readonly, process.rlimits and a memory limit: each the same
// as under runc on the same bundle (runc runs on the x86_64 host; the VM has the texts).
package runnc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ociSpec is a bundle spec that both runc and runnc accept: runc's namespaces and the
// mounts Docker gives (/proc, /dev, /dev/pts, /dev/shm, /sys), /tmp as tmpfs.
func ociSpec(args ...string) *specs.Spec {
	return &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: "rootfs"},
		Process: &specs.Process{Args: args, Env: []string{"PATH=/bin"}, Cwd: "/"},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
			{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
			{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
			{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777"}},
		},
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: "pid"}, {Type: "ipc"}, {Type: "uts"}, {Type: "mount"}}},
	}
}

// progBundle is a bundle with spec s and tests/libos/apps/APP at /bin/NAME.
func (e *env) progBundle(s *specs.Spec, app, name string) string {
	e.t.Helper()
	b := e.bundle(s)
	putFile(e.t, b, "bin/"+name, goProgram(e.t, app), 0o755)
	for _, d := range []string{"etc", "proc", "dev", "sys", "tmp"} {
		os.MkdirAll(filepath.Join(b, "rootfs", d), 0o755)
	}
	return b
}

// runcRun runs the bundle under runc (when this host has it: the VM does not) and returns
// its stdout, stderr and exit status; ok is false when runc is not here.
func (e *env) runcRun(bundle, id string) (r result, ok bool) {
	e.t.Helper()
	if os.Getenv("NABLA_VM") == "1" {
		return result{}, false // no runc in the aarch64 VM: the expected text stands for it
	}
	runc, err := exec.LookPath("runc")
	if err != nil {
		e.t.Fatalf("runc, the reference, is not installed: %v", err)
	}
	requireRoot(e.t)
	var o, er strings.Builder
	cmd := exec.Command(runc, "--root", filepath.Join(e.tmp, "runc-root"), "run", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &o, &er
	err = cmd.Run()
	return result{exitCode(err), o.String(), er.String()}, true
}

// sameAsRunc runs the bundle under runnc and, where runc is here, under runc: their
// output must be equal, and runnc's must be want.
func (e *env) sameAsRunc(bundle, id, want string) {
	e.t.Helper()
	r := e.run("run", "-b", bundle, id)
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		e.t.Errorf("runnc: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	n, ok := e.runcRun(bundle, id+"-runc")
	if !ok {
		return
	}
	if n.code != r.code || n.stdout != r.stdout {
		e.t.Errorf("runc and runnc differ:\nrunc:  exit %d %q (stderr %q)\nrunnc: exit %d %q", n.code, n.stdout, n.stderr, r.code, r.stdout)
	} else {
		e.t.Logf("the same under runc: exit %d, %d bytes of output", n.code, len(n.stdout))
	}
}

// docker run --read-only: writes anywhere in the rootfs give EROFS; the tmpfs mounts
// (/tmp from the spec, /dev/shm) are memory.
func TestReadOnlyRootfs(t *testing.T) {
	e := newEnv(t)
	s := ociSpec("rofs", "/", "/etc", "/bin", "/tmp", "/dev/shm")
	s.Root.Readonly = true
	b := e.progBundle(s, "go-rofs", "rofs")
	want := "/rofs-probe: open /rofs-probe: read-only file system\n" +
		"/etc/rofs-probe: open /etc/rofs-probe: read-only file system\n" +
		"/bin/rofs-probe: open /bin/rofs-probe: read-only file system\n" +
		"/tmp/rofs-probe: written, read back \"x\" <nil>\n" +
		"/dev/shm/rofs-probe: written, read back \"x\" <nil>\n" +
		"mkdir: mkdir /rofs-dir: read-only file system\n"
	e.sameAsRunc(b, "ro1", want)
	// Without --read-only the same writes go to the writable layer (memory).
	s.Root.Readonly = false
	e.writeSpec(b, s)
	r := e.run("run", "-b", b, "ro2")
	if r.code != 0 || strings.Contains(r.stdout, "read-only") || !strings.Contains(r.stdout, "/rofs-probe: written") {
		t.Errorf("writable root: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(b, "rootfs", "rofs-probe")); err == nil {
		t.Error("a guest write reached the bundle's rootfs")
	}
}

// process.rlimits: RLIMIT_NOFILE is what getrlimit says and is enforced (EMFILE at the
// soft limit, EBADF for dup3 past it, setrlimit up to the hard limit, EPERM above it);
// RLIMIT_STACK and NPROC are reported as the spec sets them.
func TestRlimits(t *testing.T) {
	e := newEnv(t)
	s := ociSpec("rlimit")
	s.Process.Rlimits = []specs.POSIXRlimit{
		{Type: "RLIMIT_NOFILE", Soft: 64, Hard: 200},
		{Type: "RLIMIT_STACK", Soft: 4 << 20, Hard: 16 << 20},
		{Type: "RLIMIT_NPROC", Soft: 300, Hard: 400},
	}
	b := e.progBundle(s, "go-rlimit", "rlimit")
	// Go itself sets the soft limit to hard-1 at start (its syscall package).
	want := "nofile 199 200 <nil>\nstack 4194304 16777216 <nil>\nnproc 300 400 <nil>\n" +
		"setrlimit soft 32: <nil>\nlast fd 31, then: too many open files\n" +
		"dup3 to fd 40: bad file descriptor\nsetrlimit soft to hard: <nil>\nnofile 200 200 <nil>\n" +
		"setrlimit above hard: operation not permitted\nsetrlimit soft above hard: invalid argument\n"
	e.sameAsRunc(b, "rl1", want)

	// More than the libOS's fd table (4096) is cut to it, as Linux cuts to fs.nr_open.
	s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 1 << 20, Hard: 1 << 20}}
	e.writeSpec(b, s)
	if r := e.run("run", "-b", b, "rl2"); !strings.HasPrefix(r.stdout, "nofile 4096 4096 <nil>\n") {
		t.Errorf("NOFILE 1M: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// What runc would fail on is refused at create, in one line.
	s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 10, Hard: 5}}
	e.writeSpec(b, s)
	e.fails("process.rlimits: RLIMIT_NOFILE soft limit 10 is above its hard limit 5", "create", "-b", b, "rl3")
	s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOPE", Soft: 1, Hard: 1}}
	e.writeSpec(b, s)
	e.fails(`process.rlimits: unknown type "RLIMIT_NOPE"`, "create", "-b", b, "rl4")
}

// linux.resources.memory.limit is the guest's memory: a program that holds more ends out
// of memory (Go's fatal error, where a cgroup would OOM-kill it); below what the libOS
// needs, create refuses in one line.
func TestMemoryLimitLibOS(t *testing.T) {
	e := newEnv(t)
	s := ociSpec("oom")
	limit := int64(128 << 20)
	s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}
	b := e.progBundle(s, "go-oom", "oom")
	r := e.run("run", "-b", b, "m1")
	if r.code != 2 || !strings.HasPrefix(r.stdout, "held MiB: 16\n") || !strings.HasPrefix(r.stderr, "fatal error: runtime: out of memory") {
		t.Errorf("128 MiB: exit %d\nstdout %q\nstderr %.300q", r.code, r.stdout, r.stderr)
	}
	small := int64(6 << 20) // docker's smallest -m
	s.Linux.Resources.Memory.Limit = &small
	e.writeSpec(b, s)
	e.fails("linux.resources.memory.limit: 6 MiB is less than the ", "create", "-b", b, "m3")
	e.fails("MiB the libOS needs to run /bin/oom", "create", "-b", b, "m4")
}
