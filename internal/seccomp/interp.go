// A classic BPF interpreter for the seccomp subset: the test oracle for compiled programs.
package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Check rejects programs the kernel would refuse (or that could misbehave): empty or too
// long, unknown opcodes, jumps past the end, loads outside seccomp_data or misaligned,
// bad scratch slots, and a last instruction that is not a return.
func Check(prog []unix.SockFilter) error {
	if len(prog) == 0 {
		return errors.New("bpf: empty program")
	}
	if len(prog) > unix.BPF_MAXINSNS {
		return fmt.Errorf("bpf: %d instructions, more than %d", len(prog), unix.BPF_MAXINSNS)
	}
	n := len(prog)
	for pc, f := range prog {
		bad := func(why string) error {
			return fmt.Errorf("bpf: instruction %d (code %#x k %#x): %s", pc, f.Code, f.K, why)
		}
		switch f.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			if f.K%4 != 0 || f.K > DataSize-4 {
				return bad("load outside seccomp_data or misaligned")
			}
		case unix.BPF_LD | unix.BPF_IMM, unix.BPF_LDX | unix.BPF_IMM,
			unix.BPF_RET | unix.BPF_K, unix.BPF_RET | unix.BPF_A,
			unix.BPF_MISC | unix.BPF_TAX, unix.BPF_MISC | unix.BPF_TXA:
		case unix.BPF_LD | unix.BPF_MEM, unix.BPF_LDX | unix.BPF_MEM, unix.BPF_ST, unix.BPF_STX:
			if f.K >= unix.BPF_MEMWORDS {
				return bad("scratch slot out of range")
			}
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K, unix.BPF_ALU | unix.BPF_OR | unix.BPF_K,
			unix.BPF_ALU | unix.BPF_ADD | unix.BPF_K, unix.BPF_ALU | unix.BPF_SUB | unix.BPF_K,
			unix.BPF_ALU | unix.BPF_AND | unix.BPF_X, unix.BPF_ALU | unix.BPF_OR | unix.BPF_X:
		case unix.BPF_JMP | unix.BPF_JA:
			if uint64(pc)+1+uint64(f.K) >= uint64(n) {
				return bad("jump past the end")
			}
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K, unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K,
			unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_X, unix.BPF_JMP | unix.BPF_JGT | unix.BPF_X,
			unix.BPF_JMP | unix.BPF_JGE | unix.BPF_X, unix.BPF_JMP | unix.BPF_JSET | unix.BPF_X:
			if pc+1+int(f.Jt) >= n || pc+1+int(f.Jf) >= n {
				return bad("conditional jump past the end")
			}
		default:
			return bad("opcode not allowed in a seccomp filter")
		}
	}
	if c := prog[n-1].Code; c != unix.BPF_RET|unix.BPF_K && c != unix.BPF_RET|unix.BPF_A {
		return errors.New("bpf: last instruction is not a return")
	}
	return nil
}

// Run checks prog, then executes it on d as the kernel would and returns the action.
// Jumps only go forward, so execution always ends.
func Run(prog []unix.SockFilter, d Data) (Action, error) {
	if err := Check(prog); err != nil {
		return 0, err
	}
	buf := d.Bytes()
	var a, x uint32
	var mem [unix.BPF_MEMWORDS]uint32
	var memSet [unix.BPF_MEMWORDS]bool
	for pc := 0; pc < len(prog); pc++ {
		f := prog[pc]
		switch f.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			a = binary.LittleEndian.Uint32(buf[f.K:])
		case unix.BPF_LD | unix.BPF_IMM:
			a = f.K
		case unix.BPF_LDX | unix.BPF_IMM:
			x = f.K
		case unix.BPF_LD | unix.BPF_MEM, unix.BPF_LDX | unix.BPF_MEM:
			if !memSet[f.K] {
				return 0, fmt.Errorf("bpf: instruction %d reads scratch slot %d before it is written", pc, f.K)
			}
			if f.Code == unix.BPF_LD|unix.BPF_MEM {
				a = mem[f.K]
			} else {
				x = mem[f.K]
			}
		case unix.BPF_ST:
			mem[f.K], memSet[f.K] = a, true
		case unix.BPF_STX:
			mem[f.K], memSet[f.K] = x, true
		case unix.BPF_MISC | unix.BPF_TAX:
			x = a
		case unix.BPF_MISC | unix.BPF_TXA:
			a = x
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			a &= f.K
		case unix.BPF_ALU | unix.BPF_OR | unix.BPF_K:
			a |= f.K
		case unix.BPF_ALU | unix.BPF_ADD | unix.BPF_K:
			a += f.K
		case unix.BPF_ALU | unix.BPF_SUB | unix.BPF_K:
			a -= f.K
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_X:
			a &= x
		case unix.BPF_ALU | unix.BPF_OR | unix.BPF_X:
			a |= x
		case unix.BPF_JMP | unix.BPF_JA:
			pc += int(f.K)
		case unix.BPF_RET | unix.BPF_K:
			return Action(f.K), nil
		case unix.BPF_RET | unix.BPF_A:
			return Action(a), nil
		default: // conditional jumps
			k := f.K
			if f.Code&unix.BPF_X != 0 {
				k = x
			}
			var cond bool
			switch f.Code & 0xf0 {
			case unix.BPF_JEQ:
				cond = a == k
			case unix.BPF_JGT:
				cond = a > k
			case unix.BPF_JGE:
				cond = a >= k
			case unix.BPF_JSET:
				cond = a&k != 0
			}
			if cond {
				pc += int(f.Jt)
			} else {
				pc += int(f.Jf)
			}
		}
	}
	// Unreachable: Check guarantees the last instruction returns and jumps stay inside.
	return 0, errors.New("bpf: fell off the end of the program")
}
