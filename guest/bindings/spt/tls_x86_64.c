/* tls_x86_64.c: spt thread pointer on x86_64 (FS base via arch_prctl). */
#include "spt.h"

int platform_set_tls_base(uintptr_t base)
{
    return sys_call3(SYS_arch_prctl, ARCH_SET_FS, base, 0) == 0 ? 0 : -1;
}
