/* block.c: hvt block devices: one aligned, in-range block per BLOCK_READ/WRITE. */
#include "hvt.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
        struct solo5_block_info *info)
{
    unsigned index;
    const struct mft_entry *e = mft_get_by_name(name, MFT_DEV_BLOCK_BASIC, &index);
    if (e == NULL || handle == NULL || info == NULL)
        return SOLO5_R_EINVAL;
    *handle = index;
    info->capacity = e->u.block_basic.capacity;
    info->block_size = e->u.block_basic.block_size;
    log_printf(LOG_INFO, "Solo5: Application acquired '%s' as block device\n", name);
    return SOLO5_R_OK;
}

/* The tender only checks the range; the one-block, aligned rule of the API is ours. */
static int check(solo5_handle_t handle, solo5_off_t offset, size_t size)
{
    const struct mft_entry *e = mft_get_by_index(handle, MFT_DEV_BLOCK_BASIC);
    if (e == NULL)
        return 0;
    uint64_t bs = e->u.block_basic.block_size;
    uint64_t cap = e->u.block_basic.capacity;
    return bs != 0 && size == bs && offset % bs == 0 && cap >= bs && offset <= cap - bs;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
        const uint8_t *buf, size_t size)
{
    if (!check(handle, offset, size))
        return SOLO5_R_EINVAL;
    struct hvt_hc_block_write w = { .handle = handle, .offset = offset,
                                    .data = (hvt_gpa_t)(uintptr_t)buf, .len = size };
    hvt_hypercall(HVT_HYPERCALL_BLOCK_WRITE, &w);
    return (solo5_result_t)w.ret;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
        uint8_t *buf, size_t size)
{
    if (!check(handle, offset, size))
        return SOLO5_R_EINVAL;
    struct hvt_hc_block_read r = { .handle = handle, .offset = offset,
                                   .data = (hvt_gpa_t)(uintptr_t)buf, .len = size };
    hvt_hypercall(HVT_HYPERCALL_BLOCK_READ, &r);
    return (solo5_result_t)r.ret;
}
