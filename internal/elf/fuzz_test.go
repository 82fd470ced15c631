// Fuzzing of the image parser: no input may panic, and accepted images keep the invariants.
package elf_test

import (
	"bytes"
	"debug/elf"
	"fmt"
	"testing"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/elf/elftest"
	"github.com/nabla-containers/nabla/internal/mft"
)

// seeds are valid images of both machines and targets with 0, 2 and 63 devices, plus
// some truncations.
func seeds() [][]byte {
	var out [][]byte
	many := elftest.Manifest()
	for i := 1; i < 64; i++ {
		many.Entries = append(many.Entries, mft.Entry{Name: fmt.Sprintf("d%d", i), Type: abi.MFTNetBasic})
	}
	for _, machine := range []elf.Machine{elf.EM_X86_64, elf.EM_AARCH64} {
		for _, target := range []uint32{abi.TargetSPT, abi.TargetHVT} {
			for _, m := range []*mft.Manifest{nil, elftest.Manifest(), storage(), many} {
				out = append(out, elftest.Valid(uint16(machine), target, m).Bytes())
			}
		}
	}
	v := out[2]
	out = append(out, v[:64], v[:200], v[:elftest.NoteABIOff+0x10])
	return out
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	for _, c := range badCases() {
		f.Add(c.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := nelf.Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if bytes.ContainsRune([]byte(err.Error()), '\n') {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(img.Segments) == 0 || img.Entry < abi.GuestMinBase || img.Entry >= img.KernelEnd {
			t.Fatalf("accepted image breaks invariants: %+v", img)
		}
		var prev uint64
		for i, s := range img.Segments {
			if s.Vaddr < abi.GuestMinBase || s.Vaddr < prev || s.Filesz > s.Memsz || s.Offset+s.Filesz > uint64(len(b)) {
				t.Fatalf("segment %d: %+v", i, s)
			}
			if s.Flags&uint32(elf.PF_W) != 0 && s.Flags&uint32(elf.PF_X) != 0 {
				t.Fatalf("W+X segment accepted")
			}
			prev = s.Vaddr + s.Memsz
		}
		if img.KernelEnd > abi.GuestMinBase+4<<30 || img.MemEnd > abi.GuestMinBase+4<<30 {
			t.Fatalf("image end %#x/%#x beyond the cap", img.KernelEnd, img.MemEnd)
		}
		if img.Manifest != nil {
			if len(img.Manifest) > abi.MFT1NoteMaxSize {
				t.Fatalf("manifest of %d bytes", len(img.Manifest))
			}
			_, _ = mft.Parse(img.Manifest)
		}
		_ = img.CheckMemory(img.MemEnd)
	})
}
