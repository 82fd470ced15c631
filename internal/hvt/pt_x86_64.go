// x86_64 guest low memory: GDT and identity-mapping page tables, built in plain bytes.
package hvt

import (
	"encoding/binary"
	"fmt"
)

// x86_64 low-memory layout (solo5-reference §2.3) and CPU state values (§2.7).
const (
	x86GDTBase  = 0x1000
	x86PML4     = 0x2000
	x86PDPT     = 0x3000
	x86PD       = 0x4000 // four PDs, 0x4000-0x7fff, one per GiB
	x86PT       = 0x8000 // 4 KiB pages for the first 2 MiB
	x86GDTLimit = 3*8 - 1

	x86GDTCode = 0x00af99000000ffff // 64-bit code, DPL 0
	x86GDTData = 0x00cf93000000ffff // data, DPL 0

	ptePresent = 1 << 0
	pteRW      = 1 << 1
	ptePS      = 1 << 7

	x86CR0  = 0x80010021 // PE | NE | WP | PG
	x86CR4  = 0x620      // PAE | OSFXSR | OSXMMEXCPT
	x86EFER = 0x500      // LME | LMA

	lowRO   = 0x10000  // start of the read-only boot info area; below is unmapped
	lowRW   = 0x100000 // start of the guest image, mapped read-write
	twoMiB  = 2 << 20
	oneGiB  = 1 << 30
	fourGiB = 4 << 30
)

// buildX86 writes the GDT and page tables into mem, identity mapping [0, size):
// page 0..0xffff absent, 0x10000..0xfffff read-only, everything above read-write.
func buildX86(mem []byte, size uint64) error {
	if size < twoMiB || size%twoMiB != 0 || size > fourGiB || uint64(len(mem)) < size {
		return fmt.Errorf("guest memory size %#x must be a multiple of 2 MiB in [2 MiB, 4 GiB]", size)
	}
	le := binary.LittleEndian
	le.PutUint64(mem[x86GDTBase+8:], x86GDTCode)
	le.PutUint64(mem[x86GDTBase+16:], x86GDTData)
	le.PutUint64(mem[x86PML4:], x86PDPT|ptePresent|pteRW)
	for i := range uint64(4) {
		le.PutUint64(mem[x86PDPT+8*i:], (x86PD+0x1000*i)|ptePresent|pteRW)
	}
	// The four PDs are contiguous, so PD entry j maps [j*2MiB, (j+1)*2MiB).
	le.PutUint64(mem[x86PD:], x86PT|ptePresent|pteRW)
	for j := uint64(1); j*twoMiB < size; j++ {
		le.PutUint64(mem[x86PD+8*j:], j*twoMiB|ptePresent|pteRW|ptePS)
	}
	for p := uint64(0); p < 512; p++ {
		addr := p << 12
		var e uint64
		switch {
		case addr < lowRO:
			e = 0
		case addr < lowRW:
			e = addr | ptePresent
		default:
			e = addr | ptePresent | pteRW
		}
		le.PutUint64(mem[x86PT+8*p:], e)
	}
	return nil
}
