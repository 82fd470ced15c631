/* signal.h: signal numbers, sigaction flags and struct k_sigaction. */
#ifndef LINUX_SIGNAL_H
#define LINUX_SIGNAL_H
#include <stdint.h>
/* signals */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGURG 23
#define SIGWINCH 28
#define SIGSYS 31
#define NSIG 64


/* sigaction flags (the same on x86_64 and aarch64) */
#define SA_SIGINFO 0x4ULL
#define SA_ONSTACK 0x08000000ULL
#define SA_RESTORER 0x04000000ULL
#define SA_RESTART 0x10000000ULL
#define SA_NODEFER 0x40000000ULL
#define SA_RESETHAND 0x80000000ULL
#define SIG_DFL 0
#define SIG_IGN 1

/* siginfo_t (128 bytes, the same on x86_64 and aarch64): the fields the libOS reads and
 * writes. */
struct k_siginfo {
    int32_t si_signo, si_errno, si_code, pad0;
    union {
        struct { int32_t pid; uint32_t uid; } kill;   /* SI_USER, SI_TKILL */
        struct { uint64_t addr; } fault;              /* SIGSEGV, SIGBUS, SIGILL, SIGFPE */
        struct { uint64_t call_addr; int32_t syscall; uint32_t arch; } sys; /* SIGSYS */
        struct { int32_t pid; uint32_t uid; int32_t status; int32_t pad; int64_t utime, stime; } chld; /* SIGCHLD, waitid */
        uint8_t raw[112];
    } u;
};
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo_t is 128 bytes");
#define SI_TKILL (-6)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define SYS_SECCOMP 1

struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};

#endif
