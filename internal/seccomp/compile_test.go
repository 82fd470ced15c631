// Compiler tests: 64-bit compares at word boundaries, arch/x32 checks, the IP gate, long programs.
package seccomp

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// interesting are values around the 32-bit word boundaries where split compares go wrong.
var interesting = []uint64{0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000, 0x100000001, 0x1ffffffff, 0x12345678_9abcdef0, 0x7fffffff_ffffffff,
	0x80000000_00000000, 0xffffffff_00000000, 0xffffffff_fffffffe, 0xffffffff_ffffffff}

// neighbours gives values next to v, and v with only one of its words changed.
func neighbours(v uint64) []uint64 {
	return []uint64{v, v - 1, v + 1, v ^ 1<<32, v ^ 1, v ^ 1<<63, v ^ 1<<31, v &^ 0xffffffff, v | 0xffffffff, 0, ^uint64(0)}
}

func run(t *testing.T, prog []unix.SockFilter, d Data) Action {
	t.Helper()
	a, err := Run(prog, d)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return a
}

func compile(t *testing.T, p Policy) []unix.SockFilter {
	t.Helper()
	prog, err := p.Compile()
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if err := Check(prog); err != nil {
		t.Fatalf("compiled program fails Check: %v", err)
	}
	return prog
}

func TestCompare64(t *testing.T) {
	ops := []struct {
		op   Op
		mask uint64
		hold func(arg, v uint64) bool // written independently of Eval
	}{
		{OpEQ, 0, func(a, v uint64) bool { return a == v }},
		{OpLE, 0, func(a, v uint64) bool { return a <= v }},
		{OpGE, 0, func(a, v uint64) bool { return a >= v }},
		{OpMaskedEQ, 0xffffffff_ffffffff, func(a, v uint64) bool { return a == v }},
		{OpMaskedEQ, 0xff00ff00_00ff00ff, func(a, v uint64) bool { return a&0xff00ff00_00ff00ff == v }},
		{OpMaskedEQ, 0x00000000_ffffffff, func(a, v uint64) bool { return uint32(a) == uint32(v) }},
		{OpMaskedEQ, 0xffffffff_00000000, func(a, v uint64) bool { return a>>32 == v>>32 }},
	}
	for _, o := range ops {
		for _, v := range interesting {
			if o.op == OpMaskedEQ {
				v &= o.mask
			}
			for idx := 0; idx < 6; idx += 5 {
				p := Policy{AuditArch: AuditArchAArch64, Default: RetErrno(1),
					Rules: []Rule{{Syscall: 7, Args: []Arg{{Index: idx, Op: o.op, Value: v, Mask: o.mask}}}}}
				prog := compile(t, p)
				for _, a := range neighbours(v) {
					d := Data{Nr: 7, Arch: AuditArchAArch64}
					d.Args[idx] = a
					d.Args[5-idx] = ^a // the other argument must not matter
					want := RetErrno(1)
					if o.hold(a, v) {
						want = RetAllow
					}
					if got := run(t, prog, d); got != want {
						t.Errorf("arg%d %v %#x (mask %#x) with %#x: got %v, want %v", idx, o.op, v, o.mask, a, got, want)
					}
				}
			}
		}
	}
}

func TestArchAndX32(t *testing.T) {
	for _, arch := range []uint32{AuditArchX86_64, AuditArchAArch64} {
		p := Policy{AuditArch: arch, Default: RetErrno(38), Rules: []Rule{{Syscall: 1}}}
		prog := compile(t, p)
		if got := run(t, prog, Data{Nr: 1, Arch: arch}); got != RetAllow {
			t.Errorf("arch %#x: allowed call got %v", arch, got)
		}
		if got := run(t, prog, Data{Nr: 2, Arch: arch}); got != RetErrno(38) {
			t.Errorf("arch %#x: other call got %v, want default", arch, got)
		}
		for _, other := range []uint32{0, 0x40000003, AuditArchX86_64 ^ AuditArchAArch64 ^ arch, arch ^ 0x80000000} {
			if got := run(t, prog, Data{Nr: 1, Arch: other}); got != RetKillProcess {
				t.Errorf("arch %#x: call from arch %#x got %v, want kill", arch, other, got)
			}
		}
		x32 := Data{Nr: 1 | 0x40000000, Arch: arch}
		want := RetErrno(38) // on aarch64 the bit is just an unknown number
		if arch == AuditArchX86_64 {
			want = RetKillProcess
		}
		if got := run(t, prog, x32); got != want {
			t.Errorf("arch %#x: x32 write got %v, want %v", arch, got, want)
		}
		if got := run(t, prog, Data{Nr: -1, Arch: arch}); arch == AuditArchX86_64 && got != RetKillProcess {
			t.Errorf("nr -1 on x86_64 got %v, want kill", got)
		}
	}
}

func countJA(prog []unix.SockFilter) int {
	n := 0
	for _, f := range prog {
		if f.Code == unix.BPF_JMP|unix.BPF_JA {
			n++
		}
	}
	return n
}

func TestRulesOredArgsAnded(t *testing.T) {
	p := Policy{AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{
		{Syscall: 17, Args: []Arg{{Index: 0, Op: OpEQ, Value: 4}, {Index: 2, Op: OpEQ, Value: 512}}},
		{Syscall: 17, Args: []Arg{{Index: 0, Op: OpEQ, Value: 5}, {Index: 2, Op: OpEQ, Value: 4096}}},
		{Syscall: 1, Args: []Arg{{Index: 0, Op: OpEQ, Value: 1}}},
	}}
	prog := compile(t, p)
	if n := countJA(prog); n != 0 {
		t.Errorf("small policy uses %d JA; want the short dispatch", n)
	}
	cases := []struct {
		nr      int32
		a0, a2  uint64
		allowed bool
	}{
		{17, 4, 512, true}, {17, 5, 4096, true}, {17, 4, 4096, false}, {17, 5, 512, false},
		{17, 6, 512, false}, {1, 1, 0, true}, {1, 4, 512, false}, {18, 4, 512, false},
	}
	for _, c := range cases {
		want := RetKillProcess
		if c.allowed {
			want = RetAllow
		}
		if got := run(t, prog, Data{Nr: c.nr, Arch: AuditArchX86_64, Args: [6]uint64{c.a0, 0, c.a2}}); got != want {
			t.Errorf("%+v: got %v, want %v", c, got, want)
		}
	}
}

// A rule with Errno fails its call with that errno; a later allow rule for the same call
// still applies to other arguments, and Eval agrees with the program.
func TestErrnoRule(t *testing.T) {
	p := Policy{AuditArch: AuditArchAArch64, Default: RetKillProcess, Rules: []Rule{
		{Syscall: 68, Args: []Arg{{Index: 0, Op: OpEQ, Value: 3}}, Errno: uint16(unix.EBADF)},
		{Syscall: 68, Args: []Arg{{Index: 0, Op: OpEQ, Value: 4}}},
	}}
	prog := compile(t, p)
	for _, c := range []struct {
		fd   uint64
		want Action
	}{{3, RetErrno(uint16(unix.EBADF))}, {4, RetAllow}, {5, RetKillProcess}} {
		d := Data{Nr: 68, Arch: AuditArchAArch64, Args: [6]uint64{c.fd}}
		if got := run(t, prog, d); got != c.want {
			t.Errorf("fd %d: program gives %v, want %v", c.fd, got, c.want)
		}
		if got := p.Eval(d); got != c.want {
			t.Errorf("fd %d: Eval gives %v, want %v", c.fd, got, c.want)
		}
	}
}

func TestGate(t *testing.T) {
	g := &Gate{Inside: Range{Lo: 0x1_0000_1000, Hi: 0x1_0000_2000}, Action: RetTrap}
	p := Policy{AuditArch: AuditArchX86_64, Default: RetKillProcess, Gate: g, Rules: []Rule{{Syscall: 39}}}
	prog := compile(t, p)
	for _, ip := range []uint64{0, 0x1000, 0x1_0000_0fff, 0x1_0000_1000, 0x1_0000_1fff, 0x1_0000_2000, 0x2_0000_1000, 0x0_0000_1800, ^uint64(0)} {
		in := ip >= g.Inside.Lo && ip < g.Inside.Hi
		for _, nr := range []int32{39, 40} {
			want := RetTrap
			switch {
			case in && nr == 39:
				want = RetAllow
			case in:
				want = RetKillProcess
			}
			if got := run(t, prog, Data{Nr: nr, Arch: AuditArchX86_64, IP: ip}); got != want {
				t.Errorf("ip %#x nr %d: got %v, want %v", ip, nr, got, want)
			}
		}
	}
	// The arch check still comes first.
	if got := run(t, prog, Data{Nr: 39, Arch: AuditArchAArch64, IP: 0}); got != RetKillProcess {
		t.Errorf("foreign arch outside the gate got %v, want kill", got)
	}
}

// TestLongProgram has blocks far longer than an 8-bit jump: dispatch must use BPF_JA.
func TestLongProgram(t *testing.T) {
	var rules []Rule
	for nr := uint32(0); nr < 12; nr++ {
		for fd := uint64(0); fd < 25; fd++ {
			rules = append(rules, Rule{Syscall: nr * 3, Args: []Arg{{Index: 0, Op: OpEQ, Value: fd + 100*uint64(nr)},
				{Index: 3, Op: OpLE, Value: fd << 30}}})
		}
	}
	p := Policy{AuditArch: AuditArchX86_64, Default: RetErrno(1), Rules: rules}
	prog := compile(t, p)
	if len(prog) < 1024 || countJA(prog) == 0 {
		t.Fatalf("program has %d instructions, %d JA; test meant to need long jumps", len(prog), countJA(prog))
	}
	for nr := int32(0); nr < 40; nr++ {
		for fd := uint64(0); fd < 27; fd++ {
			for _, off := range []uint64{0, fd << 30, fd<<30 + 1} {
				d := Data{Nr: nr, Arch: AuditArchX86_64, Args: [6]uint64{fd + 100*uint64(nr/3), 0, 0, off}}
				want := RetErrno(1)
				if nr%3 == 0 && nr < 36 && fd < 25 && off <= fd<<30 {
					want = RetAllow
				}
				if got := run(t, prog, d); got != want {
					t.Fatalf("nr %d fd %d off %#x: got %v, want %v", nr, fd, off, got, want)
				}
			}
		}
	}
}

func TestTooLong(t *testing.T) {
	var rules []Rule
	for i := 0; i < 500; i++ {
		rules = append(rules, Rule{Syscall: 1, Args: []Arg{{Index: 0, Op: OpEQ, Value: uint64(i)}, {Index: 1, Op: OpEQ, Value: 1}}})
	}
	_, err := Policy{AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: rules}.Compile()
	if err == nil || !strings.Contains(err.Error(), "4096") {
		t.Fatalf("500 two-argument rules: err = %v, want too long", err)
	}
}

func TestValidate(t *testing.T) {
	ok := Policy{AuditArch: AuditArchX86_64, Default: RetKillProcess}
	bad := map[string]Policy{
		"arch":      {AuditArch: 0x1234, Default: RetKillProcess},
		"default":   {AuditArch: AuditArchX86_64, Default: 0x12340000},
		"index":     {AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{{Syscall: 1, Args: []Arg{{Index: 6, Op: OpEQ}}}}},
		"neg index": {AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{{Syscall: 1, Args: []Arg{{Index: -1, Op: OpEQ}}}}},
		"op":        {AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{{Syscall: 1, Args: []Arg{{Index: 0}}}}},
		"mask":      {AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{{Syscall: 1, Args: []Arg{{Index: 0, Op: OpMaskedEQ, Value: 3, Mask: 1}}}}},
		"nr":        {AuditArch: AuditArchX86_64, Default: RetKillProcess, Rules: []Rule{{Syscall: 0x40000001}}},
		"gate":      {AuditArch: AuditArchX86_64, Default: RetKillProcess, Gate: &Gate{Inside: Range{Lo: 5, Hi: 5}, Action: RetTrap}},
	}
	if _, err := ok.Compile(); err != nil {
		t.Fatalf("minimal policy: %v", err)
	}
	for name, p := range bad {
		if _, err := p.Compile(); err == nil {
			t.Errorf("%s: Compile accepted an invalid policy", name)
		}
	}
}
