// TestHostileSPT: the red-team spt guest (test_hostile_spt) against nabla-spt's filter and memory layout.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nabla-containers/nabla/internal/seccomp"
	"github.com/nabla-containers/nabla/internal/spt"
)

// The guest's descriptors: the tender moves its one block device to 3, then epoll, timer.
const (
	hBlockFD = 3
	hEpollFD = 4
	hTimerFD = 5
	hDisk    = 1 << 20
	hSector  = 512
)

// hostileArch are the numbers the hand-written expectations use, per arch (from the
// kernel's tables, independent of internal/spt's).
type hostileArch struct {
	write, read, pread, pwrite, clock, exitGroup, epoll, timerfd, archPrctl int64
	max                                                                     int64 // highest syscall number defined
	x32                                                                     bool
	wildTLS, kernelAddr                                                     string
}

var hostileArches = map[string]hostileArch{
	"amd64": {write: 1, read: 0, pread: 17, pwrite: 18, clock: 228, exitGroup: 231, epoll: 281,
		timerfd: 286, archPrctl: 158, max: 467, x32: true, wildTLS: "0x7ff000000000", kernelAddr: "0xffffffff81000000"},
	"arm64": {write: 64, read: 63, pread: 67, pwrite: 68, clock: 113, exitGroup: 94, epoll: 22,
		timerfd: 86, archPrctl: -1, max: 467, wildTLS: "0xfff000000000", kernelAddr: "0xffff800010000000"},
}

// hostileRun is one run of the guest; the counter feeds the report.
type hostileRun struct {
	status int
	stdout string
	stderr string
}

var hostileRuns int

func runHostile(t *testing.T, tender, image, disk string, args ...string) hostileRun {
	t.Helper()
	argv := append([]string{tender, "--mem=4", "--block:storage=" + disk, image, "--solo5:quiet"}, args...)
	res, err := run(argv, runTimeout)
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	hostileRuns++
	if res.TimedOut {
		t.Fatalf("%v: still running after %v", args, runTimeout)
	}
	if strings.Contains(res.Stderr, "goroutine") || strings.Contains(res.Stderr, "panic") {
		t.Fatalf("%v: the tender panicked:\n%s", args, res.Stderr)
	}
	return hostileRun{res.Status, res.Stdout, res.Stderr}
}

func hostileDisk(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(p, make([]byte, hDisk), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// oracle is the policy the tender installs for this guest, evaluated in Go.
func oracle(nr int64, a [6]uint64) seccomp.Action {
	p := spt.Policy(runtime.GOARCH, spt.Devices{
		Blocks:  []spt.Block{{FD: hBlockFD, BlockSize: hSector, Capacity: hDisk}},
		EpollFD: hEpollFD, TimerFD: hTimerFD,
	})
	return p.Eval(seccomp.Data{Nr: int32(nr), Arch: p.AuditArch, Args: a})
}

func hexArgs(a [6]uint64) []string {
	s := make([]string, 6)
	for i, v := range a {
		s[i] = "0x" + strconv.FormatUint(v, 16)
	}
	return s
}

// checkSys runs one call and checks it against want ("ret", "exit" or "kill") and the oracle.
func checkSys(t *testing.T, tender, image, disk string, nr int64, a [6]uint64, argWords []string, want string) {
	t.Helper()
	got := map[seccomp.Action]string{seccomp.RetAllow: "ret", seccomp.RetKillProcess: "kill"}[oracle(nr, a)]
	if want == "exit" && got == "ret" {
		got = "exit"
	}
	if got != want {
		t.Errorf("nr %d args %v: the policy says %q, the suite expects %q", nr, argWords, got, want)
	}
	r := runHostile(t, tender, image, disk, append(append([]string{"sys"}, argWords...), strconv.FormatInt(nr, 10))...)
	retLine := fmt.Sprintf("RET nr=%d ", nr)
	switch want {
	case "ret":
		if r.status != 0 || !strings.Contains(r.stdout, retLine) {
			t.Errorf("nr %d args %v: want a return, got status %d, stdout %q", nr, argWords, r.status, shorten(r.stdout))
		}
	case "exit":
		if r.status != int(a[0]&0xff) || strings.Contains(r.stdout, retLine) {
			t.Errorf("nr %d args %v: want exit %d, got status %d, stdout %q", nr, argWords, a[0]&0xff, r.status, shorten(r.stdout))
		}
	case "kill":
		if r.status != 159 || strings.Contains(r.stdout, retLine) {
			t.Errorf("nr %d args %v: want death by SIGSYS (159), got status %d, stdout %q", nr, argWords, r.status, shorten(r.stdout))
		}
	}
}

func TestHostileSPT(t *testing.T) {
	requireHost(t)
	tender := tenderPath(t, "nabla-spt")
	image := guestImage(t, "hostile_spt")
	ha, ok := hostileArches[runtime.GOARCH]
	if !ok {
		t.Fatalf("no hostile table for %s", runtime.GOARCH)
	}
	disk := hostileDisk(t)
	start := time.Now()
	hostileRuns = 0

	t.Run("every-syscall", func(t *testing.T) {
		// Every number with zero arguments: only clock_gettime(CLOCK_REALTIME) returns and
		// exit_group exits; everything else dies. In the TCG VM (arm64) every 5th number
		// plus all the policy's and their neighbours, to keep the run short.
		var nrs []int64
		policy := map[int64]bool{ha.write: true, ha.read: true, ha.pread: true, ha.pwrite: true,
			ha.clock: true, ha.exitGroup: true, ha.epoll: true, ha.timerfd: true, ha.archPrctl: true}
		for n := int64(0); n <= ha.max+32; n++ {
			if runtime.GOARCH == "arm64" && n%5 != 0 && !policy[n] && !policy[n-1] && !policy[n+1] {
				continue
			}
			nrs = append(nrs, n)
		}
		nrs = append(nrs, 0x7fffffff, -1, 1000, 4096)
		if ha.x32 {
			// The x32 ABI: the same calls with bit 30 set, and the x32-only range 512-547.
			for n := range policy {
				if n >= 0 {
					nrs = append(nrs, 0x40000000|n)
				}
			}
			for n := int64(512); n <= 547; n++ {
				nrs = append(nrs, 0x40000000|n)
			}
		}
		returned := 0
		for _, nr := range nrs {
			if ha.x32 && (nr == 335 || nr == 336) {
				checkUprobe(t, tender, image, disk, nr)
				continue
			}
			want := "kill"
			switch nr {
			case ha.clock:
				want, returned = "ret", returned+1
			case ha.exitGroup:
				want = "exit"
			}
			checkSys(t, tender, image, disk, nr, [6]uint64{}, hexArgs([6]uint64{}), want)
		}
		t.Logf("%d syscall numbers tried; %d returned, 1 exited, the rest died by SIGSYS", len(nrs), returned)
	})

	t.Run("allowed-calls-bad-arguments", func(t *testing.T) {
		type c struct {
			nr   int64
			a    [6]uint64
			buf  int // index of an argument replaced by the guest's own buffer, or -1
			want string
		}
		hi := uint64(1) << 32
		last := uint64(hDisk - hSector)
		cases := []c{
			{ha.write, [6]uint64{1, 0, 0}, 1, "ret"},
			{ha.write, [6]uint64{1, 0, 1 << 63}, 1, "ret"}, // the kernel bounds the length: EFAULT
		}
		for _, fd := range []uint64{0, 2, hBlockFD, hEpollFD, hTimerFD, 6, 63, 1000, ^uint64(0), 1 | hi} {
			cases = append(cases, c{ha.write, [6]uint64{fd, 0, 1}, 1, "kill"}, c{ha.read, [6]uint64{fd, 0, 1}, 1, "kill"})
			if fd != hBlockFD {
				cases = append(cases, c{ha.pread, [6]uint64{fd, 0, hSector, 0}, 1, "kill"},
					c{ha.pwrite, [6]uint64{fd, 0, hSector, 0}, 1, "kill"})
			}
			if fd != hEpollFD {
				cases = append(cases, c{ha.epoll, [6]uint64{fd}, -1, "kill"})
			}
			if fd != hTimerFD {
				cases = append(cases, c{ha.timerfd, [6]uint64{fd}, -1, "kill"})
			}
		}
		for _, nr := range []int64{ha.pread, ha.pwrite} {
			cases = append(cases,
				c{nr, [6]uint64{hBlockFD, 0, hSector, 0}, 1, "ret"},
				c{nr, [6]uint64{hBlockFD, 0, hSector, last}, 1, "ret"},
				c{nr, [6]uint64{hBlockFD, 0, hSector, last + 1}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, hSector, hDisk}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, hSector, ^uint64(hSector - 1)}, 1, "kill"}, // negative offset (-512)
				c{nr, [6]uint64{hBlockFD, 0, hSector, 1 << 63}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, hSector + 1, 0}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, 0, 0}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, 1 << 63, 0}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD, 0, hSector | hi, 0}, 1, "kill"},
				c{nr, [6]uint64{hBlockFD | hi, 0, hSector, 0}, 1, "kill"},
			)
		}
		cases = append(cases,
			c{ha.clock, [6]uint64{1}, -1, "ret"},
			c{ha.clock, [6]uint64{2}, -1, "kill"}, // CLOCK_PROCESS_CPUTIME_ID
			c{ha.clock, [6]uint64{1 | hi}, -1, "kill"},
			c{ha.epoll, [6]uint64{hEpollFD}, -1, "ret"},
			c{ha.timerfd, [6]uint64{hTimerFD}, -1, "ret"},
			c{ha.exitGroup, [6]uint64{7}, -1, "exit"},
		)
		if ha.archPrctl >= 0 {
			cases = append(cases,
				c{ha.archPrctl, [6]uint64{0x1001, 0}, -1, "kill"}, // ARCH_SET_GS
				c{ha.archPrctl, [6]uint64{0x1003, 0}, 1, "kill"},  // ARCH_GET_FS
				c{ha.archPrctl, [6]uint64{0x1002 | hi, 0}, -1, "kill"},
			)
		}
		for _, k := range cases {
			words := hexArgs(k.a)
			if k.buf >= 0 {
				words[k.buf] = "buf"
			}
			checkSys(t, tender, image, disk, k.nr, k.a, words, k.want)
		}
		t.Logf("%d calls of allowed syscalls with foreign fds and bad lengths/offsets", len(cases))
	})

	t.Run("memory", func(t *testing.T) {
		for _, k := range []struct {
			args []string
			want int
		}{
			{[]string{"poke", "0"}, 139},
			{[]string{"poke", "0x400000"}, 139}, // just past --mem=4
			{[]string{"poke", "text"}, 139},     // its own code is read-only
			{[]string{"poke", "0x4000001000"}, 139},
			{[]string{"poke", ha.kernelAddr}, 139},
			{[]string{"jump", "0"}, 139},
			{[]string{"jump", "0x400000"}, 139},
			{[]string{"jump", ha.kernelAddr}, 139},
			{[]string{"stack"}, 139},
			{[]string{"tls", ha.wildTLS}, 139},
			{[]string{"tls", "0"}, 139},
		} {
			r := runHostile(t, tender, image, disk, k.args...)
			if r.status != k.want || strings.Contains(r.stdout, "SUCCESS") {
				t.Errorf("%v: status %d, want %d; stdout %q stderr %q", k.args, r.status, k.want, r.stdout, r.stderr)
			}
		}
		if ha.x32 {
			// A non-canonical FS base is refused by the kernel: solo5_set_tls_base fails.
			r := runHostile(t, tender, image, disk, "tls", "0x8000000000000000")
			if r.status != 3 || !strings.Contains(r.stdout, "TLS base refused") {
				t.Errorf("non-canonical TLS base: status %d, stdout %q", r.status, r.stdout)
			}
		}
	})

	t.Run("console-flood", func(t *testing.T) {
		testFlood(t, tender, image, []string{"--mem=4", "--block:storage=" + disk}, 64)
	})
	t.Logf("hostile spt: %d guest runs in %v; crashes 0 (no panics), escapes 0 (every forbidden call ended in SIGSYS)",
		hostileRuns, time.Since(start).Round(time.Millisecond))
}

// checkUprobe: Linux 6.11+ lets uretprobe (335) and 6.18+ uprobe (336) bypass seccomp on
// x86_64; they only work from the kernel's trampoline page and otherwise kill the caller
// with SIGILL (335) or fail with ENXIO (336). Older kernels kill by the filter.
func checkUprobe(t *testing.T, tender, image, disk string, nr int64) {
	t.Helper()
	r := runHostile(t, tender, image, disk, append(append([]string{"sys"}, hexArgs([6]uint64{})...), strconv.FormatInt(nr, 10))...)
	switch {
	case r.status == 159:
	case nr == 335 && r.status == 132 && r.stdout == "":
		t.Logf("uretprobe (335) bypasses seccomp on this kernel and ends the guest with SIGILL, as documented")
	case nr == 336 && r.status == 0 && strings.Contains(r.stdout, "RET nr=336 r=-6\n"):
		t.Logf("uprobe (336) bypasses seccomp on this kernel and fails with ENXIO, as documented")
	default:
		t.Errorf("nr %d: status %d stdout %q: neither the filter's SIGSYS nor the kernel's documented refusal", nr, r.status, r.stdout)
	}
}

// countWriter counts bytes and keeps only the last few.
type countWriter struct {
	n    int64
	tail []byte
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	w.tail = append(w.tail, p...)
	if len(w.tail) > 64 {
		w.tail = w.tail[len(w.tail)-64:]
	}
	return len(p), nil
}

// testFlood runs the flood mode: all of it arrives, and the tender's peak memory stays
// far below the amount written.
func testFlood(t *testing.T, tender, image string, opts []string, mib int) {
	t.Helper()
	argv := append(append([]string{}, opts...), image, "--solo5:quiet", "flood", strconv.Itoa(mib))
	cmd := exec.Command(tender, argv...)
	var out countWriter
	var errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * runTimeout * timeoutScale()):
		cmd.Process.Kill()
		<-done
		t.Fatalf("flood of %d MiB did not finish in time", mib)
	}
	hostileRuns++
	if err != nil {
		t.Fatalf("flood: %v; stderr %q", err, errb.String())
	}
	want := int64(mib)<<20 + int64(len("SUCCESS\n"))
	if out.n != want || !strings.HasSuffix(string(out.tail), "SUCCESS\n") {
		t.Errorf("flood: %d bytes arrived, want %d", out.n, want)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatal("no rusage")
	}
	// Maxrss is in KiB: the tender (and guest) must not buffer the flood.
	if limit := int64(48 << 10); ru.Maxrss > limit {
		t.Errorf("peak RSS %d KiB while flooding %d MiB (limit %d KiB)", ru.Maxrss, mib, limit)
	}
	t.Logf("flood: %d MiB through the console, peak RSS %d KiB", mib, ru.Maxrss)
}
