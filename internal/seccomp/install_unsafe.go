// The pointer-taking parts of installing a filter: struct sock_fprog and the raw syscall.
package seccomp

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Fprog returns a struct sock_fprog pointing at prog's instructions, for callers that pass
// it to the kernel from assembly. The caller must keep prog alive (runtime.KeepAlive)
// until the kernel has copied it. prog is checked first.
func Fprog(prog []unix.SockFilter) (*unix.SockFprog, error) {
	if err := Check(prog); err != nil {
		return nil, err
	}
	return &unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}, nil
}

// FprogAddr is Fprog as an address, for assembly that takes a uintptr.
func FprogAddr(fp *unix.SockFprog) uintptr { return uintptr(unsafe.Pointer(fp)) }

func seccompSetFilter(prog []unix.SockFilter, flags uint) (uintptr, unix.Errno) {
	fp := &unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]} // InstallFlags checked prog
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), uintptr(unsafe.Pointer(fp)))
	runtime.KeepAlive(prog)
	runtime.KeepAlive(fp)
	return r, errno
}
