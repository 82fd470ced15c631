/* puts.c: N one-byte console writes (N from the command line, default 100000), a
 * hypercall round-trip benchmark that doubles as a test of many small puts. */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    unsigned long n = 100000;
    const char *p = si->cmdline;

    if (*p) {
        n = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || n > 100000000UL)
                test_fail("argument must be a count of at most 10^8");
            n = n * 10 + (unsigned long)(*p - '0');
        }
    }
    for (unsigned long i = 0; i < n; i++)
        solo5_console_write(".", 1);
    test_puts("\nSUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
