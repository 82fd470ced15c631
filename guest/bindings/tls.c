/* tls.c: solo5_set_tls_base, common to every architecture and target. */
#include "bindings.h"

solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    return platform_set_tls_base(base) == 0 ? SOLO5_R_OK : SOLO5_R_EINVAL;
}
