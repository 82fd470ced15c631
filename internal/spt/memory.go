// Guest memory: its limit in this process, the fixed mapping, the image load and the boot region.
package spt

import (
	"bytes"
	"debug/elf"
	"fmt"
	"strconv"

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

// loadSegments loads each segment at its address and applies its protection. The whole
// pages of a read-only segment are a private mapping of the image file (sharedPages), so
// guests of one image share them in the page cache; the rest (partial pages, writable
// segments) is copied. The bss tails need no zeroing: the mapping is fresh and only
// [vaddr, vaddr+filesz) is written, so writing zeros would only fault in pages.
func loadSegments(fd int, img *nelf.Image, name string) error {
	for _, s := range img.Segments {
		if s.Flags&uint32(elf.PF_W) != 0 && s.Flags&uint32(elf.PF_X) != 0 {
			return fmt.Errorf("%s: invalid executable: segment at %#x is writable and executable", name, s.Vaddr)
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
		end := s.Vaddr + s.Filesz
		lo, hi, off, shared := sharedPages(s)
		if !shared {
			lo, hi = end, end
		}
		for _, r := range [][2]uint64{{s.Vaddr, lo}, {hi, end}} {
			if r[1] <= r[0] {
				continue
			}
			if _, err := tender.FDReader(fd).ReadAt(guestBytes(r[0], r[1]-r[0]), int64(s.Offset+r[0]-s.Vaddr)); err != nil {
				return fmt.Errorf("%s: reading segment at %#x: %v", name, s.Vaddr, err)
			}
		}
		if shared {
			if err := mapShared(fd, lo, hi, off, prot); err != nil {
				return fmt.Errorf("%s: mapping segment at %#x: %v", name, s.Vaddr, err)
			}
		}
		pstart := s.Vaddr &^ (pageSize - 1)
		pend := (s.Vaddr + s.Memsz + pageSize - 1) &^ (pageSize - 1)
		if err := unix.Mprotect(guestBytes(pstart, pend-pstart), prot); err != nil {
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

// childDataLimit is the RLIMIT_DATA the child sets on itself once it has unmapped the
// tender (the kernel's count of private writable memory, which mprotect to read-write is
// checked against): the private writable bytes left in [lo, hi), the guest's, plus
// budget. A lower limit the user set stays. Set in the child, never in the tender, so
// the Go runtime never runs under it.
func childDataLimit(budget, lo, hi uint64) (unix.Rlimit, error) {
	var buf [16 << 10]byte
	b, err := readProcFile("/proc/self/maps", buf[:])
	if err != nil {
		return unix.Rlimit{}, err
	}
	if len(b) == len(buf) {
		return unix.Rlimit{}, fmt.Errorf("/proc/self/maps: longer than %d bytes", len(buf))
	}
	used, err := writableIn(b, lo, hi)
	if err != nil {
		return unix.Rlimit{}, err
	}
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_DATA, &old); err != nil {
		return unix.Rlimit{}, fmt.Errorf("getrlimit(RLIMIT_DATA): %v", err)
	}
	return unix.Rlimit{Cur: min(old.Cur, old.Max, used+budget), Max: old.Max}, nil
}

// writableIn sums the private writable mappings of a /proc/self/maps text inside [lo, hi).
func writableIn(b []byte, lo, hi uint64) (uint64, error) {
	var sum uint64
	for len(b) > 0 {
		line := b
		if i := indexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		start, end, perm, ok := mapsRange(line)
		if !ok {
			return 0, fmt.Errorf("/proc/self/maps: bad line %q", line)
		}
		// [stack] is not in the kernel's data count (VM_STACK).
		if start >= lo && end <= hi && perm[1] == 'w' && perm[3] == 'p' && !bytes.HasSuffix(line, []byte("[stack]")) {
			sum += end - start
		}
	}
	return sum, nil
}

// mapsRange reads "start-end perm" at the head of a maps line.
func mapsRange(line []byte) (start, end uint64, perm []byte, ok bool) {
	dash, sp := indexByte(line, '-'), indexByte(line, ' ')
	if dash <= 0 || sp <= dash+1 || len(line) < sp+5 {
		return 0, 0, nil, false
	}
	start, err1 := strconv.ParseUint(string(line[:dash]), 16, 64)
	end, err2 := strconv.ParseUint(string(line[dash+1:sp]), 16, 64)
	if err1 != nil || err2 != nil || end < start {
		return 0, 0, nil, false
	}
	return start, end, line[sp+1 : sp+5], true
}
