/* patch_aarch64.c: on aarch64 every system call of the app takes the SIGSYS path; no
 * site is rewritten. (A rewrite there would replace `svc #0` by a branch to a stub within
 * 128 MiB of the site, with a frame carrying the fpsimd record: not built yet.) */
#include "libos.h"

int patch_off;
uint64_t patch_sites, patch_fast_calls;

void sys_patch(void *uc, long nr)
{
    (void)uc;
    (void)nr;
}

uint64_t sys_patch_resume(uint64_t pc)
{
    return pc;
}
