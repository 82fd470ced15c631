/* tls_x86_64.c: TLS block layout for x86_64 (variant II: data below the thread pointer). */
#include "bindings.h"
#include "tls.h"

/* The TCB is only the self pointer that %fs:0 reads return. */
#define TCB_SIZE 8

size_t solo5_tls_size(void)
{
    return tls_block_size() + TCB_SIZE;
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls + tls_block_size();
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    if (tls == 0)
        return SOLO5_R_EINVAL;
    uintptr_t tp = solo5_tls_tp_offset(tls);
    memcpy((void *)tls, _stdata, tls_data_size());
    memset((void *)(tls + tls_data_size()), 0, tls_block_size() - tls_data_size());
    *(uintptr_t *)tp = tp;
    return SOLO5_R_OK;
}
