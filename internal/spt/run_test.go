// End-to-end tests of the real tender binary: a tiny x86_64 guest from testdata, and the guest images when they exist.
package spt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tenderPath builds nabla-spt once per test run, or uses $NABLA_SPT or
// $NABLA_BIN/nabla-spt (for cross-built test binaries run where there is no
// Go toolchain, as in the aarch64 VM).
func tenderPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("NABLA_SPT"); p != "" {
		return p
	}
	if d := os.Getenv("NABLA_BIN"); d != "" {
		return filepath.Join(d, "nabla-spt")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nabla-spt-test")
		if err != nil {
			buildErr = err
			return
		}
		builtTender = filepath.Join(dir, "nabla-spt")
		// As the Makefile builds it (static, linked high): what ships, and the build
		// whose child unmaps the tender (a dynamically linked PIE's cannot).
		cmd := exec.Command("go", "build", "-ldflags=-T=0x4000001000", "-o", builtTender, "github.com/nabla-containers/nabla/cmd/nabla-spt")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New("go build nabla-spt: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("cannot build the tender (set NABLA_SPT to a built one): %v", buildErr)
	}
	return builtTender
}

// miniGuest assembles testdata/mini_x86_64.S with gcc.
func miniGuest(t *testing.T) string {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the mini guest is x86_64 assembly; on arm64 the guest images below are the test")
	}
	out := filepath.Join(t.TempDir(), "mini.spt")
	cmd := exec.Command("gcc", "-nostdlib", "-static", "-no-pie", "-Wl,--build-id=none",
		"-Wl,-z,max-page-size=0x1000", "-Wl,-T,testdata/mini.lds", "-o", out, "testdata/mini_x86_64.S")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc (needed to build the test guest): %v\n%s", err, b)
	}
	return out
}

type result struct {
	stdout, stderr string
	code           int            // exit code, -1 if signaled
	sig            syscall.Signal // signal that ended the tender
}

func runTender(t *testing.T, extra []*os.File, args ...string) result {
	t.Helper()
	cmd := exec.Command(tenderPath(t), args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	cmd.ExtraFiles = extra
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String(), code: cmd.ProcessState.ExitCode()}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.sig = ws.Signal()
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return r
}

func disk(t *testing.T, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "disk")
	b := make([]byte, size)
	copy(b[512:], "BLOCK-ONE")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMiniGuest(t *testing.T) {
	g := miniGuest(t)
	d := disk(t, 1<<20)
	blk := "--block:disk=" + d
	cases := []struct {
		name   string
		args   []string
		code   int
		sig    syscall.Signal
		stdout string
		stderr string
	}{
		{"hello", []string{"--mem=2", blk, g, "hello", "a  b"}, 0, 0, "hello a  b", ""},
		{"exit status", []string{"--mem=2", blk, g, "e"}, 7, 0, "", ""},
		{"fault kills with SIGSEGV", []string{"--mem=2", blk, g, "segv"}, -1, syscall.SIGSEGV, "", ""},
		{"forbidden call kills with SIGSYS", []string{"--mem=2", blk, g, "dup"}, -1, syscall.SIGSYS, "", ""},
		{"block read through the filter", []string{"--mem=2", blk, g, "r"}, 0, 0, "BLOCK-ONE" + string(make([]byte, 512-9)), ""},
		{"not attached", []string{"--mem=2", g, "hello"}, 1, 0, "", "nabla-spt: device 'disk' (BLOCK_BASIC) is declared in the manifest but not attached"},
		{"mem too small", []string{"--mem=1", blk, g}, 1, 0, "", "nabla-spt: --mem=1 is too small"},
		{"mem too large", []string{"--mem=1000000000000", blk, g}, 1, 0, "", "nabla-spt: --mem=1000000000000 is too large: the maximum is"},
		{"bad sector size", []string{"--block-sector-size:disk=4095", blk, g}, 1, 0, "", "nabla-spt: --block-sector-size:disk=4095: Block size must be a multiple of 2 greater than or equal 512: sector size 4095 is not a power of 2"},
		{"version", []string{"--version"}, 0, 0, "nabla-spt tender, version ", ""},
		{"help", []string{"--help"}, 1, 0, "", "usage: nabla-spt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runTender(t, nil, c.args...)
			if r.code != c.code || r.sig != c.sig {
				t.Fatalf("exit %d signal %v, want %d %v; stderr %q", r.code, r.sig, c.code, c.sig, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, c.stdout) || (c.stdout == "" && r.stdout != "") {
				t.Errorf("stdout %q, want %q", r.stdout, c.stdout)
			}
			if !strings.HasPrefix(r.stderr, c.stderr) || (c.stderr == "" && r.stderr != "") || strings.Count(r.stderr, "\n") > 1 && c.name != "help" {
				t.Errorf("stderr %q, want %q", r.stderr, c.stderr)
			}
		})
	}
}

// TestBootInfo checks what the guest sees: boot info, manifest copy, fd numbers.
func TestBootInfo(t *testing.T) {
	g := miniGuest(t)
	d := disk(t, 4096)
	// An inherited extra fd (3 in the tender) must not shift or leak into the guest.
	extra, err := os.Open("/dev/null")
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	r := runTender(t, []*os.File{extra}, "--mem=3", "--block:disk="+d, "--block-sector-size:disk=1024", g, "info", "x")
	if r.code != 0 || len(r.stdout) != 256 {
		t.Fatalf("exit %d, %d bytes of output; stderr %q", r.code, len(r.stdout), r.stderr)
	}
	b := []byte(r.stdout)
	le := binary.LittleEndian
	mft := 0x11028
	e1 := 40 + 8 + 104 // entry 1 in the dump
	want := []struct {
		what      string
		got, want uint64
	}{
		{"mem_size", le.Uint64(b[0:]), 3 << 20},
		{"kernel_end", le.Uint64(b[8:]), 0x101000},
		{"cmdline", le.Uint64(b[16:]), uint64(mft + 8 + 2*104)},
		{"mft", le.Uint64(b[24:]), uint64(mft)},
		{"epollfd", uint64(le.Uint32(b[32:])), 4},
		{"timerfd", uint64(le.Uint32(b[36:])), 5},
		{"mft version", uint64(le.Uint32(b[40:])), 1},
		{"mft entries", uint64(le.Uint32(b[44:])), 2},
		{"disk capacity", le.Uint64(b[e1+72:]), 4096},
		{"disk block size", uint64(le.Uint16(b[e1+80:])), 1024},
		{"disk hostfd", uint64(le.Uint32(b[e1+88:])), 3},
		{"disk attached", uint64(b[e1+96]), 1},
	}
	for _, w := range want {
		if w.got != w.want {
			t.Errorf("%s = %#x, want %#x", w.what, w.got, w.want)
		}
	}
	if name := string(bytes.TrimRight(b[e1:e1+68], "\x00")); name != "disk" {
		t.Errorf("entry 1 name %q", name)
	}
}

// TestSignalForwarding: TERM and INT to the tender end the guest, and the tender dies the same way.
// The x86_64 mini guest spins; elsewhere test_time (which sleeps for seconds) stands in.
func TestSignalForwarding(t *testing.T) {
	var args []string
	if runtime.GOARCH == "amd64" {
		args = []string{"--mem=2", "--block:disk=" + disk(t, 4096), miniGuest(t), "loop"}
	} else {
		p := filepath.Join(guestDir(), "test_time.spt")
		if !exists(p) {
			t.Skipf("no %s to run", p)
		}
		args = []string{"--mem=2", p}
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(tenderPath(t), args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: tender did not end", sig)
		}
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != sig {
			t.Errorf("%v: tender ended with %v (exit %d)", sig, ws.Signal(), ws.ExitStatus())
		}
	}
}

// TestGuestImages runs the guest images built under guest/build when present.
func TestGuestImages(t *testing.T) {
	dir := guestDir()
	hello := filepath.Join(dir, "test_hello.spt")
	if _, err := os.Stat(hello); err != nil {
		t.Skipf("no guest images in %s (build them with make -C guest); the tests above ran the mini guest", dir)
	}
	r := runTender(t, nil, "--mem=2", hello, "Hello_Solo5")
	if r.code != 0 || !strings.Contains(r.stdout, "Hello_Solo5") || !strings.Contains(r.stdout, "SUCCESS") {
		t.Errorf("test_hello: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if p := filepath.Join(dir, "test_seccomp.spt"); exists(p) {
		if r := runTender(t, nil, "--mem=2", p); r.sig != syscall.SIGSYS {
			t.Errorf("test_seccomp: signal %v exit %d, want SIGSYS", r.sig, r.code)
		}
	}
	if p := filepath.Join(dir, "test_exception.spt"); exists(p) {
		if r := runTender(t, nil, "--mem=2", p); r.sig != syscall.SIGSEGV {
			t.Errorf("test_exception: signal %v exit %d, want SIGSEGV", r.sig, r.code)
		}
	}
}

// guestDir is where this arch's guest images are: guest/build/<arch>, or under $NABLA_GUEST_DIR.
func guestDir() string {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	if d := os.Getenv("NABLA_GUEST_DIR"); d != "" {
		return filepath.Join(d, arch)
	}
	return filepath.Join("..", "..", "guest", "build", arch)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestChildKeepsNothing looks at a running guest's mappings: guest memory, then only
// the trampoline's code (two pages of the tender's text, read-only) and the read-only
// launch page. Nothing of the tender is left writable, and the tender itself no longer
// maps guest memory, so the pages the guest touches are its own.
func TestChildKeepsNothing(t *testing.T) {
	p := filepath.Join(guestDir(), "test_spin.spt")
	if !exists(p) {
		t.Fatalf("no %s (make guest)", p)
	}
	cmd := exec.Command(tenderPath(t), "--mem=2", p)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var child string
	for i := 0; i < 100 && child == ""; i++ {
		time.Sleep(20 * time.Millisecond)
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
		child = strings.TrimSpace(string(b))
	}
	if child == "" {
		t.Fatal("no guest child appeared")
	}
	time.Sleep(100 * time.Millisecond) // past the unmaps: the guest is spinning
	maps, err := os.ReadFile("/proc/" + child + "/maps")
	if err != nil {
		t.Fatal(err)
	}
	const guestEnd = 2 << 20
	other := 0
	for _, line := range strings.Split(strings.TrimSpace(string(maps)), "\n") {
		start, end, perm, ok := mapsRange([]byte(line))
		if !ok {
			t.Fatalf("bad maps line %q", line)
		}
		if end <= guestEnd || strings.HasSuffix(line, "[vsyscall]") {
			continue
		}
		other++
		if perm[1] == 'w' || end-start > codeKeep {
			t.Errorf("tender mapping left in the guest: %s", line)
		}
	}
	if other > 2 {
		t.Errorf("%d mappings besides guest memory, want the code and the launch page:\n%s", other, maps)
	}
	parent, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(parent)), "\n") {
		if start, _, _, ok := mapsRange([]byte(line)); ok && start < guestEnd {
			t.Errorf("the tender still maps guest memory: %s", line)
		}
	}
}
