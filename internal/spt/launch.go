// The launch: a raw clone into a child that becomes the guest, and the parent that waits for it.
package spt

import (
	"os"
	"os/signal"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/internal/tender"
)

// launchArgs is everything the assembly child needs, prepared in Go. Field
// offsets reach the assembly through go_asm.h; keep the types fixed-size.
type launchArgs struct {
	allMask   uint64    // sigset with every signal: blocked across the clone
	oldMask   uint64    // the parent thread's mask, restored after the clone
	emptyMask uint64    // the guest's mask: nothing blocked
	dfl       [4]uint64 // struct sigaction with SIG_DFL, no flags, empty mask
	fds       [66]int64 // fds to dup3 to 3, 4, ...: devices (<= 63), epoll, timer
	nfds      uint64    // entries used in fds
	prog      *unix.SockFprog
	sp        uint64 // guest stack pointer at entry
	entry     uint64 // e_entry
	bootInfo  uint64 // first argument: SPTBootInfoBase
	ppid      uint64 // the tender's pid, which the child checks after PR_SET_PDEATHSIG
}

// rawLaunch blocks all signals, clones with SIGCHLD only and, in the parent,
// restores the mask and returns the child's pid (or -errno). The child never
// returns: it resets every signal handler, unblocks signals, moves the fds,
// closes the rest, asks for SIGKILL when the tender dies, sets no_new_privs,
// installs the filter and jumps to the guest; any failure there is
// exit_group(1). Implemented in launch_$GOARCH.s.
//
//go:noescape
func rawLaunch(a *launchArgs) int64

// launch starts the guest and returns its wait status.
func launch(g *guest) unix.WaitStatus {
	// PR_SET_PDEATHSIG follows the thread that cloned: keep it alive until exit.
	runtime.LockOSThread()
	g.args.ppid = uint64(unix.Getpid())
	restore := func() {}
	if g.dataBudget != 0 { // a libOS layout: the child's memory bound (limitData)
		var err error
		if restore, err = limitData(g.dataBudget); err != nil {
			tender.Fatalf("%v", err)
		}
	}
	pid := rawLaunch(&g.args)
	restore()
	runtime.KeepAlive(g)
	if pid < 0 {
		tender.Fatalf("clone: %v", unix.Errno(-pid))
	}
	// Registered only now, off the path to guest entry (it costs a thread).
	// A TERM/INT arriving before this kills the tender by Go's default
	// action, and PR_SET_PDEATHSIG then kills the guest: the same end.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT)
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
