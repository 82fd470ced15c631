/* tls_aarch64.c: TLS block layout for aarch64 (variant I: 16-byte TCB, then the data). */
#include "bindings.h"
#include "tls.h"

#define TCB_SIZE 16

size_t solo5_tls_size(void)
{
    return TCB_SIZE + tls_block_size();
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls;
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    if (tls == 0)
        return SOLO5_R_EINVAL;
    uintptr_t *tcb = (uintptr_t *)tls;
    tcb[0] = tls;
    tcb[1] = 0;
    memcpy((void *)(tls + TCB_SIZE), _stdata, tls_data_size());
    memset((void *)(tls + TCB_SIZE + tls_data_size()), 0,
            tls_block_size() - tls_data_size());
    return SOLO5_R_OK;
}
