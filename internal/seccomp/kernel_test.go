// Real-kernel test: a re-executed child installs a compiled filter and is killed by SIGSYS.
package seccomp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

const childEnv = "NABLA_SECCOMP_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

func hostAuditArch() uint32 {
	if runtime.GOARCH == "arm64" {
		return AuditArchAArch64
	}
	return AuditArchX86_64
}

// childPolicy allows write to fd 1 only (a 64-bit compare) plus what the Go runtime may
// need on its other threads meanwhile; getppid and other writes are forbidden.
func childPolicy() Policy {
	rules := []Rule{{Syscall: unix.SYS_WRITE, Args: []Arg{{Index: 0, Op: OpEQ, Value: 1}}, Why: "the test's output"}}
	for _, nr := range []uint32{unix.SYS_FUTEX, unix.SYS_NANOSLEEP, unix.SYS_SCHED_YIELD, unix.SYS_MMAP,
		unix.SYS_MUNMAP, unix.SYS_MADVISE, unix.SYS_RT_SIGRETURN, unix.SYS_RT_SIGPROCMASK, unix.SYS_SIGALTSTACK,
		unix.SYS_EXIT, unix.SYS_EXIT_GROUP, unix.SYS_GETPID, unix.SYS_GETTID, unix.SYS_TGKILL,
		unix.SYS_CLOCK_GETTIME, unix.SYS_CLOCK_NANOSLEEP, unix.SYS_EPOLL_PWAIT} {
		rules = append(rules, Rule{Syscall: nr, Why: "Go runtime"})
	}
	return Policy{AuditArch: hostAuditArch(), Default: RetKillProcess, Rules: rules}
}

// rawWrite passes fd through unchanged as the 64-bit register value.
func rawWrite(fd uint64, s string) (int, error) { return unix.Write(int(fd), []byte(s)) }

// child runs in the re-executed test binary. Exit codes: 7 clean exit, 3 setup failure,
// 4 the allowed call failed, 5 the forbidden call returned.
func child(mode string) int {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}) // no core file from SIGSYS
	prog, err := childPolicy().Compile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "COMPILE-FAILED:", err)
		return 3
	}
	// Filter this locked thread only: with TSYNC, whatever the runtime's other threads
	// happen to call under load (sysmon, GC) would make the outcome depend on timing.
	runtime.LockOSThread()
	if err := InstallFlags(prog, 0); err != nil {
		fmt.Fprintln(os.Stderr, "INSTALL-FAILED:", err)
		return 3
	}
	if n, err := rawWrite(1, "allowed-ok\n"); err != nil || n != 11 {
		return 4
	}
	switch mode {
	case "exit":
		unix.RawSyscall(unix.SYS_EXIT_GROUP, 7, 0, 0)
	case "getppid":
		unix.Getppid()
	case "write2":
		rawWrite(2, "forbidden\n")
	case "fdhigh":
		// The kernel truncates fd to 32 bits: only the filter's high-word test stops this.
		rawWrite(1|1<<32, "forbidden\n")
	}
	return 5
}

func TestKernel(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"exit", "getppid", "write2", "fdhigh"} {
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+mode)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("cannot start the child test binary %s: %v", self, err)
		}
		if strings.Contains(stderr.String(), "INSTALL-FAILED") {
			if strings.Contains(stderr.String(), "no seccomp(2)") {
				t.Fatalf("seccomp is not available on this kernel (ENOSYS); this test needs a kernel with CONFIG_SECCOMP_FILTER: %s", stderr.String())
			}
			t.Fatalf("child could not install the filter: %s", stderr.String())
		}
		if !strings.Contains(stdout.String(), "allowed-ok") {
			t.Errorf("%s: the allowed write did not happen (err %v, stdout %q, stderr %q)", mode, err, stdout.String(), stderr.String())
			continue
		}
		if strings.Contains(stdout.String()+stderr.String(), "forbidden") {
			t.Errorf("%s: the forbidden write reached the kernel", mode)
		}
		if ee == nil {
			t.Errorf("%s: child exited with status 0, want a non-zero status", mode)
			continue
		}
		ws := ee.Sys().(syscall.WaitStatus)
		if mode == "exit" {
			if ws.Signaled() || ws.ExitStatus() != 7 {
				t.Errorf("exit: child status %v, want exit code 7", ws)
			}
			continue
		}
		if !ws.Signaled() || ws.Signal() != syscall.SIGSYS {
			t.Errorf("%s: child status %v (stderr %q), want killed by SIGSYS", mode, ws, stderr.String())
		}
	}
}
