/* hello.c: console output and command line passing. */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    test_puts("Hello, World\n");
    test_puts("Command line is: '");
    test_puts(si->cmdline);
    test_puts("'\n");
    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
