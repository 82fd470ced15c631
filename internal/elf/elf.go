// Package elf parses and validates an untrusted Solo5 unikernel image (ELF64 executable).
//
// It applies the loader rules of upstream Solo5 (tenders/common/elf.c) and reads the
// Solo5 ABI1 and MFT1 notes. Nothing from the file is trusted: every offset and size is
// checked against the file and for overflow, and every problem is a one-line error.
package elf

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"github.com/nabla-containers/nabla/abi"
)

// Segment is one loadable segment (PT_LOAD with Filesz > 0).
type Segment struct {
	Vaddr, Offset, Filesz, Memsz, Align uint64
	Flags                               uint32 // elf.PF_R/W/X
}

// NoteKey names a note found in the image.
type NoteKey struct {
	Name string
	Type uint32
}

// Image is a validated image.
type Image struct {
	Machine    uint16 // elf.EM_X86_64 or elf.EM_AARCH64
	Entry      uint64
	Segments   []Segment // PT_LOAD with Filesz > 0, ascending, validated
	KernelEnd  uint64    // highest aligned end of a loaded segment
	ABITarget  uint32
	ABIVersion uint32
	Manifest   []byte // raw struct mft bytes from the MFT1 note (padding removed); nil if absent
	// MemEnd is the highest end of any PT_LOAD, bss (Filesz 0) included.
	MemEnd uint64
	// Notes holds every note descriptor found in PT_NOTE segments other than the Solo5
	// ABI1 and MFT1 notes (the first of each key wins), for later users such as the
	// library OS.
	Notes map[NoteKey][]byte

	lastLoad   int    // program header index of the last loaded segment, for messages
	noteBudget uint64 // bytes of note segments still to read for collecting notes
}

const (
	ehdrSize = 64
	phdrSize = 56
	// maxImageSpan caps how far above GuestMinBase any segment may reach: neither
	// tender can give a guest more than this, and it keeps every sum far from overflow.
	maxImageSpan = 4 << 30
	// maxNoteSegment bounds how much of one PT_NOTE is read to collect notes, and
	// maxNoteBytes how much of all of them.
	maxNoteSegment = 64 << 10
	maxNoteBytes   = 1 << 20
)

var le = binary.LittleEndian

// errorf makes the one-line "invalid executable: ..." error of a rule violation.
func errorf(format string, args ...any) error {
	return fmt.Errorf("invalid executable: "+format, args...)
}

// readAt reads exactly n bytes at off, checking the range against the file size first.
func readAt(r io.ReaderAt, size int64, off, n uint64, what string) ([]byte, error) {
	end, carry := bits.Add64(off, n, 0)
	if carry != 0 || size < 0 || end > uint64(size) {
		return nil, errorf("%s (offset %#x, %d bytes) is outside the file (%d bytes)", what, off, n, size)
	}
	b := make([]byte, n)
	// A ReaderAt may report io.EOF along with a complete read at the end of the file.
	if got, err := r.ReadAt(b, int64(off)); got != len(b) {
		return nil, fmt.Errorf("reading %s: %v", what, err)
	}
	return b, nil
}

// Parse reads and validates an image of the given size.
func Parse(r io.ReaderAt, size int64) (*Image, error) {
	if size < ehdrSize {
		return nil, errorf("file is %d bytes, too short for an ELF header", size)
	}
	h, err := readAt(r, size, 0, ehdrSize, "ELF header")
	if err != nil {
		return nil, err
	}
	if string(h[:4]) != elf.ELFMAG {
		return nil, errorf("not an ELF file")
	}
	if elf.Class(h[elf.EI_CLASS]) != elf.ELFCLASS64 {
		return nil, errorf("not a 64-bit ELF file (class %d)", h[elf.EI_CLASS])
	}
	if elf.Data(h[elf.EI_DATA]) != elf.ELFDATA2LSB {
		return nil, errorf("not a little-endian ELF file")
	}
	if elf.Version(h[elf.EI_VERSION]) != elf.EV_CURRENT || elf.Version(le.Uint32(h[20:])) != elf.EV_CURRENT {
		return nil, errorf("unsupported ELF version")
	}
	typ := elf.Type(le.Uint16(h[16:]))
	machine := elf.Machine(le.Uint16(h[18:]))
	entry := le.Uint64(h[24:])
	phoff := le.Uint64(h[32:])
	ehsize := le.Uint16(h[52:])
	phentsize := le.Uint16(h[54:])
	phnum := le.Uint16(h[56:])
	if typ != elf.ET_EXEC {
		return nil, errorf("not an executable (type %v)", typ)
	}
	if machine != elf.EM_X86_64 && machine != elf.EM_AARCH64 {
		return nil, errorf("unsupported machine %v", machine)
	}
	if ehsize != ehdrSize {
		return nil, errorf("ELF header size %d, want %d", ehsize, ehdrSize)
	}
	if phentsize != phdrSize {
		return nil, errorf("program header size %d, want %d", phentsize, phdrSize)
	}
	if phnum == 0 {
		return nil, errorf("no program headers")
	}
	ph, err := readAt(r, size, phoff, uint64(phnum)*phdrSize, "program header table")
	if err != nil {
		return nil, err
	}
	img := &Image{Machine: uint16(machine), Entry: entry, Notes: map[NoteKey][]byte{}, noteBudget: maxNoteBytes}
	var abiSeen bool
	for i := 0; i < int(phnum); i++ {
		p := ph[i*phdrSize:][:phdrSize]
		switch elf.ProgType(le.Uint32(p[0:])) {
		case elf.PT_LOAD:
			if err := img.addLoad(i, p, size); err != nil {
				return nil, err
			}
		case elf.PT_NOTE:
			if err := img.addNotes(r, size, i, p, &abiSeen); err != nil {
				return nil, err
			}
		}
	}
	if len(img.Segments) == 0 {
		return nil, errorf("no loadable segment")
	}
	// The entry must lie inside the loaded image.
	if entry < abi.GuestMinBase || entry >= img.KernelEnd {
		return nil, errorf("entry point %#x is outside the image [%#x, %#x)", entry, abi.GuestMinBase, img.KernelEnd)
	}
	if !abiSeen {
		return nil, errorf("missing Solo5 ABI1 note")
	}
	if img.ABIVersion != abi.ABIVersion {
		return nil, fmt.Errorf("executable requests unsupported ABI version %d", img.ABIVersion)
	}
	return img, nil
}

// CheckTarget refuses an image built for another ABI target than the tender's.
func (img *Image) CheckTarget(target uint32) error {
	if img.ABITarget != target {
		name := abi.TargetName(target)
		if name == "" {
			name = fmt.Sprint(target)
		}
		return fmt.Errorf("executable is not for the solo5-%s target", name)
	}
	return nil
}

// CheckMemory checks that every loaded segment and the entry point lie inside guest
// memory [GuestMinBase, memSize). bss segments count too, since the guest uses them.
func (img *Image) CheckMemory(memSize uint64) error {
	if img.MemEnd > memSize || img.KernelEnd > memSize {
		end := max(img.MemEnd, img.KernelEnd)
		return fmt.Errorf("image needs memory up to %#x, more than the guest memory size %#x", end, memSize)
	}
	if img.Entry < abi.GuestMinBase || img.Entry >= memSize {
		return fmt.Errorf("entry point %#x is outside guest memory [%#x, %#x)", img.Entry, abi.GuestMinBase, memSize)
	}
	return nil
}

// MachineName returns the architecture name of an ELF machine ("x86_64", "aarch64").
func MachineName(m uint16) string {
	switch elf.Machine(m) {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "aarch64"
	}
	return elf.Machine(m).String()
}
