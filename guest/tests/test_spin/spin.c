/* spin.c: a guest that never exits, for the tenders' SIGTERM/SIGINT handling. */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si __attribute__((unused)))
{
    /* The harness waits for this line before it sends the signal. */
    test_puts("SPINNING\n");
    for (;;)
        __asm__ __volatile__("" ::: "memory");
    return SOLO5_EXIT_FAILURE;
}
