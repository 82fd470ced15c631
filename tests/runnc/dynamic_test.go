// A dynamically linked program as the entrypoint: its ld.so and libraries come from the
// image's rootfs (the libOS loads the loader, the loader the libraries), output and exit
// status as natively; without its loader in the rootfs it is refused at create.
package runnc

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// dynamicHello is tests/libos/dyn/hello.c linked against glibc (built with gcc here, or
// prebuilt by tests/libos/vm-prepare.sh in the VM, which has no compiler) and the
// directory holding the glibc it runs on (the host's, or the Debian arm64 tree beside
// the prebuilt apps).
func dynamicHello(t *testing.T) (prog, libdir string) {
	t.Helper()
	triple := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, "dyn-hello-glibc"), filepath.Join(d, "..", "dynroot", "usr", "lib", triple)
	}
	out := filepath.Join(t.TempDir(), "dyn-hello")
	if b, err := exec.Command("gcc", "-O2", "-o", out, filepath.Join("..", "libos", "dyn", "hello.c"), "-lpthread", "-ldl").CombinedOutput(); err != nil {
		t.Fatalf("gcc (needed for a dynamically linked test program): %v\n%s", err, b)
	}
	return out, filepath.Join("/lib", triple)
}

// putDynamic puts prog at name in the bundle's rootfs with its interpreter at its
// PT_INTERP path and the libraries it needs (and libm, which it dlopens) from libdir in
// /lib/<triple>, where ld.so looks by default.
func putDynamic(t *testing.T, b, name, prog, libdir string) {
	t.Helper()
	putFile(t, b, name, prog, 0o755)
	f, err := elf.Open(prog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_INTERP {
			p := make([]byte, ph.Filesz)
			ph.ReadAt(p, 0)
			interp := strings.TrimRight(string(p), "\x00")
			putFile(t, b, interp, filepath.Join(libdir, filepath.Base(interp)), 0o755)
		}
	}
	for _, l := range append(libs, "libm.so.6") {
		putFile(t, b, filepath.Join("lib", filepath.Base(libdir), l), filepath.Join(libdir, l), 0o755)
	}
}

func TestProgramDynamic(t *testing.T) {
	e := newEnv(t)
	prog, libdir := dynamicHello(t)
	s := helloSpec()
	s.Process.Args = []string{"hello", "x"}
	s.Process.Env = []string{"PATH=/app", "HOME=/home"}
	b := e.bundle(s)
	putDynamic(t, b, "app/hello", prog, libdir)
	r := e.run("run", "-b", b, "dyn1")
	want := "hello from hello with 2 args: [x]\nHOME=/home\nbig[8388607]=x\nthread 0: 499500\n" +
		"thread 1: 1999000\nthread 2: 4498500\ndlopen libm: cbrt(27) = 3.0\n"
	if r.code != 0 || r.stdout != want || r.stderr != "bye on stderr\n" {
		t.Fatalf("run: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	// Three arguments: its exit status 7.
	s.Process.Args = []string{"hello", "x", "y"}
	b = e.bundle(s)
	putDynamic(t, b, "app/hello", prog, libdir)
	if r := e.run("run", "-b", b, "dyn2"); r.code != 7 {
		t.Errorf("exit %d, want 7; stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// The loader is a link to a file that is not there: refused at create.
	s.Process.Args = []string{"hello"}
	b = e.bundle(s)
	putFile(t, b, "app/hello", prog, 0o755)
	interp := map[string]string{"amd64": "lib64/ld-linux-x86-64.so.2", "arm64": "lib/ld-linux-aarch64.so.1"}[runtime.GOARCH]
	os.MkdirAll(filepath.Join(b, "rootfs", filepath.Dir(interp)), 0o755)
	os.Symlink("/nowhere/ld.so", filepath.Join(b, "rootfs", interp))
	e.fails(`process.args[0] "hello" (/app/hello in the rootfs): is dynamically linked and its interpreter /`+interp+`: /nowhere (a symbolic link's target) not found in the rootfs`, "create", "-b", b, "dyn3")
}
