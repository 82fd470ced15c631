/* vdso_fn.c: the vDSO's functions; they run in app context, outside libOS text. */
#include "libos.h"
#include "exec/vdso.h"

#define VDSO_TEXT __attribute__((section(".vdso.text"), used, noinline))

/* A clock the vDSO does not serve goes to the libOS like any call (it traps from here). */
static inline __attribute__((always_inline)) long fallback(long nr, long a0, long a1)
{
#if defined(__x86_64__)
    long ret;
    __asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1) : "rcx", "r11", "memory");
    return ret;
#else
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    __asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
    return x0;
#endif
}

#if defined(__x86_64__)
#define NR_clock_gettime 228
#define NR_gettimeofday 96
#define CLOCK_GETTIME_NAME __vdso_clock_gettime
#else
#define NR_clock_gettime 113
#define NR_gettimeofday 169
#define CLOCK_GETTIME_NAME __kernel_clock_gettime
#endif

VDSO_TEXT int CLOCK_GETTIME_NAME(int clk, struct k_timespec *ts)
{
    int wall;
    switch (clk) {
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        wall = 0;
        break;
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
        wall = 1;
        break;
    default:
        return (int)fallback(NR_clock_gettime, clk, (long)ts);
    }
    uint64_t wo, ns = vvar_mono(&libos_vvar, &wo);
    if (!ns)
        return (int)fallback(NR_clock_gettime, clk, (long)ts);
    if (wall)
        ns += wo;
    ts->tv_sec = (long)(ns / 1000000000ULL);
    ts->tv_nsec = (long)(ns % 1000000000ULL);
    return 0;
}

#if defined(__x86_64__)
VDSO_TEXT int __vdso_gettimeofday(struct k_timespec *tv, void *tz)
{
    uint64_t wo, ns = vvar_mono(&libos_vvar, &wo);
    if (!ns || tz)
        return (int)fallback(NR_gettimeofday, (long)tv, (long)tz);
    ns += wo;
    if (tv) {
        tv->tv_sec = (long)(ns / 1000000000ULL);
        tv->tv_nsec = (long)((ns % 1000000000ULL) / 1000);
    }
    return 0;
}
#endif
