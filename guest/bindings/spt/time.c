/* time.c: spt clocks (clock_gettime) and yield (absolute timerfd + epoll_pwait). */
#include "spt.h"

#define NSEC_PER_SEC 1000000000ULL

static solo5_time_t clock_ns(int clock)
{
    struct sys_timespec ts;
    long r = sys_call3(SYS_clock_gettime, clock, &ts, 0);
    if (r != 0)
        bindings_panic("clock_gettime failed");
    return (solo5_time_t)ts.tv_sec * NSEC_PER_SEC + (solo5_time_t)ts.tv_nsec;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return clock_ns(SYS_CLOCK_MONOTONIC);
}

solo5_time_t solo5_clock_wall(void)
{
    return clock_ns(SYS_CLOCK_REALTIME);
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    /* tv_nsec is forced odd: an all-zero it_value would disarm the timer. */
    struct sys_itimerspec its = {
        .it_interval = { 0, 0 },
        .it_value = { (long)(deadline / NSEC_PER_SEC),
                      (long)(deadline % NSEC_PER_SEC) | 1 },
    };
    long r = sys_call4(SYS_timerfd_settime, spt_timerfd, SYS_TFD_TIMER_ABSTIME,
            &its, 0);
    if (r != 0)
        bindings_panic("timerfd_settime failed");

    struct sys_epoll_event ev[MFT_MAX_ENTRIES];
    do {
        r = sys_call6(SYS_epoll_pwait, spt_epollfd, (long)ev, MFT_MAX_ENTRIES,
                -1, 0, 0);
    } while (r == -SYS_EINTR);
    if (r < 0)
        bindings_panic("epoll_pwait failed");

    solo5_handle_set_t set = 0;
    for (long i = 0; i < r; i++) {
        uint64_t data = ev[i].data;
        if (data == SPT_INTERNAL_TIMERFD || data >= MFT_MAX_ENTRIES)
            continue;
        set |= 1ULL << data;
    }
    if (ready_set)
        *ready_set = set;
}
