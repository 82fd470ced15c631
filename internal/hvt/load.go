// Copying a validated image into guest memory and the boot information it starts with.
package hvt

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/guestmem"
)

const pageSize = 0x1000

// roRange is a page-aligned range the tender will make read-only on the host after
// loading (text and rodata), so that KVM maps it read-only for the guest too.
type roRange struct{ start, end uint64 }

// loadImage copies every segment's file bytes to its address (the rest of memory is
// already zero) and returns the ranges to protect.
func loadImage(m *guestmem.Mem, img *nelf.Image, r io.ReaderAt) ([]roRange, error) {
	var ro []roRange
	for _, s := range img.Segments {
		if s.Filesz > s.Memsz {
			return nil, fmt.Errorf("segment at %#x: file size %#x exceeds memory size %#x", s.Vaddr, s.Filesz, s.Memsz)
		}
		dst, err := m.Slice(guestmem.GPA(s.Vaddr), s.Memsz)
		if err != nil || s.Vaddr < abi.GuestMinBase {
			return nil, fmt.Errorf("segment at %#x (%#x bytes) does not fit guest memory", s.Vaddr, s.Memsz)
		}
		if n, err := r.ReadAt(dst[:s.Filesz], int64(s.Offset)); uint64(n) != s.Filesz {
			return nil, fmt.Errorf("reading segment at %#x: %v", s.Vaddr, err)
		}
		if s.Flags&uint32(elf.PF_W) == 0 {
			start := s.Vaddr &^ (pageSize - 1)
			end := (s.Vaddr + s.Memsz + pageSize - 1) &^ (pageSize - 1)
			if end > m.Size() {
				end = m.Size()
			}
			ro = append(ro, roRange{start, end})
		}
	}
	return ro, nil
}

// bootInfoLayout gives where the manifest copy and command line go after the boot info.
func bootInfoLayout(mftLen int) (mftGPA, cmdGPA uint64) {
	const bootInfoSize = 56
	mftGPA = abi.HVTBootInfoBase + bootInfoSize
	cmdGPA = mftGPA + uint64(mftLen)
	return
}

// writeBootInfo writes struct hvt_boot_info, the manifest copy and the NUL-terminated
// command line into the read-only low area. The ring is not offered: host_features and
// net_ring stay 0, so guests use the NET_* hypercalls.
func writeBootInfo(m *guestmem.Mem, memSize, kernelEnd, freq uint64, mft []byte, cmdline string) error {
	if len(cmdline) >= abi.CmdlineSize {
		return fmt.Errorf("guest command line too long (max=%d characters)", abi.CmdlineSize-1)
	}
	mftGPA, cmdGPA := bootInfoLayout(len(mft))
	if cmdGPA+abi.CmdlineSize > abi.GuestMinBase {
		return fmt.Errorf("manifest of %d bytes does not fit below %#x", len(mft), abi.GuestMinBase)
	}
	bi, err := m.Slice(abi.HVTBootInfoBase, 56)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	le.PutUint64(bi[0:], memSize)
	le.PutUint64(bi[8:], kernelEnd)
	le.PutUint64(bi[16:], freq)
	le.PutUint64(bi[24:], cmdGPA)
	le.PutUint64(bi[32:], mftGPA)
	le.PutUint32(bi[40:], 0) // host_features
	le.PutUint32(bi[44:], 0) // guest_features
	le.PutUint64(bi[48:], 0) // net_ring
	dst, err := m.Slice(guestmem.GPA(mftGPA), uint64(len(mft)))
	if err != nil {
		return err
	}
	copy(dst, mft)
	cmd, err := m.Slice(guestmem.GPA(cmdGPA), uint64(len(cmdline))+1)
	if err != nil {
		return err
	}
	copy(cmd, cmdline)
	cmd[len(cmdline)] = 0
	return nil
}
