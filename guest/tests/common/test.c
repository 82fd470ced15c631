/* test.c: console helpers for the test unikernels. */
#include "test.h"

void test_puts(const char *s)
{
    solo5_console_write(s, strlen(s));
}

void test_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = lib_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        solo5_console_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void test_fail(const char *why)
{
    test_printf("FAILURE: %s\n", why);
    solo5_exit(SOLO5_EXIT_FAILURE);
}
