/* host_signal.c: signals from the host (the tender forwards `docker stop`'s SIGTERM and
 * kill's INT, HUP, USR1, USR2; the terminal's SIGWINCH comes from the kernel) posted to
 * the app as a process-directed signal. */
#include "libos.h"
#include "spt.h" /* sys_call6, spt_timerfd: waking an idle solo5_yield */

/* The host handler only marks a signal in sched_host_pending (sched.c); it is posted at
 * the next safe point (a trap, a tick of the app, the idle loop), as the handler may
 * interrupt the libOS anywhere. */
#define host_pending sched_host_pending

const int host_forwarded[HOST_FORWARDED] = { SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM };

void sig_host_init(void)
{
    sched_host_drain = sig_host_drain;
}

void sig_host_drain(void)
{
    uint64_t p = __atomic_exchange_n(&host_pending, 0, __ATOMIC_SEQ_CST);
    while (p) {
        int sig = __builtin_ctzll(p) + 1;
        p &= p - 1;
        uint64_t h = sig_action(sig)->handler;
        if (h == SIG_IGN || (h == SIG_DFL && sig == SIGWINCH)) /* WINCH's default: ignored */
            continue;
        /* Not handled: the app ends as a native one would, by the signal (128 + sig),
         * without a word on its output. */
        if (h == SIG_DFL)
            libos_exit(128 + sig);
        struct thread *t = thread_for_signal(sig);
        if (t)
            sig_post(t->tid, sig);
    }
}

void libos_hostsig(int sig, void *info, void *uc)
{
    (void)info;
    __atomic_or_fetch(&host_pending, 1ULL << (sig - 1), __ATOMIC_SEQ_CST);
    if (cur && cur->state == T_RUN && !in_libos(uc_pc(uc))) {
        /* The app was running: the libOS is between calls, as at a tick. */
        sig_host_drain();
        sig_deliver(uc);
        return;
    }
    if (sched_idle) {
        /* solo5_yield retries after EINTR: an expired timer ends its wait at once. */
        struct sys_itimerspec now = { { 0, 0 }, { 0, 1 } };
        sys_call4(SYS_timerfd_settime, spt_timerfd, SYS_TFD_TIMER_ABSTIME, &now, 0);
    }
}
