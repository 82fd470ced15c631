/* block.c: hvt block devices: one aligned, in-range block per BLOCK_READ/WRITE. */
#include "hvt.h"

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
        const uint8_t *buf, size_t size)
{
    if (block_request_entry(handle, offset, size) == NULL)
        return SOLO5_R_EINVAL;
    struct hvt_hc_block_write w = { .handle = handle, .offset = offset,
                                    .data = (hvt_gpa_t)(uintptr_t)buf, .len = size };
    hvt_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &w);
    return (solo5_result_t)w.ret;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
        uint8_t *buf, size_t size)
{
    if (block_request_entry(handle, offset, size) == NULL)
        return SOLO5_R_EINVAL;
    struct hvt_hc_block_read r = { .handle = handle, .offset = offset,
                                   .data = (hvt_gpa_t)(uintptr_t)buf, .len = size };
    hvt_hypercall(HVT_HYPERCALL_BLOCK_READ, &r);
    return (solo5_result_t)r.ret;
}
