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

struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};

#endif
