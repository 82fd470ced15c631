/* arch_aarch64.h: a thread's saved user context on aarch64 (x0-x30, sp, pc, pstate, FP/SIMD). */
#ifndef ARCH_AARCH64_H_INCLUDED
#define ARCH_AARCH64_H_INCLUDED

#include <stdint.h>

#define ARCH_SYSCALL_LEN 4

struct arch_ctx {
    uint64_t x[31];
    uint64_t sp, pc, pstate;
    uint32_t fpsr, fpcr;
    int has_fp;
    __uint128_t v[32] __attribute__((aligned(16)));
};

/* ucontext as the kernel lays it out: uc_flags, uc_link, uc_stack (24), uc_sigmask padded
 * to 128 bytes, then the 16-aligned struct sigcontext: fault_address, regs[31], sp, pc,
 * pstate, __reserved[4096] (a list of records; the FP/SIMD one is first). */
#define UC_MCTX 176
#define SC_REGS (UC_MCTX + 8)
#define SC_SP (SC_REGS + 31 * 8)
#define SC_PC (SC_SP + 8)
#define SC_PSTATE (SC_PC + 8)
#define SC_RESERVED (UC_MCTX + 288)
#define FPSIMD_MAGIC 0x46508001u

/* Host syscall numbers of the shared host calls (host.c). */
#define HOST_rt_sigaction 134
#define HOST_sigaltstack 132
#define HOST_setitimer 103
#define HOST_mprotect 226
#define HOST_madvise 233

#endif
