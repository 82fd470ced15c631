/* spt.h: state and raw system calls of the spt target. */
#ifndef SPT_H_INCLUDED
#define SPT_H_INCLUDED

#include "bindings.h"
#include "spt_abi.h"

#if defined(__x86_64__)
#include "sys_x86_64.h"
#elif defined(__aarch64__)
#include "sys_aarch64.h"
#else
#error "unsupported architecture"
#endif

#define SYS_EINTR 4
#define SYS_EAGAIN 11
#define SYS_CLOCK_REALTIME 0
#define SYS_CLOCK_MONOTONIC 1
#define SYS_TFD_TIMER_ABSTIME 1

struct sys_timespec {
    long tv_sec;
    long tv_nsec;
};

struct sys_itimerspec {
    struct sys_timespec it_interval;
    struct sys_timespec it_value;
};

/* File descriptors the tender set up for us (from struct spt_boot_info). */
extern int spt_epollfd;
extern int spt_timerfd;

#define sys_call3(n, a, b, c) sys_call6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys_call4(n, a, b, c, d) \
    sys_call6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

#endif
