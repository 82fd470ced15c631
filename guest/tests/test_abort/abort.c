/* abort.c: solo5_abort() ends the guest with status 255. */
#include "test.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    solo5_abort();
}
