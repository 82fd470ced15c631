// The launch: a raw clone into a child that becomes the guest, and the parent that waits for it.
package spt

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/tender"
)

// launchArgs is everything the assembly child needs, prepared in Go. It lives in a
// page of its own (newLaunchPage) with the filter program, because the child unmaps
// the rest of the tender before it installs the filter. Field offsets reach the
// assembly through go_asm.h; keep the types fixed-size.
type launchArgs struct {
	allMask   uint64          // sigset with every signal: blocked across the clone
	oldMask   uint64          // the parent thread's mask, restored after the clone
	emptyMask uint64          // the guest's mask: nothing blocked
	dfl       [4]uint64       // struct sigaction with SIG_DFL, no flags, empty mask
	fds       [66]int64       // fds to dup3 to 3, 4, ...: devices (<= 63), epoll, timer
	nfds      uint64          // entries used in fds
	prog      *unix.SockFprog // &fprog, in this page
	sp        uint64          // guest stack pointer at entry
	entry     uint64          // e_entry
	bootInfo  uint64          // first argument: SPTBootInfoBase
	ppid      uint64          // the tender's pid, which the child checks after PR_SET_PDEATHSIG
	// unmap lists [start, length) ranges the child unmaps: all of the tender but
	// guest memory, this page and the trampoline's code.
	unmap  [maxUnmap][2]uint64
	nunmap uint64
	// setData, when not zero, has the child set RLIMIT_DATA to rlim after the unmaps.
	setData uint64
	rlim    [2]uint64
	// page and pageLen are this page, which the child makes read-only.
	page    uint64
	pageLen uint64
	fprog   unix.SockFprog // the filter, its instructions after this struct
}

// maxUnmap bounds the gaps between the kept ranges (guest, code, page) below top.
const maxUnmap = 4

// codeKeep is how much of the trampoline's text the child keeps from the page where
// rawLaunch starts: the function is far shorter than a page, so two cover it.
const codeKeep = 2 * pageSize

// rawLaunch blocks all signals, clones with SIGCHLD only and, in the parent,
// restores the mask and returns the child's pid (or -errno). The child never
// returns: it resets every signal handler, unblocks signals, moves the fds,
// closes the rest, asks for SIGKILL when the tender dies, sets no_new_privs,
// unmaps the tender (the Go runtime, its heap and stacks, the binary), sets its
// data limit, makes the launch page read-only, installs the filter and jumps to
// the guest; any failure there is exit_group(1). Implemented in launch_$GOARCH.s.
//
//go:noescape
func rawLaunch(a *launchArgs) int64

// rawLaunchPC is the address of rawLaunch's own code (not a Go wrapper's).
func rawLaunchPC() uint64

// planUnmap fills a.unmap with the gaps of [0, top) around guest memory [lo, hi), the
// launch page and the trampoline's code.
func planUnmap(a *launchArgs, lo, hi, top uint64) error {
	code := rawLaunchPC() &^ (pageSize - 1)
	keep := [][2]uint64{{lo, hi}, {a.page, a.page + a.pageLen}, {code, code + codeKeep}}
	sort.Slice(keep, func(i, j int) bool { return keep[i][0] < keep[j][0] })
	at := uint64(0)
	a.nunmap = 0
	for _, k := range append(keep, [2]uint64{top, top}) {
		if k[0] > at {
			if a.nunmap == maxUnmap {
				return fmt.Errorf("launch: too many ranges to unmap")
			}
			a.unmap[a.nunmap] = [2]uint64{at, k[0] - at}
			a.nunmap++
		}
		at = max(at, k[1])
	}
	return nil
}

// launch starts the guest and returns its wait status.
func launch(g *guest) unix.WaitStatus {
	// PR_SET_PDEATHSIG follows the thread that cloned: keep it alive until exit.
	runtime.LockOSThread()
	a := g.args
	a.ppid = uint64(unix.Getpid())
	if g.dataBudget != 0 { // a libOS layout: the child's memory bound (childDataLimit)
		lo, hi := uint64(abi.SPTHostMemBase), g.memEnd
		if a.nunmap == 0 { // the child keeps the tender's memory: count it all
			lo, hi = 0, ^uint64(0)
		}
		lim, err := childDataLimit(g.dataBudget, lo, hi)
		if err != nil {
			tender.Fatalf("%v", err)
		}
		a.setData, a.rlim = 1, [2]uint64{lim.Cur, lim.Max}
	}
	pid := rawLaunch(a)
	runtime.KeepAlive(g)
	if pid < 0 {
		tender.Fatalf("clone: %v", unix.Errno(-pid))
	}
	// The tender becomes a few pages of waiter (waiter.go); if it cannot (a host that
	// forbids executing a memfd), it waits here in Go, as it always did.
	execWaiter(int(pid))
	// The guest's memory and the launch page are the child's alone now: the
	// tender never reads them again, and keeping them would keep the pages the
	// tender wrote (the image, the boot info) shared with it.
	unix.Syscall(unix.SYS_MUNMAP, abi.SPTHostMemBase, uintptr(g.memEnd-abi.SPTHostMemBase), 0)
	unix.Syscall(unix.SYS_MUNMAP, uintptr(a.page), uintptr(a.pageLen), 0)
	// Registered only now, off the path to guest entry (it costs a thread).
	// A signal arriving before this kills the tender by Go's default
	// action, and PR_SET_PDEATHSIG then kills the guest: the same end. A
	// libOS guest hands these to the app (docker stop, kill -s); another guest
	// dies by them, and the tender then by the same signal (finish).
	sigs := make(chan os.Signal, 5)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGUSR1, unix.SIGUSR2)
	go func() {
		for s := range sigs {
			unix.Kill(int(pid), s.(unix.Signal))
		}
	}()
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(int(pid), &ws, 0, nil)
		if err == nil {
			signal.Stop(sigs) // the pid is free now: never signal its next owner
			return ws
		}
		if err != unix.EINTR {
			unix.Kill(int(pid), unix.SIGKILL)
			tender.Fatalf("wait4: %v", err)
		}
	}
}

// finish ends the tender the way the guest ended: same exit code, or death by
// the same signal (no core dump) so the shell sees 128+S.
func finish(ws unix.WaitStatus) {
	switch {
	case ws.Exited():
		os.Exit(ws.ExitStatus())
	case ws.Signaled():
		dieBySignal(ws.Signal())
	}
	tender.Fatalf("guest ended with unexpected wait status %#x", uint32(ws))
}

// dieBySignal kills the tender with sig, as if it had not been handled.
func dieBySignal(sig unix.Signal) {
	signal.Reset(sig)
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	runtime.LockOSThread()
	// Go's handlers ignore a SIGSEGV or SIGSYS sent by kill, so reset the
	// disposition in the kernel, then unblock and raise on this thread.
	setDefaultAction(sig)
	var set unix.Sigset_t
	set.Val[(int(sig)-1)/64] |= 1 << ((uint(sig) - 1) % 64)
	unix.PthreadSigmask(unix.SIG_UNBLOCK, &set, nil)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	// Only reached for a signal whose default is not to terminate.
	os.Exit(tender.SignalStatus(int(sig)))
}
