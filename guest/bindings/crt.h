/* crt.h: stack protector canary set-up, run first thing at entry. */
#ifndef CRT_H_INCLUDED
#define CRT_H_INCLUDED

#include <stdint.h>

#include "cpu.h"

extern uintptr_t __stack_chk_guard;

/* Inlined into the entry function (which itself has no canary check), because any
 * protected function running across this change would see a different guard. The low
 * byte stays 0 so that string overflows cannot reproduce the canary. */
static inline __attribute__((always_inline)) void crt_init_ssp(void)
{
    uint64_t seed = cpu_cycle_count();
    seed ^= seed << 29;
    seed *= 0x9e3779b97f4a7c15ULL;
    seed ^= seed >> 31;
    __stack_chk_guard = (uintptr_t)(seed & ~(uint64_t)0xff);
}

#endif
