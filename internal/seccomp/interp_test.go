// Unit tests of the BPF interpreter: every opcode it runs and every malformed program it refuses.
package seccomp

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: unix.BPF_JMP | code, K: k, Jt: jt, Jf: jf}
}

var (
	retA   = stmt(unix.BPF_RET|unix.BPF_A, 0)
	ldAbs  = func(off uint32) unix.SockFilter { return stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, off) }
	ldImm  = func(k uint32) unix.SockFilter { return stmt(unix.BPF_LD|unix.BPF_IMM, k) }
	retK   = func(k uint32) unix.SockFilter { return stmt(unix.BPF_RET|unix.BPF_K, k) }
	sample = Data{Nr: 0x11223344, Arch: 0xc000003e, IP: 0x0102030405060708,
		Args: [6]uint64{0x1111111122222222, 0x3333333344444444, 0x5555555566666666,
			0x7777777788888888, 0x99999999aaaaaaaa, 0xbbbbbbbbcccccccc}}
)

func mustRun(t *testing.T, prog []unix.SockFilter, d Data) uint32 {
	t.Helper()
	a, err := Run(prog, d)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return uint32(a)
}

func TestLoadAbsEveryWord(t *testing.T) {
	// The expected words, written out as the kernel's little-endian layout gives them.
	want := []uint32{0x11223344, 0xc000003e, 0x05060708, 0x01020304,
		0x22222222, 0x11111111, 0x44444444, 0x33333333, 0x66666666, 0x55555555,
		0x88888888, 0x77777777, 0xaaaaaaaa, 0x99999999, 0xcccccccc, 0xbbbbbbbb}
	for i, w := range want {
		if got := mustRun(t, []unix.SockFilter{ldAbs(uint32(4 * i)), retA}, sample); got != w {
			t.Errorf("ld [%d] = %#x, want %#x", 4*i, got, w)
		}
	}
}

func TestOpcodes(t *testing.T) {
	alu := func(op uint16, k uint32) unix.SockFilter { return stmt(unix.BPF_ALU|op|unix.BPF_K, k) }
	cases := []struct {
		name string
		prog []unix.SockFilter
		want uint32
	}{
		{"ld imm", []unix.SockFilter{ldImm(42), retA}, 42},
		{"ret k", []unix.SockFilter{retK(0x7fff0000)}, 0x7fff0000},
		{"and", []unix.SockFilter{ldImm(0xff0f), alu(unix.BPF_AND, 0x0ff0), retA}, 0x0f00},
		{"or", []unix.SockFilter{ldImm(0xf000), alu(unix.BPF_OR, 0x000f), retA}, 0xf00f},
		{"add wraps", []unix.SockFilter{ldImm(0xffffffff), alu(unix.BPF_ADD, 2), retA}, 1},
		{"sub", []unix.SockFilter{ldImm(10), alu(unix.BPF_SUB, 3), retA}, 7},
		{"ja", []unix.SockFilter{jump(unix.BPF_JA, 1, 0, 0), retK(1), retK(2)}, 2},
		{"jeq true", []unix.SockFilter{ldImm(5), jump(unix.BPF_JEQ, 5, 1, 0), retK(1), retK(2)}, 2},
		{"jeq false", []unix.SockFilter{ldImm(6), jump(unix.BPF_JEQ, 5, 1, 0), retK(1), retK(2)}, 1},
		{"jgt equal is false", []unix.SockFilter{ldImm(5), jump(unix.BPF_JGT, 5, 1, 0), retK(1), retK(2)}, 1},
		{"jgt unsigned", []unix.SockFilter{ldImm(0x80000000), jump(unix.BPF_JGT, 5, 1, 0), retK(1), retK(2)}, 2},
		{"jge equal is true", []unix.SockFilter{ldImm(5), jump(unix.BPF_JGE, 5, 1, 0), retK(1), retK(2)}, 2},
		{"jge below", []unix.SockFilter{ldImm(4), jump(unix.BPF_JGE, 5, 1, 0), retK(1), retK(2)}, 1},
		{"jset hit", []unix.SockFilter{ldImm(6), jump(unix.BPF_JSET, 2, 1, 0), retK(1), retK(2)}, 2},
		{"jset miss", []unix.SockFilter{ldImm(5), jump(unix.BPF_JSET, 2, 1, 0), retK(1), retK(2)}, 1},
		{"jf offset", []unix.SockFilter{ldImm(0), jump(unix.BPF_JEQ, 5, 0, 2), retK(1), retK(2), retK(3)}, 3},
		{"st/ld mem", []unix.SockFilter{ldImm(9), stmt(unix.BPF_ST, 15), ldImm(1), stmt(unix.BPF_LD|unix.BPF_MEM, 15), retA}, 9},
		{"ldx/stx/txa", []unix.SockFilter{stmt(unix.BPF_LDX|unix.BPF_IMM, 7), stmt(unix.BPF_STX, 0),
			stmt(unix.BPF_LDX|unix.BPF_IMM, 0), stmt(unix.BPF_LDX|unix.BPF_MEM, 0), stmt(unix.BPF_MISC|unix.BPF_TXA, 0), retA}, 7},
		{"tax/jeq x", []unix.SockFilter{ldImm(3), stmt(unix.BPF_MISC|unix.BPF_TAX, 0), jump(unix.BPF_JEQ|unix.BPF_X, 0, 1, 0), retK(1), retK(2)}, 2},
	}
	for _, c := range cases {
		if got := mustRun(t, c.prog, sample); got != c.want {
			t.Errorf("%s: got %#x, want %#x", c.name, got, c.want)
		}
	}
}

func TestMalformed(t *testing.T) {
	long := make([]unix.SockFilter, unix.BPF_MAXINSNS+1)
	for i := range long {
		long[i] = retK(0)
	}
	cases := []struct {
		name, want string
		prog       []unix.SockFilter
	}{
		{"empty", "empty", nil},
		{"too long", "more than", long},
		{"ja past end", "past the end", []unix.SockFilter{jump(unix.BPF_JA, 1, 0, 0), retK(0)}},
		{"ja huge", "past the end", []unix.SockFilter{jump(unix.BPF_JA, 0xffffffff, 0, 0), retK(0)}},
		{"jt past end", "past the end", []unix.SockFilter{jump(unix.BPF_JEQ, 0, 1, 0), retK(0)}},
		{"jf past end", "past the end", []unix.SockFilter{jump(unix.BPF_JEQ, 0, 0, 200), retK(0)}},
		{"load at 64", "outside", []unix.SockFilter{ldAbs(64), retA}},
		{"load at 62", "outside", []unix.SockFilter{ldAbs(62), retA}},
		{"load misaligned", "misaligned", []unix.SockFilter{ldAbs(2), retA}},
		{"load wraps", "outside", []unix.SockFilter{ldAbs(0xfffffffc), retA}},
		{"byte load", "not allowed", []unix.SockFilter{stmt(unix.BPF_LD|unix.BPF_B|unix.BPF_ABS, 0), retA}},
		{"unknown alu", "not allowed", []unix.SockFilter{stmt(unix.BPF_ALU|unix.BPF_DIV|unix.BPF_K, 1), retA}},
		{"scratch 16", "scratch", []unix.SockFilter{stmt(unix.BPF_ST, 16), retA}},
		{"no ret", "last instruction", []unix.SockFilter{ldImm(0)}},
		{"ret not last", "last instruction", []unix.SockFilter{retK(0), ldImm(0)}},
		{"unset scratch", "before it is written", []unix.SockFilter{stmt(unix.BPF_LD|unix.BPF_MEM, 3), retA}},
	}
	for _, c := range cases {
		_, err := Run(c.prog, sample)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	got := Bytes([]unix.SockFilter{{Code: 0x15, Jt: 1, Jf: 2, K: 0xc000003e}, {Code: 0x06, K: 0x7fff0000}})
	want := []byte{0x15, 0x00, 1, 2, 0x3e, 0x00, 0x00, 0xc0, 0x06, 0x00, 0, 0, 0x00, 0x00, 0xff, 0x7f}
	if string(got) != string(want) {
		t.Fatalf("Bytes = % x, want % x", got, want)
	}
}

func TestFprog(t *testing.T) {
	b, err := FprogBytes(3, 0x1122334455667788)
	want := []byte{3, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}
	if err != nil || string(b) != string(want) {
		t.Fatalf("FprogBytes = % x, %v; want % x", b, err, want)
	}
	for _, n := range []int{0, -1, unix.BPF_MAXINSNS + 1} {
		if _, err := FprogBytes(n, 0x1000); err == nil {
			t.Errorf("FprogBytes(%d) accepted", n)
		}
	}
	prog := []unix.SockFilter{ldImm(1), retA}
	fp, err := Fprog(prog)
	if err != nil || fp.Len != 2 || fp.Filter != &prog[0] {
		t.Fatalf("Fprog = %+v, %v", fp, err)
	}
	if _, err := Fprog([]unix.SockFilter{ldImm(1)}); err == nil {
		t.Error("Fprog accepted a program without a return")
	}
}

func TestDisasm(t *testing.T) {
	got := Disasm([]unix.SockFilter{ldAbs(4), jump(unix.BPF_JEQ, 0xc000003e, 1, 0), retK(0x80000000), jump(unix.BPF_JA, 0, 0, 0), retK(0x7fff0000)})
	want := "0000: ld [4]\n0001: jeq #0xc000003e 0003 0002\n0002: ret KILL_PROCESS\n0003: ja 0004\n0004: ret ALLOW\n"
	if got != want {
		t.Fatalf("Disasm:\n%s\nwant:\n%s", got, want)
	}
}
