/* time.c: monotonic clock advances, yield sleeps as long as asked, the wall clock is sane. */
#include "test.h"

#define MSEC 1000000ULL
#define SEC (1000 * MSEC)
/* 2017-01-01T00:00:00Z */
#define WALL_2017 (1483228800ULL * SEC)
#define SLACK (100 * MSEC)

static void check_sleep(solo5_time_t ns)
{
    solo5_time_t start = solo5_clock_monotonic();
    solo5_yield(start + ns, NULL);
    solo5_time_t took = solo5_clock_monotonic() - start;
    if (took + SLACK < ns || took > ns + SLACK) {
        test_printf("asked %llu ms, slept %llu ms\n", (unsigned long long)(ns / MSEC),
                (unsigned long long)(took / MSEC));
        test_fail("yield did not sleep as asked");
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_time_t t0 = solo5_clock_monotonic();
    solo5_time_t t1 = t0;
    for (long i = 0; i < 100000000L && t1 == t0; i++)
        t1 = solo5_clock_monotonic();
    if (t1 <= t0)
        test_fail("monotonic clock does not advance");

    /* A deadline already passed (or 0) must not block. */
    solo5_time_t before = solo5_clock_monotonic();
    solo5_yield(before, NULL);
    solo5_yield(0, NULL);
    if (solo5_clock_monotonic() - before > SLACK)
        test_fail("yield(now) blocked");

    check_sleep(100 * MSEC);
    check_sleep(250 * MSEC);
    check_sleep(500 * MSEC);

    if (solo5_clock_wall() < WALL_2017)
        test_fail("wall clock is before 2017");

    test_puts("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
