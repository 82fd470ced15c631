// The vCPU loop, run on one locked OS thread, and how a signal stops it.
package hvt

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/nabla-containers/nabla/internal/guestmem"
	"github.com/nabla-containers/nabla/internal/kvm"
	"golang.org/x/sys/unix"
)

// stopGrace is how long a stopping vCPU thread may take to notice the signal before the
// signal goroutine exits the process itself.
const stopGraceNs = 2_000_000_000

// vcpuRunner is the part of kvm.VCPU the loop uses.
type vcpuRunner interface {
	Run() error
	RunData() []byte
}

// runLoop runs the guest until it halts, faults, or a signal arrives. It must be called
// on the thread that will stay locked for the whole run.
func runLoop(cpu vcpuRunner, m *guestmem.Mem, d Devices, stopped *atomic.Int32) *Stop {
	s := loop(cpu, m, d, stopped)
	if s.Err != nil && s.Status != 0 {
		if k, ok := cpu.(*kvm.VCPU); ok && s.fault {
			if st := vcpuState(k); st != "" {
				s.Err = fmt.Errorf("%w (%s)", s.Err, st)
			}
		}
	}
	return s
}

func loop(cpu vcpuRunner, m *guestmem.Mem, d Devices, stopped *atomic.Int32) *Stop {
	run := cpu.RunData()
	for {
		err := cpu.Run()
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				// Go preempts threads with signals; retry unless we are asked to stop.
				if sig := stopped.Load(); sig != 0 {
					return &Stop{Status: 1, Err: fmt.Errorf("Exiting on signal %d", sig), fault: os.Getenv("NABLA_HVT_DEBUG") != ""}
				}
				continue
			}
			if errors.Is(err, unix.EFAULT) {
				return &Stop{Status: 1, Err: errors.New("KVM: host/guest translation fault"), fault: true}
			}
			return fatal(fmt.Errorf("KVM: KVM_RUN: %w", err))
		}
		e := decodeExit(run)
		switch e.kind {
		case exitRetry:
			continue
		case exitFault:
			return &Stop{Status: 1, Err: errors.New(e.msg), fault: true}
		}
		if s := Hypercall(m, d, e.nr, e.arg); s != nil {
			return s
		}
	}
}

// stopVCPU makes the vCPU loop on thread tid return "Exiting on signal sig".
func stopVCPU(cpu *kvm.VCPU, pid, tid int, stopped *atomic.Int32, sig int32) {
	stopped.Store(sig)
	cpu.SetImmediateExit(true)
	unix.Tgkill(pid, tid, unix.SIGURG)
}

// watchSignals stops the vCPU on SIGINT/SIGTERM: it records the signal, sets
// immediate_exit (so a KVM_RUN about to start returns at once) and kicks the vCPU
// thread with SIGURG, which the Go runtime tolerates as a spurious preemption request
// and which makes a KVM_RUN or epoll_wait in progress return EINTR. If the loop still
// has not returned after a grace period, the process exits by itself.
func watchSignals(cpu *kvm.VCPU, tid int, stopped *atomic.Int32, prog string) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	pid := unix.Getpid()
	go func() {
		sig := (<-ch).(syscall.Signal)
		stopVCPU(cpu, pid, tid, stopped, int32(sig))
		// A raw sleep, not a Go timer: timers would start the netpoller, which the
		// seccomp policy does not allow for.
		ts := unix.NsecToTimespec(stopGraceNs)
		unix.Nanosleep(&ts, nil)
		fmt.Fprintf(os.Stderr, "%s: Exiting on signal %d\n", prog, sig)
		os.Exit(1)
	}()
}
