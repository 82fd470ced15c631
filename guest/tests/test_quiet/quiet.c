/* quiet.c: under --solo5:quiet the bindings print nothing, and the option is stripped. */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    if (si->cmdline[0] != '\0')
        test_fail("--solo5:quiet was not removed from the command line");
    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
