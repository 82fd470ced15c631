/* arch_x86_64.h: a thread's saved user context on x86_64 (sigcontext registers, xsave area, FS base). */
#ifndef ARCH_X86_64_H_INCLUDED
#define ARCH_X86_64_H_INCLUDED

#include <stdint.h>

#define ARCH_NGREGS 18   /* r8..r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags */
#define ARCH_FP_MAX 4096 /* the largest xsave area we accept (AVX-512 needs ~2.7 KiB) */
#define ARCH_SYSCALL_LEN 2

struct arch_ctx {
    uint64_t g[ARCH_NGREGS];
    uint32_t fpsize;
    uint8_t fp[ARCH_FP_MAX] __attribute__((aligned(64)));
};

/* ucontext as the kernel lays it out: uc_flags, uc_link, uc_stack (24 bytes), then struct
 * sigcontext, whose first 24 words are the registers below, in this order. */
#define UC_GREGS 40
enum { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP,
       EFLAGS, CSGSFS, ERR, TRAPNO, OLDMASK, CR2, FPSTATE };

/* Host syscall numbers of the shared host calls (host.c). */
#define HOST_rt_sigaction 13
#define HOST_sigaltstack 131
#define HOST_setitimer 38
#define HOST_mprotect 10
#define HOST_madvise 28

#endif
