// Ordinary programs as the entrypoint: found on the image's PATH, baked with the libOS once
// per content, exit status and output the program's; what the libOS cannot run is refused
// at create with one line naming the file.
package runnc

import (
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

var (
	programMu    sync.Mutex
	programCache = map[string]string{}
	programDir   string
)

// goProgram is tests/libos/apps/<name> built as a static Go program, the way any image
// would hold one (CGO_ENABLED=0; arm64: -buildmode=pie, as Go links at 0x10000 there,
// below the libOS), or prebuilt in $NABLA_LIBOS_APPS (the aarch64 VM has no Go).
func goProgram(t *testing.T, name string) string {
	t.Helper()
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, name)
	}
	programMu.Lock()
	defer programMu.Unlock()
	if p, ok := programCache[name]; ok {
		return p
	}
	if programDir == "" {
		d, err := os.MkdirTemp("", "runnc-programs-")
		if err != nil {
			t.Fatal(err)
		}
		programDir = d
	}
	out := filepath.Join(programDir, name)
	args := []string{"build", "-o", out}
	if runtime.GOARCH == "arm64" {
		args = append(args, "-buildmode=pie")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = filepath.Join(repo, "tests", "libos", "apps", name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", name, err, b)
	}
	programCache[name] = out
	return out
}

// putFile copies src into the bundle's rootfs at name with mode.
func putFile(t *testing.T, bundle, name, src string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bundle, name, b, mode)
}

func writeFile(t *testing.T, bundle, name string, b []byte, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(bundle, "rootfs", name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, b, mode); err != nil {
		t.Fatal(err)
	}
}

func hexLines(prefix string, vs ...string) string {
	var b strings.Builder
	for i, v := range vs {
		if prefix == "argv" {
			fmt.Fprintf(&b, "argv[%d] %x\n", i, v)
		} else {
			fmt.Fprintf(&b, "%s %s\n", prefix, hex.EncodeToString([]byte(v)))
		}
	}
	return b.String()
}

// cachedImages lists the baked programs in the runtime root's cache, with their inodes
// and modification times.
func cachedImages(t *testing.T, root string) map[string]string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(root, ".cache", "app-*.spt"))
	out := map[string]string{}
	for _, p := range m {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = fmt.Sprintf("ino %d mtime %v", st.Sys().(*syscall.Stat_t).Ino, st.ModTime().UnixNano())
	}
	return out
}

func TestProgramEntrypoint(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"server", "--flag", "a b"}
	s.Process.Env = []string{"PATH=/app", "NABLA_ARGS_HEX=1"}
	b := e.bundle(s)
	putFile(t, b, "app/server", goProgram(t, "go-args"), 0o755)
	// No HOME in the env: runc's rule, the user's home from the image's /etc/passwd.
	writeFile(t, b, "etc/passwd", []byte("daemon:x:1:1::/usr/sbin:/bin/false\nroot:x:0:0:root:/root:/bin/sh\n"), 0o644)

	want := hexLines("argv", "server", "--flag", "a b") +
		hexLines("env", "PATH=/app", "NABLA_ARGS_HEX=1", "HOME=/root") +
		"cwd 2f <nil>\nids 0 0 0 0 [] <nil>\n"
	r := e.run("run", "-b", b, "prog1")
	if r.code != 0 || r.stdout != want || r.stderr != "" {
		t.Fatalf("run: exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, want, r.stderr)
	}
	first := cachedImages(t, e.root)
	if len(first) != 1 {
		t.Fatalf("baked images in the cache after one start: %v, want 1", first)
	}
	// The second start reuses the baked image: the same file, not rewritten.
	r = e.run("run", "-b", b, "prog2")
	if r.code != 0 || r.stdout != want {
		t.Fatalf("second run: exit %d\n%q", r.code, r.stdout)
	}
	if again := cachedImages(t, e.root); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("second start baked again: cache %v, was %v", again, first)
	}
	// A changed program is a new bake (the key is the content, not the name).
	putFile(t, b, "app/server", goProgram(t, "go-exit3"), 0o755)
	r = e.run("run", "-b", b, "prog3")
	if r.code != 3 || r.stdout != "exiting with 3\n" {
		t.Errorf("go-exit3: exit %d, stdout %q; want 3, %q", r.code, r.stdout, "exiting with 3\n")
	}
	if n := len(cachedImages(t, e.root)); n != 2 {
		t.Errorf("%d baked images after a changed program, want 2", n)
	}

	// The default PATH, and a link in the image (absolute, resolved inside the rootfs).
	s2 := helloSpec()
	s2.Process.Args = []string{"exit3"}
	s2.Process.Env = nil
	b2 := e.bundle(s2)
	putFile(t, b2, "opt/exit3", goProgram(t, "go-exit3"), 0o755)
	os.MkdirAll(filepath.Join(b2, "rootfs", "usr", "bin"), 0o755)
	os.Symlink("/opt/exit3", filepath.Join(b2, "rootfs", "usr", "bin", "exit3"))
	r = e.run("run", "-b", b2, "prog4")
	if r.code != 3 || r.stdout != "exiting with 3\n" {
		t.Errorf("exit3 on the default PATH: exit %d, stdout %q", r.code, r.stdout)
	}
	// create, start, state and delete work as for unikernels.
	e.ok("create", "-b", b2, "prog5")
	e.ok("start", "prog5")
	e.waitStatus("prog5", "stopped")
	e.ok("delete", "prog5")
}

func TestProgramRefused(t *testing.T) {
	e := newEnv(t)
	other := map[string]uint16{"amd64": 183, "arm64": 62}[runtime.GOARCH]
	otherName := map[string]string{"amd64": "aarch64", "arm64": "x86_64"}[runtime.GOARCH]
	otherELF := make([]byte, 4096)
	copy(otherELF, "\x7fELF\x02\x01\x01")
	otherELF[16], otherELF[18], otherELF[19] = 2, byte(other), byte(other>>8)
	prog, err := os.ReadFile(goProgram(t, "go-args"))
	if err != nil {
		t.Fatal(err)
	}
	dynamic := dynamicELF(t)

	cases := []struct {
		name, want string
		setup      func(b string)
	}{
		{"script", `process.args[0] "server" (/app/server in the rootfs): a script (#!/bin/sh)`,
			func(b string) { writeFile(t, b, "app/server", []byte("#!/bin/sh\necho hi\n"), 0o755) }},
		{"dynamic", `process.args[0] "server" (/app/server in the rootfs): is dynamically linked and its interpreter /`,
			func(b string) { writeFile(t, b, "app/server", dynamic, 0o755) }},
		{"other arch", "an ELF program for " + otherName + ", this host is " + arch,
			func(b string) { writeFile(t, b, "app/server", otherELF, 0o755) }},
		{"not ELF", "not an ELF program nor a Solo5 image",
			func(b string) { writeFile(t, b, "app/server", []byte("hello, I am text\n"), 0o755) }},
		{"empty", "(/app/server in the rootfs): an empty file",
			func(b string) { writeFile(t, b, "app/server", nil, 0o755) }},
		{"truncated", "(/app/server in the rootfs): ",
			func(b string) { writeFile(t, b, "app/server", prog[:4000], 0o755) }},
		{"missing", `process.args[0] "server": not found in PATH /app in the rootfs`,
			func(b string) { os.MkdirAll(filepath.Join(b, "rootfs", "app"), 0o755) }},
		{"directory", "/app/server is a directory",
			func(b string) { os.MkdirAll(filepath.Join(b, "rootfs", "app", "server"), 0o755) }},
		{"not executable", "/app/server is not executable",
			func(b string) { writeFile(t, b, "app/server", prog, 0o644) }},
		{"dangling link", "/gone (a symbolic link's target) not found in the rootfs",
			func(b string) {
				os.MkdirAll(filepath.Join(b, "rootfs", "app"), 0o755)
				os.Symlink("/gone", filepath.Join(b, "rootfs", "app", "server"))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := helloSpec()
			s.Process.Args = []string{"server"}
			s.Process.Env = []string{"PATH=/app"}
			b := e.bundle(s)
			c.setup(b)
			e.fails(c.want, "create", "-b", b, "bad")
			e.fails("does not exist", "state", "bad")
		})
	}
	if m, _ := filepath.Glob(filepath.Join(e.root, ".cache", "app-*")); len(m) != 0 {
		t.Errorf("refused programs left baked images: %v", m)
	}
	_ = specs.Version
}

// dynamicELF is a dynamically linked program of this host (the system's own env, a
// glibc program with an interpreter and libc.so.6).
func dynamicELF(t *testing.T) []byte {
	t.Helper()
	// The first that really needs shared libraries: in the aarch64 VM /usr/bin/env is
	// static busybox, and nft (copied in for the loss test) is the dynamic one.
	for _, p := range []string{"/usr/bin/env", "/bin/true", "/usr/bin/true", "/usr/sbin/nft"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		libs, _ := f.ImportedLibraries()
		interp := false
		for _, ph := range f.Progs {
			interp = interp || ph.Type == elf.PT_INTERP
		}
		f.Close()
		if b, err := os.ReadFile(p); err == nil && interp && len(libs) > 0 {
			return b
		}
	}
	t.Fatal("no dynamically linked program on this machine (/usr/bin/env, /usr/sbin/nft)")
	return nil
}

// The program's stdout and stderr reach runnc's stdout and stderr apart, each as written.
func TestProgramStdio(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"/bin/stdio"}
	b := e.bundle(s)
	putFile(t, b, "bin/stdio", goProgram(t, "go-stdio"), 0o755)
	r := e.run("run", "-b", b, "stdio1")
	wantOut := "out 0\nout 1\nout 2\nout 3\nout 4\n"
	wantErr := "err 0\nerr 1\nerr 2\nerr 3\nerr 4\nno newline at the end"
	if r.code != 0 || r.stdout != wantOut || r.stderr != wantErr {
		t.Errorf("exit %d\nstdout %q, want %q\nstderr %q, want %q", r.code, r.stdout, wantOut, r.stderr, wantErr)
	}
}

// runBackground starts `runnc run` of bundle as id with stdout to out; wait gives its
// exit status.
func (e *env) runBackground(bundle, id, out string) (wait func() int) {
	e.t.Helper()
	f, err := os.Create(out)
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command(runncB, "--root", e.root, "run", "-b", bundle, id)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	f.Close()
	return func() int {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second):
			got, _ := os.ReadFile(out)
			e.t.Errorf("%s: still running 30 s after the signal; output %q", id, got)
			exec.Command(runncB, "--root", e.root, "kill", id, "KILL").Run()
			err = <-done
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			e.t.Fatal(err)
		}
		return 0
	}
}

// kill -s TERM|INT|HUP|USR1|USR2 reaches the program's signal.Notify, which shuts down
// cleanly (exit 0); a signal it does not handle ends it as natively (128+n); SIGKILL
// ends even a program that handles everything else.
func TestProgramSignals(t *testing.T) {
	e := newEnv(t)
	s := helloSpec()
	s.Process.Args = []string{"sigterm"}
	s.Process.Env = []string{"PATH=/bin"}
	b := e.bundle(s)
	putFile(t, b, "bin/sigterm", goProgram(t, "go-sigterm"), 0o755)
	names := map[string]string{"TERM": "terminated", "INT": "interrupt", "HUP": "hangup",
		"USR1": "user defined signal 1", "USR2": "user defined signal 2"}
	for _, sig := range []string{"TERM", "INT", "HUP", "USR1", "USR2"} {
		id := "sig-" + strings.ToLower(sig)
		out := filepath.Join(e.tmp, id+".out")
		wait := e.runBackground(b, id, out)
		waitFile(t, out, "ready\n")
		e.ok("kill", id, sig)
		code := wait()
		got, _ := os.ReadFile(out)
		if want := "ready\ngot " + names[sig] + "\nbye\n"; code != 0 || string(got) != want {
			t.Errorf("SIG%s: exit %d, output %q; want 0, %q", sig, code, got, want)
		}
	}
	out := filepath.Join(e.tmp, "kill.out")
	wait := e.runBackground(b, "sig-kill", out)
	waitFile(t, out, "ready\n")
	e.ok("kill", "sig-kill", "KILL")
	if code := wait(); code != 137 {
		t.Errorf("SIGKILL: exit %d, want 137", code)
	}
	// A program without handlers: SIGTERM's default action, status 143, nothing printed.
	s.Process.Args = []string{"/bin/spin"}
	s.Process.Env = nil
	b2 := e.bundle(s)
	putFile(t, b2, "bin/spin", goProgram(t, "go-sleep"), 0o755)
	out = filepath.Join(e.tmp, "dfl.out")
	wait = e.runBackground(b2, "sig-dfl", out)
	waitFile(t, out, "sleeping\n")
	e.ok("kill", "sig-dfl", "TERM")
	code := wait()
	if got, _ := os.ReadFile(out); code != 143 || string(got) != "sleeping\n" {
		t.Errorf("SIGTERM without a handler: exit %d, output %q; want 143, %q", code, got, "sleeping\n")
	}
}

// busyboxStatic is Debian's busybox-static (static glibc) for this machine: prebuilt in
// $NABLA_LIBOS_APPS in the VM, else fetched by tests/libos/fetch-busybox.sh.
func busyboxStatic(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("NABLA_LIBOS_APPS"); d != "" {
		return filepath.Join(d, "busybox")
	}
	cmd := exec.Command("bash", filepath.Join(repo, "tests", "libos", "fetch-busybox.sh"), runtime.GOARCH)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fetch-busybox.sh: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// A program no one here wrote: busybox-static's shell (static glibc) through the link an
// image holds (/bin/sh -> busybox), compared with the native run of the same binary.
// Builtins only: the libOS has no fork yet.
func TestProgramBusybox(t *testing.T) {
	e := newEnv(t)
	bb := busyboxStatic(t)
	script := func(motd string) string {
		return `echo "a  b" $X $HOME; read l < ` + motd + `; echo "$l" >&2; exit 7`
	}
	s := helloSpec()
	s.Process.Args = []string{"sh", "-c", script("/etc/motd")}
	s.Process.Env = []string{"PATH=/usr/bin:/bin", "X=y"}
	b := e.bundle(s)
	putFile(t, b, "bin/busybox", bb, 0o755)
	os.Symlink("busybox", filepath.Join(b, "rootfs", "bin", "sh"))
	writeFile(t, b, "etc/motd", []byte("to stderr\n"), 0o644)
	r := e.run("run", "-b", b, "bb1")

	native := exec.Command(bb, "sh", "-c", script(filepath.Join(b, "rootfs", "etc", "motd")))
	native.Env = append(s.Process.Env, "HOME=/")
	var no, ne strings.Builder
	native.Stdout, native.Stderr = &no, &ne
	code := exitCode(native.Run())
	if code != 7 || no.String() != "a  b y /\n" || ne.String() != "to stderr\n" {
		t.Fatalf("native busybox (test premise): exit %d %q %q", code, no.String(), ne.String())
	}
	if r.code != code || r.stdout != no.String() || r.stderr != ne.String() {
		t.Errorf("busybox sh: exit %d, stdout %q, stderr %q; native: %d, %q, %q", r.code, r.stdout, r.stderr, code, no.String(), ne.String())
	}
}
