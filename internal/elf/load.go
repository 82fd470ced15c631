// The PT_LOAD rules of the Solo5 loader.
package elf

import (
	"debug/elf"
	"math/bits"

	"github.com/nabla-containers/nabla/abi"
)

// addLoad validates program header i (a PT_LOAD) and records it. Checks follow upstream
// elf_load: ascending, non-overlapping, power-of-2 alignment, page-aligned bounds,
// filesz <= memsz, contents inside the file, no W+X, at or above GuestMinBase.
func (img *Image) addLoad(i int, p []byte, size int64) error {
	s := Segment{
		Flags:  le.Uint32(p[4:]),
		Offset: le.Uint64(p[8:]),
		Vaddr:  le.Uint64(p[16:]),
		Filesz: le.Uint64(p[32:]),
		Memsz:  le.Uint64(p[40:]),
		Align:  le.Uint64(p[48:]),
	}
	// Vaddr and Memsz are each checked against the span before adding, so the sums
	// below cannot overflow.
	const limit = abi.GuestMinBase + maxImageSpan
	if s.Filesz == 0 {
		// bss-only (or empty) segment: upstream neither loads nor checks it, and the
		// linker may place it anywhere after the data, so only its extent is checked,
		// for CheckMemory. An empty .tdata sits at vaddr 0 with memsz 0.
		if s.Memsz == 0 {
			return nil
		}
		if s.Vaddr >= limit || s.Memsz > maxImageSpan || s.Vaddr+s.Memsz > limit {
			return errorf("segment %d: [%#x, +%#x) reaches beyond %#x", i, s.Vaddr, s.Memsz, uint64(limit))
		}
		img.MemEnd = max(img.MemEnd, s.Vaddr+s.Memsz)
		return nil
	}
	if s.Filesz > s.Memsz {
		return errorf("segment %d: file size %#x exceeds memory size %#x", i, s.Filesz, s.Memsz)
	}
	if s.Flags&uint32(elf.PF_W) != 0 && s.Flags&uint32(elf.PF_X) != 0 {
		return errorf("segment %d is both writable and executable", i)
	}
	if s.Vaddr < abi.GuestMinBase {
		return errorf("segment %d: address %#x is below %#x", i, s.Vaddr, abi.GuestMinBase)
	}
	if s.Align == 0 || s.Align&(s.Align-1) != 0 {
		return errorf("segment %d: alignment %#x is not a power of 2", i, s.Align)
	}
	if s.Align > maxImageSpan {
		return errorf("segment %d: alignment %#x is too large", i, s.Align)
	}
	if s.Vaddr >= limit || s.Memsz > maxImageSpan {
		return errorf("segment %d: [%#x, +%#x) reaches beyond %#x", i, s.Vaddr, s.Memsz, uint64(limit))
	}
	start := s.Vaddr &^ (s.Align - 1)
	end := (s.Vaddr + s.Memsz + s.Align - 1) &^ (s.Align - 1)
	if end > limit {
		return errorf("segment %d: end %#x reaches beyond %#x", i, end, uint64(limit))
	}
	if start%abi.PageSize != 0 || end%abi.PageSize != 0 {
		return errorf("segment %d: [%#x, %#x) is not 4 KiB aligned", i, start, end)
	}
	if start < abi.GuestMinBase {
		return errorf("segment %d: aligned start %#x is below %#x", i, start, abi.GuestMinBase)
	}
	fend, carry := bits.Add64(s.Offset, s.Filesz, 0)
	if carry != 0 || fend > uint64(size) {
		return errorf("segment %d: contents (offset %#x, %#x bytes) are outside the file", i, s.Offset, s.Filesz)
	}
	if n := len(img.Segments); n > 0 && start < img.KernelEnd {
		return errorf("segment %d overlaps segment %d or is out of order (starts at %#x, previous ends at %#x)", i, img.lastLoad, start, img.KernelEnd)
	}
	img.Segments = append(img.Segments, s)
	img.lastLoad = i
	img.KernelEnd = end
	img.MemEnd = max(img.MemEnd, end)
	return nil
}
