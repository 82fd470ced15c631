/* cpu_aarch64.h: aarch64 CPU helpers shared by every target. */
#ifndef CPU_AARCH64_H_INCLUDED
#define CPU_AARCH64_H_INCLUDED

#include <stdint.h>

/* The virtual counter (readable at EL0 on Linux): a seed, and hvt's clock source. */
static inline __attribute__((always_inline)) uint64_t cpu_cycle_count(void)
{
    uint64_t v;
    __asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

/* Frequency of cpu_cycle_count() in Hz. */
static inline uint64_t cpu_counter_freq(void)
{
    uint64_t f;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
}

#endif
