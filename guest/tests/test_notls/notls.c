/* notls.c: the bindings start the application with TLS base 0, so a TLS access faults. */
#include "test.h"

static __thread volatile int tls_var = 1;

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    int v = tls_var; /* thread pointer 0: the access lands in unmapped low or high memory */
    test_printf("TLS read %d without a TLS base\n", v);
    test_fail("TLS access without a base did not fault");
}
