// Tests for the checked GPA translator, including hostile addresses and lengths.
package guestmem

import (
	"errors"
	"testing"
)

func TestSliceBounds(t *testing.T) {
	m := New(make([]byte, 0x1000))
	cases := []struct {
		gpa GPA
		n   uint64
		ok  bool
	}{
		{0, 0, true},
		{0, 0x1000, true},
		{0xfff, 1, true},
		{0x1000, 0, true}, // empty range at the very top
		{0x1000, 1, false},
		{0xfff, 2, false},
		{0x1001, 0, false},
		{0, 0x1001, false},
		{0x10, 1 << 63, false},
		{1 << 63, 1 << 63, false},
		{^GPA(0), 1, false},        // gpa+n wraps to 0
		{0x800, ^uint64(0), false}, // n wraps gpa+n below size
		{^GPA(0) - 0xff, 0x100, false},
		{0x800, ^uint64(0) - 0x7ff + 1, false}, // gpa+n == 0 mod 2^64
	}
	for _, c := range cases {
		s, err := m.Slice(c.gpa, c.n)
		if c.ok {
			if err != nil || uint64(len(s)) != c.n {
				t.Errorf("Slice(%#x,%#x) = len %d, %v; want ok", c.gpa, c.n, len(s), err)
			}
			continue
		}
		var ae *AccessError
		if err == nil || !errors.As(err, &ae) {
			t.Errorf("Slice(%#x,%#x) = %v; want AccessError", c.gpa, c.n, err)
		}
	}
}

func TestSliceAliasesMemory(t *testing.T) {
	b := make([]byte, 64)
	m := New(b)
	s, err := m.Slice(8, 4)
	if err != nil {
		t.Fatal(err)
	}
	s[0] = 0xaa
	if b[8] != 0xaa {
		t.Fatal("slice does not alias guest memory")
	}
	if cap(s) != 4 {
		t.Fatalf("cap %d lets append reach past the range", cap(s))
	}
}

func TestIntegers(t *testing.T) {
	m := New(make([]byte, 32))
	if err := m.PutU64(8, 0x1122334455667788); err != nil {
		t.Fatal(err)
	}
	if v, err := m.U64(8); err != nil || v != 0x1122334455667788 {
		t.Fatalf("U64 = %#x, %v", v, err)
	}
	if v, err := m.U32(8); err != nil || v != 0x55667788 {
		t.Fatalf("U32 = %#x, %v (want little endian)", v, err)
	}
	if err := m.PutU32(28, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := m.U64(28); err == nil {
		t.Fatal("U64 across the end accepted")
	}
	if err := m.PutU32(29, 7); err == nil {
		t.Fatal("PutU32 across the end accepted")
	}
	if _, err := m.U32(^GPA(0) - 1); err == nil {
		t.Fatal("U32 at wrapping address accepted")
	}
}

func TestReadOnly(t *testing.T) {
	m := New(make([]byte, 0x3000))
	if err := m.MarkReadOnly(0x1000, 0x1000); err != nil {
		t.Fatal(err)
	}
	if err := m.MarkReadOnly(0x2800, 0x1000); err == nil {
		t.Fatal("MarkReadOnly past the end accepted")
	}
	for _, c := range []struct {
		gpa GPA
		n   uint64
		ok  bool
	}{{0, 0x1000, true}, {0x2000, 0x1000, true}, {0xfff, 2, false}, {0x1fff, 1, false}, {0, 0x3000, false}, {0x1800, 0, true}} {
		_, err := m.WritableSlice(c.gpa, c.n)
		if (err == nil) != c.ok {
			t.Errorf("WritableSlice(%#x,%#x) err=%v, want ok=%v", c.gpa, c.n, err, c.ok)
		}
		if _, err := m.Slice(c.gpa, c.n); err != nil {
			t.Errorf("Slice(%#x,%#x) refused read of read-only memory: %v", c.gpa, c.n, err)
		}
	}
	if err := m.PutU32(0x1004, 1); err == nil {
		t.Fatal("PutU32 into read-only memory accepted")
	}
}

func FuzzSlice(f *testing.F) {
	f.Add(uint64(0), uint64(0))
	f.Add(uint64(1<<63), uint64(1<<63))
	f.Fuzz(func(t *testing.T, g, n uint64) {
		m := New(make([]byte, 4096))
		s, err := m.Slice(GPA(g), n)
		inside := g <= 4096 && n <= 4096 && g+n <= 4096
		if (err == nil) != inside {
			t.Fatalf("Slice(%#x,%#x) err=%v inside=%v", g, n, err, inside)
		}
		if err == nil && uint64(len(s)) != n {
			t.Fatalf("len %d != %d", len(s), n)
		}
	})
}
