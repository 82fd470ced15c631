// Fuzzing of the hypercall handlers: any number, argument address and struct contents from a hostile guest.
package hvt

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/nabla-containers/nabla/internal/guestmem"
)

// FuzzHypercall places fields (eight u64 taken from the input) at arg and runs hypercall
// nr over a fixture with a read-only page. The handlers must never panic (the fake block
// device panics on an access past its end), never write into the read-only page, and only HALT
// may stop the guest without an error.
func FuzzHypercall(f *testing.F) {
	seed := func(nr, arg uint32, vals ...uint64) {
		b := make([]byte, 64)
		for i, v := range vals {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		f.Add(nr, arg, b)
	}
	seed(2, 0x1000, 0x2000, 16)                     // puts
	seed(2, 0x1000, 0xfff0, 1<<63)                  // puts, length 2^63
	seed(4, 0x1000, 1, 0, 0x2000, 512)              // block write
	seed(5, 0x1000, 1, 4096-512, 0x2000, 512)       // block read, last block
	seed(5, 0x1000, 1, ^uint64(0)-511, 0x2000, 512) // offset wraps
	seed(5, 0x1000, 1, 0, 0x8000, 512)              // read into read-only memory
	seed(6, 0x1000, 2, 0x2000, 1<<16)               // frame over the MTU
	seed(7, 0x1000, 2, 0xfffffff0, 64)              // read past the end
	seed(8, 0x1000, 0xffff, 3)                      // halt, cookie past the end
	seed(3, 0xfffc, 0)                              // poll, struct straddles the end
	seed(9, 0x1000)                                 // unknown
	f.Fuzz(func(t *testing.T, nr, arg uint32, fields []byte) {
		m, d := newFixture()
		if err := m.MarkReadOnly(0x8000, 0x1000); err != nil {
			t.Fatal(err)
		}
		ro := bytes.Repeat([]byte{0xa5}, 0x1000)
		copy(m.Bytes()[0x8000:0x9000], ro)
		if len(fields) > 64 {
			fields = fields[:64]
		}
		if uint64(arg) < m.Size() {
			copy(m.Bytes()[arg:], fields)
		}
		s := Hypercall(m, d, nr%16, guestmem.GPA(arg))
		if !bytes.Equal(m.Bytes()[0x8000:0x9000], ro) {
			t.Fatalf("hypercall %d wrote into read-only guest memory", nr%16)
		}
		// Only HALT ends the guest without an error (with any status, 1 included).
		if s != nil && s.Err == nil && nr%16 != 8 {
			t.Fatalf("hypercall %d stopped the guest without an error: %+v", nr%16, s)
		}
		if len(d.blocks[1].data) != 4096 {
			t.Fatal("block device resized")
		}
	})
}
