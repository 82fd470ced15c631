/* spt_abi.h: what the spt tender gives the guest at entry (ABI version 2). */
#ifndef SPT_ABI_H_INCLUDED
#define SPT_ABI_H_INCLUDED

#include <stdint.h>

#define SPT_ABI_VERSION 2

#define SPT_HOST_MEM_BASE 0x10000UL   /* guest memory starts here (identity mapped) */
#define SPT_BOOT_INFO_BASE 0x11000UL  /* struct spt_boot_info; mft copy then cmdline follow */
#define SPT_GUEST_MIN_BASE 0x100000UL /* lowest address of a loadable segment */
#define SPT_CMDLINE_SIZE 8192         /* including the NUL */
#define SPT_INTERNAL_TIMERFD 0xfffffffeU /* epoll data of the tender's timerfd */

/* 40 bytes: mem_size 0, kernel_end 8, cmdline 16, mft 24, epollfd 32, timerfd 36. */
struct spt_boot_info {
    uint64_t mem_size;
    uint64_t kernel_end;
    const char *cmdline;
    const void *mft;
    int epollfd;
    int timerfd;
};

#endif /* SPT_ABI_H_INCLUDED */
