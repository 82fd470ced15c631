// Relative relocations of a position-independent app that expected ld.so to relocate it (Go's
// -buildmode=pie): bake applies them for the chosen load address, so no loader is needed.
package bake

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
)

// Dynamic tags bake reads or refuses.
const (
	dtNull    = 0
	dtNeeded  = 1
	dtRela    = 7
	dtRelasz  = 8
	dtRelaent = 9
	dtRel     = 17
	dtRelr    = 36
)

func relativeType(m elf.Machine) uint32 {
	if m == elf.EM_AARCH64 {
		return uint32(elf.R_AARCH64_RELATIVE)
	}
	return uint32(elf.R_X86_64_RELATIVE)
}

// fileOffset maps [vaddr, vaddr+n) to its file offset through the segment whose file
// contents hold it.
func (a *app) fileOffset(vaddr, n uint64) (uint64, bool) {
	for _, s := range a.segs {
		if vaddr >= s.vaddr && vaddr-s.vaddr <= s.filesz && n <= s.filesz-(vaddr-s.vaddr) {
			return s.offset + (vaddr - s.vaddr), true
		}
	}
	return 0, false
}

// relocate applies every R_*_RELATIVE relocation of app (file bytes b) to img, where the
// app's file starts at appOff, for load bias. Any other relocation is an error.
func (a *app) relocate(b, img []byte, appOff, bias uint64) error {
	if a.dynSize == 0 {
		return fmt.Errorf("position-independent app without a dynamic section")
	}
	le := binary.LittleEndian
	dyn := b[a.dynOff : a.dynOff+a.dynSize]
	var rela, relasz, relaent uint64
	for i := 0; i+16 <= len(dyn); i += 16 {
		tag, val := le.Uint64(dyn[i:]), le.Uint64(dyn[i+8:])
		switch tag {
		case dtNull:
			i = len(dyn)
		case dtRela:
			rela = val
		case dtRelasz:
			relasz = val
		case dtRelaent:
			relaent = val
		case dtRel, dtRelr:
			return fmt.Errorf("app uses REL/RELR relocations; only RELA is supported")
		}
	}
	if relasz == 0 {
		return nil
	}
	if relaent != 24 || relasz%24 != 0 {
		return fmt.Errorf("app's relocation table has entry size %d and size %d", relaent, relasz)
	}
	off, ok := a.fileOffset(rela, relasz)
	if !ok {
		return fmt.Errorf("app's relocation table [%#x, +%#x) is not in the file", rela, relasz)
	}
	want := relativeType(a.machine)
	for i := uint64(0); i < relasz; i += 24 {
		r := b[off+i : off+i+24]
		where, info, addend := le.Uint64(r), le.Uint64(r[8:]), le.Uint64(r[16:])
		if uint32(info) != want || info>>32 != 0 {
			return fmt.Errorf("app has relocation type %d (symbol %d) at %#x; only relative relocations are supported", uint32(info), info>>32, where)
		}
		fo, ok := a.fileOffset(where, 8)
		if !ok {
			return fmt.Errorf("relocation at %#x is outside the app's file contents", where)
		}
		le.PutUint64(img[appOff+fo:], addend+bias)
	}
	return nil
}
