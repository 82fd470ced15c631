// Tests the spt seccomp policy on both arches by running the compiled filter in the BPF interpreter.
package spt

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/nabla-containers/nabla/internal/seccomp"
	"golang.org/x/sys/unix"
)

// nrs is written out again here from the Linux syscall tables (not shared with
// policy.go), so a wrong number in either place makes the tests fail.
type nrs struct {
	audit                                                        uint32
	read, write, pread, pwrite, clock, epoll, timer, exit, prctl int32 // prctl -1: none
}

var tables = map[string]nrs{
	"amd64": {0xc000003e, 0, 1, 17, 18, 228, 281, 286, 231, 158},
	"arm64": {0xc00000b7, 63, 64, 67, 68, 113, 22, 86, 94, -1},
}

func TestHostTableMatchesXSys(t *testing.T) {
	n, ok := tables[runtime.GOARCH]
	if !ok {
		t.Fatalf("no table for host arch %s", runtime.GOARCH)
	}
	got := []int32{n.read, n.write, n.pread, n.pwrite, n.clock, n.epoll, n.timer, n.exit}
	want := []int{unix.SYS_READ, unix.SYS_WRITE, unix.SYS_PREAD64, unix.SYS_PWRITE64, unix.SYS_CLOCK_GETTIME,
		unix.SYS_EPOLL_PWAIT, unix.SYS_TIMERFD_SETTIME, unix.SYS_EXIT_GROUP}
	for i := range got {
		if int(got[i]) != want[i] {
			t.Errorf("entry %d: test table says %d, x/sys says %d", i, got[i], want[i])
		}
	}
}

type deviceSet struct {
	name string
	d    Devices
}

func deviceSets() []deviceSet {
	blocks63 := Devices{EpollFD: 67, TimerFD: 68}
	for i := 0; i < 63; i++ {
		bs := uint64(512)
		if i%2 == 1 {
			bs = 4096
		}
		// Capacities from 1 block to beyond 4 GiB, so the offset limit has a high word.
		blocks63.Blocks = append(blocks63.Blocks, Block{FD: 4 + i, BlockSize: bs, Capacity: bs * (1 + uint64(i)*uint64(i)*uint64(i)*997)})
	}
	nets8 := Devices{EpollFD: 12, TimerFD: 13}
	for i := 0; i < 8; i++ {
		nets8.Nets = append(nets8.Nets, 4+i)
	}
	return []deviceSet{
		{"none", Devices{EpollFD: 5, TimerFD: 6}},
		{"block+net", Devices{Nets: []int{4}, Blocks: []Block{{FD: 5, BlockSize: 512, Capacity: 1 << 20}}, EpollFD: 6, TimerFD: 7}},
		{"63 blocks", blocks63},
		{"8 nets", nets8},
	}
}

type call struct {
	nr   int32
	args [6]uint64
	what string
}

// vectors lists calls the policy must allow and calls it must deny.
func vectors(n nrs, d Devices) (allow, deny []call) {
	const junk = 0x7f00_dead_beef // buffer pointers and other unchecked arguments
	c := func(nr int32, what string, a ...uint64) call {
		var args [6]uint64
		copy(args[:], a)
		return call{nr, args, what}
	}
	unbound := uint64(d.TimerFD + d.EpollFD + 100)
	allow = append(allow, c(n.write, "console", 1, junk, 10))
	deny = append(deny, c(n.write, "stdin", 0, junk, 10), c(n.write, "stderr", 2, junk, 10),
		c(n.write, "console fd with high word", 1|1<<32, junk, 10), c(n.write, "epoll fd", uint64(d.EpollFD), junk, 1),
		c(n.write, "unbound fd", unbound, junk, 10), c(n.read, "stdin", 0, junk, 10), c(n.read, "console", 1, junk, 10),
		c(n.read, "timer fd", uint64(d.TimerFD), junk, 8))
	for _, fd := range d.Nets {
		f := uint64(fd)
		allow = append(allow, c(n.write, "net write", f, junk, 1514), c(n.read, "net read", f, junk, 1514))
		deny = append(deny, c(n.write, "net fd with high word", f|1<<32, junk, 60), c(n.read, "net fd with high word", f|1<<32, junk, 60),
			c(n.read, "net fd - 1<<32", f-1<<32, junk, 60))
	}
	for _, b := range d.Blocks {
		f, bs, last := uint64(b.FD), b.BlockSize, b.Capacity-b.BlockSize
		deny = append(deny, c(n.write, "block fd via write", f, junk, bs), c(n.read, "block fd via read", f, junk, bs))
		for _, nr := range []int32{n.pread, n.pwrite} {
			for _, off := range []uint64{0, last, last / 2 &^ (bs - 1)} {
				allow = append(allow, c(nr, "block io", f, junk, bs, off))
			}
			deny = append(deny,
				c(nr, "unbound fd", unbound, junk, bs, 0), c(nr, "epoll fd", uint64(d.EpollFD), junk, bs, 0),
				c(nr, "fd with high word", f|1<<32, junk, bs, 0),
				c(nr, "short length", f, junk, bs-1, 0), c(nr, "long length", f, junk, bs+1, 0),
				c(nr, "two blocks", f, junk, 2*bs, 0), c(nr, "length with high word", f, junk, bs|1<<32, 0),
				c(nr, "offset past last block", f, junk, bs, last+1), c(nr, "offset at capacity", f, junk, bs, b.Capacity),
				c(nr, "offset with high word set", f, junk, bs, last+1<<32), c(nr, "offset with top bit", f, junk, bs, 1<<63),
				c(nr, "negative offset", f, junk, bs, ^uint64(0)))
		}
	}
	allow = append(allow, c(n.clock, "monotonic", 1, junk), c(n.clock, "realtime", 0, junk),
		c(n.epoll, "yield", uint64(d.EpollFD), junk, 9, ^uint64(0)),
		c(n.timer, "deadline", uint64(d.TimerFD), 1, junk), c(n.exit, "exit", 0), c(n.exit, "abort", 255, junk, junk, junk, junk, junk))
	deny = append(deny, c(n.clock, "process cputime", 2, junk), c(n.clock, "thread cputime", 3, junk),
		c(n.clock, "monotonic raw", 4, junk), c(n.clock, "monotonic with high word", 1|1<<32, junk),
		c(n.epoll, "timer fd as epoll", uint64(d.TimerFD), junk, 9), c(n.epoll, "epoll fd high word", uint64(d.EpollFD)|1<<32, junk),
		c(n.timer, "epoll fd as timer", uint64(d.EpollFD), 1, junk), c(n.timer, "stdout", 1, 1, junk))
	if n.prctl >= 0 {
		allow = append(allow, c(n.prctl, "set fs", 0x1002, junk))
		deny = append(deny, c(n.prctl, "get fs", 0x1003, junk), c(n.prctl, "set gs", 0x1001, junk),
			c(n.prctl, "get gs", 0x1004, junk), c(n.prctl, "set fs high word", 0x1002|1<<32, junk))
	}
	return allow, deny
}

func compiled(t *testing.T, arch string, d Devices) []unix.SockFilter {
	t.Helper()
	p := Policy(arch, d)
	if p.Default != seccomp.RetKillProcess {
		t.Fatalf("%s: default action %v, want KILL_PROCESS", arch, p.Default)
	}
	for _, r := range p.Rules {
		if strings.TrimSpace(r.Why) == "" {
			t.Errorf("%s: rule for syscall %d has no Why", arch, r.Syscall)
		}
	}
	prog, err := p.Compile()
	if err != nil {
		t.Fatalf("%s: Compile: %v", arch, err)
	}
	return prog
}

func TestPolicyVectors(t *testing.T) {
	for arch, n := range tables {
		other := tables["amd64"].audit
		if arch == "amd64" {
			other = tables["arm64"].audit
		}
		for _, ds := range deviceSets() {
			name := fmt.Sprintf("%s/%s", arch, ds.name)
			if err := ds.d.Validate(); err != nil {
				t.Fatalf("%s: Validate: %v", name, err)
			}
			prog := compiled(t, arch, ds.d)
			t.Logf("%s: %d instructions", name, len(prog))
			check := func(c call, a uint32, want seccomp.Action, why string) {
				got, err := seccomp.Run(prog, seccomp.Data{Nr: c.nr, Arch: a, IP: 0x100000, Args: c.args})
				if err != nil {
					t.Fatalf("%s: Run: %v", name, err)
				}
				if got != want {
					t.Errorf("%s: %s nr %d (%s) args %#x: got %v, want %v", name, why, c.nr, c.what, c.args, got, want)
				}
			}
			allow, deny := vectors(n, ds.d)
			allowedNr := map[int32]bool{}
			for _, c := range allow {
				allowedNr[c.nr] = true
				check(c, n.audit, seccomp.RetAllow, "allowed call")
				check(c, other, seccomp.RetKillProcess, "other arch")
				check(c, 0, seccomp.RetKillProcess, "arch 0")
				x32 := c
				x32.nr |= 0x40000000
				check(x32, n.audit, seccomp.RetKillProcess, "x32 ABI")
			}
			for _, c := range deny {
				check(c, n.audit, seccomp.RetKillProcess, "denied call")
			}
			// Every other call is denied, whatever the arguments look like.
			for nr := int32(0); nr <= 500; nr++ {
				if allowedNr[nr] {
					continue
				}
				for _, c := range allow {
					c.nr = nr
					check(c, n.audit, seccomp.RetKillProcess, "unlisted syscall")
				}
			}
		}
	}
}

// TestPolicyEval cross-checks Policy.Eval (the rules read directly) on the same vectors,
// so the fuzz test's oracle is known to agree with the hand-written expectations.
func TestPolicyEval(t *testing.T) {
	for arch, n := range tables {
		for _, ds := range deviceSets() {
			p := Policy(arch, ds.d)
			allow, deny := vectors(n, ds.d)
			for _, c := range allow {
				if got := p.Eval(seccomp.Data{Nr: c.nr, Arch: n.audit, Args: c.args}); got != seccomp.RetAllow {
					t.Errorf("%s/%s: Eval of allowed %s = %v", arch, ds.name, c.what, got)
				}
			}
			for _, c := range deny {
				if got := p.Eval(seccomp.Data{Nr: c.nr, Arch: n.audit, Args: c.args}); got != seccomp.RetKillProcess {
					t.Errorf("%s/%s: Eval of denied %s = %v", arch, ds.name, c.what, got)
				}
			}
		}
	}
}

func TestUnknownArchAndBadDevices(t *testing.T) {
	if _, err := Policy("riscv64", Devices{}).Compile(); err == nil {
		t.Error("policy for an unknown arch compiled")
	}
	bad := []Devices{
		{Blocks: []Block{{FD: 3, BlockSize: 0, Capacity: 512}}},
		{Blocks: []Block{{FD: 3, BlockSize: 512, Capacity: 511}}},
		{Nets: []int{-1}},
		{EpollFD: -1},
	}
	for i, d := range bad {
		if err := d.Validate(); err == nil {
			t.Errorf("devices %d: Validate accepted %+v", i, d)
		}
	}
	// A block that does not fit gets no rules: its I/O is denied rather than underflowing.
	d := Devices{Blocks: []Block{{FD: 3, BlockSize: 512, Capacity: 100}}}
	prog := compiled(t, "amd64", d)
	for _, off := range []uint64{0, ^uint64(0) - 411} {
		got, err := seccomp.Run(prog, seccomp.Data{Nr: 17, Arch: 0xc000003e, Args: [6]uint64{3, 0, 512, off}})
		if err != nil || got != seccomp.RetKillProcess {
			t.Errorf("pread on undersized block at %#x: %v %v, want kill", off, got, err)
		}
	}
}

// TestInstructionCounts reports program sizes (run with -v) and keeps them under the limit.
func TestInstructionCounts(t *testing.T) {
	oneNet := Devices{Nets: []int{4}, EpollFD: 5, TimerFD: 6}
	for arch := range tables {
		ds := deviceSets()
		big := compiled(t, arch, ds[2].d)
		small := compiled(t, arch, oneNet)
		t.Logf("%s: one net: %d instructions; 63 blocks: %d instructions", arch, len(small), len(big))
		if testing.Verbose() {
			t.Logf("%s one-net program, for audit:\n%s", arch, seccomp.Disasm(small))
		}
		if len(big) > unix.BPF_MAXINSNS {
			t.Errorf("%s: 63-block program has %d instructions", arch, len(big))
		}
	}
}

// A read-only block keeps its reads as a writable one has them, but every pwrite64 on it
// fails with EBADF (the guest sees EUNSPEC) instead of killing the guest; the writable
// device next to it is unaffected.
func TestReadOnlyBlock(t *testing.T) {
	const ro, rw, bs, capacity = 5, 6, 512, 1 << 20
	d := Devices{Blocks: []Block{{FD: ro, BlockSize: bs, Capacity: capacity, ReadOnly: true},
		{FD: rw, BlockSize: bs, Capacity: capacity}}, EpollFD: 7, TimerFD: 8}
	ebadf := seccomp.RetErrno(uint16(unix.EBADF))
	for arch, n := range tables {
		prog := compiled(t, arch, d)
		p := Policy(arch, d)
		cases := []struct {
			nr   int32
			args [6]uint64
			want seccomp.Action
		}{
			{n.pread, [6]uint64{ro, 0, bs, capacity - bs}, seccomp.RetAllow},
			{n.pread, [6]uint64{ro, 0, bs, capacity}, seccomp.RetKillProcess},
			{n.pwrite, [6]uint64{ro, 0, bs, 0}, ebadf},
			{n.pwrite, [6]uint64{ro, 0, 3 * bs, capacity * 2}, ebadf}, // whatever the arguments
			{n.pwrite, [6]uint64{ro | 1<<32, 0, bs, 0}, seccomp.RetKillProcess},
			{n.write, [6]uint64{ro, 0, bs}, seccomp.RetKillProcess},
			{n.pwrite, [6]uint64{rw, 0, bs, capacity - bs}, seccomp.RetAllow},
			{n.pwrite, [6]uint64{rw, 0, bs, capacity}, seccomp.RetKillProcess},
		}
		for _, c := range cases {
			data := seccomp.Data{Nr: c.nr, Arch: n.audit, IP: 0x100000, Args: c.args}
			got, err := seccomp.Run(prog, data)
			if err != nil {
				t.Fatalf("%s: Run: %v", arch, err)
			}
			if got != c.want || p.Eval(data) != c.want {
				t.Errorf("%s: nr %d args %#x: program %v, Eval %v, want %v", arch, c.nr, c.args, got, p.Eval(data), c.want)
			}
		}
	}
}
