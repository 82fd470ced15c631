// Serialises a filter as the kernel's struct sock_filter array, for the assembly install path.
package seccomp

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// Bytes returns prog as an array of struct sock_filter (8 bytes each: code u16, jt u8,
// jf u8, k u32), little endian as on both supported arches. The spt tender copies this
// somewhere its assembly launcher can point a struct sock_fprog at.
func Bytes(prog []unix.SockFilter) []byte {
	b := make([]byte, 8*len(prog))
	for i, f := range prog {
		binary.LittleEndian.PutUint16(b[8*i:], f.Code)
		b[8*i+2] = f.Jt
		b[8*i+3] = f.Jf
		binary.LittleEndian.PutUint32(b[8*i+4:], f.K)
	}
	return b
}

// FprogBytes encodes the 16-byte struct sock_fprog (len u16, 6 bytes padding, filter
// pointer u64) for a program of n instructions stored at filterAddr, for code that builds
// the seccomp(2) argument in memory it controls (the spt tender's launcher).
func FprogBytes(n int, filterAddr uint64) ([]byte, error) {
	if n <= 0 || n > unix.BPF_MAXINSNS {
		return nil, fmt.Errorf("seccomp: program of %d instructions", n)
	}
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b[0:], uint16(n))
	binary.LittleEndian.PutUint64(b[8:], filterAddr)
	return b, nil
}
