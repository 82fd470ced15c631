/* host.c: the libOS's raw host calls beyond the solo5 API, the same on every arch
 * (the syscall numbers are per arch, in arch_<arch>.h). Each is allowed by the libOS seccomp
 * policy (internal/spt/libos_policy.go). */
#include "libos.h"
#include "spt.h" /* sys_call6: the bindings' raw system call */

extern char libos_restorer[];

long host_sigaction(int sig, void (*fn)(int, void *, void *), uint64_t mask)
{
    struct k_sigaction sa = {
        .handler = (uint64_t)(uintptr_t)fn,
        .flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
        .restorer = (uint64_t)(uintptr_t)libos_restorer,
        .mask = mask,
    };
    return sys_call6(HOST_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
}

long host_sigaltstack(void *base, size_t size)
{
    struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss = {
        (uint64_t)(uintptr_t)base, 0, 0, size };
    return sys_call6(HOST_sigaltstack, (long)&ss, 0, 0, 0, 0, 0);
}

long host_setitimer_ms(unsigned ms)
{
    long us = (long)ms * 1000;
    struct { long isec, iusec, vsec, vusec; } it = { us / 1000000, us % 1000000,
        us / 1000000, us % 1000000 };
    return sys_call6(HOST_setitimer, 0 /* ITIMER_REAL */, (long)&it, 0, 0, 0, 0);
}

long host_madvise_dontneed(uintptr_t addr, size_t len)
{
    return sys_call6(HOST_madvise, (long)addr, (long)len, MADV_DONTNEED, 0, 0, 0);
}

/* TIOCGWINSZ on the host's fd 1: the size of the container's terminal now (8 bytes into
 * ws); 0 or -errno (ENOTTY when the console is not a terminal). */
long host_winsize(void *ws)
{
    return sys_call6(HOST_ioctl, 1, 0x5413 /* TIOCGWINSZ */, (long)ws, 0, 0, 0);
}

/* read(0) of the host's stdin, which the tender made non-blocking (--stdin): bytes, 0 at end
 * of file, -EAGAIN when nothing is there yet. buf is libOS memory (a bounce buffer). */
long host_read_stdin(void *buf, size_t n)
{
    long r;
    do
        r = sys_call6(HOST_read, 0, (long)buf, (long)n, 0, 0, 0);
    while (r == -4 /* EINTR */);
    return r;
}

void host_write_stderr(const char *buf, size_t n)
{
    while (n > 0) {
        long r = sys_call6(HOST_write, 2, (long)buf, (long)n, 0, 0, 0);
        if (r == -4 /* EINTR: a tick or a host signal came first */)
            continue;
        if (r <= 0)
            return; /* the host's stderr is gone or full: dropped, as the console's would be */
        buf += r;
        n -= (size_t)r;
    }
}

long host_mprotect_rw(uintptr_t addr, size_t len)
{
    return sys_call6(HOST_mprotect, (long)addr, (long)len, 3 /* PROT_READ|PROT_WRITE */, 0, 0, 0);
}

long host_mprotect_rx(uintptr_t addr, size_t len)
{
    return sys_call6(HOST_mprotect, (long)addr, (long)len, 5 /* PROT_READ|PROT_EXEC */, 0, 0, 0);
}
