// Hand-encoded aarch64 instructions for the tiny guests of the KVM tests.
package hvt

import "encoding/binary"

func a64(ins ...uint32) []byte {
	var b []byte
	for _, i := range ins {
		b = binary.LittleEndian.AppendUint32(b, i)
	}
	return b
}

// movImm loads v into x<rd> with movz/movk.
func movImm(rd uint32, v uint64) []byte {
	ins := []uint32{0xd2800000 | uint32(v&0xffff)<<5 | rd}
	for hw := uint32(1); hw < 4; hw++ {
		if part := uint32(v>>(16*hw)) & 0xffff; part != 0 {
			ins = append(ins, 0xf2800000|hw<<21|part<<5|rd)
		}
	}
	return a64(ins...)
}

const strW0X1 = 0xb9000020 // str w0, [x1]

// asmHypercall: a 32-bit store of arg to the hypercall's MMIO address.
func asmHypercall(nr int, arg uint32) []byte {
	b := movImm(0, uint64(arg))
	b = append(b, movImm(1, 0x100000000+uint64(nr)<<3)...)
	return append(b, a64(strW0X1)...)
}

// asmPort has no aarch64 meaning; a store into the device gigabyte the tender maps at
// 4 GiB, but past the hypercalls, stands in for it. (An unmapped address would make the
// guest take an exception, and these guests have no vectors.)
func asmPort(port uint16, size int) []byte {
	return append(movImm(1, 0x100001000+uint64(port)), a64(strW0X1)...)
}

// asmStore: str w0, [addr]
func asmStore(addr uint32) []byte { return append(movImm(1, uint64(addr)), a64(strW0X1)...) }

// asmSpin: b .
func asmSpin() []byte { return a64(0x14000000) }

// asmStop: an 8-byte read of the hypercall area, which the tender refuses.
func asmStop() []byte {
	return append(movImm(1, 0x100000008), a64(0xf9400020)...) // ldr x0, [x1]
}

// What the tender says about asmPort(0x509, 4) and asmStop.
const (
	portFaultMsg = "outside guest memory at gpa=0x100001509"
	stopFaultMsg = "Invalid guest MMIO access"
)
