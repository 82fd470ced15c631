// The tender's seccomp policy, compiled and run through the BPF interpreter for both arches.
package hvt

import (
	"testing"

	"github.com/nabla-containers/nabla/internal/seccomp"
)

func TestPolicy(t *testing.T) {
	fds := PolicyFDs{VCPU: 9, Blocks: []int{5}, Nets: []int{6}, EpollFD: 7, TimerFD: 8}
	for _, arch := range []string{"amd64", "arm64"} {
		p, err := Policy(arch, fds)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := p.Compile()
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		tab := sysTables[arch]
		call := func(name string, args ...uint64) seccomp.Action {
			t.Helper()
			nr, ok := tab.nr[name]
			if !ok {
				t.Fatalf("%s: no number for %s", arch, name)
			}
			d := seccomp.Data{Nr: int32(nr), Arch: tab.auditArch}
			copy(d.Args[:], args)
			act, err := seccomp.Run(prog, d)
			if err != nil {
				t.Fatal(err)
			}
			return act
		}
		allow := func(name string, args ...uint64) {
			t.Helper()
			if a := call(name, args...); a != seccomp.RetAllow {
				t.Errorf("%s: %s%v = %v, want ALLOW", arch, name, args, a)
			}
		}
		deny := func(name string, args ...uint64) {
			t.Helper()
			if a := call(name, args...); a != seccomp.RetKillProcess {
				t.Errorf("%s: %s%v = %v, want KILL_PROCESS", arch, name, args, a)
			}
		}
		allow("ioctl", 9, kvmRunIoctl)
		deny("ioctl", 9, 0xae41) // KVM_CREATE_VCPU
		deny("ioctl", 3, kvmRunIoctl)
		for _, req := range tab.stateIoctls {
			allow("ioctl", 9, req)
		}
		allow("write", 1)
		allow("write", 2)
		allow("write", 6)
		deny("write", 5) // a block device is never written with write(2)
		deny("write", 3)
		allow("read", 6)
		allow("read", 8)
		deny("read", 0)
		allow("pread64", 5)
		allow("pwrite64", 5)
		deny("pwrite64", 6)
		allow("timerfd_settime", 8)
		deny("timerfd_settime", 6)
		allow("epoll_pwait", 7)
		allow("clock_gettime", 0)
		allow("clock_gettime", 1)
		deny("clock_gettime", 2)
		allow("mmap", 0, 4096, 3)
		deny("mmap", 0, 4096, 7) // PROT_EXEC
		deny("mprotect", 0, 4096, 5)
		allow("clone", 0x50f00) // Go's thread flags
		deny("clone", 0x11)     // fork-like: SIGCHLD, no CLONE_THREAD
		deny("clone", 0x10000)  // CLONE_THREAD without CLONE_VM
		allow("exit_group", 1)
		if arch == "amd64" {
			allow("arch_prctl", archSetFS)
			deny("arch_prctl", 0x1001) // ARCH_SET_GS
		}
		// Calls the tender never needs once running.
		for nr := range 450 {
			known := false
			for _, n := range tab.nr {
				if n == nr {
					known = true
				}
			}
			if known {
				continue
			}
			a, err := seccomp.Run(prog, seccomp.Data{Nr: int32(nr), Arch: tab.auditArch})
			if err != nil || a != seccomp.RetKillProcess {
				t.Errorf("%s: syscall %d = %v, %v; want KILL_PROCESS", arch, nr, a, err)
			}
		}
	}
	if _, err := Policy("riscv64", fds); err == nil {
		t.Error("unknown arch accepted")
	}
}
