/* ssp.c: overflowing a stack buffer is caught by the stack protector (abort, 255). */
#include "test.h"

/* Volatile so the compiler cannot see the overflow coming. */
static volatile size_t overflow_len = 64;

static __attribute__((noinline)) void smash(size_t n)
{
    char buf[16];
    volatile char *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = 'A';
    __asm__ __volatile__("" : : "r"(buf) : "memory");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    smash(overflow_len);
    test_fail("stack smash not detected");
}
