// Table tests of the image parser: valid images and every class of bad input.
package elf_test

import (
	"bytes"
	"debug/elf"
	"strings"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/elf/elftest"
	"github.com/nabla-containers/nabla/internal/mft"
)

func parse(b []byte) (*nelf.Image, error) {
	return nelf.Parse(bytes.NewReader(b), int64(len(b)))
}

func storage() *mft.Manifest {
	return elftest.Manifest(mft.Entry{Name: "storage", Type: abi.MFTBlockBasic}, mft.Entry{Name: "service", Type: abi.MFTNetBasic})
}

func TestValid(t *testing.T) {
	for _, machine := range []elf.Machine{elf.EM_X86_64, elf.EM_AARCH64} {
		for _, target := range []uint32{abi.TargetSPT, abi.TargetHVT} {
			m := storage()
			img, err := parse(elftest.Valid(uint16(machine), target, m).Bytes())
			if err != nil {
				t.Fatalf("%v/%d: %v", machine, target, err)
			}
			if img.Machine != uint16(machine) || img.ABITarget != target || img.ABIVersion != abi.ABIVersion {
				t.Errorf("got machine %d target %d version %d", img.Machine, img.ABITarget, img.ABIVersion)
			}
			if img.Entry != elftest.TextAddr+0x10 {
				t.Errorf("entry %#x", img.Entry)
			}
			if len(img.Segments) != 2 || img.Segments[0].Vaddr != elftest.TextAddr || img.Segments[1].Vaddr != elftest.DataAddr {
				t.Errorf("segments %+v", img.Segments)
			}
			if img.KernelEnd != elftest.DataAddr+0x1000 {
				t.Errorf("kernel end %#x", img.KernelEnd)
			}
			if img.MemEnd != elftest.BSSAddr+0x2000 {
				t.Errorf("mem end %#x", img.MemEnd)
			}
			if !bytes.Equal(img.Manifest, m.Encode(nil)) {
				t.Errorf("manifest bytes differ")
			}
			if _, ok := img.Notes[nelf.NoteKey{Name: "OpenBSD", Type: 1}]; !ok {
				t.Errorf("OpenBSD note not collected: %v", img.Notes)
			}
			if err := img.CheckTarget(target); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestNoManifest(t *testing.T) {
	img, err := parse(elftest.Valid(uint16(elf.EM_X86_64), abi.TargetSPT, nil).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if img.Manifest != nil {
		t.Errorf("manifest %v, want nil", img.Manifest)
	}
}

func TestWrongTarget(t *testing.T) {
	img, err := parse(elftest.Valid(uint16(elf.EM_X86_64), abi.TargetHVT, storage()).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	err = img.CheckTarget(abi.TargetSPT)
	if err == nil || err.Error() != "executable is not for the solo5-spt target" {
		t.Errorf("got %v", err)
	}
}

func TestCheckMemory(t *testing.T) {
	img, err := parse(elftest.Valid(uint16(elf.EM_X86_64), abi.TargetSPT, storage()).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := img.CheckMemory(2 << 20); err != nil {
		t.Errorf("2 MiB: %v", err)
	}
	if err := img.CheckMemory(elftest.BSSAddr + 0x2000); err != nil {
		t.Errorf("exact fit: %v", err)
	}
	if err := img.CheckMemory(elftest.BSSAddr + 0x1000); err == nil {
		t.Errorf("bss beyond memory accepted")
	}
	if err := img.CheckMemory(elftest.DataAddr); err == nil {
		t.Errorf("data beyond memory accepted")
	}
}

// mutate returns the bytes of a valid spt x86_64 image changed by f.
func mutate(f func(s *elftest.Spec)) []byte {
	s := elftest.Valid(uint16(elf.EM_X86_64), abi.TargetSPT, storage())
	f(s)
	return s.Bytes()
}

type badCase struct {
	name string
	b    []byte
	want string
}

// badCases are images that break one rule each; they also seed FuzzParse.
func badCases() []badCase {
	valid := mutate(func(*elftest.Spec) {})
	le := func(b []byte, off int, v uint32) []byte {
		c := bytes.Clone(b)
		c[off], c[off+1], c[off+2], c[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		return c
	}
	return []badCase{
		{"empty", nil, "too short"},
		{"truncated header", valid[:40], "too short"},
		{"truncated phdrs", valid[:64+56*2], "program header table"},
		{"truncated text", valid[:elftest.TextOff+0x10], "segment 0: contents"},
		{"truncated note", valid[:elftest.NoteABIOff+10], "outside the file"},
		{"not ELF", append([]byte("\x7fELG"), valid[4:]...), "not an ELF file"},
		{"32-bit", mutate(func(s *elftest.Spec) { s.Class = byte(elf.ELFCLASS32) }), "not a 64-bit"},
		{"big endian", mutate(func(s *elftest.Spec) { s.Data = byte(elf.ELFDATA2MSB) }), "little-endian"},
		{"ident version", mutate(func(s *elftest.Spec) { s.IdentVersion = 2 }), "ELF version"},
		{"version", mutate(func(s *elftest.Spec) { s.Version = 0 }), "ELF version"},
		{"ET_DYN", mutate(func(s *elftest.Spec) { s.Type = uint16(elf.ET_DYN) }), "not an executable"},
		{"machine", mutate(func(s *elftest.Spec) { s.Machine = uint16(elf.EM_RISCV) }), "unsupported machine"},
		{"ehsize", mutate(func(s *elftest.Spec) { s.Ehsize = 52 }), "ELF header size"},
		{"phentsize", mutate(func(s *elftest.Spec) { s.Phentsize = 32 }), "program header size"},
		{"phnum 0", mutate(func(s *elftest.Spec) { s.Phnum = 0 }), "no program headers"},
		{"phnum huge", mutate(func(s *elftest.Spec) { s.Phnum = 0xffff }), "program header table"},
		{"phoff huge", mutate(func(s *elftest.Spec) { s.Phoff = 1 << 40 }), "program header table"},
		{"phoff wraps", le(le(valid, 32, 0xfffffff8), 36, 0xffffffff), "program header table"},
		{"no load", mutate(func(s *elftest.Spec) {
			s.Phdrs[0].Type, s.Phdrs[1].Type = uint32(elf.PT_NULL), uint32(elf.PT_NULL)
		}), "no loadable segment"},
		{"overlap", mutate(func(s *elftest.Spec) { s.Phdrs[1].Vaddr = elftest.TextAddr + 0x800 }), "segment 1 overlaps segment 0"},
		{"out of order", mutate(func(s *elftest.Spec) {
			s.Phdrs[0], s.Phdrs[1] = s.Phdrs[1], s.Phdrs[0]
		}), "segment 1 overlaps segment 0"},
		{"below min base", mutate(func(s *elftest.Spec) { s.Phdrs[0].Vaddr = 0x10000; s.Entry = 0x10000 }), "below 0x100000"},
		{"W+X", mutate(func(s *elftest.Spec) { s.Phdrs[0].Flags |= uint32(elf.PF_W) }), "both writable and executable"},
		{"filesz > memsz", mutate(func(s *elftest.Spec) { s.Phdrs[1].Memsz = 4 }), "exceeds memory size"},
		{"align not power of 2", mutate(func(s *elftest.Spec) { s.Phdrs[0].Align = 0x3000 }), "not a power of 2"},
		{"align 0", mutate(func(s *elftest.Spec) { s.Phdrs[0].Align = 0 }), "not a power of 2"},
		{"not page aligned", mutate(func(s *elftest.Spec) { s.Phdrs[0].Align = 0x10; s.Phdrs[0].Memsz = 0x1008 }), "not 4 KiB aligned"},
		{"huge memsz", mutate(func(s *elftest.Spec) { s.Phdrs[1].Memsz = 1<<64 - 0x1000 }), "reaches beyond"},
		{"memsz 4 GiB", mutate(func(s *elftest.Spec) { s.Phdrs[1].Memsz = 4 << 30 }), "reaches beyond"},
		{"huge bss", mutate(func(s *elftest.Spec) { s.Phdrs[2].Memsz = 1<<64 - 1 }), "segment 2"},
		{"vaddr near 2^64", mutate(func(s *elftest.Spec) { s.Phdrs[1].Vaddr = 1<<64 - 0x1000 }), "reaches beyond"},
		{"huge align", mutate(func(s *elftest.Spec) { s.Phdrs[1].Align = 1 << 63 }), "alignment"},
		{"offset overflow", mutate(func(s *elftest.Spec) { s.Phdrs[1].Offset = 1<<64 - 4 }), "segment 1: contents"},
		{"entry below", mutate(func(s *elftest.Spec) { s.Entry = 0x1000 }), "entry point 0x1000 is outside the image"},
		{"entry above", mutate(func(s *elftest.Spec) { s.Entry = elftest.DataAddr + 0x1000 }), "outside the image"},
		{"no ABI note", mutate(func(s *elftest.Spec) { s.Phdrs[elftest.PhNoteABI].Type = uint32(elf.PT_NULL) }), "missing Solo5 ABI1 note"},
		{"ABI note not first", mutate(func(s *elftest.Spec) {
			n := append(elftest.Note("GNU", 3, []byte{1, 2, 3, 4}), elftest.ABINote(abi.TargetSPT, abi.ABIVersion)...)
			s.Chunks = append(s.Chunks, elftest.Chunk{Off: elftest.NoteABIOff, Data: n})
			s.Phdrs[elftest.PhNoteABI].Filesz = uint64(len(n))
		}), "missing Solo5 ABI1 note"},
		{"ABI version", mutate(func(s *elftest.Spec) {
			s.Chunks = append(s.Chunks, elftest.Chunk{Off: elftest.NoteABIOff, Data: elftest.ABINote(abi.TargetSPT, 1)})
		}), "unsupported ABI version 1"},
		{"ABI desc size", le(valid, elftest.NoteABIOff+4, 12), "note does not fall within valid size: ABI1 note size 12"},
		{"ABI desc beyond segment", mutate(func(s *elftest.Spec) { s.Phdrs[elftest.PhNoteABI].Filesz = 30 }), "does not fit"},
		{"note segment tiny", mutate(func(s *elftest.Spec) { s.Phdrs[elftest.PhNoteABI].Filesz = 8 }), "too short for a note"},
		{"note segment outside file", mutate(func(s *elftest.Spec) { s.Phdrs[elftest.PhNoteABI].Offset = 1<<64 - 8 }), "outside the file"},
		{"two ABI notes", mutate(func(s *elftest.Spec) {
			s.Phdrs[elftest.PhNoteOpenBSD].Offset = elftest.NoteABIOff
			s.Phdrs[elftest.PhNoteOpenBSD].Filesz = s.Phdrs[elftest.PhNoteABI].Filesz
		}), "more than one ABI1 note"},
		{"MFT desc too small", le(valid, elftest.NoteMFTOff+4, 4), "note does not fall within valid size: MFT1 note size 4"},
		{"MFT desc too big", le(valid, elftest.NoteMFTOff+4, abi.MFT1NoteMaxSize+1), "MFT1 note size"},
		{"MFT beyond segment", mutate(func(s *elftest.Spec) { s.Phdrs[elftest.PhNoteMFT].Filesz = 40 }), "MFT1 note does not fit"},
	}
}

func TestBad(t *testing.T) {
	for _, c := range badCases() {
		t.Run(c.name, func(t *testing.T) {
			img, err := parse(c.b)
			if err == nil {
				t.Fatalf("accepted: %+v", img)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

// TestManifestSizeMismatch: the note parses, but mft.Parse sees the size disagree.
func TestManifestSizeMismatch(t *testing.T) {
	raw := storage().Encode(nil)
	raw[4] = 5 // claims 5 entries, has 3
	b := mutate(func(s *elftest.Spec) {
		s.Chunks = append(s.Chunks, elftest.Chunk{Off: elftest.NoteMFTOff, Data: elftest.MFTNote(raw)})
	})
	img, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mft.Parse(img.Manifest); err == nil || !strings.Contains(err.Error(), "does not match 5 entries") {
		t.Errorf("got %v", err)
	}
}

// TestEveryTruncation: every prefix of a valid image is rejected without a panic.
func TestEveryTruncation(t *testing.T) {
	valid := mutate(func(*elftest.Spec) {})
	for n := 0; n < len(valid); n++ {
		if _, err := parse(valid[:n]); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
}

func TestCheckMachine(t *testing.T) {
	img, err := parse(elftest.Valid(uint16(elf.EM_AARCH64), abi.TargetSPT, nil).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := img.CheckMachine("arm64"); err != nil {
		t.Error(err)
	}
	if err := img.CheckMachine("amd64"); err == nil || err.Error() != "executable is for aarch64, this host is x86_64" {
		t.Errorf("got %v", err)
	}
	if err := img.CheckMachine("riscv64"); err == nil {
		t.Error("riscv64 accepted")
	}
}

// TestManyNoteHeaders: 65535 program headers all naming one 64 KiB note segment must
// be rejected or accepted quickly, without reading gigabytes.
func TestManyNoteHeaders(t *testing.T) {
	s := elftest.Valid(uint16(elf.EM_X86_64), abi.TargetSPT, nil)
	big := elftest.Note("Big", 7, make([]byte, 64<<10-20))
	s.Chunks = append(s.Chunks, elftest.Chunk{Off: 0x400000, Data: big})
	for len(s.Phdrs) < 0xffff {
		s.Phdrs = append(s.Phdrs, elftest.Phdr{Type: uint32(elf.PT_NOTE), Offset: 0x400000, Filesz: uint64(len(big)), Align: 4})
	}
	s.Phoff = 0x10000
	b := s.Bytes()
	start := time.Now()
	img, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if len(img.Notes[nelf.NoteKey{Name: "Big", Type: 7}]) != 64<<10-20 {
		t.Errorf("big note not collected")
	}
}
