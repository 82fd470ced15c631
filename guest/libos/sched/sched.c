/* sched.c: the libOS's threads on one host thread: run queue, blocking with deadlines, the tick. */
#include "libos.h"

#define TICK_MS 10

static struct thread threads[MAX_THREADS];
struct thread *cur;
int need_switch;
static int next_tid = 1;
static int ticking;

void sched_init(void)
{
    cur = &threads[0];
    cur->state = T_RUN;
    cur->tid = next_tid++;
    cur->deadline = NO_DEADLINE;
    cur->proc = curproc;
}

int thread_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_THREADS; i++)
        n += threads[i].state != T_FREE;
    return n;
}

int proc_thread_count(struct proc *p)
{
    int n = 0;
    for (int i = 0; i < MAX_THREADS; i++)
        n += threads[i].state != T_FREE && threads[i].proc == p;
    return n;
}

struct thread *proc_thread_for_signal(struct proc *p, int sig)
{
    uint64_t bit = 1ULL << (sig - 1);
    struct thread *any = NULL;
    if (cur && cur->state != T_FREE && cur->proc == p && !(cur->sigmask & bit))
        return cur;
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &threads[i];
        if (t->state == T_FREE || t->proc != p)
            continue;
        if (!(t->sigmask & bit))
            return t;
        if (!any)
            any = t;
    }
    return any;
}

void sched_kill_threads(struct proc *p, struct thread *keep, void (*fn)(struct thread *))
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &threads[i];
        if (t->state != T_FREE && t->proc == p && t != keep) {
            if (fn)
                fn(t);
            t->state = T_FREE;
            if (t == cur)
                need_switch = 1;
        }
    }
}

struct thread *thread_by_tid(int tid)
{
    for (int i = 0; i < MAX_THREADS; i++)
        if (threads[i].state != T_FREE && threads[i].tid == tid)
            return &threads[i];
    return NULL;
}

/* Host signals (docker stop) are for the container's init: pid 1. */
struct thread *thread_for_signal(int sig)
{
    return proc_thread_for_signal(&procs[0], sig);
}

void sched_need_tick(void)
{
    if (!ticking) {
        if (host_setitimer_ms(TICK_MS) != 0)
            bindings_panic("libos: setitimer failed");
        ticking = 1;
    }
}

struct thread *thread_new(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &threads[i];
        if (t->state != T_FREE || t == cur)
            continue;
        memset(t, 0, sizeof *t - sizeof t->ctx);
        t->tid = next_tid++;
        t->deadline = NO_DEADLINE;
        /* The tick starts with the second thread: one thread never needs preempting. */
        sched_need_tick();
        return t;
    }
    return NULL;
}

void sched_block(uintptr_t key, uint64_t deadline, long nr, int restart, long timeout_ret)
{
    cur->state = T_BLOCKED;
    cur->key = key;
    cur->deadline = deadline;
    cur->nr = nr;
    cur->restart = restart;
    cur->timeout_ret = timeout_ret;
    need_switch = 1;
}

void sched_unblock(void)
{
    cur->state = T_RUN;
    cur->key = 0;
    cur->deadline = NO_DEADLINE;
}

static void wake(struct thread *t, long ret, int timed_out)
{
    t->state = T_RUN;
    t->deadline = NO_DEADLINE;
    t->key = 0;
    if (timed_out || !t->restart) {
        ctx_set_ret(t, ret);
    } else {
        ctx_restart(t, t->nr);
        t->restarted = 1;
    }
}

void sched_interrupt(struct thread *t, int restart)
{
    if (t->state == T_BLOCKED && !t->nointr)
        wake(t, -EINTR, !restart);
}

int sched_wake_ret(uintptr_t key, int n, long ret)
{
    int woken = 0;
    for (int i = 0; i < MAX_THREADS && woken < n; i++) {
        struct thread *t = &threads[i];
        if (t->state == T_BLOCKED && t->key == key) {
            t->restart = WAIT_RETURN;
            t->nointr = 0;
            wake(t, ret, 1);
            woken++;
        }
    }
    return woken;
}

int sched_wake(uintptr_t key, int n)
{
    int woken = 0;
    for (int i = 0; i < MAX_THREADS && woken < n; i++) {
        struct thread *t = &threads[i];
        if (t->state == T_BLOCKED && t->key == key) {
            wake(t, 0, 0);
            woken++;
        }
    }
    return woken;
}

int sched_requeue(uintptr_t from, uintptr_t to, int n)
{
    int moved = 0;
    for (int i = 0; i < MAX_THREADS && moved < n; i++) {
        struct thread *t = &threads[i];
        if (t->state == T_BLOCKED && t->key == from) {
            t->key = to;
            moved++;
        }
    }
    return moved;
}

void sched_exit_thread(void)
{
    cur->state = T_FREE;
    need_switch = 1;
}

void sched_yield_now(void)
{
    need_switch = 1;
}

/* The interval timers' part (sys/sys_itimer.c, set at the first setitimer or alarm). */
uint64_t (*sched_timers)(uint64_t now);

/* Wakes the threads whose deadline has passed, fires the process's timers; returns the
 * earliest deadline left. */
static uint64_t expire(uint64_t now)
{
    uint64_t next = sched_timers ? sched_timers(now) : NO_DEADLINE;
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &threads[i];
        if (t->state != T_BLOCKED || t->deadline == NO_DEADLINE)
            continue;
        if (t->deadline <= now) /* a re-run (poll, select) finds its deadline passed */
            wake(t, t->restart == WAIT_RERUN_NOSIG ? 0 : t->timeout_ret,
                    t->restart != WAIT_RERUN_NOSIG);
        else if (t->deadline < next)
            next = t->deadline;
    }
    return next;
}

/* The longest the idle loop sleeps before looking at host signals again. */
#define IDLE_MAX_NS 1000000000ULL

/* Host signals not yet posted (set by the signal layer's host handler), the hook that
 * posts them (signal/host_signal.c) and whether the loop below is waiting. */
volatile uint64_t sched_host_pending;
void (*sched_host_drain)(void);
volatile int sched_idle;
/* The network's hook (net/: frames, loopback, lwIP timers) and the handles it waits on. */
uint64_t (*sched_idle_poll)(int idle);
solo5_handle_set_t sched_idle_handles, sched_idle_ready;
void (*sched_stdin_wake)(void);

/* How often readers of the host's stdin look again while threads stay runnable (the idle
 * wait, which reports stdin, is then not reached). */
#define STDIN_POLL_NS 10000000ULL

/* Wakes the host stdin's readers when solo5_yield reported it, or now and then while busy
 * (a spurious wake re-runs a non-blocking read: harmless). Before the network's poll,
 * which clears what it has read of sched_idle_ready. */
static void stdin_poll(int idle, uint64_t now)
{
    static uint64_t last;
    if (!sched_stdin_wake)
        return;
    if ((sched_idle_ready & SCHED_STDIN_READY) || (!idle && now - last >= STDIN_POLL_NS)) {
        sched_idle_ready &= ~SCHED_STDIN_READY;
        last = now;
        sched_stdin_wake();
    }
}

/* The next runnable thread after cur in round-robin order (cur itself last); idles the
 * host thread in solo5_yield until a deadline passes when nothing can run. */
static struct thread *pick(void)
{
    int start = (int)(cur - threads);
    for (;;) {
        uint64_t next = expire(now_ns());
        int idle = 1;
        for (int k = 1; k <= MAX_THREADS; k++) {
            if (threads[(start + k) % MAX_THREADS].state == T_RUN) {
                idle = 0;
                break;
            }
        }
        stdin_poll(idle, now_ns());
        /* The network (lwIP: frames, loopback, timers) may wake threads; its next timer is
         * a deadline like the threads'. */
        if (sched_idle_poll) {
            uint64_t n = sched_idle_poll(idle);
            if (n < next)
                next = n;
        }
        for (int k = 1; k <= MAX_THREADS; k++) {
            struct thread *t = &threads[(start + k) % MAX_THREADS];
            if (t->state == T_RUN)
                return t;
        }
        if (thread_count() == 0)
            libos_exit(0);
        /* Nothing can wake a thread: no deadline, no network, no host stdin to wait on. */
        if (next == NO_DEADLINE && !sched_idle_handles && !sched_stdin_wake) {
            LOG("libos: every thread is blocked with no deadline: deadlock\n");
            libos_exit(1);
        }
        /* A host signal wakes the wait (host_signal.c); the cap bounds the delay when
         * one lands between the check and the wait. The net device's handle wakes it too. */
        sched_idle = 1;
        if (!sched_host_pending) {
            uint64_t cap = now_ns() + IDLE_MAX_NS;
            solo5_handle_set_t ready = 0;
            solo5_yield(next < cap ? next : cap, &ready);
            sched_idle_ready |= ready;
        }
        sched_idle = 0;
        if (sched_host_pending && sched_host_drain)
            sched_host_drain();
    }
}

void sched_switch(void *uc)
{
    if (!need_switch && cur->state == T_RUN)
        return;
    need_switch = 0;
    /* Saved before picking: pick may wake cur itself (its deadline passed while idle), and
     * that wake edits the saved context, which must then be the one resumed. */
    if (cur->state != T_FREE)
        uc_save(cur, uc);
    struct thread *next = pick();
    uc_load(next, uc);
    cur = next;
    curproc = next->proc;
}

void sched_tick(void *uc)
{
    if (in_libos(uc_pc(uc)))
        return;
    expire(now_ns());
    for (int i = 0; i < MAX_THREADS; i++) {
        if (&threads[i] != cur && threads[i].state == T_RUN) {
            need_switch = 1;
            break;
        }
    }
    sched_switch(uc);
}
