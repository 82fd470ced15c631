// The app suite: each app's unikernel run must match its native run (stdout, stderr, exit status).
package libos

import (
	"regexp"
	"strings"
	"testing"
)

// same runs c natively and as a unikernel and compares stdout, stderr and exit status.
func same(t *testing.T, c runCase) {
	t.Helper()
	n := c.native(t)
	u := c.unikernel(t)
	if n.stdout != u.stdout || n.stderr != u.stderr || n.status != u.status {
		t.Fatalf("%s differs:\nnative (status %d):\n%s\nstderr:\n%s\nunikernel (status %d):\n%s\nstderr:\n%s", c.app, n.status, n.stdout, n.stderr, u.status, u.stdout, u.stderr)
	}
	t.Logf("%s: status %d, native %v, unikernel %v", c.app, n.status, n.dur, u.dur)
}

func TestGoHello(t *testing.T)      { same(t, runCase{app: "go-hello"}) }
func TestGoHelloPIE(t *testing.T)   { same(t, runCase{app: "go-hello-pie"}) }
func TestGoExit3(t *testing.T)      { same(t, runCase{app: "go-exit3"}) }
func TestGoGoroutines(t *testing.T) { same(t, runCase{app: "go-goroutines"}) }
func TestGoSpin(t *testing.T)       { same(t, runCase{app: "go-spin"}) }
func TestGoTime(t *testing.T)       { same(t, runCase{app: "go-time"}) }
func TestMuslTime(t *testing.T)     { same(t, runCase{app: "musl-time"}) }
func TestMuslSignal(t *testing.T)   { same(t, runCase{app: "musl-signal"}) }
func TestMuslItimer(t *testing.T)   { same(t, runCase{app: "musl-itimer"}) }

// /proc/self/maps as programs read it: order, [stack], code, malloc and brk memory.
func TestMuslMaps(t *testing.T) { same(t, runCase{app: "musl-maps"}) }
func TestMuslHello(t *testing.T) {
	same(t, runCase{app: "musl-hello", args: []string{"first", "second"}})
}
func TestMuslPthreads(t *testing.T) { same(t, runCase{app: "musl-pthreads"}) }

// Code generated at run time (W^X: written, then mprotect PROT_EXEC), including a system
// call made from it, which traps to the libOS like any app call.
func TestMuslJIT(t *testing.T) { same(t, runCase{app: "musl-jit"}) }

// A JIT whose code cache outgrows --mem: the mapping is refused (ENOMEM), the program says
// so and exits 1, as natively when the kernel refuses; never a libOS fault. Natively the
// same cache fits (the premise).
func TestMuslJITPastMem(t *testing.T) {
	c := runCase{app: "musl-jit", args: []string{"big", "256"}, mem: 64}
	if n := c.native(t); n.status != 0 || !strings.Contains(n.stdout, "code cache of 256 MiB") {
		t.Fatalf("native run (premise): status %d, %q %q", n.status, n.stdout, n.stderr)
	}
	u := c.unikernel(t)
	out := u.stdout + u.stderr
	if u.status != 1 || !strings.Contains(out, "mmap code cache: Out of memory") ||
		strings.Contains(out, "fault") || strings.Contains(out, "panic") {
		t.Fatalf("unikernel: status %d (want 1), output %q (want mmap's ENOMEM as musl words it, no fault)", u.status, out)
	}
}

// Descriptor semantics: dup shares the open file, pipes, eventfd, epoll (level, edge,
// oneshot, hang-up), poll, select; bad pointers give EFAULT.
func TestMuslFds(t *testing.T) { same(t, runCase{app: "musl-fds"}) }

func TestGoArgsEnv(t *testing.T) {
	same(t, runCase{app: "go-args", args: []string{"alpha", "beta", "--gamma=1"}, env: []string{"NABLA_TEST=from-config"}})
}

// The JSON configuration nabla's runnc passes (rumprun's keys): argv[0] and the arguments
// from "cmdline", the environment from repeated "env" keys; "net"/"blk" are ignored here.
func TestGoArgsJSON(t *testing.T) {
	n := runCase{app: "go-args", args: []string{"one", "two words?"}, env: []string{"NABLA_TEST=json", "OTHER=x"}}.native(t)
	// "two words?" cannot survive the space-split cmdline; the JSON passes its words apart.
	n2 := runCase{app: "go-args", args: []string{"one", "two", "words?"}, env: []string{"NABLA_TEST=json"}}.native(t)
	cfg := `{"env":"OTHER=x","env":"NABLA_TEST=json","cmdline":"/opt/app/go-args one two words?",` +
		`"net":{"if":"ukvmif0","cloner":"True","type":"inet","method":"static","addr":"172.17.0.2","mask":"16"},` +
		`"blk":{"source":"etfs","path":"/dev/ld0a","fstype":"blk","mountpoint":"/"},"cwd":"/"}`
	u := runCase{app: "go-args", opts: []string{cfg}}.unikernel(t)
	if u.stdout != n2.stdout || u.status != 0 || n.stdout == n2.stdout {
		t.Fatalf("native:\n%s\nunikernel:\n%s", n2.stdout, u.stdout)
	}
	bad := runCase{app: "go-args", opts: []string{`{"env":"A=1",`}}.unikernel(t)
	if bad.status == 0 || !strings.Contains(bad.stdout, "bad JSON configuration") {
		t.Fatalf("malformed JSON: status %d:\n%s", bad.status, bad.stdout)
	}
}

// 1 GiB of allocations in total under --mem=256: the GC must free and the libOS must reuse
// memory, and the tender (with the guest) never holds much more than --mem.
func TestGoAlloc(t *testing.T) {
	c := runCase{app: "go-alloc", mem: 256}
	same(t, c)
	u := c.unikernel(t)
	if u.maxRSS == 0 || u.maxRSS > rssBound(c.mem) {
		t.Fatalf("peak RSS %d MiB with --mem=%d (bound %d MiB)", u.maxRSS>>20, c.mem, rssBound(c.mem)>>20)
	}
	t.Logf("peak RSS %d MiB with --mem=%d", u.maxRSS>>20, c.mem)
}

// rssBound is the most a tender with --mem=mem may hold: the guest's memory plus the
// tender's own pages (its Go runtime, shared with the guest process it forked).
func rssBound(mem int) uint64 { return uint64(mem+24) << 20 }

// An app that touches all it gets: it ends out of memory (ENOMEM from the host at the
// libOS's mprotect, RLIMIT_DATA) and never holds more than --mem, though its address
// space is --mem plus the libOS's 4 GiB.
func TestMemoryBound(t *testing.T) {
	for _, mem := range []int{128, 256} {
		u := runCase{app: "go-oom", mem: mem}.unikernel(t)
		if u.status == 0 || !strings.Contains(u.stderr, "out of memory") {
			t.Fatalf("--mem=%d: status %d, output:\n%s\nstderr:\n%s", mem, u.status, u.stdout, u.stderr)
		}
		// It must have had a good part of --mem (Go commits ~50 MiB for its tables and
		// stack, and its heap grows in steps).
		if u.maxRSS > rssBound(mem) || u.maxRSS < uint64(mem/3)<<20 {
			t.Fatalf("--mem=%d: peak RSS %d MiB, want %d to %d MiB", mem, u.maxRSS>>20, mem/3, rssBound(mem)>>20)
		}
		t.Logf("--mem=%d: out of memory at peak RSS %d MiB", mem, u.maxRSS>>20)
	}
}

// The least memory Go needs: ~48 MiB committed (its 32 MiB heap arena index, the 8 MiB
// main stack, the first heap chunk).
func TestGoHelloSmallMem(t *testing.T) {
	same(t, runCase{app: "go-hello", mem: 64})
	same(t, runCase{app: "musl-pthreads", mem: 32})
}

// Goroutines many times over, to catch scheduler races that a single run may miss.
func TestGoGoroutinesRepeated(t *testing.T) {
	for i := 0; i < 10; i++ {
		same(t, runCase{app: "go-goroutines"})
	}
}

func TestUnsupportedSyscall(t *testing.T) {
	u := runCase{app: "go-enosys", opts: []string{"--libos:debug"}}.unikernel(t)
	if u.status != 0 || !strings.Contains(u.stdout, "acct: true\nstill running\n") {
		t.Fatalf("status %d, output:\n%s", u.status, u.stdout)
	}
	// Counted by name and number (acct is 163 on x86_64, 89 on aarch64).
	if !regexp.MustCompile(`libos: ENOSYS: acct \((163|89)\), 1 times`).MatchString(u.stdout) {
		t.Fatalf("the debug report does not count the unsupported call:\n%s", u.stdout)
	}
	// Without the debug option the output is the app's alone.
	u = runCase{app: "go-enosys"}.unikernel(t)
	if u.stdout != "acct: true\nstill running\n" {
		t.Fatalf("output without --libos:debug:\n%s", u.stdout)
	}
}

// Calls that would leave the sandbox natively (execve, open of a host file, socket) are
// answered by the libOS; the host never sees them (the filter would kill the unikernel).
func TestNoEscape(t *testing.T) {
	u := runCase{app: "go-escape"}.unikernel(t)
	// execve is the libOS's own (from a threaded Go program too): the image has no /bin/sh.
	want := "execve: no such file or directory\nopen /etc/passwd fails: true\ngetppid errno: errno 0\nsocket: true\n"
	if u.status != 0 || u.stdout != want {
		t.Fatalf("status %d, output:\n%s\nwant:\n%s", u.status, u.stdout, want)
	}
}

var pcField = regexp.MustCompile(`pc=0x[0-9a-f]+`)

// A Go fault reaches Go's own SIGSEGV handler (a delivered signal), which reports it as
// natively: same first three lines, same status.
func TestGoFault(t *testing.T) {
	c := runCase{app: "go-fault"}
	n, u := c.native(t), c.unikernel(t)
	head := func(s string) string {
		// The third line has the pc, which differs for a PIE (arm64) loaded elsewhere.
		l := strings.SplitN(s, "\n", 4)
		return pcField.ReplaceAllString(strings.Join(l[:min(3, len(l))], "\n"), "pc=PC")
	}
	// Go reports on stderr, apart from what the app printed.
	if n.status != u.status || n.stdout != u.stdout || head(n.stderr) != head(u.stderr) ||
		!strings.Contains(u.stderr, "unexpected fault address 0x7ff0deadb000") {
		t.Fatalf("native (status %d):\n%s\nstderr:\n%s\nunikernel (status %d):\n%s\nstderr:\n%s", n.status, n.stdout, n.stderr, u.status, u.stdout, u.stderr)
	}
}

// A C program without a handler: the libOS reports the fault and ends with 128+SIGSEGV,
// the status a shell shows for the native run.
func TestMuslFault(t *testing.T) {
	c := runCase{app: "musl-fault"}
	n, u := c.native(t), c.unikernel(t)
	if n.status != 139 || u.status != n.status || !strings.HasPrefix(u.stdout, "about to fault\n") ||
		!strings.Contains(u.stdout, "fault address 0x7ff0deadb000") || strings.Contains(u.stdout, "not reached") {
		t.Fatalf("native (status %d):\n%s\nunikernel (status %d):\n%s", n.status, n.stdout, u.status, u.stdout)
	}
}

// With one P a tight loop without calls can only be stopped by Go's asynchronous preemption:
// sysmon's tgkill(SIGURG) must be delivered to the spinning thread's handler.
func TestGoSpinOneP(t *testing.T) {
	same(t, runCase{app: "go-spin", env: []string{"GOMAXPROCS=1"}})
}

func TestOutOfMemory(t *testing.T) {
	u := runCase{app: "go-oom", mem: 256}.unikernel(t)
	if u.status == 0 || !strings.Contains(u.stdout, "held MiB: 16\n") || !strings.Contains(u.stderr, "out of memory") {
		t.Fatalf("status %d, output:\n%s\nstderr:\n%s", u.status, u.stdout, u.stderr)
	}
}

// Too little memory: the tender refuses a --mem that cannot hold the image and the boot
// stack; above that, a Go app that cannot commit its start-up tables ends out of memory.
func TestMemTooSmall(t *testing.T) {
	u := runCase{app: "go-hello", mem: 18}.unikernel(t)
	if u.status == 0 || !strings.Contains(u.stderr, "too small for this libOS image") {
		t.Fatalf("--mem=18: status %d, output:\n%s", u.status, u.all())
	}
	u = runCase{app: "go-hello", mem: 32}.unikernel(t)
	if u.status == 0 || !strings.Contains(u.stderr, "out of memory") || strings.Contains(u.all(), "hello") {
		t.Fatalf("--mem=32: status %d, output:\n%s", u.status, u.all())
	}
}

// getrandom (crypto/rand): the same report as natively, and a sample that differs between
// two runs. The libOS keys its generator with the tender's host seed (LOS1 note), so no run
// may fall back to clocks, on CPUs without RNDR (aarch64 here, a Raspberry Pi) included.
func TestGoRandom(t *testing.T) {
	c := runCase{app: "go-random"}
	n := c.native(t)
	u1, u2 := c.unikernel(t), c.unikernel(t)
	body := func(s string) (string, string) {
		i := strings.Index(s, "sample: ")
		if i < 0 {
			return s, ""
		}
		return s[:i], s[i:]
	}
	nb, _ := body(n.stdout)
	b1, s1 := body(u1.stdout)
	b2, s2 := body(u2.stdout)
	if n.status != 0 || u1.status != 0 || u2.status != 0 || b1 != nb || b2 != nb || s1 == "" || s1 == s2 {
		t.Fatalf("native (status %d):\n%s\nunikernel runs (status %d, %d):\n%s\n%s", n.status, n.stdout, u1.status, u2.status, u1.stdout, u2.stdout)
	}
	if strings.Contains(u1.stdout+u2.stdout, "seeded from clocks") {
		t.Fatalf("the libOS had no host seed:\n%s", u1.stdout)
	}
}

// stdout and stderr are two streams, each exactly as natively.
func TestGoStdio(t *testing.T) { same(t, runCase{app: "go-stdio"}) }
