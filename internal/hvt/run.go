// Package hvt is the KVM tender: it runs a Solo5 hvt unikernel in a one-vCPU VM.
package hvt

import (
	"debug/elf"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/guestmem"
	"github.com/nabla-containers/nabla/internal/kvm"
	"github.com/nabla-containers/nabla/internal/mft"
	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/tender"
	"golang.org/x/sys/unix"
)

// Prog is the name used in diagnostics.
const Prog = "nabla-hvt"

// Run is nabla-hvt's main: it never returns.
func Run(args []string) {
	// The vCPU belongs to this thread for the whole run (KVM wants KVM_RUN from the
	// thread that created the vCPU to avoid costly migrations, and the signal path
	// kicks exactly this thread).
	runtime.LockOSThread()
	o := tender.ParseOrExit(Prog, args)
	if o.Stdin {
		tender.Fatalf("--stdin: only nabla-spt runs libOS images, which read stdin")
	}
	s := run(o)
	if s.Err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", Prog, s.Err)
	}
	os.Exit(s.Status)
}

// vm is everything set up before the guest starts.
type vm struct {
	sys     *kvm.System
	vm      *kvm.VM
	cpu     *kvm.VCPU
	mem     *guestmem.Mem
	devs    *hostDevices
	fds     PolicyFDs
	stopped atomic.Int32
}

func run(o *tender.Options) *Stop {
	// Test hook, read before setup so nothing a guest does can turn it on: with
	// NABLA_HVT_TEST_SECCOMP_VIOLATION=1 the tender makes one system call outside its
	// policy (getppid) right after installing the filter, which must kill it with SIGSYS
	// (tests/e2e TestHVTSeccomp). Only whoever starts the tender controls its environment.
	violate := os.Getenv("NABLA_HVT_TEST_SECCOMP_VIOLATION") == "1"
	v, err := setup(o)
	if err != nil {
		return fatal(err)
	}
	watchSignals(v.cpu, unix.Gettid(), &v.stopped, Prog)
	// Fixing GOMAXPROCS stops the runtime from re-reading the CPU affinity and cgroup
	// limits periodically (Go 1.25+), calls the policy has no reason to allow.
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	// NABLA_HVT_NO_SECCOMP=1 is a debugging aid (e.g. under strace of new code paths);
	// only whoever starts the tender can set it, never the guest.
	if os.Getenv("NABLA_HVT_NO_SECCOMP") == "" {
		p, err := Policy(runtime.GOARCH, v.fds)
		if err != nil {
			return fatal(err)
		}
		prog, err := p.Compile()
		if err != nil {
			return fatal(err)
		}
		if err := seccomp.Install(prog); err != nil {
			return fatal(err)
		}
		if violate {
			unix.Getppid() // not in the policy: the kernel kills the process here
			return fatal(fmt.Errorf("seccomp: getppid was allowed after the filter was installed"))
		}
	}
	return runLoop(v.cpu, v.mem, v.devs, &v.stopped)
}

// setup loads the image, attaches devices and builds the VM, in upstream's order of
// checks: image, memory size, devices, command line, KVM.
func setup(o *tender.Options) (*vm, error) {
	kfd, size, err := tender.OpenKernel(o.Kernel)
	if err != nil {
		return nil, err
	}
	defer unix.Close(kfd)
	f := tender.FDReader(kfd)
	img, err := nelf.Parse(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	if err := img.CheckTarget(abi.TargetHVT); err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	if elf.Machine(img.Machine) != hostMachine {
		return nil, fmt.Errorf("%s: executable is for %s, this tender runs %s guests",
			o.Kernel, nelf.MachineName(img.Machine), nelf.MachineName(uint16(hostMachine)))
	}
	if img.Manifest == nil {
		return nil, fmt.Errorf("%s: executable has no Solo5 manifest note", o.Kernel)
	}
	man, err := mft.Parse(img.Manifest)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}

	memSize, err := tender.MemBytes(o.MemMiB, img.MemEnd, abi.HVTMaxMem)
	if err != nil {
		return nil, err
	}
	if r := memSize &^ (abi.HVTMemAlign - 1); r != memSize {
		tender.Warnf("adjusting memory to %d bytes", r)
		memSize = r
	}
	if err := img.CheckMemory(memSize); err != nil {
		return nil, err
	}

	decls := make([]tender.Decl, len(man.Entries))
	for i, e := range man.Entries {
		decls[i] = tender.Decl{Name: e.Name, Type: tender.DevType(e.Type)}
	}
	devices, err := tender.Attach(o, decls)
	if err != nil {
		return nil, err
	}
	cmdline, err := tender.JoinCmdline(o.Args)
	if err != nil {
		return nil, err
	}

	v := &vm{}
	if v.devs, err = newHostDevices(&v.stopped); err != nil {
		return nil, err
	}
	v.fds = PolicyFDs{EpollFD: v.devs.epfd, TimerFD: v.devs.timerfd}
	att := map[int]mft.Attachment{}
	for _, d := range devices {
		att[d.Index] = mft.Attachment{HostFD: int32(d.FD), Capacity: d.Capacity, BlockSize: d.BlockSize, MAC: d.MAC, MTU: d.MTU}
		switch d.Type {
		case tender.DevBlock:
			v.devs.addBlock(uint64(d.Index), d.FD, d.Capacity)
			v.fds.Blocks = append(v.fds.Blocks, d.FD)
		case tender.DevNet:
			if err := v.devs.addNet(uint64(d.Index), d.FD); err != nil {
				return nil, err
			}
			v.fds.Nets = append(v.fds.Nets, d.FD)
		}
	}

	raw, err := unix.Mmap(-1, 0, int(memSize), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("cannot allocate %d bytes of guest memory: %v", memSize, err)
	}
	v.mem = guestmem.New(raw)
	ro, err := loadImage(v.mem, img, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}

	if v.sys, err = kvm.Open(); err != nil {
		return nil, err
	}
	if v.vm, err = v.sys.CreateVM(); err != nil {
		return nil, err
	}
	if err := v.vm.SetMemory(raw); err != nil {
		return nil, err
	}
	if v.cpu, err = v.vm.CreateVCPU(v.sys, 0); err != nil {
		return nil, err
	}
	v.fds.VCPU = v.cpu.FD()
	freq, err := setupVCPU(v.sys, v.vm, v.cpu, raw, memSize, img.Entry)
	if err != nil {
		return nil, err
	}
	if err := writeBootInfo(v.mem, memSize, img.KernelEnd, freq, man.Encode(att), cmdline); err != nil {
		return nil, err
	}
	// Text and rodata become read-only on the host, which KVM mirrors in the guest's
	// second-stage mapping; the translator learns it too so that no hypercall makes the
	// tender write there.
	for _, r := range ro {
		if err := unix.Mprotect(raw[r.start:r.end], unix.PROT_READ); err != nil {
			return nil, fmt.Errorf("mprotect guest text: %v", err)
		}
		if err := v.mem.MarkReadOnly(guestmem.GPA(r.start), r.end-r.start); err != nil {
			return nil, err
		}
	}
	return v, nil
}
