/* dup_x86_64.c: raw dup(2) on x86_64 (syscall number 32). */
#include "seccomp.h"

long raw_dup(long fd)
{
    long ret;
    __asm__ __volatile__("syscall" : "=a"(ret) : "a"(32L), "D"(fd)
            : "rcx", "r11", "memory");
    return ret;
}
