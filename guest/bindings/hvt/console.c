/* console.c: hvt console output (PUTS) and exit (HALT). */
#include "hvt.h"

void platform_puts(const char *buf, size_t n)
{
    struct hvt_hc_puts p = { .data = (hvt_gpa_t)(uintptr_t)buf, .len = n };
    hvt_hypercall(HVT_HYPERCALL_PUTS, &p);
}

void hvt_halt(int status, void *cookie)
{
    struct hvt_hc_halt h = { .cookie = (hvt_gpa_t)(uintptr_t)cookie,
                             .exit_status = status };
    for (;;)
        hvt_hypercall(HVT_HYPERCALL_HALT, &h);
}

void platform_exit(int status)
{
    hvt_halt(status, NULL);
}
