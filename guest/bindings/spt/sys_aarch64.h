/* sys_aarch64.h: raw Linux system calls for spt on aarch64 (svc #0; x8 = number, x0-x5). */
#ifndef SPT_SYS_AARCH64_H_INCLUDED
#define SPT_SYS_AARCH64_H_INCLUDED

#include <stdint.h>

#define SYS_epoll_pwait 22
#define SYS_read 63
#define SYS_write 64
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_timerfd_settime 86
#define SYS_exit_group 94
#define SYS_clock_gettime 113

/* Natural alignment on aarch64 (16 bytes). */
struct sys_epoll_event {
    uint32_t events;
    uint64_t data;
};

static inline long sys_call6(long n, long a0, long a1, long a2, long a3,
        long a4, long a5)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ __volatile__("svc #0"
            : "+r"(x0)
            : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
            : "memory");
    return x0;
}

#endif
