// Raw signal disposition reset: Go's os/signal cannot take a handler away from the runtime.
package spt

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// setDefaultAction sets sig's kernel disposition to SIG_DFL (a zeroed struct sigaction).
func setDefaultAction(sig unix.Signal) {
	var sa [4]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
}
