// Hypercall handler tests over a byte-slice guest and fake devices, hostile arguments included.
package hvt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nabla-containers/nabla/abi"
	"github.com/nabla-containers/nabla/internal/guestmem"
)

type fakeBlock struct{ data []byte }

func (b *fakeBlock) Capacity() uint64 { return uint64(len(b.data)) }
func (b *fakeBlock) ReadAt(p []byte, off int64) (int, error) {
	return copy(p, b.data[off:]), nil
}
func (b *fakeBlock) WriteAt(p []byte, off int64) (int, error) {
	return copy(b.data[off:], p), nil
}

type fakeNet struct {
	in  [][]byte
	out [][]byte
	err error
}

func (n *fakeNet) Read(p []byte) (int, error) {
	if n.err != nil {
		return 0, n.err
	}
	if len(n.in) == 0 {
		return 0, syscall.EAGAIN
	}
	c := copy(p, n.in[0])
	n.in = n.in[1:]
	return c, nil
}
func (n *fakeNet) Write(p []byte) (int, error) {
	n.out = append(n.out, append([]byte(nil), p...))
	return len(p), nil
}

type fakeDevs struct {
	console bytes.Buffer
	blocks  map[uint64]*fakeBlock
	nets    map[uint64]*fakeNet
	polled  []uint64
}

func (d *fakeDevs) Walltime() uint64       { return 1234567890123 }
func (d *fakeDevs) Console(p []byte) error { d.console.Write(p); return nil }
func (d *fakeDevs) Poll(t uint64) (uint64, int, error) {
	d.polled = append(d.polled, t)
	return 1 << 2, 1, nil
}
func (d *fakeDevs) Block(h uint64) BlockDevice {
	if b, ok := d.blocks[h]; ok {
		return b
	}
	return nil
}
func (d *fakeDevs) Net(h uint64) NetDevice {
	if n, ok := d.nets[h]; ok {
		return n
	}
	return nil
}

const memSize = 0x10000

func newFixture() (*guestmem.Mem, *fakeDevs) {
	m := guestmem.New(make([]byte, memSize))
	d := &fakeDevs{
		blocks: map[uint64]*fakeBlock{1: {data: make([]byte, 4096)}},
		nets:   map[uint64]*fakeNet{2: {}},
	}
	return m, d
}

// put writes u64 fields at arg.
func put(m *guestmem.Mem, arg guestmem.GPA, vals ...uint64) {
	for i, v := range vals {
		if err := m.PutU64(arg+guestmem.GPA(8*i), v); err != nil {
			panic(err)
		}
	}
}

func ret(m *guestmem.Mem, at guestmem.GPA) int32 {
	v, err := m.U32(at)
	if err != nil {
		panic(err)
	}
	return int32(v)
}

func wantFatal(t *testing.T, name string, s *Stop, msg string) {
	t.Helper()
	if s == nil || s.Err == nil || s.Status != 1 {
		t.Fatalf("%s: got %+v, want a fatal error", name, s)
	}
	if !strings.Contains(s.Err.Error(), msg) {
		t.Fatalf("%s: error %q does not contain %q", name, s.Err, msg)
	}
}

func TestOffsetsMatchABI(t *testing.T) {
	cases := []struct {
		v     any
		size  uintptr
		field string
		off   uintptr
	}{
		{abi.HypercallWalltimeArgs{}, walltimeSize, "Nsecs", 0},
		{abi.HypercallPutsArgs{}, putsSize, "Len", 8},
		{abi.HypercallPollArgs{}, pollSize, "ReadySet", pollReadySet},
		{abi.HypercallPollArgs{}, pollSize, "Ret", pollRet},
		{abi.HypercallBlockWriteArgs{}, blockSize, "Data", blockData},
		{abi.HypercallBlockReadArgs{}, blockSize, "Offset", blockOffset},
		{abi.HypercallBlockReadArgs{}, blockSize, "Len", blockLen},
		{abi.HypercallBlockReadArgs{}, blockSize, "Ret", blockRet},
		{abi.HypercallNetWriteArgs{}, netSize, "Data", netData},
		{abi.HypercallNetReadArgs{}, netSize, "Len", netLen},
		{abi.HypercallNetReadArgs{}, netSize, "Ret", netRet},
		{abi.HypercallHaltArgs{}, haltSize, "ExitStatus", haltStatus},
	}
	for _, c := range cases {
		ty := reflect.TypeOf(c.v)
		f, ok := ty.FieldByName(c.field)
		if !ok || f.Offset != c.off || ty.Size() != c.size {
			t.Errorf("%s.%s: offset %d size %d, want %d %d", ty.Name(), c.field, f.Offset, ty.Size(), c.off, c.size)
		}
	}
}

func TestWalltimePuts(t *testing.T) {
	m, d := newFixture()
	if s := Hypercall(m, d, abi.HypercallWalltime, 0x100); s != nil {
		t.Fatal(s.Err)
	}
	if v, _ := m.U64(0x100); v != 1234567890123 {
		t.Fatalf("walltime wrote %d", v)
	}
	b, _ := m.Slice(0x2000, 5)
	copy(b, "hello")
	put(m, 0x200, 0x2000, 5)
	if s := Hypercall(m, d, abi.HypercallPuts, 0x200); s != nil {
		t.Fatal(s.Err)
	}
	if d.console.String() != "hello" {
		t.Fatalf("console %q", d.console.String())
	}
	// A buffer ending exactly at the top of memory is accepted (see guestmem).
	put(m, 0x200, memSize-5, 5)
	if s := Hypercall(m, d, abi.HypercallPuts, 0x200); s != nil {
		t.Fatal(s.Err)
	}
	put(m, 0x200, memSize-4, 5)
	wantFatal(t, "puts past end", Hypercall(m, d, abi.HypercallPuts, 0x200), "Invalid guest access")
	put(m, 0x200, 0x2000, 1<<63)
	wantFatal(t, "puts 2^63", Hypercall(m, d, abi.HypercallPuts, 0x200), "Invalid guest access")
	put(m, 0x200, ^uint64(0), 2)
	wantFatal(t, "puts wrap", Hypercall(m, d, abi.HypercallPuts, 0x200), "Invalid guest access")
	wantFatal(t, "walltime struct past end", Hypercall(m, d, abi.HypercallWalltime, memSize-4), "Invalid guest access")
	wantFatal(t, "puts struct past end", Hypercall(m, d, abi.HypercallPuts, 0xfffffff8), "Invalid guest access")
}

func TestReadOnlyTargets(t *testing.T) {
	m, d := newFixture()
	if err := m.MarkReadOnly(0x8000, 0x1000); err != nil {
		t.Fatal(err)
	}
	wantFatal(t, "walltime into RO", Hypercall(m, d, abi.HypercallWalltime, 0x8000), "read-only")
	put(m, 0x200, 1, 0, 0x8000, 512)
	wantFatal(t, "block read into RO", Hypercall(m, d, abi.HypercallBlockRead, 0x200), "read-only")
	// Reading from read-only memory is fine.
	put(m, 0x200, 1, 0, 0x8000, 512)
	if s := Hypercall(m, d, abi.HypercallBlockWrite, 0x200); s != nil || ret(m, 0x200+blockRet) != abi.ResultOK {
		t.Fatalf("block write from RO: %+v", s)
	}
}

func TestPoll(t *testing.T) {
	m, d := newFixture()
	put(m, 0x300, 5000, 0, 0)
	if s := Hypercall(m, d, abi.HypercallPoll, 0x300); s != nil {
		t.Fatal(s.Err)
	}
	if len(d.polled) != 1 || d.polled[0] != 5000 {
		t.Fatalf("poll timeout passed %v", d.polled)
	}
	if v, _ := m.U64(0x300 + pollReadySet); v != 4 || ret(m, 0x300+pollRet) != 1 {
		t.Fatalf("ready %#x ret %d", v, ret(m, 0x300+pollRet))
	}
}

func TestBlock(t *testing.T) {
	m, d := newFixture()
	src, _ := m.Slice(0x4000, 512)
	for i := range src {
		src[i] = byte(i)
	}
	put(m, 0x400, 1, 512, 0x4000, 512, 0xff)
	if s := Hypercall(m, d, abi.HypercallBlockWrite, 0x400); s != nil || ret(m, 0x400+blockRet) != abi.ResultOK {
		t.Fatalf("write: %+v ret %d", s, ret(m, 0x400+blockRet))
	}
	if !bytes.Equal(d.blocks[1].data[512:1024], src) {
		t.Fatal("block write did not reach the device")
	}
	put(m, 0x400, 1, 512, 0x6000, 512, 0xff)
	if s := Hypercall(m, d, abi.HypercallBlockRead, 0x400); s != nil || ret(m, 0x400+blockRet) != abi.ResultOK {
		t.Fatalf("read: %+v", s)
	}
	dst, _ := m.Slice(0x6000, 512)
	if !bytes.Equal(dst, src) {
		t.Fatal("block read returned other data")
	}

	einval := []struct {
		name        string
		handle, off uint64
		n           uint64
	}{
		{"unknown handle", 7, 0, 512},
		{"net handle", 2, 0, 512},
		{"reserved handle 0", 0, 0, 512},
		{"offset at capacity", 1, 4096, 512},
		{"offset beyond disk", 1, 1 << 40, 512},
		{"offset 2^64-512", 1, ^uint64(0) - 511, 512},
		{"len larger than device", 1, 0, 8192},
		{"offset+len past end", 1, 3584, 1024},
		{"len wraps offset", 1, 512, ^uint64(0) - 100},
	}
	for _, c := range einval {
		for _, nr := range []uint32{abi.HypercallBlockRead, abi.HypercallBlockWrite} {
			put(m, 0x400, c.handle, c.off, 0x6000, c.n, 0xff)
			if s := Hypercall(m, d, nr, 0x400); s != nil || ret(m, 0x400+blockRet) != abi.ResultEInval {
				t.Errorf("%s (nr %d): %+v ret %d, want EINVAL", c.name, nr, s, ret(m, 0x400+blockRet))
			}
		}
	}
	put(m, 0x400, 1, 0, memSize-256, 512)
	wantFatal(t, "read buffer past end", Hypercall(m, d, abi.HypercallBlockRead, 0x400), "Invalid guest access")
	put(m, 0x400, 1, 0, ^uint64(0)-10, 512)
	wantFatal(t, "write buffer wraps", Hypercall(m, d, abi.HypercallBlockWrite, 0x400), "Invalid guest access")
}

func TestNet(t *testing.T) {
	m, d := newFixture()
	frame := []byte("0123456789abcdef")
	b, _ := m.Slice(0x5000, uint64(len(frame)))
	copy(b, frame)
	put(m, 0x500, 2, 0x5000, uint64(len(frame)), 0xff)
	if s := Hypercall(m, d, abi.HypercallNetWrite, 0x500); s != nil || ret(m, 0x500+netRet) != abi.ResultOK {
		t.Fatalf("net write: %+v", s)
	}
	if len(d.nets[2].out) != 1 || !bytes.Equal(d.nets[2].out[0], frame) {
		t.Fatalf("frame not written: %q", d.nets[2].out)
	}

	// Nothing pending: AGAIN, len untouched.
	put(m, 0x500, 2, 0x7000, 1514, 0xff)
	if s := Hypercall(m, d, abi.HypercallNetRead, 0x500); s != nil || ret(m, 0x500+netRet) != abi.ResultAgain {
		t.Fatalf("empty read: %+v ret %d", s, ret(m, 0x500+netRet))
	}
	if v, _ := m.U64(0x500 + netLen); v != 1514 {
		t.Fatalf("len changed to %d on AGAIN", v)
	}
	d.nets[2].in = [][]byte{frame}
	if s := Hypercall(m, d, abi.HypercallNetRead, 0x500); s != nil || ret(m, 0x500+netRet) != abi.ResultOK {
		t.Fatalf("read: %+v", s)
	}
	if v, _ := m.U64(0x500 + netLen); v != uint64(len(frame)) {
		t.Fatalf("len %d", v)
	}
	got, _ := m.Slice(0x7000, uint64(len(frame)))
	if !bytes.Equal(got, frame) {
		t.Fatal("frame not delivered")
	}
	// A frame larger than the guest buffer is truncated by the device (tap semantics),
	// never written past the buffer.
	d.nets[2].in = [][]byte{bytes.Repeat([]byte{0xee}, 100)}
	guard, _ := m.Slice(0x7000+10, 1)
	guard[0] = 0x11
	put(m, 0x500, 2, 0x7000, 10, 0xff)
	if s := Hypercall(m, d, abi.HypercallNetRead, 0x500); s != nil {
		t.Fatal(s.Err)
	}
	if guard[0] != 0x11 {
		t.Fatal("net read wrote past the guest buffer")
	}

	for _, nr := range []uint32{abi.HypercallNetRead, abi.HypercallNetWrite} {
		put(m, 0x500, 1, 0x7000, 64, 0xff) // block handle
		if s := Hypercall(m, d, nr, 0x500); s != nil || ret(m, 0x500+netRet) != abi.ResultEInval {
			t.Errorf("nr %d bad handle: %+v", nr, s)
		}
		put(m, 0x500, 2, memSize-10, 64)
		wantFatal(t, "net buffer past end", Hypercall(m, d, nr, 0x500), "Invalid guest access")
		put(m, 0x500, 2, 0x7000, 1<<63)
		wantFatal(t, "net len 2^63", Hypercall(m, d, nr, 0x500), "Invalid guest access")
	}
	d.nets[2].err = syscall.EIO
	put(m, 0x500, 2, 0x7000, 64)
	wantFatal(t, "net read EIO", Hypercall(m, d, abi.HypercallNetRead, 0x500), "net read")
	if !errors.Is(Hypercall(m, d, abi.HypercallNetRead, 0x500).Err, syscall.EIO) {
		t.Fatal("EIO not wrapped")
	}
}

func TestHalt(t *testing.T) {
	m, d := newFixture()
	put(m, 0x600, 0)
	binary.LittleEndian.PutUint32(mustSlice(m, 0x608, 4), 7)
	if s := Hypercall(m, d, abi.HypercallHalt, 0x600); s == nil || s.Err != nil || s.Status != 7 {
		t.Fatalf("halt: %+v", s)
	}
	binary.LittleEndian.PutUint32(mustSlice(m, 0x608, 4), 0xffffffff) // -1
	if s := Hypercall(m, d, abi.HypercallHalt, 0x600); s == nil || s.Status != 255 {
		t.Fatalf("halt -1: %+v", s)
	}
	put(m, 0x600, 0x8000) // cookie fully inside
	if s := Hypercall(m, d, abi.HypercallHalt, 0x600); s == nil || s.Err != nil {
		t.Fatalf("halt with cookie: %+v", s)
	}
	put(m, 0x600, memSize-511)
	wantFatal(t, "cookie past end", Hypercall(m, d, abi.HypercallHalt, 0x600), "Invalid guest access")
	put(m, 0x600, ^uint64(0)-100)
	wantFatal(t, "cookie wraps", Hypercall(m, d, abi.HypercallHalt, 0x600), "Invalid guest access")
	wantFatal(t, "halt struct past end", Hypercall(m, d, abi.HypercallHalt, memSize-8), "Invalid guest access")
}

func TestUnknownHypercall(t *testing.T) {
	m, d := newFixture()
	for _, nr := range []uint32{0, 9, 100, ^uint32(0)} {
		s := Hypercall(m, d, nr, 0x100)
		wantFatal(t, "unknown", s, "Invalid guest hypercall: num=")
		if want := "Invalid guest hypercall: num=" + strconv.FormatUint(uint64(nr), 10); s.Err.Error() != want {
			t.Errorf("message %q, want %q", s.Err, want)
		}
	}
}

func mustSlice(m *guestmem.Mem, g guestmem.GPA, n uint64) []byte {
	s, err := m.Slice(g, n)
	if err != nil {
		panic(err)
	}
	return s
}
