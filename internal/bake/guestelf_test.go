// Tests of the libOS's own ELF loader (guest/libos/exec/elf.c, which loads ld.so and execve'd
// programs from the rootfs at run time) built for the host: hostile headers and a fuzzer.
package bake

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

const guestLibOS = "../../guest/libos"

var (
	elfHarnessOnce sync.Once
	elfHarnessPath string
	elfHarnessErr  error
)

// elfHarness builds exec/elf.c with exec/hosttest/elf_harness.c (ASan, UBSan) once. Where
// there is no compiler (the aarch64 VM) the tests skip, unless NABLA_REQUIRE_TOOLS=1.
func elfHarness(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		if os.Getenv("NABLA_REQUIRE_TOOLS") == "1" {
			t.Fatal("gcc not installed: the libOS ELF loader cannot be tested")
		}
		t.Skip("gcc not installed (the aarch64 VM; the host run covers this C)")
	}
	if _, err := os.Stat(filepath.Join(guestLibOS, "exec", "elf.c")); err != nil {
		t.Skip("the libOS sources are not here (the aarch64 VM)")
	}
	elfHarnessOnce.Do(func() {
		dir, err := os.MkdirTemp("", "elf-harness-")
		if err != nil {
			elfHarnessErr = err
			return
		}
		elfHarnessPath = filepath.Join(dir, "elf_harness")
		arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
		args := []string{"-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
			"-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer",
			"-I../include", "-I../bindings", "-I../bindings/spt", "-I.", "-Iinclude", "-Iarch/" + arch,
			"-o", elfHarnessPath, "exec/hosttest/elf_harness.c", "exec/elf.c"}
		c := exec.Command("gcc", args...)
		c.Dir = guestLibOS
		if out, err := c.CombinedOutput(); err != nil {
			elfHarnessErr = fmt.Errorf("gcc: %v\n%s", err, out)
		}
	})
	if elfHarnessErr != nil {
		t.Fatal(elfHarnessErr)
	}
	return elfHarnessPath
}

// loadGuest runs the harness on b: its one line, "ok ..." or "error ERRNO MESSAGE".
func loadGuest(t testing.TB, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(elfHarness(t), p)
	cmd.Env = append(os.Environ(), "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("harness died on a %d-byte file: %v\n%s", len(b), err, out)
	}
	line := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(line, "\n") || !(strings.HasPrefix(line, "ok ") || strings.HasPrefix(line, "error ")) {
		t.Fatalf("harness output %q", line)
	}
	return line
}

func hostMachine() elf.Machine {
	if runtime.GOARCH == "arm64" {
		return elf.EM_AARCH64
	}
	return elf.EM_X86_64
}

// guestELFCases are headers the loader must take or refuse, each with the start of its
// answer; they seed the fuzzer too.
func guestELFCases() []struct {
	name, want string
	b          []byte
} {
	m := hostMachine()
	other := elf.EM_AARCH64
	if m == other {
		other = elf.EM_X86_64
	}
	set := func(b []byte, off int, v uint64, n int) []byte {
		c := append([]byte(nil), b...)
		switch n {
		case 2:
			binary.LittleEndian.PutUint16(c[off:], uint16(v))
		case 4:
			binary.LittleEndian.PutUint32(c[off:], uint32(v))
		default:
			binary.LittleEndian.PutUint64(c[off:], v)
		}
		return c
	}
	dyn := fakeApp(m, elf.ET_DYN, 0)
	ph1 := 64 + 56 // the second program header
	interp := fakeApp(m, elf.ET_DYN, 0, phdr{elf.PT_INTERP, elf.PF_R, 0x1000, 0x1000, 13, 13, 1})
	copy(interp[0x1000:], "/lib/ld.so.1\x00")
	return []struct {
		name, want string
		b          []byte
	}{
		{"shared object", "ok 3 ", dyn},
		{"executable at 0x400000", "ok 2 base=+200000 ", fakeApp(m, elf.ET_EXEC, 0x400000)},
		{"with interpreter", "ok 3 ", interp},
		{"interpreter not terminated", "error 8 bad PT_INTERP", set(interp, 0x1000+11, 0x7878, 2)},
		{"interpreter not absolute", "error 8 bad PT_INTERP", set(interp, 0x1000, 0x78, 2)},
		{"other arch", "error 8 an ELF file for another architecture", fakeApp(other, elf.ET_DYN, 0)},
		{"relocatable", "error 8 not an executable", set(dyn, 16, uint64(elf.ET_REL), 2)},
		{"32-bit", "error 8 not a 64-bit", set(dyn, 4, 1, 2)[:64]},
		{"truncated header", "error 8 not an ELF file", dyn[:40]},
		{"no phdrs", "error 8 bad program header table", set(dyn, 56, 0, 2)},
		{"phdrs outside", "error 8 bad program header table", set(dyn, 32, 1<<40, 8)},
		{"segment outside the file", "error 8 bad loadable segment", set(dyn, ph1+8, 1<<20, 8)},
		{"file larger than memory", "error 8 bad loadable segment", set(dyn, ph1+32, 0x5000, 8)},
		{"overlapping segments", "error 8 bad loadable segment", set(dyn, ph1+16, 0x800, 8)},
		{"misaligned", "error 8 bad loadable segment", set(dyn, ph1+16, 0x2801, 8)},
		{"writable and executable", "error 8 bad loadable segment", set(dyn, ph1+4, uint64(elf.PF_R|elf.PF_W|elf.PF_X), 4)},
		{"huge", "error 8 bad loadable segment", set(dyn, ph1+40, 1<<40, 8)},
		{"entry outside", "error 8 entry point outside", set(dyn, 24, 0x100000, 8)},
		{"executable outside memory", "error 12 ", fakeApp(m, elf.ET_EXEC, 0x80000000)},
	}
}

func TestGuestELFLoader(t *testing.T) {
	for _, c := range guestELFCases() {
		if got := loadGuest(t, c.b); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q...", c.name, got, c.want)
		}
	}
}

// FuzzGuestELF: no file may crash the loader, make it write outside what it mapped, leak a
// mapping or a reference, or fail without a message (the harness aborts on each).
func FuzzGuestELF(f *testing.F) {
	for _, c := range guestELFCases() {
		f.Add(c.b)
	}
	elfHarness(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		loadGuest(t, b)
	})
}
