/* sys_x86_64.h: raw Linux system calls for spt on x86_64 (syscall; rax, rdi, rsi, rdx, r10, r8, r9). */
#ifndef SPT_SYS_X86_64_H_INCLUDED
#define SPT_SYS_X86_64_H_INCLUDED

#include <stdint.h>

#define SYS_read 0
#define SYS_write 1
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_arch_prctl 158
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_epoll_pwait 281
#define SYS_timerfd_settime 286

#define ARCH_SET_FS 0x1002

/* The kernel's struct epoll_event is packed on x86_64 (12 bytes). */
struct sys_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

static inline long sys_call6(long n, long a0, long a1, long a2, long a3,
        long a4, long a5)
{
    long ret;
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    __asm__ __volatile__("syscall"
            : "=a"(ret)
            : "a"(n), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
            : "rcx", "r11", "memory");
    return ret;
}

#endif
