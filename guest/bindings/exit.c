/* exit.c: solo5_exit, solo5_abort and the bindings' own fatal errors. */
#include "bindings.h"

void solo5_exit(int status)
{
    log_printf(LOG_INFO, "Solo5: solo5_exit(%d) called\n", status);
    platform_exit(status & 0xff);
}

void solo5_abort(void)
{
    log_printf(LOG_ERROR, "Solo5: solo5_abort() called\n");
    platform_exit(SOLO5_EXIT_ABORT);
}

void bindings_panic(const char *msg)
{
    log_printf(LOG_ERROR, "Solo5: ABORT: %s\n", msg);
    platform_exit(SOLO5_EXIT_ABORT);
}
