// The KVM calls that pass pointers to the kernel; the only unsafe code of the package.
package kvm

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctlPtr issues an ioctl whose argument is a pointer to *p.
func ioctlPtr[T any](fd int, req uintptr, p *T) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(unsafe.Pointer(p)))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue // these setup calls have no effect until they succeed
		}
		return e
	}
}

// userMemoryRegion mirrors struct kvm_userspace_memory_region.
type userMemoryRegion struct {
	slot          uint32
	flags         uint32
	guestPhysAddr uint64
	memorySize    uint64
	userspaceAddr uint64
}

func setUserMemoryRegion(fd int, slot uint32, gpa uint64, mem []byte) error {
	r := userMemoryRegion{slot: slot, guestPhysAddr: gpa, memorySize: uint64(len(mem)),
		userspaceAddr: uint64(uintptr(unsafe.Pointer(&mem[0])))}
	return ioctlPtr(fd, kvmSetUserMemoryRegion, &r)
}

// storeRunByte writes byte off (< 4) of the page-aligned kvm_run area, which the vCPU
// thread's KVM_RUN reads, with an atomic read-modify-write of the first u32 so that the
// store is visible and does not tear neighbouring fields.
func storeRunByte(run []byte, off uint, v byte) {
	word := (*uint32)(unsafe.Pointer(&run[0]))
	shift := off * 8
	for {
		old := atomic.LoadUint32(word)
		nw := old&^(0xff<<shift) | uint32(v)<<shift
		if atomic.CompareAndSwapUint32(word, old, nw) {
			return
		}
	}
}
