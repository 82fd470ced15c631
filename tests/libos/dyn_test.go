// Dynamically linked programs: glibc and musl C programs, Debian's coreutils and python3 on
// their own ld.so and libraries from Debian packages, each run natively in a chroot of the
// tree and as a unikernel (`nabla run --rootfs`), outputs compared; and bad interpreters.
package libos

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/nabla-containers/nabla/internal/fstree"
)

// pyScript imports what Python programs use most (json, hashlib, sqlite3 and the other
// extension modules ld.so loads with dlopen, threads), and writes a file.
const pyScript = `import json, hashlib, sqlite3, threading, re, base64, collections, zlib, bz2, lzma, os, sys
print(json.dumps({"a": [1, 2, 3], "b": {"c": "d"}}, sort_keys=True))
print(hashlib.sha256(b"nabla").hexdigest(), hashlib.md5(b"x").hexdigest())
db = sqlite3.connect(":memory:")
db.execute("create table t (k text, v int)")
db.executemany("insert into t values (?, ?)", [("x", i) for i in range(100)])
print(db.execute("select count(*), sum(v) from t").fetchone())
out = []
ts = [threading.Thread(target=lambda n=n: out.append(sum(range(n)))) for n in (10, 1000, 100000)]
for t in ts: t.start()
for t in ts: t.join()
print(sorted(out))
print(re.sub(r"(\w+)@(\w+)", r"\2 at \1", "me@home you@work"))
print(base64.b64encode(zlib.compress(b"a" * 100)).decode(), len(bz2.compress(b"b" * 1000)), len(lzma.compress(b"c")) > 0)
print(collections.Counter("mississippi").most_common(2))
with open("/tmp/f.txt", "w") as f: f.write("written\n")
print(open("/tmp/f.txt").read(), end="")
print(sorted(os.listdir("/usr/lib/python3.11/json")))
print(sys.argv[1:], file=sys.stderr)
sys.exit(4)
`

var (
	dynOnce sync.Once
	dynPath string
	dynErr  error
)

// dynHello is tests/libos/dyn/hello.c linked dynamically against libc ("glibc" or
// "musl"): built here (gcc, musl-gcc), or prebuilt in $NABLA_LIBOS_APPS (the VM:
// vm-prepare.sh builds them with the cross compiler).
func dynHello(t testing.TB, libc string) string {
	t.Helper()
	return dynC(t, "hello", libc)
}

// dynC is tests/libos/dyn/PROG.c built as dynHello builds hello.c: dyn-PROG-LIBC.
func dynC(t testing.TB, prog, libc string) string {
	t.Helper()
	name := "dyn-" + prog + "-" + libc
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, name)
	}
	out := filepath.Join(work(t), name)
	if _, err := os.Stat(out); err == nil {
		return out
	}
	cc := map[string]string{"glibc": "gcc", "musl": "musl-gcc"}[libc]
	if _, err := exec.LookPath(cc); err != nil {
		t.Fatalf("%s not found (apt-get install gcc musl-tools): needed for %s", cc, name)
	}
	if b, err := exec.Command(cc, "-O2", "-o", out, filepath.Join("dyn", prog+".c"), "-lpthread", "-ldl").CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, b)
	}
	return out
}

// debArch is the Debian name of this machine's architecture.
func debArch() string { return map[string]string{"amd64": "amd64", "arm64": "arm64"}[runtime.GOARCH] }

// dynTree is a root file system of Debian packages of this arch (libc6, musl, coreutils,
// python3.11 and the libraries they load: fetch-dynroot.sh, or the tree vm-prepare.sh
// put beside the prebuilt apps), copied once per test binary run with the C programs in
// /bin and the Python script in /root. No test may change it: the runs that write get
// copies (fsCase.native), the unikernel's writes stay in its memory.
func dynTree(t testing.TB) string {
	t.Helper()
	bins := map[string]string{"dyn-hello-glibc": dynHello(t, "glibc"), "dyn-hello-musl": dynHello(t, "musl"),
		"dyn-spawn-glibc": dynC(t, "spawn", "glibc"), "dyn-spawn-musl": dynC(t, "spawn", "musl"),
		"go-exec": buildApp(t, "go-exec"),
		"busybox": busybox(t)}
	dynOnce.Do(func() {
		src := ""
		if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
			src = filepath.Join(d, "..", "dynroot")
		} else {
			out, err := exec.Command("bash", "fetch-dynroot.sh", debArch()).Output()
			if err != nil {
				dynErr = err
				if ee, ok := err.(*exec.ExitError); ok {
					dynErr = &fetchErr{string(ee.Stderr)}
				}
				return
			}
			src = strings.TrimSpace(string(out))
		}
		dynPath = filepath.Join(work(t), "dynroot")
		if dynErr = fstree.Copy(src, dynPath); dynErr != nil {
			return
		}
		for name, p := range bins {
			b, err := os.ReadFile(p)
			if err != nil {
				dynErr = err
				return
			}
			if dynErr = os.WriteFile(filepath.Join(dynPath, "usr", "bin", name), b, 0o755); dynErr != nil {
				return
			}
		}
		if dynErr = os.WriteFile(filepath.Join(dynPath, "root", "imports.py"), []byte(pyScript), 0o644); dynErr != nil {
			return
		}
		dynErr = os.WriteFile(filepath.Join(dynPath, "root", "script"), []byte("#!/usr/bin/dyn-hello-musl  scriptarg \n"), 0o755)
	})
	if dynErr != nil {
		t.Fatalf("building the Debian rootfs of dynamic programs (fetch-dynroot.sh %s): %v", debArch(), dynErr)
	}
	return dynPath
}

type fetchErr struct{ msg string }

func (e *fetchErr) Error() string { return strings.TrimSpace(e.msg) }

// interpOf is the PT_INTERP of an ELF file.
func interpOf(t testing.TB, p string) string {
	t.Helper()
	f, err := elf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, ph := range f.Progs {
		if ph.Type == elf.PT_INTERP {
			b := make([]byte, ph.Filesz)
			if _, err := ph.ReadAt(b, 0); err != nil {
				t.Fatal(err)
			}
			return strings.TrimRight(string(b), "\x00")
		}
	}
	t.Fatalf("%s has no PT_INTERP: not a dynamically linked program", p)
	return ""
}

// The C programs: glibc's and musl's ld.so load them and their libraries from the VFS;
// stdio, an 8 MiB malloc grown by realloc (mremap), threads, glibc's dlopen of libm.
func TestDynamicHello(t *testing.T) {
	tree := dynTree(t)
	for _, libc := range []string{"glibc", "musl"} {
		t.Run(libc, func(t *testing.T) {
			want := map[string]string{"glibc": "ld-linux", "musl": "ld-musl"}[libc]
			if in := interpOf(t, filepath.Join(tree, "usr", "bin", "dyn-hello-"+libc)); !strings.Contains(in, want) {
				t.Fatalf("dyn-hello-%s names interpreter %s, want %s", libc, in, want)
			}
			for _, args := range [][]string{{"one"}, {"a b", "", "c"}} {
				n := sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: append([]string{"/usr/bin/dyn-hello-" + libc}, args...)}, nil,
					func(r fsResult) {
						if !strings.Contains(r.stdout, "thread 2: 4498500") || r.stderr != "bye on stderr\n" {
							t.Fatalf("native run did not work: %+v", r)
						}
					})
				if libc == "glibc" && !strings.Contains(n.stdout, "cbrt(27) = 3.0") {
					t.Errorf("no dlopen result: %q", n.stdout)
				}
			}
		})
	}
}

// Debian's coreutils (dynamic: libc, libacl, libattr, libselinux, libpcre2, libgmp).
func TestDynamicCoreutils(t *testing.T) {
	tree := dynTree(t)
	cases := []struct {
		argv []string
		norm func(string) string
	}{
		{[]string{"/usr/bin/ls", "-ln", "/usr/lib/python3.11/json", "/usr/bin/ls"}, lsNorm},
		{[]string{"/usr/bin/ls", "-1", "/usr/lib/python3.11/encodings"}, sortLines},
		{[]string{"/usr/bin/sha256sum", "/usr/lib/python3.11/json/decoder.py", "/usr/bin/ls"}, nil},
		{[]string{"/usr/bin/wc", "/usr/lib/python3.11/os.py"}, nil},
		{[]string{"/usr/bin/sort", "-r", "/usr/lib/python3.11/LICENSE.txt"}, nil},
		{[]string{"/usr/bin/factor", "1234567890123456789"}, nil}, // libgmp
		{[]string{"/usr/bin/date", "-u", "-d", "@1000000000", "+%F %T %A"}, nil},
		{[]string{"/usr/bin/seq", "-s", ",", "1", "3", "30"}, nil},
		{[]string{"/usr/bin/cat", "/nonexistent"}, nil},
		{[]string{"/usr/bin/ls", "/nonexistent"}, nil},
		{[]string{"/usr/bin/env"}, nil},
		{[]string{"/usr/bin/false"}, nil},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.argv[0]), func(t *testing.T) {
			sameFS(t, fsCase{tree: tree, inPlace: true, argv: c.argv}, c.norm)
		})
	}
}

// Debian's python3.11 (ET_EXEC on amd64, PIE on arm64): -c, a script importing extension
// modules (dlopen after start-up) and threads, an import error.
func TestDynamicPython(t *testing.T) {
	tree := dynTree(t)
	py := "/usr/bin/python3"
	t.Run("c", func(t *testing.T) {
		sameFSCheck(t, fsCase{tree: tree, inPlace: true, argv: []string{py, "-B", "-c", "import sys; print('hello', sys.argv, 6 * 7)", "x"}}, nil,
			func(r fsResult) {
				if r.stdout != "hello ['-c', 'x'] 42\n" {
					t.Fatalf("native python3: %+v", r)
				}
			})
	})
	t.Run("script", func(t *testing.T) {
		sameFSCheck(t, fsCase{tree: tree, argv: []string{py, "-B", "/root/imports.py", "arg"}}, nil,
			func(r fsResult) {
				if r.status != 4 || !strings.Contains(r.stdout, "(100, 4950)") || !strings.Contains(r.stdout, "written") {
					t.Fatalf("native python3 script: %+v", r)
				}
			})
	})
	t.Run("import error", func(t *testing.T) {
		sameFS(t, fsCase{tree: tree, inPlace: true, argv: []string{py, "-B", "-c", "import nosuchmodule"}}, nil)
	})
}

// execve replaces the program in place: a shell's exec of a dynamic program, a #! script,
// coreutils env and Python's os.execv, and an exec that fails (the shell carries on).
func TestDynamicExecve(t *testing.T) {
	tree := dynTree(t)
	bb := "/usr/bin/busybox"
	cases := []struct {
		name string
		argv []string
	}{
		{"sh exec", []string{bb, "sh", "-c", `echo before; exec /usr/bin/dyn-hello-glibc a "b c"`}},
		{"script", []string{bb, "sh", "-c", `exec /root/script y z`}},
		{"exec musl", []string{bb, "sh", "-c", `exec /usr/bin/dyn-hello-musl 1 2 3`}},
		{"missing", []string{bb, "sh", "-c", `exec /nope; echo not reached`}},
		{"env", []string{"/usr/bin/env", "-i", "HOME=/x", "/usr/bin/dyn-hello-glibc", "q"}},
		{"python execv", []string{"/usr/bin/python3", "-B", "-c", `import os; print("exec", flush=True); os.execv("/usr/bin/ls", ["ls", "-1", "/usr/lib/python3.11/json"])`}},
		{"python exec fails", []string{"/usr/bin/python3", "-B", "-c", `import os
try:
    os.execv("/etc", ["x"])
except OSError as e:
    print("execv:", e.errno)`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sameFS(t, fsCase{tree: tree, inPlace: true, argv: c.argv}, nil)
		})
	}
}

// A dynamic program whose loader or libraries are missing or bad: a clear line and a
// non-zero status (127 not found, 126 not loadable), never a libOS crash. A missing
// library is ld.so's own error, the same as natively.
func TestDynamicBadInterp(t *testing.T) {
	hello := dynHello(t, "glibc")
	interp := interpOf(t, hello)
	tree := dynTree(t)
	ld, err := os.ReadFile(filepath.Join(tree, interp))
	if err != nil {
		t.Fatal(err)
	}
	other := map[string]uint16{"amd64": 183, "arm64": 62}[runtime.GOARCH]
	otherELF := bytes.Clone(ld[:4096])
	otherELF[18], otherELF[19] = byte(other), byte(other>>8)
	cases := []struct {
		name   string
		interp []byte // nil: no file at the interpreter's path
		status int
		want   string
	}{
		{"missing", nil, 127, "its interpreter " + interp + ": not found"},
		{"other arch", otherELF, 126, "an ELF file for another architecture"},
		{"truncated", ld[:100], 126, "bad program header table"},
		{"not ELF", []byte("#!/bin/sh\n"), 126, "not an ELF file"},
		{"segments outside the file", ld[:len(ld)/2], 126, "bad loadable segment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "root")
			b, err := os.ReadFile(hello)
			if err != nil {
				t.Fatal(err)
			}
			must(t, os.MkdirAll(filepath.Join(root, "bin"), 0o755))
			must(t, os.WriteFile(filepath.Join(root, "bin", "hello"), b, 0o755))
			if c.interp != nil {
				must(t, os.MkdirAll(filepath.Join(root, filepath.Dir(interp)), 0o755))
				must(t, os.WriteFile(filepath.Join(root, interp), c.interp, 0o755))
			}
			u := fsCase{tree: root, argv: []string{"/bin/hello"}}.unikernel(t)
			if u.status != c.status || !strings.Contains(u.stdout, c.want) || strings.Contains(u.stdout, "fault") {
				t.Errorf("status %d (want %d), stdout %q (want %q), stderr %q", u.status, c.status, u.stdout, c.want, u.stderr)
			}
		})
	}
	// The loader is there, libc.so.6 is not: ld.so says so itself, natively too.
	t.Run("missing library", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "root")
		b, _ := os.ReadFile(hello)
		must(t, os.MkdirAll(filepath.Join(root, "bin"), 0o755))
		must(t, os.MkdirAll(filepath.Join(root, "proc"), 0o755))
		must(t, os.MkdirAll(filepath.Join(root, "dev"), 0o755))
		must(t, os.WriteFile(filepath.Join(root, "bin", "hello"), b, 0o755))
		must(t, os.MkdirAll(filepath.Join(root, filepath.Dir(interp)), 0o755))
		must(t, os.WriteFile(filepath.Join(root, interp), ld, 0o755))
		n := sameFS(t, fsCase{tree: root, inPlace: true, argv: []string{"/bin/hello"}}, nil)
		if n.status != 127 || !strings.Contains(n.stderr, "libc.so.6") {
			t.Errorf("native run: %+v", n)
		}
	})
	// libc.so.6 is there but corrupt. A bad ELF header: ld.so refuses it in its words, as
	// natively. Cut short: ld.so maps past the end of the file; Linux gives SIGBUS on the
	// pages past it, the libOS (which copies file mappings) zeros, so ld.so dies of a
	// SIGSEGV instead: the app's death either way, reported, never the libOS's.
	triple := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	libc, err := os.ReadFile(filepath.Join(tree, "usr", "lib", triple, "libc.so.6"))
	if err != nil {
		t.Fatal(err)
	}
	badLibc := func(t *testing.T, lib []byte) string {
		root := filepath.Join(t.TempDir(), "root")
		b, _ := os.ReadFile(hello)
		for _, d := range []string{"bin", "proc", "dev", filepath.Dir(interp), filepath.Join("lib", triple)} {
			must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
		}
		must(t, os.WriteFile(filepath.Join(root, "bin", "hello"), b, 0o755))
		must(t, os.WriteFile(filepath.Join(root, interp), ld, 0o755))
		must(t, os.WriteFile(filepath.Join(root, "lib", triple, "libc.so.6"), lib, 0o644))
		return root
	}
	t.Run("corrupt library header", func(t *testing.T) {
		lib := bytes.Clone(libc)
		lib[3] = 'X'
		n := sameFS(t, fsCase{tree: badLibc(t, lib), inPlace: true, argv: []string{"/bin/hello"}}, nil)
		if n.status != 127 || !strings.Contains(n.stderr, "libc.so.6: invalid ELF header") {
			t.Errorf("native run: %+v", n)
		}
	})
	t.Run("library cut short", func(t *testing.T) {
		u := fsCase{tree: badLibc(t, libc[:len(libc)/3]), argv: []string{"/bin/hello"}}.unikernel(t)
		if u.status <= 128 || u.status >= 255 || !strings.Contains(u.stdout, "libos: fatal signal") || strings.Contains(u.stdout, "ABORT") {
			t.Errorf("status %d (want the app's death by a signal), stdout %q, stderr %q", u.status, u.stdout, u.stderr)
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
