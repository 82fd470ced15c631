// A one-line-per-instruction listing of a filter, for audits and test failures.
package seccomp

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Disasm lists prog with absolute jump targets, e.g. "0012: jeq #0x1 0013 0018".
func Disasm(prog []unix.SockFilter) string {
	var b strings.Builder
	for pc, f := range prog {
		t, e := pc+1+int(f.Jt), pc+1+int(f.Jf)
		var s string
		switch f.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			s = fmt.Sprintf("ld [%d]", f.K)
		case unix.BPF_LD | unix.BPF_IMM:
			s = fmt.Sprintf("ld #%#x", f.K)
		case unix.BPF_ALU | unix.BPF_AND | unix.BPF_K:
			s = fmt.Sprintf("and #%#x", f.K)
		case unix.BPF_ALU | unix.BPF_OR | unix.BPF_K:
			s = fmt.Sprintf("or #%#x", f.K)
		case unix.BPF_JMP | unix.BPF_JA:
			s = fmt.Sprintf("ja %04d", uint64(pc)+1+uint64(f.K))
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			s = fmt.Sprintf("jeq #%#x %04d %04d", f.K, t, e)
		case unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K:
			s = fmt.Sprintf("jgt #%#x %04d %04d", f.K, t, e)
		case unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			s = fmt.Sprintf("jge #%#x %04d %04d", f.K, t, e)
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			s = fmt.Sprintf("jset #%#x %04d %04d", f.K, t, e)
		case unix.BPF_RET | unix.BPF_K:
			s = "ret " + Action(f.K).String()
		case unix.BPF_RET | unix.BPF_A:
			s = "ret A"
		default:
			s = fmt.Sprintf("code %#04x jt %d jf %d k %#x", f.Code, f.Jt, f.Jf, f.K)
		}
		fmt.Fprintf(&b, "%04d: %s\n", pc, s)
	}
	return b.String()
}
