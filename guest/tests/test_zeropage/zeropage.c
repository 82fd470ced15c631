/* zeropage.c: a write to address 8 must fault (nothing is mapped below 0x10000). */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    volatile int *p = (volatile int *)8;
    __asm__ __volatile__("" : "+r"(p)); /* opaque to the optimiser */
    *p = 1;
    test_fail("write to the zero page did not fault");
}
