// Raw memory of the launch: the launch page, and the signal disposition reset Go's os/signal cannot do.
package spt

import (
	"bytes"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setDefaultAction sets sig's kernel disposition to SIG_DFL (a zeroed struct sigaction).
func setDefaultAction(sig unix.Signal) {
	var sa [4]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
}

// newLaunchPage maps a private page (or a few) outside the Go heap and copies a and the
// filter program into it: what the child still reads after it has unmapped the tender.
func newLaunchPage(a *launchArgs, prog []unix.SockFilter) (*launchArgs, error) {
	head := (unsafe.Sizeof(launchArgs{}) + 7) &^ 7
	size := (uint64(head) + uint64(len(prog))*uint64(unsafe.Sizeof(unix.SockFilter{})) + pageSize - 1) &^ (pageSize - 1)
	if len(prog) > 0xffff {
		return nil, fmt.Errorf("seccomp filter: %d instructions", len(prog))
	}
	b, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("launch page: %v", err)
	}
	p := (*launchArgs)(unsafe.Pointer(&b[0]))
	*p = *a
	f := unsafe.Slice((*unix.SockFilter)(unsafe.Pointer(&b[head])), len(prog))
	copy(f, prog)
	p.fprog = unix.SockFprog{Len: uint16(len(prog))}
	if len(prog) > 0 {
		p.fprog.Filter = &f[0]
	}
	p.prog = &p.fprog
	p.page, p.pageLen = uint64(uintptr(unsafe.Pointer(&b[0]))), size
	return p, nil
}

// waiterCodeBytes is waiterCode's text through its end marker, read no further than the
// marker (or a page, for waiterImage to refuse).
func waiterCodeBytes() []byte {
	start := uintptr(waiterCodePC())
	n := uintptr(0)
	for n < pageSize && !bytes.HasSuffix(unsafe.Slice((*byte)(guestPtr(uint64(start))), n), waiterMarker) {
		n++
	}
	return unsafe.Slice((*byte)(guestPtr(uint64(start))), n)
}
