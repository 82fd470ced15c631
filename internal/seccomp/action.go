// Package seccomp compiles small seccomp allow-list policies to classic BPF and interprets them.
package seccomp

import "fmt"

// Action is a seccomp filter return value (SECCOMP_RET_*): the action in the high 16 bits,
// its data (an errno, for example) in the low 16 bits.
type Action uint32

// The actions the kernel understands; RetKillProcess is what the spt tender uses so that a
// forbidden call ends the whole process with SIGSYS (exit status 159 in the shell).
const (
	RetKillProcess Action = 0x80000000
	RetKillThread  Action = 0x00000000
	RetTrap        Action = 0x00030000
	RetErrnoBase   Action = 0x00050000
	RetLog         Action = 0x7ffc0000
	RetAllow       Action = 0x7fff0000
)

// RetErrno fails the call with -errno instead of running it.
func RetErrno(errno uint16) Action { return RetErrnoBase | Action(errno) }

// valid reports whether the kernel knows this action (an unknown one would be treated as kill).
func (a Action) valid() bool {
	switch a & 0xffff0000 {
	case RetKillProcess, RetKillThread, RetTrap, RetErrnoBase, RetLog, RetAllow:
		return true
	}
	return false
}

func (a Action) String() string {
	switch a & 0xffff0000 {
	case RetKillProcess:
		return "KILL_PROCESS"
	case RetKillThread:
		return "KILL_THREAD"
	case RetTrap:
		return fmt.Sprintf("TRAP(%d)", a&0xffff)
	case RetErrnoBase:
		return fmt.Sprintf("ERRNO(%d)", a&0xffff)
	case RetLog:
		return "LOG"
	case RetAllow:
		return "ALLOW"
	}
	return fmt.Sprintf("Action(%#x)", uint32(a))
}
