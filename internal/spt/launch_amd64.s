// x86_64 launch trampoline: clone, then the child becomes the guest using raw syscalls only.

#include "textflag.h"
#include "go_asm.h"

// x86_64 syscall numbers used here.
#define SYS_mprotect		10
#define SYS_munmap		11
#define SYS_rt_sigaction	13
#define SYS_rt_sigprocmask	14
#define SYS_clone		56
#define SYS_getppid		110
#define SYS_prctl		157
#define SYS_dup3		292
#define SYS_exit_group		231
#define SYS_setrlimit		160
#define SYS_seccomp		317
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
// R12 holds a throughout; R13, BX are scratch. R14/R15 are left alone so the
// parent path returns to Go with g and the GOT register intact.
TEXT ·rawLaunch(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ	a+0(FP), R12

	// Block everything on this thread: no Go handler may run in the child
	// before its handlers are reset.
	MOVQ	$SYS_rt_sigprocmask, AX
	MOVQ	$SIG_SETMASK, DI
	LEAQ	launchArgs_allMask(R12), SI
	LEAQ	launchArgs_oldMask(R12), DX
	MOVQ	$8, R10
	SYSCALL
	CMPQ	AX, $0
	JNE	done

	MOVQ	$SYS_clone, AX
	MOVQ	$SIGCHLD, DI
	XORQ	SI, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	SYSCALL
	CMPQ	AX, $0
	JEQ	child

	// Parent (or clone error): restore the mask, return the pid or -errno.
	MOVQ	AX, R13
	MOVQ	$SYS_rt_sigprocmask, AX
	MOVQ	$SIG_SETMASK, DI
	LEAQ	launchArgs_oldMask(R12), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	R13, AX
done:
	MOVQ	AX, ret+8(FP)
	RET

child:
	// Every handler back to SIG_DFL (SIGKILL and SIGSTOP refuse; ignored).
	MOVQ	$1, R13
sigloop:
	MOVQ	$SYS_rt_sigaction, AX
	MOVQ	R13, DI
	LEAQ	launchArgs_dfl(R12), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	INCQ	R13
	CMPQ	R13, $65
	JNE	sigloop

	// Nothing blocked in the guest: TERM/INT end it, faults kill it.
	MOVQ	$SYS_rt_sigprocmask, AX
	MOVQ	$SIG_SETMASK, DI
	LEAQ	launchArgs_emptyMask(R12), SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	TESTQ	AX, AX
	JNE	fail

	// dup3(fds[i], 3+i, 0): the sources all lie above the targets.
	MOVQ	launchArgs_nfds(R12), R13
	XORQ	BX, BX
duploop:
	CMPQ	BX, R13
	JEQ	dupdone
	MOVQ	$SYS_dup3, AX
	MOVQ	launchArgs_fds(R12)(BX*8), DI
	LEAQ	3(BX), SI
	XORQ	DX, DX
	SYSCALL
	CMPQ	AX, SI
	JNE	fail
	INCQ	BX
	JMP	duploop
dupdone:
	// close_range(3+n, ~0U, 0): everything else goes, sources included.
	MOVQ	$SYS_close_range, AX
	LEAQ	3(R13), DI
	MOVL	$0xffffffff, SI
	XORQ	DX, DX
	SYSCALL
	TESTQ	AX, AX
	JNE	fail

	// The guest must not outlive the tender, however the tender ends; if
	// the tender is already gone, getppid shows it.
	MOVQ	$SYS_prctl, AX
	MOVQ	$PR_SET_PDEATHSIG, DI
	MOVQ	$SIGKILL, SI
	SYSCALL
	TESTQ	AX, AX
	JNE	fail
	MOVQ	$SYS_getppid, AX
	SYSCALL
	CMPQ	AX, launchArgs_ppid(R12)
	JNE	fail

	MOVQ	$SYS_prctl, AX
	MOVQ	$PR_SET_NO_NEW_PRIVS, DI
	MOVQ	$1, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	SYSCALL
	TESTQ	AX, AX
	JNE	fail

	// Unmap the tender: from here on only guest memory, the launch page
	// (R12) and this code are mapped. No stack is used.
	MOVQ	launchArgs_nunmap(R12), R13
	XORQ	BX, BX
unmaploop:
	CMPQ	BX, R13
	JEQ	unmapdone
	MOVQ	BX, DX
	SHLQ	$4, DX
	MOVQ	$SYS_munmap, AX
	MOVQ	launchArgs_unmap(R12)(DX*1), DI
	MOVQ	(launchArgs_unmap+8)(R12)(DX*1), SI
	SYSCALL
	TESTQ	AX, AX
	JNE	fail
	INCQ	BX
	JMP	unmaploop
unmapdone:
	// The libOS bound, counted now that only guest memory is writable.
	MOVQ	launchArgs_setData(R12), AX
	TESTQ	AX, AX
	JEQ	nolimit
	MOVQ	$SYS_setrlimit, AX
	MOVQ	$RLIMIT_DATA, DI
	LEAQ	launchArgs_rlim(R12), SI
	SYSCALL
	TESTQ	AX, AX
	JNE	fail
nolimit:
	// Nothing of the tender stays writable in the guest.
	MOVQ	$SYS_mprotect, AX
	MOVQ	launchArgs_page(R12), DI
	MOVQ	launchArgs_pageLen(R12), SI
	MOVQ	$PROT_READ, DX
	SYSCALL
	TESTQ	AX, AX
	JNE	fail

	MOVQ	$SYS_seccomp, AX
	MOVQ	$SECCOMP_SET_MODE_FILTER, DI
	XORQ	SI, SI
	MOVQ	launchArgs_prog(R12), DX
	SYSCALL
	TESTQ	AX, AX
	JNE	fail

	// Enter the guest: rsp = mem - 8, rdi = boot info.
	MOVQ	launchArgs_bootInfo(R12), DI
	MOVQ	launchArgs_entry(R12), AX
	MOVQ	launchArgs_sp(R12), SP
	JMP	AX

fail:
	MOVQ	$SYS_exit_group, AX
	MOVQ	$1, DI
	SYSCALL
	JMP	fail

// func rawLaunchPC() uint64
TEXT ·rawLaunchPC(SB), NOSPLIT, $0-8
	MOVQ	$·rawLaunch(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
