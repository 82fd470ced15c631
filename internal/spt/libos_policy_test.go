// Tests the libOS filter: app calls trap, libOS calls get the solo5 set plus the documented extras.
package spt

import (
	"encoding/binary"
	"testing"

	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/seccomp"
)

// libosNrs is written out again from the Linux tables, so a wrong number in libos_policy.go fails.
var libosNrs = map[string]struct {
	audit                                                    uint32
	write, exitGroup, sigaction, sigreturn, altstack, itimer int32
	madvise, execve, mmap, getpid, mprotect, ioctl           int32
}{
	"amd64": {0xc000003e, 1, 231, 13, 15, 131, 38, 28, 59, 9, 39, 10, 16},
	"arm64": {0xc00000b7, 64, 94, 134, 139, 132, 103, 233, 221, 222, 172, 226, 29},
}

func TestLibOSPolicy(t *testing.T) {
	text := seccomp.Range{Lo: 0x100000, Hi: 0x180000}
	d := Devices{Nets: []int{3}, EpollFD: 4, TimerFD: 5}
	inside, outside := []uint64{0x100000, 0x140002, 0x17ffff}, []uint64{0x0ffffe, 0x180000, 0x400123, 1 << 62}
	for arch, n := range libosNrs {
		prog, err := LibOSPolicy(arch, d, text).Compile()
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		run := func(ip uint64, nr int32, args ...uint64) seccomp.Action {
			var a [6]uint64
			copy(a[:], args)
			act, err := seccomp.Run(prog, seccomp.Data{Nr: nr, Arch: n.audit, IP: ip, Args: a})
			if err != nil {
				t.Fatalf("%s: interpreter: %v", arch, err)
			}
			return act
		}
		type call struct {
			what string
			nr   int32
			args []uint64
		}
		allowed := []call{
			{"console write", n.write, []uint64{1, 0x1000, 5}},
			{"exit_group", n.exitGroup, []uint64{3}},
			{"SIGSYS handler", n.sigaction, []uint64{31, 0x1000, 0, 8}},
			{"SIGALRM handler", n.sigaction, []uint64{14, 0x1000, 0, 8}},
			{"SIGSEGV handler", n.sigaction, []uint64{11, 0x1000, 0, 8}},
			{"rt_sigreturn", n.sigreturn, nil},
			{"sigaltstack", n.altstack, []uint64{0x1000, 0}},
			{"ITIMER_REAL", n.itimer, []uint64{0, 0x1000, 0}},
			{"MADV_DONTNEED", n.madvise, []uint64{0x200000, 0x1000, 4}},
			{"stderr write", n.write, []uint64{2, 0x1000, 5}},
			{"SIGTERM handler", n.sigaction, []uint64{15, 0x1000, 0, 8}},
			{"SIGINT handler", n.sigaction, []uint64{2, 0x1000, 0, 8}},
			{"SIGHUP handler", n.sigaction, []uint64{1, 0x1000, 0, 8}},
			{"SIGUSR1 handler", n.sigaction, []uint64{10, 0x1000, 0, 8}},
			{"SIGUSR2 handler", n.sigaction, []uint64{12, 0x1000, 0, 8}},
			{"SIGWINCH handler", n.sigaction, []uint64{28, 0x1000, 0, 8}},
			{"TIOCGWINSZ on the console", n.ioctl, []uint64{1, 0x5413, 0x1000}},
		}
		denied := []call{
			{"write to fd 6", n.write, []uint64{6, 0x1000, 5}},
			{"TIOCSWINSZ on the console", n.ioctl, []uint64{1, 0x5414, 0x1000}},
			{"TCSETS on the console", n.ioctl, []uint64{1, 0x5402, 0x1000}},
			{"TIOCSTI on the console", n.ioctl, []uint64{1, 0x5412, 0x1000}},
			{"TIOCGWINSZ on fd 0", n.ioctl, []uint64{0, 0x5413, 0x1000}},
			{"TIOCGWINSZ with high word", n.ioctl, []uint64{1, 0x5413 | 1<<32, 0x1000}},
			{"stderr write with high word", n.write, []uint64{2 | 1<<32, 0x1000, 5}},
			{"SIGQUIT handler", n.sigaction, []uint64{3, 0x1000, 0, 8}},
			{"SIGCHLD handler", n.sigaction, []uint64{17, 0x1000, 0, 8}},
			{"SIGTERM handler, odd sigset size", n.sigaction, []uint64{15, 0x1000, 0, 16}},
			{"SIGSYS handler, odd sigset size", n.sigaction, []uint64{31, 0x1000, 0, 16}},
			{"SIGSYS with high word", n.sigaction, []uint64{31 | 1<<32, 0x1000, 0, 8}},
			{"ITIMER_VIRTUAL", n.itimer, []uint64{1, 0x1000, 0}},
			{"MADV_REMOVE", n.madvise, []uint64{0x200000, 0x1000, 9}},
			{"execve", n.execve, nil},
			{"mmap", n.mmap, []uint64{0, 4096, 7, 0x22}},
			{"getpid", n.getpid, nil},
			{"mprotect without the libOS layout", n.mprotect, []uint64{0x200000, 0x1000, 3}},
		}
		for _, c := range append(allowed, denied...) {
			for _, ip := range outside {
				if got := run(ip, c.nr, c.args...); got != seccomp.RetTrap {
					t.Errorf("%s: %s from app ip %#x: got %v, want trap", arch, c.what, ip, got)
				}
			}
		}
		for _, c := range allowed {
			for _, ip := range inside {
				if got := run(ip, c.nr, c.args...); got != seccomp.RetAllow {
					t.Errorf("%s: %s from libOS ip %#x: got %v, want allow", arch, c.what, ip, got)
				}
			}
		}
		for _, c := range denied {
			if got := run(0x140000, c.nr, c.args...); got != seccomp.RetKillProcess {
				t.Errorf("%s: %s from libOS: got %v, want kill", arch, c.what, got)
			}
		}
		// Another arch's call is killed wherever it comes from.
		if act, _ := seccomp.Run(prog, seccomp.Data{Nr: n.write, Arch: 0x40000003, IP: 0x400000}); act != seccomp.RetKillProcess {
			t.Errorf("%s: foreign arch: got %v, want kill", arch, act)
		}
	}
	// A plain image keeps exactly the upstream policy, without a gate.
	if p := Policy("amd64", d); p.Gate != nil {
		t.Errorf("plain policy has a gate")
	}
}

// With the libOS memory layout, the libOS may make its own address space read-write, in
// pieces of at most LibOSMprotectMax, or read-execute above its own text, and nothing else.
func TestLibOSMprotect(t *testing.T) {
	text := seccomp.Range{Lo: 0x100000, Hi: 0x180000}
	const top = 5 << 30
	for arch, n := range libosNrs {
		prog, err := AllowLibOSMprotect(LibOSPolicy(arch, Devices{EpollFD: 3, TimerFD: 4}, text), arch, top).Compile()
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		run := func(ip uint64, args ...uint64) seccomp.Action {
			var a [6]uint64
			copy(a[:], args)
			act, err := seccomp.Run(prog, seccomp.Data{Nr: n.mprotect, Arch: n.audit, IP: ip, Args: a})
			if err != nil {
				t.Fatalf("%s: interpreter: %v", arch, err)
			}
			return act
		}
		for _, a := range [][]uint64{
			{0x100000, 0x1000, 3}, {0x5bc000, LibOSMprotectMax, 3}, {top - 0x1000, 0x1000, 3}, {top - 0x1000, LibOSMprotectMax, 3},
			{0x180000, 0x1000, 5}, {0x200000, LibOSMprotectMax, 5}, {top - 0x1000, 0x1000, 5},
		} {
			if got := run(0x140000, a...); got != seccomp.RetAllow {
				t.Errorf("%s: mprotect%#x from the libOS: got %v, want allow", arch, a, got)
			}
			if got := run(0x400000, a...); got != seccomp.RetTrap {
				t.Errorf("%s: mprotect%#x from the app: got %v, want trap", arch, a, got)
			}
		}
		for _, a := range [][]uint64{
			{0x200000, 0x1000, 7},                    // executable
			{0x17f000, 0x1000, 5},                    // read-exec inside the libOS text
			{0x100000, 0x100000, 5},                  // read-exec over the libOS text
			{top, 0x1000, 5},                         // read-exec above the guest's top
			{0x200000, LibOSMprotectMax + 0x1000, 5}, // read-exec, too long
			{0x200000, 0x1000, 6},                    // write-exec
			{0x200000, 0x1000, 0},                    // back to PROT_NONE: charged pages stay charged
			{0x200000, LibOSMprotectMax + 0x1000, 3}, // too long
			{0xff000, 0x1000, 3},                     // below guest memory (boot region)
			{top, 0x1000, 3},                         // above the guest's top
			{0x4000001000, 0x1000, 3},                // the tender's text
			{0x200000 | 1<<63, 0x1000, 3},
			{0x200000, 1 << 40, 3},
		} {
			if got := run(0x140000, a...); got != seccomp.RetKillProcess {
				t.Errorf("%s: mprotect%#x from the libOS: got %v, want kill", arch, a, got)
			}
		}
	}
}

func TestLibOSText(t *testing.T) {
	desc := func(lo, hi uint64, layout ...uint64) []byte {
		b := make([]byte, 16+8*len(layout))
		binary.LittleEndian.PutUint64(b, lo)
		binary.LittleEndian.PutUint64(b[8:], hi)
		for i, v := range layout {
			binary.LittleEndian.PutUint64(b[16+8*i:], v)
		}
		return b
	}
	key := nelf.NoteKey{Name: LibOSNoteName, Type: LibOSNoteType}
	segs := []nelf.Segment{
		{Vaddr: 0x100000, Memsz: 0x8000, Flags: 5},
		{Vaddr: 0x108000, Memsz: 0x1000, Flags: 6},
	}
	cases := []struct {
		name  string
		notes map[nelf.NoteKey][]byte
		ok    bool
		err   bool
	}{
		{"plain solo5 image", map[nelf.NoteKey][]byte{}, false, false},
		{"good", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000)}, true, false},
		{"whole text segment", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x108000)}, true, false},
		{"short", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000)[:12]}, false, true},
		{"empty range", map[nelf.NoteKey][]byte{key: desc(0x106000, 0x106000)}, false, true},
		{"reversed", map[nelf.NoteKey][]byte{key: desc(0x106000, 0x100000)}, false, true},
		{"past the text segment", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x108001)}, false, true},
		{"in the data segment", map[nelf.NoteKey][]byte{key: desc(0x108000, 0x108100)}, false, true},
		{"outside the image", map[nelf.NoteKey][]byte{key: desc(0x400000, 0x500000)}, false, true},
		{"other note type", map[nelf.NoteKey][]byte{{Name: LibOSNoteName, Type: 1}: desc(0, 1)}, false, false},
		{"layout", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20)}, true, false},
		{"layout without extra", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 0, 4096)}, true, false},
		{"layout, 24 bytes", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30)}, false, true},
		{"layout, huge extra", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, MaxLibOSVAExtra+4096, 1<<20)}, false, true},
		{"layout, odd extra", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30+1, 1<<20)}, false, true},
		{"layout, no stack", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 0)}, false, true},
		{"layout, huge stack", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, MaxLibOSTopRW+4096)}, false, true},
		{"layout, odd stack", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1000)}, false, true},
		{"seed", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20, 0x108fe0)}, true, false},
		{"seed in the text", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20, 0x101000)}, false, true},
		{"seed past the data", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20, 0x108fe8)}, false, true},
		{"seed wraps", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20, ^uint64(7))}, false, true},
		{"seed, 48 bytes", map[nelf.NoteKey][]byte{key: desc(0x100000, 0x106000, 4<<30, 1<<20, 0x108000, 0)}, false, true},
	}
	for _, c := range cases {
		r, ok, err := LibOSText(&nelf.Image{Segments: segs, Notes: c.notes})
		if ok != c.ok || (err != nil) != c.err {
			t.Errorf("%s: ok=%v err=%v, want ok=%v err=%v", c.name, ok, err, c.ok, c.err)
		}
		if ok && (r.Lo < 0x100000 || r.Hi > 0x108000 || r.Lo >= r.Hi) {
			t.Errorf("%s: range %#x-%#x", c.name, r.Lo, r.Hi)
		}
		li, _, _ := LibOSNote(&nelf.Image{Segments: segs, Notes: c.notes})
		if d := c.notes[key]; ok && len(d) == 40 && (!li.Layout || li.Seed != binary.LittleEndian.Uint64(d[32:])) {
			t.Errorf("%s: seed %+v", c.name, li)
		} else if ok && len(d) == 32 &&
			(!li.Layout || li.VAExtra != binary.LittleEndian.Uint64(d[16:]) || li.TopRW != binary.LittleEndian.Uint64(d[24:])) {
			t.Errorf("%s: layout %+v", c.name, li)
		} else if ok && len(d) == 16 && (li.Layout || li.Seed != 0) {
			t.Errorf("%s: a 16-byte note has no layout", c.name)
		}
	}
}

// --stdin adds read(0) from the libOS text, and nothing else: no read of another fd, none
// from the app's code, none without --stdin.
func TestLibOSStdin(t *testing.T) {
	text := seccomp.Range{Lo: 0x100000, Hi: 0x180000}
	readNr := map[string]int32{"amd64": 0, "arm64": 63} // from the Linux tables
	for arch, n := range libosNrs {
		for _, stdin := range []bool{false, true} {
			d := Devices{Nets: []int{3}, EpollFD: 4, TimerFD: 5, Stdin: stdin}
			prog, err := LibOSPolicy(arch, d, text).Compile()
			if err != nil {
				t.Fatalf("%s: %v", arch, err)
			}
			run := func(ip uint64, args ...uint64) seccomp.Action {
				var a [6]uint64
				copy(a[:], args)
				act, err := seccomp.Run(prog, seccomp.Data{Nr: readNr[arch], Arch: n.audit, IP: ip, Args: a})
				if err != nil {
					t.Fatalf("%s: interpreter: %v", arch, err)
				}
				return act
			}
			want := seccomp.RetKillProcess
			if stdin {
				want = seccomp.RetAllow
			}
			if got := run(0x140000, 0, 0x1000, 64); got != want {
				t.Errorf("%s stdin=%v: read(0) from the libOS: %v, want %v", arch, stdin, got, want)
			}
			if got := run(0x140000, 1, 0x1000, 64); got != seccomp.RetKillProcess {
				t.Errorf("%s stdin=%v: read(1) from the libOS: %v, want kill", arch, stdin, got)
			}
			if got := run(0x140000, 1<<32, 0x1000, 64); got != seccomp.RetKillProcess {
				t.Errorf("%s stdin=%v: read(0 | 1<<32) from the libOS: %v, want kill", arch, stdin, got)
			}
			if got := run(0x400000, 0, 0x1000, 64); got != seccomp.RetTrap {
				t.Errorf("%s stdin=%v: read(0) from the app: %v, want trap", arch, stdin, got)
			}
		}
	}
}
