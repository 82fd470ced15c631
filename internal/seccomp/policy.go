// The policy model: an arch, a default action and allow rules with 64-bit argument tests.
package seccomp

import (
	"errors"
	"fmt"
)

// Op is a 64-bit comparison of a system call argument with Arg.Value.
type Op int

const (
	OpEQ       Op = iota + 1 // arg == Value
	OpLE                     // arg <= Value (unsigned)
	OpGE                     // arg >= Value (unsigned)
	OpMaskedEQ               // arg & Mask == Value
)

func (o Op) String() string {
	switch o {
	case OpEQ:
		return "=="
	case OpLE:
		return "<="
	case OpGE:
		return ">="
	case OpMaskedEQ:
		return "&mask=="
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// Arg tests argument Index (0..5) of the call. Mask is only used by OpMaskedEQ.
type Arg struct {
	Index int
	Op    Op
	Value uint64
	Mask  uint64
}

// Rule allows one system call when all of its Args hold. Several rules for the same
// call are alternatives. Why says which guest feature needs it (kept for audits).
// A non-zero Errno makes the rule fail the call with that errno instead of allowing it
// (for a call the guest may make but must not succeed, where a kill would be too harsh).
type Rule struct {
	Syscall uint32
	Args    []Arg
	Why     string
	Errno   uint16
}

// action is what the filter returns when the rule matches.
func (r Rule) action() Action {
	if r.Errno != 0 {
		return RetErrno(r.Errno)
	}
	return RetAllow
}

// Range is the half-open instruction-pointer interval [Lo, Hi).
type Range struct{ Lo, Hi uint64 }

// Gate routes calls by where they come from: a call whose instruction pointer is outside
// Inside gets Action (typically RetTrap, so a library OS can emulate it in its SIGSYS
// handler) before any rule is looked at.
type Gate struct {
	Inside Range
	Action Action
}

// Policy is a whole filter: calls from another arch (and the x32 ABI on x86_64) are
// killed, then Gate (if any) applies, then Rules, and anything else gets Default.
type Policy struct {
	AuditArch uint32
	Default   Action
	Rules     []Rule
	Gate      *Gate
}

// Audit arch values (AUDIT_ARCH_*) of the supported arches.
const (
	AuditArchX86_64  uint32 = 0xc000003e
	AuditArchAArch64 uint32 = 0xc00000b7
)

// x32Bit marks x32-ABI system call numbers on x86_64; such calls share AUDIT_ARCH_X86_64
// and would otherwise slip past a number-based allow list.
const x32Bit = 0x40000000

// Validate checks the policy for mistakes that would make the filter mean something other
// than what it says.
func (p Policy) Validate() error {
	if p.AuditArch != AuditArchX86_64 && p.AuditArch != AuditArchAArch64 {
		return fmt.Errorf("seccomp: unsupported audit arch %#x", p.AuditArch)
	}
	if !p.Default.valid() {
		return fmt.Errorf("seccomp: invalid default action %#x", uint32(p.Default))
	}
	if g := p.Gate; g != nil {
		if g.Inside.Lo >= g.Inside.Hi {
			return fmt.Errorf("seccomp: empty gate range [%#x, %#x)", g.Inside.Lo, g.Inside.Hi)
		}
		if !g.Action.valid() {
			return fmt.Errorf("seccomp: invalid gate action %#x", uint32(g.Action))
		}
	}
	for i, r := range p.Rules {
		if r.Syscall >= x32Bit {
			return fmt.Errorf("seccomp: rule %d: syscall number %d out of range", i, r.Syscall)
		}
		if len(r.Args) > 6*3 {
			return fmt.Errorf("seccomp: rule %d: too many argument tests", i)
		}
		for _, a := range r.Args {
			if a.Index < 0 || a.Index > 5 {
				return fmt.Errorf("seccomp: rule %d (syscall %d): argument index %d out of range", i, r.Syscall, a.Index)
			}
			switch a.Op {
			case OpEQ, OpLE, OpGE:
			case OpMaskedEQ:
				if a.Value&^a.Mask != 0 {
					return fmt.Errorf("seccomp: rule %d (syscall %d): value %#x has bits outside mask %#x, never matches", i, r.Syscall, a.Value, a.Mask)
				}
			default:
				return fmt.Errorf("seccomp: rule %d (syscall %d): unknown op %d", i, r.Syscall, int(a.Op))
			}
		}
	}
	return nil
}

// errTooLong is returned when a policy needs more than the kernel's BPF_MAXINSNS instructions.
var errTooLong = errors.New("seccomp: program longer than 4096 instructions")

// Eval is the reference meaning of the policy, written directly in Go; tests check the
// compiled program against it.
func (p Policy) Eval(d Data) Action {
	if d.Arch != p.AuditArch {
		return RetKillProcess
	}
	if p.AuditArch == AuditArchX86_64 && uint32(d.Nr) >= x32Bit {
		return RetKillProcess
	}
	if g := p.Gate; g != nil && (d.IP < g.Inside.Lo || d.IP >= g.Inside.Hi) {
		return g.Action
	}
	for _, r := range p.Rules {
		if uint32(d.Nr) == r.Syscall && r.matches(d) {
			return r.action()
		}
	}
	return p.Default
}

func (r Rule) matches(d Data) bool {
	for _, a := range r.Args {
		v := d.Args[a.Index]
		ok := false
		switch a.Op {
		case OpEQ:
			ok = v == a.Value
		case OpLE:
			ok = v <= a.Value
		case OpGE:
			ok = v >= a.Value
		case OpMaskedEQ:
			ok = v&a.Mask == a.Value
		}
		if !ok {
			return false
		}
	}
	return true
}
