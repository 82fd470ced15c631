// x86_64 waiter: the code of the tiny program the tender execs into once the guest runs (waiter.go).

#include "textflag.h"

// Position-independent: waiter.go copies these bytes into an ELF loaded at waiterBase, with
// its data page at waiterData (offsets as in waiter.go).
#define WDATA		0x410000
#define W_PID		(WDATA+0)
#define W_BLOCK		(WDATA+16)
#define W_NAME		(WDATA+24)
#define W_STATUS	(WDATA+40)
#define W_DFL		(WDATA+48)
#define W_ONE		(WDATA+80)
#define W_RLIM		(WDATA+88)
#define W_MSGLEN	(WDATA+120)
#define W_INFO		(WDATA+128)
#define W_MSG		(WDATA+256)

#define SYS_read		0
#define SYS_write		1
#define SYS_rt_sigaction	13
#define SYS_rt_sigprocmask	14
#define SYS_getpid		39
#define SYS_wait4		61
#define SYS_kill		62
#define SYS_prctl		157
#define SYS_setrlimit		160
#define SYS_exit_group		231
#define SYS_signalfd4		289
#define SYS_close_range		436

// func waiterCode()
// Never called from Go: its bytes are the waiter's text. R12 holds the signalfd,
// R13 the guest's pid.
TEXT ·waiterCode(SB), NOSPLIT|NOFRAME, $0-0
	// comm is the memfd's fd number after the exec: name it like the tender.
	MOVQ	$SYS_prctl, AX
	MOVQ	$15, DI			// PR_SET_NAME
	MOVQ	$W_NAME, SI
	SYSCALL
	// The forwarded signals and SIGCHLD stay blocked (the tender blocked them before the
	// exec) and are read from a signalfd: no handler, and nothing lost in between.
	MOVQ	$SYS_rt_sigprocmask, AX
	XORQ	DI, DI			// SIG_BLOCK
	MOVQ	$W_BLOCK, SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	TESTQ	AX, AX
	JNE	fail
	// Nothing of the tender's descriptors is needed here.
	MOVQ	$SYS_close_range, AX
	MOVQ	$3, DI
	MOVL	$0xffffffff, SI
	XORQ	DX, DX
	SYSCALL
	MOVQ	$SYS_signalfd4, AX
	MOVQ	$-1, DI
	MOVQ	$W_BLOCK, SI
	MOVQ	$8, DX
	MOVQ	$0x80000, R10		// SFD_CLOEXEC
	SYSCALL
	TESTQ	AX, AX
	JS	fail
	MOVQ	AX, R12
	MOVQ	W_PID, R13

reap:
	// The guest may have ended before the signalfd existed: look before each wait.
	MOVQ	$SYS_wait4, AX
	MOVQ	R13, DI
	MOVQ	$W_STATUS, SI
	MOVQ	$1, DX			// WNOHANG
	XORQ	R10, R10
	SYSCALL
	CMPQ	AX, R13
	JEQ	ended
	TESTQ	AX, AX
	JS	fail
next:
	MOVQ	$SYS_read, AX
	MOVQ	R12, DI
	MOVQ	$W_INFO, SI
	MOVQ	$128, DX		// sizeof(struct signalfd_siginfo)
	SYSCALL
	CMPQ	AX, $-4			// EINTR (a stop and continue)
	JEQ	next
	CMPQ	AX, $128
	JNE	fail
	MOVL	W_INFO, SI		// ssi_signo
	CMPQ	SI, $17			// SIGCHLD
	JEQ	reap
	// The guest is not reaped yet, so its pid is still its own.
	MOVQ	$SYS_kill, AX
	MOVQ	R13, DI
	SYSCALL
	JMP	next

ended:
	MOVL	W_STATUS, BX
	MOVQ	BX, DI
	ANDQ	$0x7f, DI
	JNE	signaled
	// Exited: the same status.
	SHRQ	$8, BX
	ANDQ	$0xff, BX
	MOVQ	BX, DI
	MOVQ	$SYS_exit_group, AX
	SYSCALL
signaled:
	// Die by the same signal, without a core: default action, unblocked, raised.
	MOVQ	DI, R13
	MOVQ	$SYS_setrlimit, AX
	MOVQ	$4, DI			// RLIMIT_CORE
	MOVQ	$W_RLIM, SI
	SYSCALL
	MOVQ	$SYS_rt_sigaction, AX
	MOVQ	R13, DI
	MOVQ	$W_DFL, SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	R13, CX
	DECQ	CX
	MOVQ	$1, BX
	SHLQ	CX, BX
	MOVQ	BX, W_ONE
	MOVQ	$SYS_rt_sigprocmask, AX
	MOVQ	$1, DI			// SIG_UNBLOCK
	MOVQ	$W_ONE, SI
	XORQ	DX, DX
	MOVQ	$8, R10
	SYSCALL
	MOVQ	$SYS_getpid, AX
	SYSCALL
	MOVQ	AX, DI
	MOVQ	$SYS_kill, AX
	MOVQ	R13, SI
	SYSCALL
	// Only reached for a signal whose default does not end the process.
	MOVQ	R13, DI
	ADDQ	$128, DI
	MOVQ	$SYS_exit_group, AX
	SYSCALL

fail:
	MOVQ	$SYS_write, AX
	MOVQ	$2, DI
	MOVQ	$W_MSG, SI
	MOVQ	W_MSGLEN, DX
	SYSCALL
	MOVQ	$SYS_exit_group, AX
	MOVQ	$1, DI
	SYSCALL
	// The end marker waiter.go looks for (never executed).
	BYTE $0x4e; BYTE $0x41; BYTE $0x42; BYTE $0x4c; BYTE $0x41; BYTE $0x57; BYTE $0x45; BYTE $0x4e

// func waiterCodePC() uint64
TEXT ·waiterCodePC(SB), NOSPLIT, $0-8
	MOVQ	$·waiterCode(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
