/* timespec.c: the app's struct timespec arguments, checked and turned into nanoseconds,
 * and deadlines that saturate instead of wrapping. */
#include "libos.h"

#define NSEC 1000000000ULL

int timespec_in(uint64_t uptr, uint64_t *ns)
{
    struct k_timespec ts;
    if (copy_from_user(&ts, uptr, sizeof ts))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC)
        return -EINVAL;
    if ((uint64_t)ts.tv_sec > UINT64_MAX / NSEC - 1)
        *ns = NO_DEADLINE - 1;
    else
        *ns = (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
    return 0;
}

uint64_t deadline_after(uint64_t now, uint64_t ns)
{
    return now + ns < now || now + ns == NO_DEADLINE ? NO_DEADLINE - 1 : now + ns;
}
