// aarch64 launch trampoline: clone, then the child becomes the guest using raw syscalls only.

#include "textflag.h"
#include "go_asm.h"

// aarch64 (asm-generic) syscall numbers used here.
#define SYS_dup3		24
#define SYS_setrlimit		164
#define SYS_munmap		215
#define SYS_mprotect		226
#define SYS_exit_group		94
#define SYS_rt_sigaction	134
#define SYS_rt_sigprocmask	135
#define SYS_getppid		173
#define SYS_prctl		167
#define SYS_clone		220
#define SYS_seccomp		277
#define SYS_close_range		436

#define SIG_SETMASK		2
#define SIGCHLD			17
#define PR_SET_NO_NEW_PRIVS	38
#define PR_SET_PDEATHSIG	1
#define SIGKILL			9
#define SECCOMP_SET_MODE_FILTER	1
#define RLIMIT_DATA		2
#define PROT_READ		1

// func rawLaunch(a *launchArgs) int64
// R9 holds a throughout; R10-R13 are scratch. R18 (platform), R26-R28
// (context, temp, g) and R29/R30 are left alone on the parent path.
TEXT ·rawLaunch(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	a+0(FP), R9

	// Block everything on this thread: no Go handler may run in the child
	// before its handlers are reset.
	MOVD	$SIG_SETMASK, R0
	ADD	$launchArgs_allMask, R9, R1
	ADD	$launchArgs_oldMask, R9, R2
	MOVD	$8, R3
	MOVD	$SYS_rt_sigprocmask, R8
	SVC
	CBNZ	R0, done

	// clone(flags, newsp, parent_tid, tls, child_tid)
	MOVD	$SIGCHLD, R0
	MOVD	$0, R1
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$0, R4
	MOVD	$SYS_clone, R8
	SVC
	CBZ	R0, child

	// Parent (or clone error): restore the mask, return the pid or -errno.
	MOVD	R0, R10
	MOVD	$SIG_SETMASK, R0
	ADD	$launchArgs_oldMask, R9, R1
	MOVD	$0, R2
	MOVD	$8, R3
	MOVD	$SYS_rt_sigprocmask, R8
	SVC
	MOVD	R10, R0
done:
	MOVD	R0, ret+8(FP)
	RET

child:
	// Every handler back to SIG_DFL (SIGKILL and SIGSTOP refuse; ignored).
	MOVD	$1, R10
sigloop:
	MOVD	R10, R0
	ADD	$launchArgs_dfl, R9, R1
	MOVD	$0, R2
	MOVD	$8, R3
	MOVD	$SYS_rt_sigaction, R8
	SVC
	ADD	$1, R10, R10
	CMP	$65, R10
	BNE	sigloop

	// Nothing blocked in the guest: TERM/INT end it, faults kill it.
	MOVD	$SIG_SETMASK, R0
	ADD	$launchArgs_emptyMask, R9, R1
	MOVD	$0, R2
	MOVD	$8, R3
	MOVD	$SYS_rt_sigprocmask, R8
	SVC
	CBNZ	R0, fail

	// dup3(fds[i], 3+i, 0): the sources all lie above the targets.
	MOVD	launchArgs_nfds(R9), R11
	ADD	$launchArgs_fds, R9, R12
	MOVD	$0, R10
duploop:
	CMP	R11, R10
	BEQ	dupdone
	MOVD	(R12)(R10<<3), R0
	ADD	$3, R10, R1
	MOVD	$0, R2
	MOVD	$SYS_dup3, R8
	SVC
	ADD	$3, R10, R13
	CMP	R13, R0
	BNE	fail
	ADD	$1, R10, R10
	B	duploop
dupdone:
	// close_range(3+n, ~0U, 0): everything else goes, sources included.
	ADD	$3, R11, R0
	MOVD	$0xffffffff, R1
	MOVD	$0, R2
	MOVD	$SYS_close_range, R8
	SVC
	CBNZ	R0, fail

	// The guest must not outlive the tender, however the tender ends; if
	// the tender is already gone, getppid shows it.
	MOVD	$PR_SET_PDEATHSIG, R0
	MOVD	$SIGKILL, R1
	MOVD	$SYS_prctl, R8
	SVC
	CBNZ	R0, fail
	MOVD	$SYS_getppid, R8
	SVC
	MOVD	launchArgs_ppid(R9), R13
	CMP	R13, R0
	BNE	fail

	MOVD	$PR_SET_NO_NEW_PRIVS, R0
	MOVD	$1, R1
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$0, R4
	MOVD	$SYS_prctl, R8
	SVC
	CBNZ	R0, fail

	// Unmap the tender: from here on only guest memory, the launch page
	// (R9) and this code are mapped. No stack is used.
	MOVD	launchArgs_nunmap(R9), R11
	ADD	$launchArgs_unmap, R9, R12
	MOVD	$0, R10
unmaploop:
	CMP	R11, R10
	BEQ	unmapdone
	MOVD	(R12), R0
	MOVD	8(R12), R1
	MOVD	$SYS_munmap, R8
	SVC
	CBNZ	R0, fail
	ADD	$16, R12, R12
	ADD	$1, R10, R10
	B	unmaploop
unmapdone:
	// The libOS bound, counted now that only guest memory is writable.
	MOVD	launchArgs_setData(R9), R0
	CBZ	R0, nolimit
	MOVD	$RLIMIT_DATA, R0
	ADD	$launchArgs_rlim, R9, R1
	MOVD	$SYS_setrlimit, R8
	SVC
	CBNZ	R0, fail
nolimit:
	// Nothing of the tender stays writable in the guest.
	MOVD	launchArgs_page(R9), R0
	MOVD	launchArgs_pageLen(R9), R1
	MOVD	$PROT_READ, R2
	MOVD	$SYS_mprotect, R8
	SVC
	CBNZ	R0, fail
	MOVD	$SECCOMP_SET_MODE_FILTER, R0
	MOVD	$0, R1
	MOVD	launchArgs_prog(R9), R2
	MOVD	$SYS_seccomp, R8
	SVC
	CBNZ	R0, fail

	// Enter the guest: sp = mem - 16, x0 = boot info, x30 = 0.
	MOVD	launchArgs_sp(R9), R1
	MOVD	R1, RSP
	MOVD	launchArgs_entry(R9), R2
	MOVD	launchArgs_bootInfo(R9), R0
	MOVD	$0, R30
	JMP	(R2)

fail:
	MOVD	$1, R0
	MOVD	$SYS_exit_group, R8
	SVC
	B	fail

// func rawLaunchPC() uint64
TEXT ·rawLaunchPC(SB), NOSPLIT, $0-8
	MOVD	$·rawLaunch(SB), R0
	MOVD	R0, ret+0(FP)
	RET
