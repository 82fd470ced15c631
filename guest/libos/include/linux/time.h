/* time.h: clock ids and struct timespec. */
#ifndef LINUX_TIME_H
#define LINUX_TIME_H
#include <stdint.h>
/* clocks */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1


struct k_timespec {
    long tv_sec;
    long tv_nsec;
};
#endif
