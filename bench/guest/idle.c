/* idle.c: a Solo5 guest that says it is up, then sleeps in solo5_yield until killed. */
#include "solo5.h"

#define HOUR_NS (3600ULL * 1000000000ULL)

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_console_write("IDLE\n", 5);
    for (;;)
        solo5_yield(solo5_clock_monotonic() + HOUR_NS, NULL);
    return SOLO5_EXIT_SUCCESS;
}
