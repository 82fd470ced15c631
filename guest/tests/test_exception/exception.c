/* exception.c: a write far above guest memory must fault (spt: the process dies by SIGSEGV). */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    /* 16 GiB: above any guest memory size and below where the host maps anything. */
    volatile int *p = (volatile int *)(2ULL << 33);
    __asm__ __volatile__("" : "+r"(p)); /* opaque to the optimiser */
    *p = 1;
    test_fail("write to unmapped memory did not fault");
}
