/* sys_itimer.c: the process's interval timers (setitimer, getitimer, alarm): a deadline the
 * scheduler's expiry pass watches, whose expiry posts SIGALRM/SIGVTALRM/SIGPROF to the process. */
#include "libos.h"
#include "mm/uaccess.h"
#include "sys/table.h"

#define NSEC 1000000000ULL
#define USEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF. The virtual and profiling timers count the
 * unikernel's CPU time, which on its one CPU is elapsed time (as CLOCK_PROCESS_CPUTIME_ID
 * is in sys_time.c): all three run on the monotonic clock. */
static struct {
    uint64_t deadline; /* monotonic ns; 0: disarmed */
    uint64_t interval; /* ns; 0: one-shot */
} timers[3];
static const int timer_sig[3] = { 14 /* SIGALRM */, 26 /* SIGVTALRM */, 27 /* SIGPROF */ };

/* The scheduler's hook: posts the expired timers' signals (to a thread that does not block
 * them, as Linux does for a process-directed signal), re-arms the periodic ones and returns
 * the earliest deadline left. An overrun is one signal, as a pending signal is not queued twice. */
static uint64_t itimer_expire(uint64_t now)
{
    uint64_t next = NO_DEADLINE;
    for (int i = 0; i < 3; i++) {
        if (!timers[i].deadline)
            continue;
        if (timers[i].deadline <= now) {
            if (timers[i].interval) {
                uint64_t late = now - timers[i].deadline;
                timers[i].deadline = deadline_after(now, timers[i].interval - late % timers[i].interval);
            } else {
                timers[i].deadline = 0;
            }
            struct thread *t = thread_for_signal(timer_sig[i]);
            if (t)
                sig_post(t->tid, timer_sig[i]); /* the default action ends the app, 128 + sig */
        }
        if (timers[i].deadline && timers[i].deadline < next)
            next = timers[i].deadline;
    }
    return next;
}

struct k_itimerval {
    int64_t interval_sec, interval_usec, value_sec, value_usec;
};

static uint64_t left(int which, uint64_t now)
{
    uint64_t d = timers[which].deadline;
    if (!d)
        return 0;
    /* Armed but due now: 1 us, so the caller never reads a running timer as disarmed. */
    return d > now ? d - now : NSEC_PER_USEC;
}

static void put_tv(int64_t *sec, int64_t *usec, uint64_t ns)
{
    uint64_t us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;
    *sec = (int64_t)(us / USEC);
    *usec = (int64_t)(us % USEC);
}

static void current(int which, struct k_itimerval *v)
{
    put_tv(&v->value_sec, &v->value_usec, left(which, now_ns()));
    put_tv(&v->interval_sec, &v->interval_usec, timers[which].interval);
}

static int tv_ns(int64_t sec, int64_t usec, uint64_t *ns)
{
    if (sec < 0 || usec < 0 || usec >= (int64_t)USEC)
        return -EINVAL;
    uint64_t s = (uint64_t)sec;
    *ns = s > (NO_DEADLINE / NSEC - 1) ? NO_DEADLINE - 1 : s * NSEC + (uint64_t)usec * NSEC_PER_USEC;
    return 0;
}

static void arm(int which, uint64_t value, uint64_t interval)
{
    sched_timers = itimer_expire;
    timers[which].interval = interval;
    timers[which].deadline = value ? deadline_after(now_ns(), value) : 0;
    if (value)
        sched_need_tick(); /* a thread that makes no calls is interrupted at its expiry too */
}

static long sys_getitimer(struct sc *c)
{
    int which = (int)c->a[0];
    if (which < 0 || which > 2)
        return -EINVAL;
    struct k_itimerval v;
    current(which, &v);
    return copy_to_user(c->a[1], &v, sizeof v) ? -EFAULT : 0;
}

static long sys_setitimer(struct sc *c)
{
    int which = (int)c->a[0];
    if (which < 0 || which > 2)
        return -EINVAL;
    struct k_itimerval nv, old;
    /* A NULL new value disarms, as Linux still accepts (with a warning) for old callers. */
    memset(&nv, 0, sizeof nv);
    if (c->a[1] && copy_from_user(&nv, c->a[1], sizeof nv))
        return -EFAULT;
    uint64_t value, interval;
    long r = tv_ns(nv.value_sec, nv.value_usec, &value);
    if (r || (r = tv_ns(nv.interval_sec, nv.interval_usec, &interval)))
        return r;
    current(which, &old);
    arm(which, value, interval);
    if (c->a[2] && copy_to_user(c->a[2], &old, sizeof old))
        return -EFAULT;
    return 0;
}

/* alarm(s): ITIMER_REAL one-shot; returns the seconds left of the previous one, rounded to
 * the nearest and at least 1 when it was armed, as Linux does. */
static long sys_alarm(struct sc *c)
{
    uint64_t was = left(0, now_ns());
    unsigned s = (unsigned)c->a[0];
    arm(0, (uint64_t)s * NSEC, 0);
    if (!was)
        return 0;
    uint64_t secs = (was + NSEC / 2) / NSEC;
    return secs ? (long)secs : 1;
}

const struct syscall sys_itimer_calls[] = {
    { NR_setitimer, "setitimer", sys_setitimer, 0, "real, virtual and prof (the last two on elapsed time: one CPU); the signal goes to a thread that does not block it" },
    { NR_getitimer, "getitimer", sys_getitimer, 0, "" },
    { NR_alarm, "alarm", sys_alarm, 0, "x86_64: ITIMER_REAL" },
    { -1, NULL, NULL, 0, NULL },
};
