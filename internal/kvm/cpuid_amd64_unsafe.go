// CPUID buffers: struct kvm_cpuid2 is a header followed by a variable array.

//go:build amd64

package kvm

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawCPUID allocates a kvm_cpuid2 with n entries as a byte buffer, 8-aligned.
func rawCPUID(n int) []uint64 {
	size := 8 + n*int(unsafe.Sizeof(cpuidEntry{}))
	buf := make([]uint64, (size+7)/8)
	*(*uint32)(unsafe.Pointer(&buf[0])) = uint32(n)
	return buf
}

func getSupportedCPUID(fd int, n int) ([]uint64, error) {
	buf := rawCPUID(n)
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), kvmGetSupportedCPU, uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return nil, e
	}
	return buf, nil
}

func setCPUID2(fd int, buf []uint64) error {
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), kvmSetCPUID2, uintptr(unsafe.Pointer(&buf[0])))
	if e != 0 {
		return e
	}
	return nil
}
