// A tiny classic-BPF assembler with forward labels, so the compiler never computes offsets by hand.
package seccomp

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// label names a program position; next means "the following instruction" (offset 0).
type label int

const next label = -1

// errLongJump means a conditional jump needs more than 8 bits; Compile then switches to a
// layout with BPF_JA, and otherwise it is an internal error.
var errLongJump = errors.New("seccomp: internal error: conditional jump too long")

type insn struct {
	code   uint16
	k      uint32
	jt, jf label // conditional jump targets
	ja     label // BPF_JA target
}

type asm struct {
	ins    []insn
	labels []int // position of each label, -1 until bound
}

func (a *asm) newLabel() label {
	a.labels = append(a.labels, -1)
	return label(len(a.labels) - 1)
}

func (a *asm) bind(l label) { a.labels[l] = len(a.ins) }

func (a *asm) emit(i insn) { a.ins = append(a.ins, i) }

// ld loads the 32-bit word at byte offset off of seccomp_data into A.
func (a *asm) ld(off uint32) {
	a.emit(insn{code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, k: off, jt: next, jf: next, ja: next})
}

func (a *asm) and(k uint32) {
	a.emit(insn{code: unix.BPF_ALU | unix.BPF_AND | unix.BPF_K, k: k, jt: next, jf: next, ja: next})
}

func (a *asm) ret(act Action) {
	a.emit(insn{code: unix.BPF_RET | unix.BPF_K, k: uint32(act), jt: next, jf: next, ja: next})
}

// jmp is a conditional jump comparing A with k (op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET).
func (a *asm) jmp(op uint16, k uint32, jt, jf label) {
	a.emit(insn{code: unix.BPF_JMP | op | unix.BPF_K, k: k, jt: jt, jf: jf, ja: next})
}

// ja is an unconditional jump; its 32-bit offset reaches anywhere in a program.
func (a *asm) jump(l label) {
	a.emit(insn{code: unix.BPF_JMP | unix.BPF_JA, jt: next, jf: next, ja: l})
}

// offset turns a label into a forward offset from the instruction at pc.
func (a *asm) offset(pc int, l label) (int, error) {
	if l == next {
		return 0, nil
	}
	pos := a.labels[l]
	if pos < 0 {
		return 0, fmt.Errorf("seccomp: internal error: label %d never bound", l)
	}
	off := pos - (pc + 1)
	if off < 0 || pos >= len(a.ins) {
		return 0, fmt.Errorf("seccomp: internal error: jump from %d to %d", pc, pos)
	}
	return off, nil
}

// assemble resolves labels. Conditional jumps only have 8-bit offsets; the compiler lays
// code out so they stay short and uses BPF_JA for long distances, and this checks it.
func (a *asm) assemble() ([]unix.SockFilter, error) {
	if len(a.ins) > unix.BPF_MAXINSNS {
		return nil, errTooLong
	}
	out := make([]unix.SockFilter, len(a.ins))
	for pc, in := range a.ins {
		f := unix.SockFilter{Code: in.code, K: in.k}
		if in.code&0x07 == unix.BPF_JMP {
			if in.code&0xf0 == unix.BPF_JA {
				off, err := a.offset(pc, in.ja)
				if err != nil {
					return nil, err
				}
				f.K = uint32(off)
			} else {
				jt, err := a.offset(pc, in.jt)
				if err != nil {
					return nil, err
				}
				jf, err := a.offset(pc, in.jf)
				if err != nil {
					return nil, err
				}
				if jt > 255 || jf > 255 {
					return nil, fmt.Errorf("%w: at %d (%d/%d)", errLongJump, pc, jt, jf)
				}
				f.Jt, f.Jf = uint8(jt), uint8(jf)
			}
		}
		out[pc] = f
	}
	return out, nil
}
