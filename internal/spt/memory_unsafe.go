// The one place guest addresses become Go memory: guest address == tender address in spt.
package spt

import (
	"unsafe"

	"github.com/nabla-containers/nabla/abi"
)

// sptBootInfoSize is sizeof(struct spt_boot_info), 40 bytes.
const sptBootInfoSize = unsafe.Sizeof(abi.SPTBootInfo{})

// guestPtr turns a guest address (inside the mapping mapGuest made, which
// lives until the process ends) into a pointer. The address is reinterpreted
// rather than converted because it does not come from Go.
func guestPtr(addr uint64) unsafe.Pointer {
	a := uintptr(addr)
	return *(*unsafe.Pointer)(unsafe.Pointer(&a))
}

// guestBytes is a slice over guest memory [addr, addr+n).
func guestBytes(addr, n uint64) []byte {
	return unsafe.Slice((*byte)(guestPtr(addr)), n)
}

// putBootInfo stores the boot info at SPTBootInfoBase with abi's C layout.
func putBootInfo(bi abi.SPTBootInfo) {
	*(*abi.SPTBootInfo)(guestPtr(abi.SPTBootInfoBase)) = bi
}
