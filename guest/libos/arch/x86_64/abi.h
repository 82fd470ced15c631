/* abi.h: x86_64 Linux ABI layouts: saved user context, ucontext offsets, struct stat,
 * struct epoll_event, the open flags that differ per arch, host call numbers. */
#ifndef ARCH_X86_64_H_INCLUDED
#define ARCH_X86_64_H_INCLUDED

#include <stdint.h>

#define ARCH_NGREGS 18   /* r8..r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags */
#define ARCH_FP_MAX 4096 /* the largest xsave area we accept (AVX-512 needs ~2.7 KiB) */
#define ARCH_SYSCALL_LEN 2

struct arch_ctx {
    uint64_t g[ARCH_NGREGS];
    uint32_t fpsize;
    uint8_t fp[ARCH_FP_MAX] __attribute__((aligned(64)));
};

/* ucontext as the kernel lays it out: uc_flags, uc_link, uc_stack (24 bytes), then struct
 * sigcontext, whose first 24 words are the registers below, in this order. */
#define UC_GREGS 40
enum { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP, RIP,
       EFLAGS, CSGSFS, ERR, TRAPNO, OLDMASK, CR2, FPSTATE };

/* Host syscall numbers of the shared host calls (host.c). */
#define HOST_read 0
#define HOST_write 1
#define HOST_rt_sigaction 13
#define HOST_sigaltstack 131
#define HOST_setitimer 38
#define HOST_mprotect 10
#define HOST_madvise 28
#define HOST_ioctl 16

/* open flags that differ between x86_64 and aarch64 */
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000

/* struct stat (arch/x86/include/uapi/asm/stat.h), 144 bytes */
struct k_stat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    int64_t unused[3];
};
_Static_assert(sizeof(struct k_stat) == 144, "x86_64 struct stat is 144 bytes");

/* struct epoll_event is packed on x86_64: 12 bytes */
struct __attribute__((packed)) k_epoll_event {
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct k_epoll_event) == 12, "x86_64 epoll_event is 12 bytes");

#endif
