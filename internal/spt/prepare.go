// Everything between the command line and the clone: image, memory, devices, fd layout, filter.
package spt

import (
	"crypto/rand"
	"debug/elf"
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/mft"
	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/tender"
)

// guest is a fully prepared guest: memory loaded, fds laid out, filter compiled.
type guest struct {
	args *launchArgs       // in the launch page (newLaunchPage)
	prog []unix.SockFilter // the filter, copied into the launch page
	// memEnd is where the host mapping of guest memory ends.
	memEnd uint64
	// dataBudget, when not zero, is how much more private writable memory the
	// child may have than guest memory has at the clone (RLIMIT_DATA, see childDataLimit).
	dataBudget uint64
}

// hostMachine is the ELF machine this tender runs.
func hostMachine() elf.Machine {
	if runtime.GOARCH == "arm64" {
		return elf.EM_AARCH64
	}
	return elf.EM_X86_64
}

// prepare does all fallible work; after it the launch cannot fail for a reason the guest did not cause.
func prepare(o *tender.Options, args []string) (*guest, error) {
	as, err := readAddrSpace()
	if err != nil {
		return nil, err
	}
	kfd, size, err := tender.OpenKernel(o.Kernel)
	if err != nil {
		return nil, err
	}
	defer unix.Close(kfd)
	kid, err := statImage(kfd, o.Kernel)
	if err != nil {
		return nil, err
	}
	img, err := nelf.Parse(tender.FDReader(kfd), size)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	if m := elf.Machine(img.Machine); m != hostMachine() {
		return nil, fmt.Errorf("%s: executable is for %s, this tender runs %s guests",
			o.Kernel, nelf.MachineName(uint16(m)), nelf.MachineName(uint16(hostMachine())))
	}
	if err := img.CheckTarget(abi.TargetSPT); err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	if img.Manifest == nil {
		return nil, fmt.Errorf("%s: no Solo5 manifest note (MFT1)", o.Kernel)
	}
	man, err := mft.Parse(img.Manifest)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	decls := make([]tender.Decl, len(man.Entries))
	for i, e := range man.Entries {
		decls[i] = tender.Decl{Name: e.Name, Type: tender.DevType(e.Type)}
	}
	// Cheap checks first, so a typo costs no device opening.
	if err := tender.Check(o, decls); err != nil {
		return nil, err
	}
	li, isLibOS, err := LibOSNote(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	memSize, err := tender.MemBytes(o.MemMiB, max(img.MemEnd, img.KernelEnd), as.hardMax)
	if err != nil {
		return nil, err
	}
	// top is the guest's mem_size; end is where the host mapping ends.
	top, end := memSize, memSize
	var initRW uint64 // read-write bytes of a libOS layout before the guest runs
	rwEnd := (max(img.MemEnd, img.KernelEnd) + pageSize - 1) &^ (pageSize - 1)
	if li.Layout {
		top = memSize + li.VAExtra
		end = top + LibOSMprotectMax
		if top < memSize || end < top || end > as.hardMax {
			return nil, fmt.Errorf("--mem=%d: with the libOS's %d MiB of address space, guest memory does not fit below the tender at %#x",
				memSize/tender.MiB, li.VAExtra/tender.MiB, as.hardMax)
		}
		initRW = rwEnd - abi.SPTHostMemBase + li.TopRW
		if top-li.TopRW < rwEnd || initRW+minLibOSFree > memSize {
			return nil, fmt.Errorf("--mem=%d is too small for this libOS image: it needs at least %d MiB",
				memSize/tender.MiB, libOSMinBytes(img, li)/tender.MiB)
		}
	}
	if err := avoidHeap(as, end, args); err != nil {
		return nil, err
	}
	if err := img.CheckMemory(memSize); err != nil {
		return nil, fmt.Errorf("%s: %v", o.Kernel, err)
	}
	cmdline, err := tender.JoinCmdline(o.Args)
	if err != nil {
		return nil, err
	}
	devs, err := tender.Attach(o, decls)
	if err != nil {
		return nil, err
	}
	if err := checkNotAttached(devs, kid); err != nil {
		return nil, err
	}
	if li.Layout {
		if err := mapLibOS(end, rwEnd, top-li.TopRW, top); err != nil {
			return nil, err
		}
	} else if err := mapGuest(memSize); err != nil {
		return nil, err
	}
	if err := loadSegments(kfd, img, o.Kernel); err != nil {
		return nil, err
	}
	if err := checkUnchanged(kfd, o.Kernel, kid); err != nil {
		return nil, err
	}
	if li.Seed != 0 {
		// The host kernel's generator (getrandom), so the libOS needs no CPU one.
		if _, err := rand.Read(guestBytes(li.Seed, LibOSSeedSize)); err != nil {
			return nil, fmt.Errorf("seeding the libOS: %v", err)
		}
	}
	g, err := layout(img, man, devs, top, cmdline, li, isLibOS, o.Stdin)
	if err != nil {
		return nil, err
	}
	if li.Layout {
		g.dataBudget = memSize - initRW
	}
	g.memEnd = end
	if g.args, err = newLaunchPage(g.args, g.prog); err != nil {
		return nil, err
	}
	if !as.dynamic {
		if err := planUnmap(g.args, abi.SPTHostMemBase, end, as.top); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// libOSMinBytes is the least --mem (a whole number of MiB) a libOS image boots in: its
// image, the libOS's read-write top and minLibOSFree for the app.
func libOSMinBytes(img *nelf.Image, li LibOSInfo) uint64 {
	rwEnd := (max(img.MemEnd, img.KernelEnd) + pageSize - 1) &^ (pageSize - 1)
	need := rwEnd - abi.SPTHostMemBase + li.TopRW + minLibOSFree
	return (need + tender.MiB - 1) &^ (tender.MiB - 1)
}

// LibOSMinMemMiB is the least --mem in MiB the spt tender accepts for img; 0 when img is
// not a libOS image.
func LibOSMinMemMiB(img *nelf.Image) (uint64, error) {
	li, ok, err := LibOSNote(img)
	if err != nil || !ok || !li.Layout {
		return 0, err
	}
	return libOSMinBytes(img, li) / tender.MiB, nil
}

// minLibOSFree is the least memory a libOS layout must leave the app beyond the image
// and the boot stack (a Go hello commits ~48 MiB).
const minLibOSFree = 16 * tender.MiB

// layout creates the epoll set and timer, fixes the fd numbers the guest will
// see (devices in manifest order from 3, then epoll, then the timer), writes
// the boot info, manifest copy and command line, and compiles the filter.
// memSize is the guest's mem_size: for a libOS layout, its address space top.
func layout(img *nelf.Image, man *mft.Manifest, devs []tender.Device, memSize uint64, cmdline string, li LibOSInfo, isLibOS, stdin bool) (*guest, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll_create1: %v", err)
	}
	tfd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("timerfd_create: %v", err)
	}
	// The guest tells the timer from the nets by the data word (0xfffffffe).
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, tfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: timerData}); err != nil {
		return nil, fmt.Errorf("epoll_ctl timerfd: %v", err)
	}
	for _, d := range devs {
		if d.Type != tender.DevNet {
			continue
		}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, d.FD, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(d.Index)}); err != nil {
			return nil, fmt.Errorf("--net:%s: epoll_ctl: %v", d.Name, err)
		}
	}

	if stdin {
		if !isLibOS {
			return nil, fmt.Errorf("--stdin: only a libOS image reads stdin (this is a plain Solo5 unikernel)")
		}
		if err := watchStdin(epfd); err != nil {
			return nil, err
		}
	}

	g := &guest{args: &launchArgs{}}
	a := g.args
	n := len(devs) + 2
	if n > len(a.fds) {
		return nil, fmt.Errorf("too many devices (%d)", len(devs))
	}
	first := firstGuestFD + n // the first fd the child closes
	src := make([]int, 0, n)
	for _, d := range devs {
		src = append(src, d.FD)
	}
	src = append(src, epfd, tfd)
	for i, fd := range src {
		// Sources must sit above the target range so the child's dup3 calls never clobber one another.
		if fd < first {
			hi, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, first)
			if err != nil {
				return nil, fmt.Errorf("F_DUPFD: %v", err)
			}
			fd = hi
		}
		a.fds[i] = int64(fd)
	}
	a.nfds = uint64(n)
	guestFD := func(i int) int { return firstGuestFD + i }

	att := make(map[int]mft.Attachment, len(devs))
	pd := Devices{EpollFD: guestFD(len(devs)), TimerFD: guestFD(len(devs) + 1), Stdin: stdin}
	for i, d := range devs {
		fd := guestFD(i)
		att[d.Index] = mft.Attachment{HostFD: int32(fd), Capacity: d.Capacity, BlockSize: d.BlockSize, MAC: d.MAC, MTU: d.MTU}
		if d.Type == tender.DevNet {
			pd.Nets = append(pd.Nets, fd)
		} else {
			pd.Blocks = append(pd.Blocks, Block{FD: fd, BlockSize: uint64(d.BlockSize), Capacity: d.Capacity, ReadOnly: d.ReadOnly})
		}
	}
	if err := pd.Validate(); err != nil {
		return nil, err
	}
	// A library OS image gets the gated policy: the app's calls trap to the libOS.
	pol := Policy(runtime.GOARCH, pd)
	if isLibOS {
		pol = LibOSPolicy(runtime.GOARCH, pd, li.Text)
		if li.Layout {
			pol = AllowLibOSMprotect(pol, runtime.GOARCH, memSize)
		}
	}
	prog, err := pol.Compile()
	if err != nil {
		return nil, fmt.Errorf("seccomp filter: %v", err)
	}
	if err := seccomp.Check(prog); err != nil {
		return nil, fmt.Errorf("seccomp filter: %v", err)
	}
	g.prog = prog

	if err := writeBootRegion(img, man.Encode(att), memSize, cmdline, pd.EpollFD, pd.TimerFD); err != nil {
		return nil, err
	}
	a.entry = img.Entry
	a.bootInfo = abi.SPTBootInfoBase
	a.sp = memSize - stackOffset
	a.allMask = ^uint64(0)
	return g, nil
}

// firstGuestFD is the guest's first device fd; 0-2 stay the tender's stdio.
const firstGuestFD = 3

// timerData is the epoll data word of the internal timerfd (SPT_INTERNAL_TIMERFD, 0xfffffffe).
const timerData = -2
