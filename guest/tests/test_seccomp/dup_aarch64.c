/* dup_aarch64.c: raw dup(2) on aarch64 (syscall number 23). */
#include "seccomp.h"

long raw_dup(long fd)
{
    register long x8 __asm__("x8") = 23;
    register long x0 __asm__("x0") = fd;
    __asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8) : "memory");
    return x0;
}
