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

/* Host syscall numbers of the shared host calls (host.c). */
#define HOST_rt_sigaction 134
#define HOST_sigaltstack 132
#define HOST_setitimer 103
#define HOST_mprotect 226
#define HOST_madvise 233

#endif
