// The struct seccomp_data layout the filter reads, and its byte encoding.
package seccomp

import "encoding/binary"

// Data mirrors struct seccomp_data: what the kernel hands the filter for one system call.
type Data struct {
	Nr   int32
	Arch uint32
	IP   uint64
	Args [6]uint64
}

// Offsets inside the 64-byte struct seccomp_data. Both supported arches are little endian,
// so the low 32-bit word of a 64-bit field comes first.
const (
	offNr   = 0
	offArch = 4
	offIP   = 8
	offArgs = 16
	// DataSize is sizeof(struct seccomp_data).
	DataSize = 64
)

// argOffset is the byte offset of the low word of argument i.
func argOffset(i int) uint32 { return offArgs + 8*uint32(i) }

// Bytes encodes d as the kernel lays it out (little endian).
func (d Data) Bytes() [DataSize]byte {
	var b [DataSize]byte
	binary.LittleEndian.PutUint32(b[offNr:], uint32(d.Nr))
	binary.LittleEndian.PutUint32(b[offArch:], d.Arch)
	binary.LittleEndian.PutUint64(b[offIP:], d.IP)
	for i, a := range d.Args {
		binary.LittleEndian.PutUint64(b[argOffset(i):], a)
	}
	return b
}
