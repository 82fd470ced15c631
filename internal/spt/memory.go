// Guest memory: its limit in this process, the fixed mapping, the image copy and the boot region.
package spt

import (
	"debug/elf"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/tender"
)

const pageSize = 0x1000

// mapGuest maps [SPTHostMemBase, memSize) private, anonymous and zeroed,
// refusing to replace anything already there.
func mapGuest(memSize uint64) error {
	return mapRange(memSize, unix.PROT_READ|unix.PROT_WRITE, 0)
}

// mapLibOS lays out the memory of a libOS image (LibOSInfo.Layout): [SPTHostMemBase, end)
// PROT_NONE and unaccounted (it costs address space only), then read-write where the
// tender writes and the guest starts: the image and boot region [SPTHostMemBase, rwEnd)
// and the boot stack [stackLo, stackHi).
func mapLibOS(end, rwEnd, stackLo, stackHi uint64) error {
	if err := mapRange(end, unix.PROT_NONE, unix.MAP_NORESERVE); err != nil {
		return err
	}
	for _, r := range [][2]uint64{{abi.SPTHostMemBase, rwEnd}, {stackLo, stackHi}} {
		if err := unix.Mprotect(guestBytes(r[0], r[1]-r[0]), unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return fmt.Errorf("guest memory [%#x, %#x): mprotect: %v", r[0], r[1], err)
		}
	}
	return nil
}

// mapRange maps [SPTHostMemBase, end) private, anonymous, zeroed and prot,
// refusing to replace anything already there.
func mapRange(memSize uint64, prot int, flags int) error {
	length := memSize - abi.SPTHostMemBase
	r, _, errno := unix.Syscall6(unix.SYS_MMAP, abi.SPTHostMemBase, uintptr(length),
		uintptr(prot), uintptr(unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED_NOREPLACE|flags), ^uintptr(0), 0)
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
		if _, err := tender.FDReader(fd).ReadAt(guestBytes(s.Vaddr, s.Filesz), int64(s.Offset)); err != nil {
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

// limitData caps RLIMIT_DATA (the kernel's count of private writable memory, which
// mprotect to read-write is checked against) at this process's present VmData plus
// budget, for the child a clone made now inherits; restore puts the old limit back in
// the tender. A lower limit the user set stays. The window is a few system calls, and
// the tender's own heap may still grow by budget in it.
func limitData(budget uint64) (restore func(), err error) {
	used, err := vmData()
	if err != nil {
		return nil, err
	}
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_DATA, &old); err != nil {
		return nil, fmt.Errorf("getrlimit(RLIMIT_DATA): %v", err)
	}
	lim := old
	lim.Cur = min(old.Cur, old.Max, used+budget)
	if err := unix.Setrlimit(unix.RLIMIT_DATA, &lim); err != nil {
		return nil, fmt.Errorf("setrlimit(RLIMIT_DATA): %v", err)
	}
	return func() { unix.Setrlimit(unix.RLIMIT_DATA, &old) }, nil
}

// vmData reads this process's VmData (bytes) from /proc/self/status.
func vmData() (uint64, error) {
	var buf [8 << 10]byte
	b, err := readProcFile("/proc/self/status", buf[:])
	if err != nil {
		return 0, err
	}
	return parseVmData(b)
}

// parseVmData finds the "VmData:   1234 kB" line.
func parseVmData(b []byte) (uint64, error) {
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmData:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			break
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil || kb > 1<<50 {
			break
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("/proc/self/status: no VmData line")
}
