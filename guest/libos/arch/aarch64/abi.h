/* abi.h: aarch64 Linux ABI layouts: saved user context, ucontext offsets, struct stat
 * (asm-generic), struct epoll_event, the open flags that differ per arch, host call numbers. */
#ifndef ARCH_AARCH64_H_INCLUDED
#define ARCH_AARCH64_H_INCLUDED

#include <stdint.h>

#define ARCH_SYSCALL_LEN 4

struct arch_ctx {
    uint64_t x[31];
    uint64_t sp, pc, pstate;
    uint32_t fpsr, fpcr;
    int has_fp;
    __uint128_t v[32] __attribute__((aligned(16)));
};

/* ucontext as the kernel lays it out: uc_flags, uc_link, uc_stack (24), uc_sigmask padded
 * to 128 bytes, then the 16-aligned struct sigcontext: fault_address, regs[31], sp, pc,
 * pstate, __reserved[4096] (a list of records; the FP/SIMD one is first). */
#define UC_MCTX 176
#define SC_REGS (UC_MCTX + 8)
#define SC_SP (SC_REGS + 31 * 8)
#define SC_PC (SC_SP + 8)
#define SC_PSTATE (SC_PC + 8)
#define SC_RESERVED (UC_MCTX + 288)
#define FPSIMD_MAGIC 0x46508001u

/* Host syscall numbers of the shared host calls (host.c). */
#define HOST_read 63
#define HOST_write 64
#define HOST_rt_sigaction 134
#define HOST_sigaltstack 132
#define HOST_setitimer 103
#define HOST_mprotect 226
#define HOST_madvise 233
#define HOST_ioctl 29

/* open flags that differ between x86_64 and aarch64 (arch/arm64/include/uapi/asm/fcntl.h) */
#define O_DIRECTORY 040000
#define O_NOFOLLOW 0100000
#define O_DIRECT 0200000
#define O_LARGEFILE 0400000

/* struct stat (include/uapi/asm-generic/stat.h), 128 bytes */
struct k_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    uint32_t unused[2];
};
_Static_assert(sizeof(struct k_stat) == 128, "aarch64 struct stat is 128 bytes");

/* struct epoll_event is naturally aligned on aarch64: 16 bytes */
struct k_epoll_event {
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct k_epoll_event) == 16, "aarch64 epoll_event is 16 bytes");

#endif
