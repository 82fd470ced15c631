// aarch64 guest low memory: EL1 identity-mapping translation tables, built in plain bytes.
package hvt

import (
	"encoding/binary"
	"fmt"
)

// aarch64 layout (solo5-reference §2.3) and system register values (§2.7).
const (
	armPGD = 0x1000
	armPUD = 0x2000
	armPMD = 0x3000 // four PMDs, 0x3000-0x6fff, one per GiB
	armPTE = 0x7000 // 4 KiB pages for the first 2 MiB

	armTable   = 0x3              // next-level table descriptor
	armPageRO  = 0x60000000000793 // normal memory, EL1 read-only, PXN|UXN
	armPageRW  = 0x40000000000713 // normal memory, read-write, UXN
	armBlockRW = 0x40000000000711 // 2 MiB normal block, read-write, UXN
	armDevice  = 0x60000000000705 // 1 GiB device-nGnRE block, PXN|UXN
	armMMIOPUD = 4                // PUD index of the hypercall MMIO region at 4 GiB

	armCPACR  = 3 << 20            // FPEN: no FP/SIMD traps
	armMAIR   = 0x0000bbff440c0400 // attribute indexes 0-5
	armTCR    = 0x00000032b5183518 // T0SZ=T1SZ=24, 4K granule, IPS 1 TB, WBWA inner shareable
	armSCTLR  = 0x1005             // M | C | I
	armPSTATE = 0x3c5              // D, A, I, F masked; EL1h
)

// buildARM64 writes translation tables into mem identity mapping [0, size) like
// buildX86, plus the hypercall MMIO gigabyte at 4 GiB as device memory.
func buildARM64(mem []byte, size uint64) error {
	if size < twoMiB || size%twoMiB != 0 || size > fourGiB || uint64(len(mem)) < size {
		return fmt.Errorf("guest memory size %#x must be a multiple of 2 MiB in [2 MiB, 4 GiB]", size)
	}
	le := binary.LittleEndian
	le.PutUint64(mem[armPGD:], armPUD|armTable)
	for i := uint64(0); i*oneGiB < size; i++ {
		le.PutUint64(mem[armPUD+8*i:], (armPMD+0x1000*i)|armTable)
	}
	le.PutUint64(mem[armPUD+8*armMMIOPUD:], fourGiB|armDevice)
	le.PutUint64(mem[armPMD:], armPTE|armTable)
	for j := uint64(1); j*twoMiB < size; j++ {
		le.PutUint64(mem[armPMD+8*j:], j*twoMiB|armBlockRW)
	}
	for p := uint64(0); p < 512; p++ {
		addr := p << 12
		var e uint64
		switch {
		case addr < lowRO:
			e = 0
		case addr < lowRW:
			e = addr | armPageRO
		default:
			e = addr | armPageRW
		}
		le.PutUint64(mem[armPTE+8*p:], e)
	}
	return nil
}
