/* cpu_x86_64.h: x86_64 CPU helpers shared by every target. */
#ifndef CPU_X86_64_H_INCLUDED
#define CPU_X86_64_H_INCLUDED

#include <stdint.h>

/* The time-stamp counter: only used as an unpredictable seed, never as a clock here. */
static inline __attribute__((always_inline)) uint64_t cpu_cycle_count(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
