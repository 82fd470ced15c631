/* sys_x86_64.c: raw system calls and a thread-pointer read for the hostile guest on x86_64. */
#include "hostile.h"

long hostile_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    __asm__ __volatile__("syscall"
            : "=a"(ret)
            : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
            : "rcx", "r11", "memory");
    return ret;
}

uint64_t hostile_tls_read(void)
{
    uint64_t v;
    __asm__ __volatile__("movq %%fs:0, %0" : "=r"(v) : : "memory");
    return v;
}
