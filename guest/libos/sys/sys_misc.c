/* sys_misc.c: the calls C runtimes (glibc, musl) and their programs make at start-up and
 * rarely after: rseq and clone3 as a kernel without them, sysinfo, getrusage, times,
 * membarrier, mincore, the sched_* queries. */
#include "libos.h"
#include "mm/kalloc.h"
#include "mm/uaccess.h"
#include "sys/table.h"

extern uint64_t guest_mem_end;

/* glibc 2.35+ registers an rseq area per thread and accepts any error (it then never
 * uses it); a fake success would leave cpu_id stale. ENOSYS is a kernel before 4.18. */
static long sys_rseq(struct sc *c) { (void)c; return -ENOSYS; }

/* glibc 2.34+ tries clone3 first and falls back to clone only on ENOSYS (a kernel before
 * 5.3), so this must be ENOSYS, not EPERM. */
static long sys_clone3(struct sc *c) { (void)c; return -ENOSYS; }

static uint64_t mem_total(void) { return guest_mem_end - libos_note.va_extra; }

/* struct sysinfo (the same on x86_64 and arm64): uptime, loads, RAM as --mem. */
static long sys_sysinfo(struct sc *c)
{
    uint8_t si[112];
    memset(si, 0, sizeof si);
    int64_t up = (int64_t)((now_ns() - libos_boot_ns) / 1000000000ULL);
    uint64_t total = mem_total(), used = kalloc_committed();
    uint64_t fr = total > used ? total - used : 0;
    uint16_t procs = 1;
    uint32_t unit = 1;
    memcpy(si + 0, &up, 8);
    memcpy(si + 32, &total, 8);
    memcpy(si + 40, &fr, 8);
    memcpy(si + 80, &procs, 2);
    memcpy(si + 104, &unit, 4);
    return copy_to_user(c->a[0], si, sizeof si) ? -EFAULT : 0;
}

/* CPU time is the time since start (as CLOCK_PROCESS_CPUTIME_ID here): the libOS does not
 * split user and system time. */
static long sys_getrusage(struct sc *c)
{
    int who = (int)c->a[0];
    if (who != 0 /* SELF */ && who != -1 /* CHILDREN */ && who != 1 /* THREAD */)
        return -EINVAL;
    uint64_t ru[18]; /* struct rusage: two timevals, then 14 longs */
    memset(ru, 0, sizeof ru);
    if (who != -1) {
        uint64_t ns = now_ns() - libos_boot_ns;
        ru[0] = ns / 1000000000ULL;
        ru[1] = ns % 1000000000ULL / 1000;
        ru[4] = kalloc_committed() >> 10; /* ru_maxrss, KiB */
    }
    return copy_to_user(c->a[1], ru, sizeof ru) ? -EFAULT : 0;
}

static long sys_times(struct sc *c)
{
    uint64_t ticks = (now_ns() - libos_boot_ns) / 10000000ULL; /* CLK_TCK 100 */
    if (c->a[0]) {
        uint64_t t[4] = { ticks, 0, 0, 0 };
        if (copy_to_user(c->a[0], t, sizeof t))
            return -EFAULT;
    }
    return (long)ticks;
}

/* Every app thread runs on the one host thread of the guest: a switch between them is a
 * full barrier already, so each barrier command is done on return. */
static long sys_membarrier(struct sc *c)
{
    enum { QUERY = 0, GLOBAL = 1, GLOBAL_EXPEDITED = 2, REG_GLOBAL_EXPEDITED = 4,
           PRIVATE_EXPEDITED = 8, REG_PRIVATE_EXPEDITED = 16 };
    long cmd = (long)c->a[0];
    long all = GLOBAL | GLOBAL_EXPEDITED | REG_GLOBAL_EXPEDITED | PRIVATE_EXPEDITED |
            REG_PRIVATE_EXPEDITED;
    if (c->a[1] != 0)
        return -EINVAL;
    if (cmd == QUERY)
        return all;
    return (cmd & all) && !(cmd & (cmd - 1)) ? 0 : -EINVAL;
}

/* Every mapped page is resident (there is no paging out). */
static long sys_mincore(struct sc *c)
{
    uint64_t addr = c->a[0], len = c->a[1];
    if (addr & 4095)
        return -EINVAL;
    uint64_t pages = (len + 4095) / 4096;
    if (len > (1ULL << 40) || !user_ok(addr, len))
        return -ENOMEM;
    static const uint8_t ones[256] = { [0 ... 255] = 1 };
    for (uint64_t i = 0; i < pages; i += sizeof ones) {
        uint64_t n = pages - i < sizeof ones ? pages - i : sizeof ones;
        if (copy_to_user(c->a[2] + i, ones, (size_t)n))
            return -EFAULT;
    }
    return 0;
}

static long sys_sched_getscheduler(struct sc *c) { (void)c; return 0; /* SCHED_OTHER */ }
static long sys_sched_getparam(struct sc *c)
{
    int prio = 0;
    return copy_to_user(c->a[1], &prio, sizeof prio) ? -EFAULT : 0;
}
static long sys_sched_prio(struct sc *c)
{
    return c->a[0] <= 2 || c->a[0] == 3 || c->a[0] == 5 ? 0 : -EINVAL; /* no realtime */
}
static long sys_sched_setaffinity(struct sc *c)
{
    return c->a[1] == 0 ? -EINVAL : 0; /* every CPU is the one host thread */
}
static long sys_getcpu(struct sc *c)
{
    unsigned zero = 0;
    if (c->a[0] && copy_to_user(c->a[0], &zero, sizeof zero))
        return -EFAULT;
    if (c->a[1] && copy_to_user(c->a[1], &zero, sizeof zero))
        return -EFAULT;
    return 0;
}

const struct syscall sys_misc_calls[] = {
    { NR_rseq, "rseq", sys_rseq, 0, "ENOSYS, as a kernel without rseq (glibc carries on)" },
    { NR_clone3, "clone3", sys_clone3, 0, "ENOSYS, so glibc falls back to clone" },
    { NR_sysinfo, "sysinfo", sys_sysinfo, SYSF_PARTIAL, "uptime; RAM is --mem, free is what the libOS has not committed; no loads, no swap" },
    { NR_getrusage, "getrusage", sys_getrusage, SYSF_PARTIAL, "user time is the time since start, maxrss the libOS heap; children none" },
    { NR_times, "times", sys_times, SYSF_PARTIAL, "user time is the time since start" },
    { NR_membarrier, "membarrier", sys_membarrier, 0, "every command: threads share one host thread, each switch is a barrier" },
    { NR_mincore, "mincore", sys_mincore, 0, "every mapped page is resident" },
    { NR_sched_getscheduler, "sched_getscheduler", sys_sched_getscheduler, 0, "SCHED_OTHER" },
    { NR_sched_getparam, "sched_getparam", sys_sched_getparam, 0, "priority 0" },
    { NR_sched_get_priority_max, "sched_get_priority_max", sys_sched_prio, 0, "0 (no realtime policies)" },
    { NR_sched_get_priority_min, "sched_get_priority_min", sys_sched_prio, 0, "0 (no realtime policies)" },
    { NR_sched_setaffinity, "sched_setaffinity", sys_sched_setaffinity, SYSF_PARTIAL, "accepted: every CPU is the guest's one host thread" },
    { NR_getcpu, "getcpu", sys_getcpu, 0, "CPU 0, node 0" },
    { -1, NULL, NULL, 0, NULL },
};
