/* sys_aarch64.c: raw system calls and a thread-pointer read for the hostile guest on aarch64. */
#include "hostile.h"

long hostile_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ __volatile__("svc #0"
            : "+r"(x0)
            : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
            : "memory");
    return x0;
}

uint64_t hostile_tls_read(void)
{
    uint64_t tp, v;
    __asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(tp));
    __asm__ __volatile__("ldr %0, [%1]" : "=r"(v) : "r"(tp) : "memory");
    return v;
}
