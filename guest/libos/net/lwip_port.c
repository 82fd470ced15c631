/* lwip_port.c: what lwIP asks of its platform: the clock, memory, random numbers, diagnostics. */
#include "libos.h"
#include "lwip/opt.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
    return (u32_t)(now_ns() / 1000000ULL);
}

void *net_lwip_malloc(size_t n)
{
    return kalloc(n);
}

void *net_lwip_calloc(size_t n, size_t size)
{
    return kcalloc(n, size);
}

void net_lwip_free(void *p)
{
    kfree(p);
}

uint32_t net_rand32(void)
{
    uint32_t v;
    rnd_fill(&v, sizeof v);
    return v;
}

void net_lwip_diag(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    lib_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    LOG("lwip: %s", buf);
}

void net_lwip_assert(const char *msg, const char *file, int line)
{
    LOG("lwip: assertion \"%s\" failed at %s:%d\n", msg, file, line);
    libos_exit(134);
}

int atoi(const char *s)
{
    int neg = 0, v = 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9' && v < 100000000)
        v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}
