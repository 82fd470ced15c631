// Tests of bake on synthetic images: layout of the result, and every refusal.
package bake

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/spt"
)

func TestNoteMatchesTender(t *testing.T) {
	if NoteName != spt.LibOSNoteName || NoteTypeLOS1 != spt.LibOSNoteType {
		t.Fatalf("bake and spt disagree on the libOS note")
	}
}

func descriptor(t *testing.T, img []byte) []byte {
	t.Helper()
	i := bytes.Index(img, []byte(appMagic))
	if i < 0 {
		t.Fatal("descriptor not found")
	}
	return img[i : i+appInfoSize]
}

func TestBakeExec(t *testing.T) {
	lib := fakeLibOS(elf.EM_X86_64)
	app := fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000)
	img, err := Bake(lib, app, Options{Arch: "x86_64", Name: "/some/dir/my app"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := nelf.Parse(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	if len(parsed.Segments) != 4 || parsed.Segments[2].Vaddr != 0x400000 || parsed.Segments[3].Vaddr != 0x402800 {
		t.Fatalf("segments: %+v", parsed.Segments)
	}
	// The app's bytes are where its segments say.
	s := parsed.Segments[2]
	if !bytes.Equal(img[s.Offset:s.Offset+s.Filesz], app[:s.Filesz]) {
		t.Fatal("app text not copied")
	}
	if parsed.Entry != 0x100800 {
		t.Fatalf("image entry %#x: must stay the libOS's", parsed.Entry)
	}
	d := descriptor(t, img)
	le := binary.LittleEndian
	if le.Uint32(d[offVersion:]) != 1 || le.Uint64(d[offEntry:]) != 0x401000 || le.Uint64(d[offBias:]) != 0 ||
		le.Uint64(d[offLo:]) != 0x400000 || le.Uint64(d[offHi:]) != 0x407000 ||
		le.Uint64(d[offPhdr:]) != 0x400040 || le.Uint32(d[offFlags:]) != 0 || le.Uint32(d[offPhnum:]) != 2 {
		t.Fatalf("descriptor: % x", d[:offName])
	}
	if name := string(bytes.TrimRight(d[offName:offName+nameSize], "\x00")); name != "my_app" {
		t.Fatalf("name %q", name)
	}
	if !bytes.Equal(d[offPhdrs:offPhdrs+2*phdrSize], app[64:64+2*phdrSize]) {
		t.Fatal("program headers not copied")
	}
}

func TestBakeStaticPIE(t *testing.T) {
	app := fakeApp(elf.EM_AARCH64, elf.ET_DYN, 0)
	img, err := Bake(fakeLibOS(elf.EM_AARCH64), app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := descriptor(t, img)
	le := binary.LittleEndian
	if bias := le.Uint64(d[offBias:]); bias != 0x200000 || le.Uint64(d[offEntry:]) != 0x201000 || le.Uint64(d[offPhdr:]) != 0x200040 {
		t.Fatalf("bias %#x entry %#x phdr %#x", bias, le.Uint64(d[offEntry:]), le.Uint64(d[offPhdr:]))
	}
}

func TestBakePhdrCopy(t *testing.T) {
	// Text not starting at file offset 0: the program headers are not loaded.
	app := fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000)
	binary.LittleEndian.PutUint64(app[64+8:], 0x1000) // p_offset
	binary.LittleEndian.PutUint64(app[64+32:], 0x800) // p_filesz
	img, err := Bake(fakeLibOS(elf.EM_X86_64), app, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if binary.LittleEndian.Uint32(descriptor(t, img)[offFlags:]) != flagPhdrCopy {
		t.Fatal("phdr copy flag not set")
	}
}

func TestBakeRefusals(t *testing.T) {
	lib := fakeLibOS(elf.EM_X86_64)
	good := fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000)
	mut := func(f func(b []byte)) []byte { b := bytes.Clone(good); f(b); return b }
	le := binary.LittleEndian
	cases := []struct {
		name string
		app  []byte
		lib  []byte
		o    Options
		want string
	}{
		{"not ELF", []byte("#!/bin/sh\necho hi\n"), lib, Options{}, "not an ELF file"},
		{"empty", nil, lib, Options{}, "not an ELF file"},
		{"32-bit", mut(func(b []byte) { b[elf.EI_CLASS] = byte(elf.ELFCLASS32) }), lib, Options{}, "64-bit"},
		{"wrong --arch", good, lib, Options{Arch: "aarch64"}, "built for x86_64, not aarch64"},
		{"libOS of another arch", fakeApp(elf.EM_AARCH64, elf.ET_EXEC, 0x400000), lib, Options{}, "libOS image is for"},
		{"riscv", mut(func(b []byte) { le.PutUint16(b[18:], uint16(elf.EM_RISCV)) }), lib, Options{}, "unsupported architecture"},
		{"relocatable", mut(func(b []byte) { le.PutUint16(b[16:], uint16(elf.ET_REL)) }), lib, Options{}, "not an executable"},
		{"linked inside the libOS", fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x100000), lib, Options{}, "below the end of the libOS"},
		{"phdrs outside file", mut(func(b []byte) { le.PutUint64(b[32:], 1<<40) }), lib, Options{}, "outside the file"},
		{"too many phdrs", mut(func(b []byte) { le.PutUint16(b[56:], 40) }), lib, Options{}, "program headers"},
		{"segment outside file", mut(func(b []byte) { le.PutUint64(b[64+32:], 1<<20); le.PutUint64(b[64+40:], 1<<20) }), lib, Options{}, "outside the file"},
		{"filesz > memsz", mut(func(b []byte) { le.PutUint64(b[64+40:], 0x10) }), lib, Options{}, "exceeds memory size"},
		{"W+X", mut(func(b []byte) { le.PutUint32(b[64+4:], uint32(elf.PF_R|elf.PF_W|elf.PF_X)) }), lib, Options{}, "writable and executable"},
		{"misaligned", mut(func(b []byte) { le.PutUint64(b[64+56+16:], 0x402900) }), lib, Options{}, "modulo the page size"},
		{"overlap", mut(func(b []byte) { le.PutUint64(b[64+56+16:], 0x401800); le.PutUint64(b[64+56+8:], 0x800) }), lib, Options{}, "overlaps"},
		{"huge address", mut(func(b []byte) { le.PutUint64(b[64+56+16:], 1<<62|0x800); le.PutUint64(b[64+56+8:], 0x800) }), lib, Options{}, "outside the supported"},
		{"entry outside", mut(func(b []byte) { le.PutUint64(b[24:], 0x900000) }), lib, Options{}, "entry point"},
		{"no loads", mut(func(b []byte) {
			le.PutUint32(b[64:], uint32(elf.PT_NULL))
			le.PutUint32(b[64+56:], uint32(elf.PT_NULL))
		}), lib, Options{}, "no loadable segment"},
		{"not a libOS", good, fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000), Options{}, "libOS image"},
	}
	for _, c := range cases {
		_, err := Bake(c.lib, c.app, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// A real dynamically linked binary is baked with the interpreter flag (the libOS loads its
// PT_INTERP at start); Interpreter names the loader.
func TestBakeDynamic(t *testing.T) {
	if os.Getenv("NABLA_NO_CC") == "1" {
		t.Skip("no C compiler in the aarch64 test VM (NABLA_NO_CC=1); this case runs on the host")
	}
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Fatalf("gcc needed to build a dynamic test binary: %v", err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "dyn.c")
	if err := os.WriteFile(src, []byte("#include <stdio.h>\n#include <math.h>\nint main(int c, char **v){printf(\"%f\\n\", sqrt((double)c));return 0;}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dyn")
	if b, err := exec.Command(cc, "-o", bin, src, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	app, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(app))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Machine
	img, err := Bake(fakeLibOS(m), app, Options{})
	if err != nil {
		t.Fatalf("dynamic binary refused: %v", err)
	}
	at := bytes.Index(img, []byte(appMagic))
	if flags := binary.LittleEndian.Uint32(img[at+offFlags:]); flags&flagInterp == 0 {
		t.Errorf("descriptor flags %#x lack the interpreter flag", flags)
	}
	interp, err := Interpreter(app)
	if err != nil || !strings.HasPrefix(interp, "/lib") || !strings.Contains(interp, "ld-linux") {
		t.Errorf("Interpreter: %q, %v", interp, err)
	}
	// Libraries without an interpreter cannot be loaded by anyone.
	for i, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			bad := bytes.Clone(app)
			ph := binary.LittleEndian.Uint64(app[32:]) + uint64(i)*phdrSize
			binary.LittleEndian.PutUint32(bad[ph:], uint32(elf.PT_NULL))
			if _, err := Bake(fakeLibOS(m), bad, Options{}); err == nil || !strings.Contains(err.Error(), "names no interpreter") {
				t.Errorf("libraries without PT_INTERP: %v", err)
			}
		}
	}
}

func FuzzBake(f *testing.F) {
	f.Add(fakeApp(elf.EM_X86_64, elf.ET_EXEC, 0x400000))
	f.Add(fakeApp(elf.EM_X86_64, elf.ET_DYN, 0))
	lib := fakeLibOS(elf.EM_X86_64)
	f.Fuzz(func(t *testing.T, app []byte) {
		img, err := Bake(lib, app, Options{})
		if err == nil {
			if _, err := nelf.Parse(bytes.NewReader(img), int64(len(img))); err != nil {
				t.Fatalf("accepted app gives an image the tender refuses: %v", err)
			}
		}
	})
}
