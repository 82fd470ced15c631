// Package elftest builds synthetic Solo5 images in memory for tests and fuzz seeds.
package elftest

import (
	"debug/elf"
	"encoding/binary"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/mft"
)

var le = binary.LittleEndian

// Phdr is one program header as written to the file.
type Phdr struct {
	Type, Flags                         uint32
	Offset, Vaddr, Filesz, Memsz, Align uint64
}

// Chunk is data placed at a file offset.
type Chunk struct {
	Off  uint64
	Data []byte
}

// Spec describes an image; every header field is explicit so tests can break any one.
type Spec struct {
	Class, Data, IdentVersion byte
	Type, Machine             uint16
	Version                   uint32
	Entry, Phoff              uint64
	Ehsize, Phentsize         uint16
	Phnum                     int // -1: len(Phdrs)
	Phdrs                     []Phdr
	Chunks                    []Chunk
}

// Bytes serialises the image: header at 0, program headers at Phoff, then the chunks.
// The file ends at the end of the last thing written; data at absurd offsets is dropped.
func (s *Spec) Bytes() []byte {
	var b []byte
	put := func(off uint64, d []byte) {
		if off > 1<<24 {
			return // a deliberately absurd offset: nothing to write there
		}
		if need := off + uint64(len(d)); need > uint64(len(b)) {
			b = append(b, make([]byte, need-uint64(len(b)))...)
		}
		copy(b[off:], d)
	}
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS], h[elf.EI_DATA], h[elf.EI_VERSION] = s.Class, s.Data, s.IdentVersion
	le.PutUint16(h[16:], s.Type)
	le.PutUint16(h[18:], s.Machine)
	le.PutUint32(h[20:], s.Version)
	le.PutUint64(h[24:], s.Entry)
	le.PutUint64(h[32:], s.Phoff)
	le.PutUint16(h[52:], s.Ehsize)
	le.PutUint16(h[54:], s.Phentsize)
	n := s.Phnum
	if n < 0 {
		n = len(s.Phdrs)
	}
	le.PutUint16(h[56:], uint16(n))
	put(0, h)
	for i, p := range s.Phdrs {
		ph := make([]byte, 56)
		le.PutUint32(ph[0:], p.Type)
		le.PutUint32(ph[4:], p.Flags)
		le.PutUint64(ph[8:], p.Offset)
		le.PutUint64(ph[16:], p.Vaddr)
		le.PutUint64(ph[24:], p.Vaddr)
		le.PutUint64(ph[32:], p.Filesz)
		le.PutUint64(ph[40:], p.Memsz)
		le.PutUint64(ph[48:], p.Align)
		put(s.Phoff+uint64(i)*56, ph)
	}
	for _, c := range s.Chunks {
		put(c.Off, c.Data)
	}
	return b
}

// Note encodes one ELF note with 4-byte padding of name and descriptor.
func Note(name string, typ uint32, desc []byte) []byte {
	nm := append([]byte(name), 0)
	b := make([]byte, 12)
	le.PutUint32(b[0:], uint32(len(nm)))
	le.PutUint32(b[4:], uint32(len(desc)))
	le.PutUint32(b[8:], typ)
	b = append(b, pad4(nm)...)
	return append(b, pad4(desc)...)
}

func pad4(b []byte) []byte {
	return append(append([]byte{}, b...), make([]byte, (4-len(b)%4)%4)...)
}

// ABINote is the ABI1 note of the given target and version.
func ABINote(target, version uint32) []byte {
	d := make([]byte, abi.ABI1DescSize)
	le.PutUint32(d[0:], target)
	le.PutUint32(d[4:], version)
	return Note(abi.NoteName, abi.NoteTypeABI1, d)
}

// MFTNote is the MFT1 note carrying raw struct mft bytes after the 4-byte padding.
func MFTNote(raw []byte) []byte {
	return Note(abi.NoteName, abi.NoteTypeMFT1, append(make([]byte, abi.MFT1DescPad), raw...))
}

// Manifest returns a manifest with the reserved entry and the given devices.
func Manifest(devs ...mft.Entry) *mft.Manifest {
	return &mft.Manifest{Entries: append([]mft.Entry{{Type: abi.MFTReservedFirst}}, devs...)}
}

// File offsets and addresses of the image Valid builds.
const (
	// Contents are packed tightly (the loader does not need page-aligned file
	// offsets), so images stay small and fuzzing stays fast.
	TextOff    = 0x200
	TextSize   = 0x40
	DataOff    = 0x240
	NoteOff    = 0x280 // OpenBSD note
	NoteABIOff = NoteOff + 0x40
	NoteMFTOff = NoteOff + 0x80
	TextAddr   = abi.GuestMinBase
	DataAddr   = abi.GuestMinBase + 0x1000
	BSSAddr    = abi.GuestMinBase + 0x2000
	// Program header indexes in Valid's image.
	PhText, PhData, PhBSS, PhNoteOpenBSD, PhNoteABI, PhNoteMFT = 0, 1, 2, 3, 4, 5
)

// Valid returns the spec of a well-formed image laid out like upstream's: text R+X,
// data RW, bss RW with filesz 0, then three PT_NOTEs (OpenBSD, ABI1, MFT1). A nil
// manifest leaves the MFT1 note out.
func Valid(machine uint16, target uint32, m *mft.Manifest) *Spec {
	text := make([]byte, TextSize)
	for i := range text {
		text[i] = 0xc3 // anything; never executed
	}
	data := []byte("data segment")
	bsd := Note("OpenBSD", 1, make([]byte, 4))
	abiNote := ABINote(target, abi.ABIVersion)
	s := &Spec{
		Class: byte(elf.ELFCLASS64), Data: byte(elf.ELFDATA2LSB), IdentVersion: byte(elf.EV_CURRENT),
		Type: uint16(elf.ET_EXEC), Machine: machine, Version: uint32(elf.EV_CURRENT),
		Entry: TextAddr + 0x10, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: -1,
		Phdrs: []Phdr{
			{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Offset: TextOff, Vaddr: TextAddr, Filesz: TextSize, Memsz: 0x1000, Align: 0x1000},
			{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Offset: DataOff, Vaddr: DataAddr, Filesz: uint64(len(data)), Memsz: 0x800, Align: 0x1000},
			{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Offset: DataOff + 0x20, Vaddr: BSSAddr, Filesz: 0, Memsz: 0x2000, Align: 0x1000},
			{Type: uint32(elf.PT_NOTE), Flags: uint32(elf.PF_R), Offset: NoteOff, Filesz: uint64(len(bsd)), Align: 4},
			{Type: uint32(elf.PT_NOTE), Flags: uint32(elf.PF_R), Offset: NoteABIOff, Filesz: uint64(len(abiNote)), Align: 4},
		},
		Chunks: []Chunk{{TextOff, text}, {DataOff, data}, {NoteOff, bsd}, {NoteABIOff, abiNote}},
	}
	if m != nil {
		n := MFTNote(m.Encode(nil))
		s.Phdrs = append(s.Phdrs, Phdr{Type: uint32(elf.PT_NOTE), Flags: uint32(elf.PF_R), Offset: NoteMFTOff, Filesz: uint64(len(n)), Align: 8})
		s.Chunks = append(s.Chunks, Chunk{NoteMFTOff, n})
	}
	return s
}
