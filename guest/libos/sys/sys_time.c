/* sys_time.c: clocks and sleeps: clock_gettime/getres, gettimeofday, time, nanosleep,
 * clock_nanosleep (the vDSO serves the same clocks without a trap). */
#include "libos.h"
#include "exec/vdso.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define NSEC 1000000000ULL

uint64_t libos_boot_ns;


/* The app's clocks: the vDSO's (so a trap and a vDSO read never disagree). */
static long clock_read(int clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
        *ns = app_wall_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *ns = app_mono_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = now_ns() - libos_boot_ns; /* one CPU, the unikernel's own: elapsed time */
        return 0;
    }
    return -EINVAL;
}

static long put_ts(uint64_t p, uint64_t ns)
{
    struct k_timespec ts = { (long)(ns / NSEC), (long)(ns % NSEC) };
    return copy_to_user(p, &ts, sizeof ts);
}

static long sys_clock_gettime(int clk, uint64_t p)
{
    uint64_t ns;
    long r = clock_read(clk, &ns);
    return r ? r : put_ts(p, ns);
}

/* Sleeps until the monotonic deadline dl (threads wake with 0). */
static long sleep_until(uint64_t dl)
{
    if (dl <= now_ns())
        return 0;
    sched_block((uintptr_t)cur, dl, cur->nr, 0, 0);
    return 0;
}

static long sys_clock_nanosleep(int clk, int flags, uint64_t req)
{
    uint64_t ns, now;
    long r = timespec_in(req, &ns);
    if (r)
        return r;
    if ((r = clock_read(clk, &now)))
        return r;
    if (flags & TIMER_ABSTIME)
        ns = ns > now ? ns - now : 0;
    return sleep_until(deadline_after(now_ns(), ns));
}

static long sys_clock_gettime_h(struct sc *c) { return sys_clock_gettime((int)c->a[0], c->a[1]); }

static long sys_clock_getres(struct sc *c)
{
    uint64_t ns;
    long r = clock_read((int)c->a[0], &ns);
    if (r)
        return r;
    return c->a[1] ? put_ts(c->a[1], 1) : 0;
}

static long sys_nanosleep(struct sc *c) { return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, c->a[0]); }
static long sys_clock_nanosleep_h(struct sc *c) { return sys_clock_nanosleep((int)c->a[0], (int)c->a[1], c->a[2]); }

static long sys_gettimeofday(struct sc *c)
{
    if (c->a[0]) {
        uint64_t ns = app_wall_ns();
        uint64_t tv[2] = { ns / NSEC, (ns % NSEC) / 1000 };
        if (copy_to_user(c->a[0], tv, sizeof tv))
            return -EFAULT;
    }
    if (c->a[1]) {
        uint32_t tz[2] = { 0, 0 };
        if (copy_to_user(c->a[1], tz, sizeof tz))
            return -EFAULT;
    }
    return 0;
}

static long sys_time(struct sc *c)
{
    uint64_t s = app_wall_ns() / NSEC;
    if (c->a[0] && copy_to_user(c->a[0], &s, sizeof s))
        return -EFAULT;
    return (long)s;
}

const struct syscall sys_time_calls[] = {
    { NR_clock_gettime, "clock_gettime", sys_clock_gettime_h, 0, "realtime, monotonic, boottime, raw, coarse, tai, cputime (elapsed)" },
    { NR_clock_getres, "clock_getres", sys_clock_getres, 0, "1 ns" },
    { NR_gettimeofday, "gettimeofday", sys_gettimeofday, 0, "" },
    { NR_time, "time", sys_time, 0, "" },
    { NR_nanosleep, "nanosleep", sys_nanosleep, 0, "" },
    { NR_clock_nanosleep, "clock_nanosleep", sys_clock_nanosleep_h, 0, "TIMER_ABSTIME" },
    { -1, NULL, NULL, 0, NULL },
};
