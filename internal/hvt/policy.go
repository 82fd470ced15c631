// The tender's own seccomp policy, installed after setup: what nabla-hvt may still do.
package hvt

import (
	"fmt"

	"github.com/nabla-containers/nabla/internal/seccomp"
)

// sysTable holds one arch's system call numbers; data, so both policies build and are
// tested on any host. -1 marks a call the arch does not have.
type sysTable struct {
	auditArch uint32
	nr        map[string]int
	// stateIoctls read the vCPU's registers, for the report of a guest fault.
	stateIoctls []uint64
}

var sysTables = map[string]sysTable{
	"amd64": {seccomp.AuditArchX86_64, map[string]int{
		"read": 0, "write": 1, "mmap": 9, "mprotect": 10, "munmap": 11,
		"rt_sigprocmask": 14, "rt_sigreturn": 15, "ioctl": 16, "pread64": 17, "pwrite64": 18,
		"sched_yield": 24, "madvise": 28, "nanosleep": 35, "getpid": 39, "clone": 56,
		"exit": 60, "sigaltstack": 131, "arch_prctl": 158, "gettid": 186, "futex": 202,
		"clock_gettime": 228, "exit_group": 231, "epoll_wait": 232, "tgkill": 234,
		"epoll_pwait": 281, "timerfd_settime": 286,
	}, []uint64{0x8090ae81, 0x8138ae83}}, // KVM_GET_REGS, KVM_GET_SREGS
	"arm64": {seccomp.AuditArchAArch64, map[string]int{
		"read": 63, "write": 64, "mmap": 222, "mprotect": 226, "munmap": 215,
		"rt_sigprocmask": 135, "rt_sigreturn": 139, "ioctl": 29, "pread64": 67, "pwrite64": 68,
		"sched_yield": 124, "madvise": 233, "nanosleep": 101, "getpid": 172, "clone": 220,
		"exit": 93, "sigaltstack": 132, "arch_prctl": -1, "gettid": 178, "futex": 98,
		"clock_gettime": 113, "exit_group": 94, "epoll_wait": -1, "tgkill": 131,
		"epoll_pwait": 22, "timerfd_settime": 86,
	}, []uint64{0x4010aeab}}, // KVM_GET_ONE_REG
}

// PolicyFDs are the descriptors the running tender still uses.
type PolicyFDs struct {
	VCPU    int   // KVM_RUN is the only ioctl left
	Blocks  []int // pread64/pwrite64
	Nets    []int // read/write
	EpollFD int
	TimerFD int
}

// Argument values pinned by the rules.
const (
	kvmRunIoctl  = 0xae80
	protExec     = 0x4
	cloneThread  = 0x10000 | 0x100 // CLONE_THREAD | CLONE_VM: threads only, never a new process
	archSetFS    = 0x1002
	clockRealtim = 0
	clockMonoton = 1
)

// Policy returns the filter for arch ("amd64" or "arm64"). Anything not listed kills
// the process. The Go runtime's needs are the ones it has once running with an idle
// netpoller (the tender uses raw descriptors and no timers, so nothing registers with it):
// memory, futexes, threads, signals for preemption, sleeping and exiting.
func Policy(arch string, fds PolicyFDs) (seccomp.Policy, error) {
	t, ok := sysTables[arch]
	if !ok {
		return seccomp.Policy{}, fmt.Errorf("hvt: no seccomp table for %q", arch)
	}
	var rules []seccomp.Rule
	add := func(name, why string, args ...seccomp.Arg) {
		nr := t.nr[name]
		if nr < 0 {
			return
		}
		rules = append(rules, seccomp.Rule{Syscall: uint32(nr), Args: args, Why: why})
	}
	eq := func(i int, v uint64) seccomp.Arg { return seccomp.Arg{Index: i, Op: seccomp.OpEQ, Value: v} }
	masked := func(i int, mask, v uint64) seccomp.Arg {
		return seccomp.Arg{Index: i, Op: seccomp.OpMaskedEQ, Mask: mask, Value: v}
	}

	add("ioctl", "vCPU loop: KVM_RUN on the one vCPU", eq(0, uint64(fds.VCPU)), eq(1, kvmRunIoctl))
	for _, req := range t.stateIoctls {
		add("ioctl", "guest fault report: read the vCPU's registers", eq(0, uint64(fds.VCPU)), eq(1, req))
	}
	add("write", "PUTS hypercall: guest console", eq(0, 1))
	add("write", "tender diagnostics and the Go runtime's fatal messages", eq(0, 2))
	for _, fd := range fds.Nets {
		add("write", "NET_WRITE hypercall", eq(0, uint64(fd)))
		add("read", "NET_READ hypercall", eq(0, uint64(fd)))
	}
	for _, fd := range fds.Blocks {
		add("pread64", "BLOCK_READ hypercall", eq(0, uint64(fd)))
		add("pwrite64", "BLOCK_WRITE hypercall", eq(0, uint64(fd)))
	}
	add("read", "POLL hypercall: drain the timerfd", eq(0, uint64(fds.TimerFD)))
	add("timerfd_settime", "POLL hypercall: arm the timeout", eq(0, uint64(fds.TimerFD)))
	// Not pinned to our epoll fd: if anything started the Go netpoller (a non-blocking
	// stdio descriptor does, at start-up), sysmon polls it with a zero timeout. Waiting
	// on an epoll set grants nothing by itself.
	add("epoll_pwait", "POLL hypercall: wait for taps or the timer; the Go netpoller")
	add("epoll_wait", "POLL hypercall (x/sys uses epoll_wait on amd64)")
	add("clock_gettime", "WALLTIME hypercall; Go runtime clocks (when the vDSO is bypassed)", eq(0, clockRealtim))
	add("clock_gettime", "Go runtime: monotonic clock", eq(0, clockMonoton))
	add("exit_group", "the tender exits with the guest's status")

	add("futex", "Go runtime: goroutine parking and thread wake-ups")
	add("mmap", "Go runtime: heap growth, never executable", masked(2, protExec, 0))
	add("mprotect", "Go runtime: never makes memory executable", masked(2, protExec, 0))
	add("munmap", "Go runtime: releasing heap")
	add("madvise", "Go runtime: returning memory to the OS")
	add("clone", "Go runtime: new threads (CLONE_THREAD|CLONE_VM), never new processes", masked(0, cloneThread, cloneThread))
	add("arch_prctl", "Go runtime: TLS of a new thread (amd64)", eq(0, archSetFS))
	add("sigaltstack", "Go runtime: signal stack of a new thread")
	add("rt_sigprocmask", "Go runtime: signal masks of new threads")
	add("rt_sigreturn", "return from the Go signal handler (preemption, SIGTERM)")
	add("gettid", "Go runtime: thread ids")
	add("getpid", "Go runtime: signalling itself")
	add("tgkill", "Go runtime preemption, and kicking the vCPU out of KVM_RUN on SIGTERM")
	add("sched_yield", "Go runtime: spinning")
	add("nanosleep", "Go runtime: sysmon and back-off sleeps")
	add("exit", "Go runtime: a thread ending")

	p := seccomp.Policy{AuditArch: t.auditArch, Default: seccomp.RetKillProcess, Rules: rules}
	if err := p.Validate(); err != nil {
		return seccomp.Policy{}, err
	}
	return p, nil
}
