/* linux.h: the Linux ABI values the library OS emulates (errnos, flags, structs, its call list). */
#ifndef LINUX_H_INCLUDED
#define LINUX_H_INCLUDED

#include <stdint.h>

/* errno values (the same on x86_64 and aarch64) */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EEXIST 17
#define EINVAL 22
#define EMFILE 24
#define ENODEV 19
#define ENOTTY 25
#define ESPIPE 29
#define EPIPE 32
#define ERANGE 34
#define ENOSYS 38
#define ETIMEDOUT 110

/* The calls the libOS knows, numbered its own way; each arch maps its numbers to these. */
enum sc {
    SC_read = 1, SC_write, SC_readv, SC_writev, SC_pread64, SC_close, SC_openat, SC_open,
    SC_fstat, SC_newfstatat, SC_stat, SC_lseek, SC_ioctl, SC_fcntl, SC_pipe2, SC_pipe,
    SC_eventfd2, SC_eventfd, SC_epoll_create1, SC_epoll_create, SC_epoll_ctl,
    SC_epoll_pwait, SC_epoll_wait, SC_dup, SC_dup3, SC_dup2,
    SC_mmap, SC_munmap, SC_mprotect, SC_madvise, SC_brk, SC_mincore,
    SC_clone, SC_futex, SC_set_tid_address, SC_set_robust_list, SC_rseq,
    SC_gettid, SC_getpid, SC_getppid, SC_tgkill, SC_tkill, SC_kill, SC_exit, SC_exit_group,
    SC_sched_yield, SC_sched_getaffinity, SC_nanosleep, SC_clock_nanosleep,
    SC_clock_gettime, SC_clock_getres, SC_gettimeofday, SC_time,
    SC_rt_sigaction, SC_rt_sigprocmask, SC_sigaltstack, SC_rt_sigreturn,
    SC_arch_prctl, SC_prctl, SC_prlimit64, SC_getrlimit, SC_setrlimit, SC_uname,
    SC_getuid, SC_geteuid, SC_getgid, SC_getegid, SC_getgroups, SC_getrandom,
    SC_readlink, SC_readlinkat, SC_access, SC_faccessat, SC_getcwd, SC_membarrier,
    SC_MAX
};

/* mmap */
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MADV_DONTNEED 4
#define MADV_FREE 8

/* clone */
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_VFORK 0x4000
#define CLONE_THREAD 0x10000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000

/* futex */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

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

/* files */
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define EFD_SEMAPHORE 1
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDHUP 0x2000
#define EPOLLET (1u << 31)
#define EPOLLONESHOT (1u << 30)

/* signals */
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#define SIGALRM 14
#define SIGSYS 31
#define NSIG 64

struct k_timespec {
    long tv_sec;
    long tv_nsec;
};

struct k_iovec {
    uint64_t base;
    uint64_t len;
};

/* sigaction flags (the same on x86_64 and aarch64) */
#define SA_SIGINFO 0x4ULL
#define SA_ONSTACK 0x08000000ULL
#define SA_RESTORER 0x04000000ULL

struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};

struct k_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

struct k_rlimit {
    uint64_t cur, max;
};

#endif
