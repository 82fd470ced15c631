// Guest memory: its limit in this process, the fixed mapping, the image copy and the boot region.
package spt

import (
	"debug/elf"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/tender"
)

const pageSize = 0x1000

// mapGuest maps [SPTHostMemBase, memSize) private, anonymous and zeroed,
// refusing to replace anything already there.
func mapGuest(memSize uint64) error {
	length := memSize - abi.SPTHostMemBase
	r, _, errno := unix.Syscall6(unix.SYS_MMAP, abi.SPTHostMemBase, uintptr(length),
		unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED_NOREPLACE, ^uintptr(0), 0)
	if errno == unix.EEXIST {
		return fmt.Errorf("guest memory [%#x, %#x) overlaps a mapping of the tender; try a smaller --mem", abi.SPTHostMemBase, memSize)
	}
	if errno == unix.ENOMEM {
		return fmt.Errorf("--mem=%d: the host will not commit that much memory (%v)", memSize/tender.MiB, errno)
	}
	if errno != 0 {
		return fmt.Errorf("mapping %d MiB of guest memory: %v", memSize/tender.MiB, errno)
	}
	if r != abi.SPTHostMemBase {
		// A kernel older than 4.17 takes MAP_FIXED_NOREPLACE as a hint.
		unix.Syscall(unix.SYS_MUNMAP, r, uintptr(length), 0)
		return fmt.Errorf("guest memory could not be mapped at %#x (got %#x)", abi.SPTHostMemBase, r)
	}
	return nil
}

// loadSegments copies each loadable segment from the file to its address and
// applies its protection. The bss tails need no zeroing: the mapping is fresh
// and only [vaddr, vaddr+filesz) is written, so writing zeros would only
// fault in pages.
func loadSegments(fd int, img *nelf.Image, name string) error {
	for _, s := range img.Segments {
		if s.Flags&uint32(elf.PF_W) != 0 && s.Flags&uint32(elf.PF_X) != 0 {
			return fmt.Errorf("%s: invalid executable: segment at %#x is writable and executable", name, s.Vaddr)
		}
		if _, err := fdReaderAt(fd).ReadAt(guestBytes(s.Vaddr, s.Filesz), int64(s.Offset)); err != nil {
			return fmt.Errorf("%s: reading segment at %#x: %v", name, s.Vaddr, err)
		}
		prot := 0
		if s.Flags&uint32(elf.PF_R) != 0 {
			prot |= unix.PROT_READ
		}
		if s.Flags&uint32(elf.PF_W) != 0 {
			prot |= unix.PROT_WRITE
		}
		if s.Flags&uint32(elf.PF_X) != 0 {
			prot |= unix.PROT_EXEC
		}
		start := s.Vaddr &^ (pageSize - 1)
		end := (s.Vaddr + s.Memsz + pageSize - 1) &^ (pageSize - 1)
		if err := unix.Mprotect(guestBytes(start, end-start), prot); err != nil {
			return fmt.Errorf("%s: mprotect segment at %#x: %v", name, s.Vaddr, err)
		}
	}
	return nil
}

// writeBootRegion writes struct spt_boot_info at SPTBootInfoBase, the
// manifest copy right after it, then the NUL-terminated command line.
func writeBootRegion(img *nelf.Image, mftCopy []byte, memSize uint64, cmdline string, epfd, tfd int) error {
	mftAddr := uint64(abi.SPTBootInfoBase + sptBootInfoSize)
	cmdAddr := mftAddr + uint64(len(mftCopy))
	end := cmdAddr + uint64(len(cmdline)) + 1
	if end > abi.GuestMinBase {
		return fmt.Errorf("boot information (%d bytes) does not fit below %#x", end-abi.SPTBootInfoBase, abi.GuestMinBase)
	}
	putBootInfo(abi.SPTBootInfo{
		MemSize: memSize, KernelEnd: img.KernelEnd, Cmdline: cmdAddr, MFT: mftAddr,
		EpollFD: int32(epfd), TimerFD: int32(tfd),
	})
	b := guestBytes(abi.SPTBootInfoBase, end-abi.SPTBootInfoBase)
	copy(b[sptBootInfoSize:], mftCopy)
	copy(b[cmdAddr-abi.SPTBootInfoBase:], cmdline)
	b[len(b)-1] = 0
	return nil
}
