// The filter for a libOS image: app calls trap to the libOS, which gets the solo5 set plus a few calls.
package spt

import (
	"debug/elf"
	"encoding/binary"
	"fmt"

	"github.com/nabla-containers/nabla/abi"
	nelf "github.com/nabla-containers/nabla/internal/elf"
	"github.com/nabla-containers/nabla/internal/seccomp"
)

// The note a libOS image carries (guest/libos/core/note.c): descriptor = text range [lo, hi),
// then (32-byte form) the memory layout it wants: va_extra, top_rw (see LibOSInfo), then
// (40-byte form) the address of its 32-byte seed buffer.
const (
	LibOSNoteName = "Nabla"
	LibOSNoteType = 0x31534f4c // "LOS1"
)

// Bounds on the memory layout a libOS note may ask for.
const (
	// MaxLibOSVAExtra bounds the address space above --mem (Go reserves ~1.5 GiB).
	MaxLibOSVAExtra = 64 << 30
	// MaxLibOSTopRW bounds the read-write boot stack at the top of the address space.
	MaxLibOSTopRW = 16 << 20
	// LibOSMprotectMax is the largest mprotect the libOS may make (it splits larger
	// ones); the tender maps this much PROT_NONE above the guest's top so that
	// [addr, addr+len) of an allowed call stays inside the guest mapping.
	LibOSMprotectMax = 256 << 20
	protRW           = 3 // PROT_READ|PROT_WRITE
	protRX           = 5 // PROT_READ|PROT_EXEC
)

// LibOSInfo is what the LOS1 note says.
type LibOSInfo struct {
	Text seccomp.Range
	// Layout is set by the 32-byte note: guest memory is then --mem + VAExtra of
	// address space, PROT_NONE except the image and the top TopRW bytes; the libOS
	// makes pages read-write with mprotect, counted against --mem (RLIMIT_DATA).
	// Without it (16-byte note) all guest memory is read-write, as for plain images.
	Layout         bool
	VAExtra, TopRW uint64
	// Seed (40-byte note), when not zero, is the guest address of LibOSSeedSize bytes in a
	// writable segment that the tender fills from the host kernel's generator before the
	// guest starts: the libOS keys getrandom with it (ARMv8.0 has no RNDR instruction, and
	// a CPU generator need not exist or be trusted on x86_64 either).
	Seed uint64
}

// LibOSSeedSize is the size of the seed buffer a 40-byte LOS1 note points at.
const LibOSSeedSize = 32

// libosTable holds the numbers of the extra calls the libOS makes, per arch.
type libosTable struct {
	rtSigaction, rtSigreturn, sigaltstack, setitimer, madvise, mprotect, read, write, ioctl uint32
}

var libosArches = map[string]libosTable{
	"amd64": {rtSigaction: 13, rtSigreturn: 15, sigaltstack: 131, setitimer: 38, madvise: 28, mprotect: 10, read: 0, write: 1, ioctl: 16},
	"arm64": {rtSigaction: 134, rtSigreturn: 139, sigaltstack: 132, setitimer: 103, madvise: 233, mprotect: 226, read: 63, write: 64, ioctl: 29},
}

// Signal numbers (the same on both arches) whose handlers the libOS installs.
const (
	sigHUP   = 1
	sigINT   = 2
	sigUSR1  = 10
	sigUSR2  = 12
	sigTERM  = 15
	sigILL   = 4
	sigTRAP  = 5
	sigBUS   = 7
	sigFPE   = 8
	sigSEGV  = 11
	sigALRM  = 14
	sigWINCH = 28
	sigSYS   = 31

	stdinFD      = 0
	stderrFD     = 2
	consoleFD    = 1
	tiocgwinsz   = 0x5413
	itimerReal   = 0
	madvDontneed = 4
	kernelSigset = 8 // sizeof the kernel's sigset_t, rt_sigaction's 4th argument
)

// LibOSText returns the libOS text range from img's LOS1 note; ok is false for an image
// without the note (a plain Solo5 unikernel, which keeps exactly the upstream filter).
// The range must lie inside one executable loaded segment.
func LibOSText(img *nelf.Image) (r seccomp.Range, ok bool, err error) {
	li, ok, err := LibOSNote(img)
	return li.Text, ok, err
}

// LibOSNote parses the whole LOS1 note (16 or 32 bytes); ok is false without one.
func LibOSNote(img *nelf.Image) (li LibOSInfo, ok bool, err error) {
	d, found := img.Notes[nelf.NoteKey{Name: LibOSNoteName, Type: LibOSNoteType}]
	if !found {
		return LibOSInfo{}, false, nil
	}
	if len(d) != 16 && len(d) != 32 && len(d) != 40 {
		return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS note is %d bytes, want 16, 32 or 40", len(d))
	}
	r := seccomp.Range{Lo: binary.LittleEndian.Uint64(d), Hi: binary.LittleEndian.Uint64(d[8:])}
	if r.Lo >= r.Hi {
		return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS text range [%#x, %#x) is empty", r.Lo, r.Hi)
	}
	li.Text = r
	if len(d) == 40 {
		li.Seed = binary.LittleEndian.Uint64(d[32:])
		if !inWritableSegment(img, li.Seed, LibOSSeedSize) {
			return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS seed buffer at %#x is not inside a writable segment", li.Seed)
		}
	}
	if len(d) >= 32 {
		li.Layout = true
		li.VAExtra = binary.LittleEndian.Uint64(d[16:])
		li.TopRW = binary.LittleEndian.Uint64(d[24:])
		if li.VAExtra%pageSize != 0 || li.VAExtra > MaxLibOSVAExtra {
			return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS asks for %#x bytes of address space (want page multiple, at most %d GiB)", li.VAExtra, MaxLibOSVAExtra>>30)
		}
		if li.TopRW%pageSize != 0 || li.TopRW == 0 || li.TopRW > MaxLibOSTopRW {
			return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS boot stack of %#x bytes (want page multiple, 4 KiB to %d MiB)", li.TopRW, MaxLibOSTopRW>>20)
		}
	}
	for _, s := range img.Segments {
		if s.Flags&uint32(elf.PF_X) != 0 && s.Vaddr <= r.Lo && r.Hi <= s.Vaddr+s.Memsz {
			return li, true, nil
		}
	}
	return LibOSInfo{}, false, fmt.Errorf("invalid executable: libOS text range [%#x, %#x) is not inside an executable segment", r.Lo, r.Hi)
}

// inWritableSegment says whether [addr, addr+n) lies in one writable loaded segment.
func inWritableSegment(img *nelf.Image, addr, n uint64) bool {
	for _, s := range img.Segments {
		if s.Flags&uint32(elf.PF_W) != 0 && addr >= s.Vaddr && addr+n >= addr && addr+n <= s.Vaddr+s.Memsz {
			return true
		}
	}
	return false
}

// LibOSPolicy is Policy(arch, d) with a gate: a call made from outside text (the app's own
// code) traps (SIGSYS) to the libOS, which emulates Linux for it. Calls from the libOS's
// text get the solo5 set plus the rules below, each needed by the trap machinery itself.
// The host still sees nothing else: every app call ends in the libOS.
func LibOSPolicy(arch string, d Devices, text seccomp.Range) seccomp.Policy {
	p := Policy(arch, d)
	t, ok := libosArches[arch]
	if !ok {
		return p // AuditArch 0: Compile rejects it
	}
	eq := func(i int, v uint64) seccomp.Arg { return seccomp.Arg{Index: i, Op: seccomp.OpEQ, Value: v} }
	add := func(nr uint32, why string, args ...seccomp.Arg) {
		p.Rules = append(p.Rules, seccomp.Rule{Syscall: nr, Args: args, Why: why})
	}
	add(t.rtSigaction, "libOS: SIGSYS handler receives the app's trapped system calls", eq(0, sigSYS), eq(3, kernelSigset))
	add(t.rtSigaction, "libOS: SIGALRM handler is the preemption tick of its thread scheduler", eq(0, sigALRM), eq(3, kernelSigset))
	for _, s := range []uint64{sigSEGV, sigBUS, sigILL, sigFPE, sigTRAP} {
		add(t.rtSigaction, "libOS: a fault of the app is reported (address, pc) and ends it cleanly", eq(0, s), eq(3, kernelSigset))
	}
	for _, s := range []uint64{sigTERM, sigINT, sigHUP, sigUSR1, sigUSR2} {
		add(t.rtSigaction, "libOS: a signal the tender forwards (docker stop, kill) is posted to the app's own handler", eq(0, s), eq(3, kernelSigset))
	}
	add(t.rtSigreturn, "libOS: every handler returns through rt_sigreturn, which also switches threads")
	add(t.sigaltstack, "libOS: handlers run on the libOS's own stack, never on the app's small (Go) stacks")
	add(t.setitimer, "libOS: ITIMER_REAL delivers the preemption tick (SIGALRM) to this process only", eq(0, itimerReal))
	add(t.madvise, "libOS: munmap/MADV_DONTNEED of the app drop guest pages (memory is reused and reads as zero)", eq(2, madvDontneed))
	add(t.write, "libOS: the app's stderr goes to the host's stderr, apart from the console (stdout), as a container runtime expects", eq(0, stderrFD))
	add(t.rtSigaction, "libOS: on a terminal (process.terminal) a resize's SIGWINCH from the kernel is posted to the app", eq(0, sigWINCH), eq(3, kernelSigset))
	add(t.ioctl, "libOS: the app's TIOCGWINSZ reads the size of the container's terminal (fd 1): 8 bytes into guest memory, nothing on the host changes", eq(0, consoleFD), eq(1, tiocgwinsz))
	if d.Stdin {
		add(t.read, "libOS: the app's stdin reads the host's fd 0 (docker run -i, a terminal's input; --stdin), which the tender made non-blocking: bytes into the libOS's own buffer, nothing else on the host", eq(0, stdinFD))
	}
	p.Gate = &seccomp.Gate{Inside: text, Action: seccomp.RetTrap}
	return p
}

// AllowLibOSMprotect adds, for the libOS's text (p must be a LibOSPolicy), the one call
// the LibOSInfo.Layout memory needs: mprotect to PROT_READ|PROT_WRITE of at most
// LibOSMprotectMax bytes starting in guest memory [GuestMinBase, top). The host bound on
// memory is RLIMIT_DATA, which the kernel checks at this very call; the pins keep the
// tender's own mappings (text, read-only data) out of reach. It adds mprotect to
// PROT_READ|PROT_EXEC of the same bounds above the libOS text (never W+X). There is no
// call back to PROT_NONE: pages made read-write stay charged.
func AllowLibOSMprotect(p seccomp.Policy, arch string, top uint64) seccomp.Policy {
	t, ok := libosArches[arch]
	if !ok || top <= abi.GuestMinBase {
		return p
	}
	p.Rules = append(p.Rules, seccomp.Rule{
		Syscall: t.mprotect,
		Why:     "libOS: pages of its PROT_NONE address space become read-write memory (charged against --mem by RLIMIT_DATA)",
		Args: []seccomp.Arg{
			{Index: 0, Op: seccomp.OpGE, Value: abi.GuestMinBase},
			{Index: 0, Op: seccomp.OpLE, Value: top - pageSize},
			{Index: 1, Op: seccomp.OpLE, Value: LibOSMprotectMax},
			{Index: 2, Op: seccomp.OpEQ, Value: protRW},
		},
	})
	// Code the app loads (ld.so's libraries, a JIT's output) must run: read-execute, never
	// writable and executable at once, and only above the libOS text, so that code the app
	// maps is always outside the gate's range and its system calls still trap.
	if p.Gate != nil {
		lo := (p.Gate.Inside.Hi + pageSize - 1) &^ (pageSize - 1)
		if lo < top-pageSize {
			p.Rules = append(p.Rules, seccomp.Rule{
				Syscall: t.mprotect,
				Why:     "libOS: code the app maps or generates becomes read-execute (above the libOS text, so its calls still trap)",
				Args: []seccomp.Arg{
					{Index: 0, Op: seccomp.OpGE, Value: lo},
					{Index: 0, Op: seccomp.OpLE, Value: top - pageSize},
					{Index: 1, Op: seccomp.OpLE, Value: LibOSMprotectMax},
					{Index: 2, Op: seccomp.OpEQ, Value: protRX},
				},
			})
		}
	}
	return p
}
