// Hand-encoded x86_64 instructions for the tiny guests of the KVM tests.
package hvt

import "encoding/binary"

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// asmHypercall: mov $arg, %eax; mov $(0x500+nr), %dx; out %eax, (%dx)
func asmHypercall(nr int, arg uint32) []byte {
	b := append([]byte{0xb8}, le32(arg)...)
	b = append(b, 0x66, 0xba, byte(0x500+nr), byte((0x500+nr)>>8))
	return append(b, 0xef)
}

// asmPort: an outl to any port, for the invalid-port test.
func asmPort(port uint16, size int) []byte {
	b := []byte{0xb8, 0, 0, 0, 0, 0x66, 0xba, byte(port), byte(port >> 8)}
	if size == 1 {
		return append(b, 0xee) // out %al, (%dx)
	}
	return append(b, 0xef)
}

// asmStore: mov %eax, (addr)
func asmStore(addr uint32) []byte { return append([]byte{0x89, 0x04, 0x25}, le32(addr)...) }

// asmSpin: jmp .
func asmSpin() []byte { return []byte{0xeb, 0xfe} }

// asmStop: hlt (the tender reports it as a guest fault)
func asmStop() []byte { return []byte{0xf4} }

// What the tender says about asmPort(0x509, 4) and asmStop.
const (
	portFaultMsg = "Invalid guest port access: port=0x509"
	stopFaultMsg = "the CPU halted"
)
