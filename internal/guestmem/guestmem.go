// Package guestmem is the one checked translator from guest physical addresses to host bytes.
package guestmem

import (
	"encoding/binary"
	"fmt"
)

// GPA is a guest physical address. Every address a guest hands the tender is a GPA and
// reaches host memory only through Mem.
type GPA uint64

// AccessError reports a guest range that is not inside guest memory (or not writable).
// Its text matches upstream's diagnostic so scripts grepping stderr keep working.
type AccessError struct {
	GPA      GPA
	Len      uint64
	ReadOnly bool
}

func (e *AccessError) Error() string {
	if e.ReadOnly {
		return fmt.Sprintf("Invalid guest access: gpa=0x%x, sz=%d (read-only memory)", uint64(e.GPA), e.Len)
	}
	return fmt.Sprintf("Invalid guest access: gpa=0x%x, sz=%d", uint64(e.GPA), e.Len)
}

// span is a half-open GPA range [start, end).
type span struct{ start, end uint64 }

// Mem is guest physical memory [0, len(b)) backed by b.
//
// Bounds rule: a range [gpa, gpa+n) is accepted when gpa+n <= size without wrapping.
// Upstream solo5-hvt uses the stricter gpa+n < size, which rejects a buffer ending
// exactly at the top of memory; accepting it is harmless (the range is inside memory)
// and never breaks a guest, whereas being stricter could.
type Mem struct {
	b  []byte
	ro []span // ranges the host has made read-only: writing there would fault the tender
}

// New wraps b as guest memory starting at GPA 0.
func New(b []byte) *Mem { return &Mem{b: b} }

// Size is the number of bytes of guest memory.
func (m *Mem) Size() uint64 { return uint64(len(m.b)) }

// Bytes gives the whole backing slice (for the loader and page-table setup, which work on
// tender-chosen addresses, never guest-chosen ones).
func (m *Mem) Bytes() []byte { return m.b }

// MarkReadOnly records that [gpa, gpa+n) is mapped read-only on the host, so that
// WritableSlice refuses it instead of letting the tender write there and crash.
func (m *Mem) MarkReadOnly(gpa GPA, n uint64) error {
	if _, err := m.Slice(gpa, n); err != nil {
		return err
	}
	m.ro = append(m.ro, span{uint64(gpa), uint64(gpa) + n})
	return nil
}

// Slice returns the host bytes of [gpa, gpa+n), or an *AccessError when any part of the
// range is outside guest memory or the computation would wrap.
func (m *Mem) Slice(gpa GPA, n uint64) ([]byte, error) {
	size := uint64(len(m.b))
	g := uint64(gpa)
	if g > size || n > size-g { // size-g cannot underflow once g <= size; no g+n overflow
		return nil, &AccessError{GPA: gpa, Len: n}
	}
	return m.b[g : g+n : g+n], nil
}

// WritableSlice is Slice for ranges the tender will write into: it also refuses any
// overlap with memory marked read-only.
func (m *Mem) WritableSlice(gpa GPA, n uint64) ([]byte, error) {
	s, err := m.Slice(gpa, n)
	if err != nil {
		return nil, err
	}
	g := uint64(gpa)
	for _, r := range m.ro {
		if n > 0 && g < r.end && r.start < g+n {
			return nil, &AccessError{GPA: gpa, Len: n, ReadOnly: true}
		}
	}
	return s, nil
}

// U32 reads the little-endian u32 at gpa.
func (m *Mem) U32(gpa GPA) (uint32, error) {
	s, err := m.Slice(gpa, 4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(s), nil
}

// U64 reads the little-endian u64 at gpa.
func (m *Mem) U64(gpa GPA) (uint64, error) {
	s, err := m.Slice(gpa, 8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(s), nil
}

// PutU32 writes v little-endian at gpa.
func (m *Mem) PutU32(gpa GPA, v uint32) error {
	s, err := m.WritableSlice(gpa, 4)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(s, v)
	return nil
}

// PutU64 writes v little-endian at gpa.
func (m *Mem) PutU64(gpa GPA, v uint64) error {
	s, err := m.WritableSlice(gpa, 8)
	if err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(s, v)
	return nil
}
