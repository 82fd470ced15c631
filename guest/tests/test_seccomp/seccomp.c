/* seccomp.c: a forbidden system call kills the spt guest (SIGSYS, 159). */
#include "test.h"
#include "seccomp.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    long r = raw_dup(1);
    test_printf("dup(1) returned %ld\n", r);
    test_fail("forbidden system call was allowed");
}
