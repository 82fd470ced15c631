// Low-memory layout: page tables of both arches, boot info, and image loading.
package hvt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/guestmem"
)

func entry(mem []byte, at uint64) uint64 { return binary.LittleEndian.Uint64(mem[at:]) }

func TestX86PageTables(t *testing.T) {
	const size = 6 << 20
	mem := make([]byte, size)
	if err := buildX86(mem, size); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at, want uint64
	}{
		{x86GDTBase, 0}, {x86GDTBase + 8, x86GDTCode}, {x86GDTBase + 16, x86GDTData},
		{x86PML4, 0x3003}, {x86PDPT, 0x4003}, {x86PDPT + 24, 0x7003},
		{x86PD, 0x8003}, {x86PD + 8, 0x200083}, {x86PD + 16, 0x400083}, {x86PD + 24, 0},
		{x86PT, 0}, {x86PT + 8*0xf, 0}, {x86PT + 8*0x10, 0x10001}, {x86PT + 8*0xff, 0xff001},
		{x86PT + 8*0x100, 0x100003}, {x86PT + 8*511, 0x1ff003},
	} {
		if got := entry(mem, c.at); got != c.want {
			t.Errorf("entry at %#x = %#x, want %#x", c.at, got, c.want)
		}
	}
	for _, bad := range []uint64{0, 1 << 20, 3 << 20, 8 << 30} {
		if err := buildX86(make([]byte, 8<<20), bad); err == nil {
			t.Errorf("size %#x accepted", bad)
		}
	}
}

func TestARM64PageTables(t *testing.T) {
	const size = 6 << 20
	mem := make([]byte, size)
	if err := buildARM64(mem, size); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at, want uint64
	}{
		{armPGD, 0x2003}, {armPUD, 0x3003}, {armPUD + 8, 0}, {armPUD + 32, 0x100000000 | armDevice},
		{armPMD, 0x7003}, {armPMD + 8, 0x200000 | armBlockRW}, {armPMD + 16, 0x400000 | armBlockRW}, {armPMD + 24, 0},
		{armPTE, 0}, {armPTE + 8*0x10, 0x10000 | armPageRO}, {armPTE + 8*0x100, 0x100000 | armPageRW},
	} {
		if got := entry(mem, c.at); got != c.want {
			t.Errorf("entry at %#x = %#x, want %#x", c.at, got, c.want)
		}
	}
}

func TestBootInfo(t *testing.T) {
	if s := reflect.TypeOf(abi.HVTBootInfo{}).Size(); s != 56 {
		t.Fatalf("abi.HVTBootInfo is %d bytes; the layout here assumes 56", s)
	}
	m := guestmem.New(make([]byte, 2<<20))
	mft := bytes.Repeat([]byte{0xab}, 8+104)
	if err := writeBootInfo(m, 2<<20, 0x105000, 2_500_000_000, mft, "a b"); err != nil {
		t.Fatal(err)
	}
	b := m.Bytes()
	want := []uint64{2 << 20, 0x105000, 2_500_000_000, 0x10038 + 112, 0x10038, 0, 0}
	for i, w := range want {
		if got := entry(b, abi.HVTBootInfoBase+uint64(8*i)); got != w {
			t.Errorf("boot info word %d = %#x, want %#x", i, got, w)
		}
	}
	if !bytes.Equal(b[0x10038:0x10038+112], mft) {
		t.Error("manifest copy misplaced")
	}
	if got := string(b[0x10038+112 : 0x10038+116]); got != "a b\x00" {
		t.Errorf("cmdline %q", got)
	}
	if err := writeBootInfo(m, 2<<20, 0, 1, mft, strings.Repeat("x", abi.CmdlineSize)); err == nil {
		t.Error("8192-character command line accepted")
	}
	if err := writeBootInfo(m, 2<<20, 0, 1, mft, strings.Repeat("x", abi.CmdlineSize-1)); err != nil {
		t.Errorf("8191-character command line refused: %v", err)
	}
}

func TestLoadImage(t *testing.T) {
	file := bytes.Repeat([]byte{0x11}, 0x3000)
	copy(file[0x1000:], bytes.Repeat([]byte{0x22}, 0x1000))
	img := &nelf.Image{Segments: []nelf.Segment{
		{Vaddr: 0x100000, Offset: 0, Filesz: 0x1000, Memsz: 0x1000, Flags: uint32(elf.PF_R | elf.PF_X)},
		{Vaddr: 0x101000, Offset: 0x1000, Filesz: 0x800, Memsz: 0x2000, Flags: uint32(elf.PF_R | elf.PF_W)},
	}}
	m := guestmem.New(make([]byte, 2<<20))
	ro, err := loadImage(m, img, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	b := m.Bytes()
	if b[0x100000] != 0x11 || b[0x101000] != 0x22 || b[0x1017ff] != 0x22 || b[0x101800] != 0 {
		t.Error("segments copied wrongly (bss must stay zero)")
	}
	if len(ro) != 1 || ro[0] != (roRange{0x100000, 0x101000}) {
		t.Errorf("read-only ranges %v", ro)
	}
	for _, bad := range []nelf.Segment{
		{Vaddr: 0x1ff000, Filesz: 0x1000, Memsz: 0x2000},                 // past memory
		{Vaddr: 0x10000, Filesz: 0x1000, Memsz: 0x1000},                  // below the image base
		{Vaddr: ^uint64(0) - 0xfff, Filesz: 1, Memsz: 0x1000},            // wraps
		{Vaddr: 0x100000, Filesz: 0x2000, Memsz: 0x1000},                 // filesz > memsz
		{Vaddr: 0x100000, Offset: 0x2800, Filesz: 0x1000, Memsz: 0x1000}, // past the file
	} {
		if _, err := loadImage(m, &nelf.Image{Segments: []nelf.Segment{bad}}, bytes.NewReader(file)); err == nil {
			t.Errorf("segment %+v accepted", bad)
		}
	}
}
