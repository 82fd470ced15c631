/* tls_aarch64.c: spt thread pointer on aarch64 (TPIDR_EL0 is writable at EL0, no syscall). */
#include "spt.h"

int platform_set_tls_base(uintptr_t base)
{
    __asm__ __volatile__("msr tpidr_el0, %0" : : "r"(base));
    return 0;
}
