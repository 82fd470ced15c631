/* console.c: spt console output (write to fd 1) and exit (exit_group). */
#include "spt.h"

void platform_puts(const char *buf, size_t n)
{
    while (n > 0) {
        long r = sys_call3(SYS_write, 1, buf, n);
        if (r == -SYS_EINTR)
            continue;
        if (r <= 0)
            return; /* best effort */
        buf += r;
        n -= (size_t)r;
    }
}

void platform_exit(int status)
{
    for (;;)
        sys_call3(SYS_exit_group, status, 0, 0);
}
