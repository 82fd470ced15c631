// Synthetic ELF files for the bake tests: a minimal libOS image and minimal apps.
package bake

import (
	"debug/elf"
	"encoding/binary"

	"github.com/nabla-containers/nabla/abi"
)

type phdr struct {
	typ                       elf.ProgType
	flags                     elf.ProgFlag
	off, vaddr, filesz, memsz uint64
	align                     uint64
}

// mkELF lays out an ELF header, the program headers and body (placed at offset 0x1000).
func mkELF(machine elf.Machine, typ elf.Type, entry uint64, ph []phdr, body []byte) []byte {
	le := binary.LittleEndian
	b := make([]byte, 0x1000+len(body))
	copy(b, elf.ELFMAG)
	b[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	b[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	b[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le.PutUint16(b[16:], uint16(typ))
	le.PutUint16(b[18:], uint16(machine))
	le.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(b[24:], entry)
	le.PutUint64(b[32:], 64)
	le.PutUint16(b[52:], 64)
	le.PutUint16(b[54:], 56)
	le.PutUint16(b[56:], uint16(len(ph)))
	for i, p := range ph {
		q := b[64+56*i:]
		le.PutUint32(q[0:], uint32(p.typ))
		le.PutUint32(q[4:], uint32(p.flags))
		le.PutUint64(q[8:], p.off)
		le.PutUint64(q[16:], p.vaddr)
		le.PutUint64(q[24:], p.vaddr)
		le.PutUint64(q[32:], p.filesz)
		le.PutUint64(q[40:], p.memsz)
		le.PutUint64(q[48:], p.align)
	}
	copy(b[0x1000:], body)
	return b
}

func note(name string, typ uint32, desc []byte) []byte {
	le := binary.LittleEndian
	n := make([]byte, 12)
	le.PutUint32(n[0:], uint32(len(name)+1))
	le.PutUint32(n[4:], uint32(len(desc)))
	le.PutUint32(n[8:], typ)
	nm := make([]byte, (len(name)+1+3)&^3)
	copy(nm, name)
	d := make([]byte, (len(desc)+3)&^3)
	copy(d, desc)
	return append(append(n, nm...), d...)
}

// fakeLibOS is a libOS-shaped Solo5 image for machine: text at 0x100000 holding the ABI1,
// LOS1 and MFT1 (no device) notes, data at 0x101000 holding the application descriptor.
func fakeLibOS(machine elf.Machine) []byte {
	le := binary.LittleEndian
	abi1 := make([]byte, abi.ABI1DescSize)
	le.PutUint32(abi1[0:], abi.TargetSPT)
	le.PutUint32(abi1[4:], abi.ABIVersion)
	n1 := note(abi.NoteName, abi.NoteTypeABI1, abi1)
	los := make([]byte, 16)
	le.PutUint64(los[0:], 0x100000)
	le.PutUint64(los[8:], 0x101000)
	n2 := note(NoteName, NoteTypeLOS1, los)
	text := make([]byte, 0x1000)
	copy(text, n1)
	copy(text[0x100:], n2)
	n3 := mftNote(nil, nil) // the empty manifest of guest/libos/manifest.json
	copy(text[0x200:], n3)
	data := make([]byte, appInfoSize)
	copy(data, appMagic)
	body := append(text, data...)
	return mkELF(machine, elf.ET_EXEC, 0x100800, []phdr{
		{elf.PT_LOAD, elf.PF_R | elf.PF_X, 0x1000, 0x100000, 0x1000, 0x1000, 0x1000},
		{elf.PT_LOAD, elf.PF_R | elf.PF_W, 0x2000, 0x101000, uint64(len(data)), 0x2000, 0x1000},
		{elf.PT_NOTE, elf.PF_R, 0x1000, 0x100000, uint64(len(n1)), uint64(len(n1)), 4},
		{elf.PT_NOTE, elf.PF_R, 0x1100, 0x100100, uint64(len(n2)), uint64(len(n2)), 4},
		{elf.PT_NOTE, elf.PF_R, 0x1200, 0x100200, uint64(len(n3)), uint64(len(n3)), 8},
	}, body)
}

// fakeApp is a static app: headers+text RX at base, data RW one page above.
func fakeApp(machine elf.Machine, typ elf.Type, base uint64, extra ...phdr) []byte {
	ph := []phdr{
		{elf.PT_LOAD, elf.PF_R | elf.PF_X, 0, base, 0x1800, 0x1800, 0x1000},
		{elf.PT_LOAD, elf.PF_R | elf.PF_W, 0x1800, base + 0x2800, 0x100, 0x4000, 0x1000},
	}
	ph = append(ph, extra...)
	return mkELF(machine, typ, base+0x1000, ph, make([]byte, 0x900))
}
