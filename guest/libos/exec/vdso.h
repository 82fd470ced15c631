/* vdso.h: the libOS's vDSO: clock_gettime for the app without a trap, from the CPU counter. */
#ifndef VDSO_H_INCLUDED
#define VDSO_H_INCLUDED

#include <stdint.h>

/* Time parameters, written by the libOS (in its handlers), read by the vDSO functions in
 * app context. A reader retries while seq is odd or changed under it (an update can only
 * happen in a handler that interrupted the reader). */
struct vvar {
    volatile uint32_t seq;
    volatile uint32_t valid;
    volatile uint64_t cnt_base; /* counter value at the anchor */
    volatile uint64_t ns_base;  /* monotonic ns at the anchor */
    volatile uint64_t mult;     /* ns per count, 32.32 fixed point */
    volatile uint64_t wall_off; /* realtime - monotonic, ns */
};
extern struct vvar libos_vvar;

#if defined(__x86_64__)
static inline __attribute__((always_inline)) uint64_t arch_counter(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
#elif defined(__aarch64__)
static inline __attribute__((always_inline)) uint64_t arch_counter(void)
{
    uint64_t v;
    __asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}
#endif

/* The vvar's monotonic time now; 0 if not calibrated yet. */
static inline __attribute__((always_inline)) uint64_t vvar_mono(const struct vvar *v,
        uint64_t *wall_off)
{
    for (;;) {
        uint32_t s = v->seq;
        __asm__ __volatile__("" ::: "memory");
        if (s & 1)
            continue;
        if (!v->valid)
            return 0;
        uint64_t base = v->ns_base, cb = v->cnt_base, mult = v->mult, wo = v->wall_off;
        uint64_t c = arch_counter();
        __asm__ __volatile__("" ::: "memory");
        if (v->seq != s)
            continue;
        uint64_t d = c > cb ? c - cb : 0;
        *wall_off = wo;
        return base + (uint64_t)(((unsigned __int128)d * mult) >> 32);
    }
}

/* libOS side (vdso.c) */
void vdso_init(void);
void vdso_update(void);
uint64_t vdso_image(void); /* AT_SYSINFO_EHDR */
/* Monotonic and wall time as the app sees them (the vDSO's when calibrated). */
uint64_t app_mono_ns(void);
uint64_t app_wall_ns(void);

#endif
