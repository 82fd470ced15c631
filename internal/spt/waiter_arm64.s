// aarch64 waiter: the code of the tiny program the tender execs into once the guest runs (waiter.go).

#include "textflag.h"

// Position-independent: waiter.go copies these bytes into an ELF loaded at waiterBase, with
// its data page at waiterData. R19 holds the data page, offsets as in waiter.go; every
// constant is one move (no literal pool: the bytes must stand alone).
#define WDATA		0x410000
#define O_PID		0
#define O_BLOCK		16
#define O_NAME		24
#define O_STATUS	40
#define O_DFL		48
#define O_ONE		80
#define O_RLIM		88
#define O_MSGLEN	120
#define O_INFO		128
#define O_MSG		256

#define SYS_signalfd4		74
#define SYS_read		63
#define SYS_write		64
#define SYS_exit_group		94
#define SYS_kill		129
#define SYS_rt_sigaction	134
#define SYS_rt_sigprocmask	135
#define SYS_setrlimit		164
#define SYS_prctl		167
#define SYS_getpid		172
#define SYS_wait4		260
#define SYS_close_range		436

// func waiterCode()
// Never called from Go: its bytes are the waiter's text. R20 holds the signalfd, R21 the
// guest's pid.
TEXT ·waiterCode(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	$WDATA, R19
	// comm is the memfd's fd number after the exec: name it like the tender.
	MOVD	$SYS_prctl, R8
	MOVD	$15, R0			// PR_SET_NAME
	ADD	$O_NAME, R19, R1
	SVC
	// The forwarded signals and SIGCHLD stay blocked (the tender blocked them before the
	// exec) and are read from a signalfd: no handler, and nothing lost in between.
	MOVD	$SYS_rt_sigprocmask, R8
	MOVD	$0, R0			// SIG_BLOCK
	ADD	$O_BLOCK, R19, R1
	MOVD	$0, R2
	MOVD	$8, R3
	SVC
	CBNZ	R0, fail
	// Nothing of the tender's descriptors is needed here.
	MOVD	$SYS_close_range, R8
	MOVD	$3, R0
	MOVW	$0xffffffff, R1
	MOVD	$0, R2
	SVC
	MOVD	$SYS_signalfd4, R8
	MOVD	$-1, R0
	ADD	$O_BLOCK, R19, R1
	MOVD	$8, R2
	MOVD	$0x80000, R3		// SFD_CLOEXEC
	SVC
	TBNZ	$63, R0, fail
	MOVD	R0, R20
	MOVD	O_PID(R19), R21

reap:
	// The guest may have ended before the signalfd existed: look before each wait.
	MOVD	$SYS_wait4, R8
	MOVD	R21, R0
	ADD	$O_STATUS, R19, R1
	MOVD	$1, R2			// WNOHANG
	MOVD	$0, R3
	SVC
	CMP	R21, R0
	BEQ	ended
	TBNZ	$63, R0, fail
next:
	MOVD	$SYS_read, R8
	MOVD	R20, R0
	ADD	$O_INFO, R19, R1
	MOVD	$128, R2		// sizeof(struct signalfd_siginfo)
	SVC
	CMN	$4, R0			// EINTR (a stop and continue)
	BEQ	next
	CMP	$128, R0
	BNE	fail
	MOVWU	O_INFO(R19), R1		// ssi_signo
	CMP	$17, R1			// SIGCHLD
	BEQ	reap
	// The guest is not reaped yet, so its pid is still its own.
	MOVD	$SYS_kill, R8
	MOVD	R21, R0
	SVC
	B	next

ended:
	MOVWU	O_STATUS(R19), R22
	AND	$0x7f, R22, R23
	CBNZ	R23, signaled
	// Exited: the same status.
	UBFX	$8, R22, $8, R0
	MOVD	$SYS_exit_group, R8
	SVC
signaled:
	// Die by the same signal, without a core: default action, unblocked, raised.
	MOVD	$SYS_setrlimit, R8
	MOVD	$4, R0			// RLIMIT_CORE
	ADD	$O_RLIM, R19, R1
	SVC
	MOVD	$SYS_rt_sigaction, R8
	MOVD	R23, R0
	ADD	$O_DFL, R19, R1
	MOVD	$0, R2
	MOVD	$8, R3
	SVC
	SUB	$1, R23, R1
	MOVD	$1, R2
	LSL	R1, R2, R2
	MOVD	R2, O_ONE(R19)
	MOVD	$SYS_rt_sigprocmask, R8
	MOVD	$1, R0			// SIG_UNBLOCK
	ADD	$O_ONE, R19, R1
	MOVD	$0, R2
	MOVD	$8, R3
	SVC
	MOVD	$SYS_getpid, R8
	SVC
	MOVD	$SYS_kill, R8
	MOVD	R23, R1
	SVC
	// Only reached for a signal whose default does not end the process.
	ADD	$128, R23, R0
	MOVD	$SYS_exit_group, R8
	SVC

fail:
	MOVD	$SYS_write, R8
	MOVD	$2, R0
	ADD	$O_MSG, R19, R1
	MOVD	O_MSGLEN(R19), R2
	SVC
	MOVD	$SYS_exit_group, R8
	MOVD	$1, R0
	SVC
	// The end marker waiter.go looks for (never executed).
	WORD	$0x4c42414e
	WORD	$0x4e455741

// func waiterCodePC() uint64
TEXT ·waiterCodePC(SB), NOSPLIT, $0-8
	MOVD	$·waiterCode(SB), R0
	MOVD	R0, ret+0(FP)
	RET
