// Compiles a Policy to a classic BPF seccomp program.
package seccomp

import (
	"errors"

	"golang.org/x/sys/unix"
)

// Compile produces the filter. Layout:
//
//	arch check (kill on mismatch), x32 check on x86_64 (kill), each kill right after its test,
//	optional instruction-pointer gate,
//	dispatch: for each syscall "jeq nr; ja block" (JA has a 32-bit offset, see below),
//	ret Default,
//	one block per syscall: its rules in order, each a run of argument tests that fall
//	through to "ret ALLOW" (or the rule's ERRNO) or jump (a short, forward hop) to the
//	next rule; ret Default.
//
// Every conditional jump therefore crosses at most one rule, so 8-bit offsets always
// suffice however many devices a policy has.
//
// Small policies first try a dispatch of single "jeq nr, block" instructions, which is
// shorter on every call; if a block is out of 8-bit reach the JA form is used instead.
func (p Policy) Compile() ([]unix.SockFilter, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	prog, err := p.compile(false)
	if errors.Is(err, errLongJump) {
		prog, err = p.compile(true)
	}
	return prog, err
}

func (p Policy) compile(longDispatch bool) ([]unix.SockFilter, error) {
	a := &asm{}

	// The kill returns sit right after their tests so these jumps stay short.
	archOK := a.newLabel()
	a.ld(offArch)
	a.jmp(unix.BPF_JEQ, p.AuditArch, archOK, next)
	a.ret(RetKillProcess)
	a.bind(archOK)
	a.ld(offNr)
	if p.AuditArch == AuditArchX86_64 {
		native := a.newLabel()
		a.jmp(unix.BPF_JGE, x32Bit, next, native)
		a.ret(RetKillProcess)
		a.bind(native)
	}

	if g := p.Gate; g != nil {
		outside, inside := a.newLabel(), a.newLabel()
		a.cmp64(offIP, OpGE, g.Inside.Lo, 0, outside)
		a.cmp64(offIP, OpLE, g.Inside.Hi-1, 0, outside)
		a.jump(inside)
		a.bind(outside)
		a.ret(g.Action)
		a.bind(inside)
		a.ld(offNr)
	}

	// Group rules by syscall, keeping the order in which calls first appear.
	var order []uint32
	byNr := map[uint32][]Rule{}
	for _, r := range p.Rules {
		if _, ok := byNr[r.Syscall]; !ok {
			order = append(order, r.Syscall)
		}
		byNr[r.Syscall] = append(byNr[r.Syscall], r)
	}
	blocks := make([]label, len(order))
	for i, nr := range order {
		blocks[i] = a.newLabel()
		if !longDispatch {
			a.jmp(unix.BPF_JEQ, nr, blocks[i], next)
			continue
		}
		skip := a.newLabel()
		a.jmp(unix.BPF_JEQ, nr, next, skip)
		a.jump(blocks[i])
		a.bind(skip)
	}
	a.ret(p.Default)

	for i, nr := range order {
		a.bind(blocks[i])
		for _, r := range byNr[nr] {
			nextRule := a.newLabel()
			for _, arg := range r.Args {
				a.cmp64(argOffset(arg.Index), arg.Op, arg.Value, arg.Mask, nextRule)
			}
			a.ret(r.action())
			a.bind(nextRule)
		}
		a.ret(p.Default)
	}

	return a.assemble()
}

// cmp64 tests the 64-bit field whose low word is at off, high word first; it falls through
// when the test holds and jumps to fail when it does not. A is clobbered.
func (a *asm) cmp64(off uint32, op Op, v, mask uint64, fail label) {
	hi, lo := uint32(v>>32), uint32(v)
	offHi, offLo := off+4, off
	switch op {
	case OpEQ:
		a.ld(offHi)
		a.jmp(unix.BPF_JEQ, hi, next, fail)
		a.ld(offLo)
		a.jmp(unix.BPF_JEQ, lo, next, fail)
	case OpLE:
		pass := a.newLabel()
		a.ld(offHi)
		a.jmp(unix.BPF_JGT, hi, fail, next) // high word above: too big
		a.jmp(unix.BPF_JEQ, hi, next, pass) // high word below: small enough
		a.ld(offLo)
		a.jmp(unix.BPF_JGT, lo, fail, next)
		a.bind(pass)
	case OpGE:
		pass := a.newLabel()
		a.ld(offHi)
		a.jmp(unix.BPF_JGT, hi, pass, next) // high word above: big enough
		a.jmp(unix.BPF_JEQ, hi, next, fail) // high word below: too small
		a.ld(offLo)
		a.jmp(unix.BPF_JGE, lo, next, fail)
		a.bind(pass)
	case OpMaskedEQ:
		// A zero mask word always matches (Validate ensured the value word is zero too).
		for _, w := range []struct{ off, m, v uint32 }{{offHi, uint32(mask >> 32), hi}, {offLo, uint32(mask), lo}} {
			if w.m == 0 {
				continue
			}
			a.ld(w.off)
			if w.m != 0xffffffff {
				a.and(w.m)
			}
			a.jmp(unix.BPF_JEQ, w.v, next, fail)
		}
	}
}
