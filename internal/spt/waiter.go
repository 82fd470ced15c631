// The waiter: once the guest runs, the tender execs into a tiny program that waits for it, forwards signals and exits as it did.
package spt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// The waiter's ELF (waiterImage): its text at waiterBase (headers, then waiterCode's
// bytes at waiterText) and its data page at waiterData, laid out as the assembly reads it.
const (
	waiterBase = 0x400000
	waiterText = 0x100 // file offset and offset from waiterBase of the code
	waiterData = 0x410000
	// Offsets in the data page (waiter_$GOARCH.s).
	wPid    = 0
	wBlock  = 16  // sigset: forwarded signals and SIGCHLD
	wName   = 24  // comm, NUL-terminated, at most 15 bytes
	wMsgLen = 120 // length of the message at wMsg
	wMsg    = 256
	// wStatus 40, wDfl 48 (zero struct sigaction), wOne 80, wRlim 88 (zero rlimit),
	// wInfo 128 (struct signalfd_siginfo): zero in the file.
	wDataLen = wMsg + 64
)

// waiterMarker ends waiterCode's bytes.
var waiterMarker = []byte("NABLAWEN")

// waiterCode is the waiter's text (waiter_$GOARCH.s); never called.
func waiterCode()

// waiterCodePC is the address of waiterCode's own code (not a Go wrapper's).
func waiterCodePC() uint64

// forwardedSignals are passed on to the guest: TERM and INT always (as the tender always
// has), HUP, QUIT, USR1 and USR2 unless the tender was started with them ignored (nohup,
// a background job), which the exec then keeps ignored.
func forwardedSignals() []unix.Signal {
	sigs := []unix.Signal{unix.SIGTERM, unix.SIGINT}
	for _, s := range []unix.Signal{unix.SIGHUP, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}

// sigBit is sig's bit in a kernel sigset.
func sigBit(s unix.Signal) uint64 { return 1 << (uint(s) - 1) }

// waiterImage builds the waiter's static ELF for machine from its code, for guest pid,
// blocking (and reading from a signalfd) the signals in block.
func waiterImage(machine uint16, code []byte, pid int, block uint64) ([]byte, error) {
	i := bytes.Index(code, waiterMarker)
	if i < 0 {
		return nil, errors.New("waiter: no end marker in its code")
	}
	code = code[:i]
	if waiterText+len(code) > pageSize {
		return nil, fmt.Errorf("waiter: %d bytes of code do not fit a page", len(code))
	}
	img := make([]byte, pageSize+wDataLen)
	le := binary.LittleEndian
	// ELF header.
	copy(img, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1})
	le.PutUint16(img[16:], 2) // ET_EXEC
	le.PutUint16(img[18:], machine)
	le.PutUint32(img[20:], 1)
	le.PutUint64(img[24:], waiterBase+waiterText)
	le.PutUint64(img[32:], 64) // e_phoff
	le.PutUint16(img[52:], 64) // e_ehsize
	le.PutUint16(img[54:], 56) // e_phentsize
	le.PutUint16(img[56:], 3)  // e_phnum
	ph := func(n int, typ, flags uint32, off, vaddr, filesz, memsz uint64) {
		p := img[64+56*n:]
		le.PutUint32(p[0:], typ)
		le.PutUint32(p[4:], flags)
		le.PutUint64(p[8:], off)
		le.PutUint64(p[16:], vaddr)
		le.PutUint64(p[24:], vaddr)
		le.PutUint64(p[32:], filesz)
		le.PutUint64(p[40:], memsz)
		le.PutUint64(p[48:], pageSize)
	}
	textLen := uint64(waiterText + len(code))
	ph(0, 1, 5, 0, waiterBase, textLen, textLen)          // PT_LOAD R+X
	ph(1, 1, 6, pageSize, waiterData, wDataLen, pageSize) // PT_LOAD R+W
	ph(2, 0x6474e551, 6, 0, 0, 0, 0)                      // PT_GNU_STACK RW
	copy(img[waiterText:], code)
	d := img[pageSize:]
	le.PutUint64(d[wPid:], uint64(pid))
	le.PutUint64(d[wBlock:], block)
	copy(d[wName:wName+15], Prog)
	msg := Prog + ": waiting for the guest failed\n"
	le.PutUint64(d[wMsgLen:], uint64(len(msg)))
	copy(d[wMsg:], msg)
	return img, nil
}

// execWaiter replaces the tender with the waiter for guest pid, from the thread that
// cloned the guest (so its PR_SET_PDEATHSIG still refers to a living thread), which must
// be the main thread. It only
// returns on failure, with the tender as it was: the caller then waits in Go.
func execWaiter(pid int) error {
	if unix.Gettid() != unix.Getpid() {
		// Not the main thread (cmd/nabla-spt locks main to it): the exec would show the
		// pid as a zombie for a moment. Wait in Go instead.
		return errors.New("waiter: not on the main thread")
	}
	sigs := forwardedSignals()
	block := sigBit(unix.SIGCHLD)
	for _, s := range sigs {
		block |= sigBit(s)
	}
	img, err := waiterImage(uint16(hostMachine()), waiterCodeBytes(), pid, block)
	if err != nil {
		return err
	}
	fd, err := unix.MemfdCreate(Prog, unix.MFD_CLOEXEC|unix.MFD_EXEC)
	if err == unix.EINVAL { // a kernel before 6.3 knows no MFD_EXEC
		fd, err = unix.MemfdCreate(Prog, unix.MFD_CLOEXEC)
	}
	if err != nil {
		return fmt.Errorf("waiter: memfd_create: %v", err)
	}
	defer unix.Close(fd)
	for b := img; len(b) > 0; {
		n, err := unix.Write(fd, b)
		if err != nil {
			return fmt.Errorf("waiter: write: %v", err)
		}
		b = b[n:]
	}
	// Blocked on this thread across the exec: the waiter reads them from a signalfd, so
	// one that arrives meanwhile is not lost. (One the Go runtime takes on another thread
	// before the exec ends the tender, and PR_SET_PDEATHSIG the guest: the same end.)
	var set, old unix.Sigset_t
	set.Val[0] = block
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return fmt.Errorf("waiter: sigprocmask: %v", err)
	}
	err = syscall.Exec("/proc/self/fd/"+strconv.Itoa(fd), os.Args, os.Environ())
	unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return fmt.Errorf("waiter: exec: %v", err)
}
